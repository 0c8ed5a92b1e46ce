#include "core/Options.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/Error.hpp"

namespace po = boost::program_options;

namespace pk {

namespace {

// The INI file's lines that `command` reads: those before any section (`shared`) and
// those of section [command] (`own`). Other sections belong to other commands.
struct IniLines {
  std::string shared, own;
};

IniLines linesFor(const std::string& path, const std::string& command) {
  std::error_code ignored;
  std::ifstream ini(path);
  PK_REQUIRE(std::filesystem::is_regular_file(path, ignored) && ini.good(),
             "cannot read the config file '" + path + "'");
  IniLines lines;
  std::string line, section;
  bool inSection = false;
  while (std::getline(ini, line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] == '[') {
      const auto close = line.find(']', first);
      PK_REQUIRE(close != std::string::npos, "malformed section line '" + line + "' in the config file '" + path + "'");
      section = line.substr(first + 1, close - first - 1);
      inSection = true;
      continue;
    }
    if (!inSection) lines.shared += line + "\n";
    if (inSection && section == command) lines.own += line + "\n";
  }
  return lines;
}

}  // namespace

void parseOptions(int argc, const char* const* argv, const po::options_description& d, po::variables_map& vm,
                  const std::string& command) {
  try {
    // No positional options: a stray word ("--hidden 16 16") is an error, not silently dropped.
    po::store(po::command_line_parser(argc, argv).options(d).positional(po::positional_options_description()).run(),
              vm);
    if (!vm.count("help") && d.find_nothrow("config", false) && vm.count("config")) {
      const IniLines lines = linesFor(vm["config"].as<std::string>(), command);
      // store() never overwrites: the command line wins over the command's section,
      // which wins over the keys shared by every command.
      std::istringstream own(lines.own), shared(lines.shared);
      po::store(po::parse_config_file(own, d), vm);
      po::store(po::parse_config_file(shared, d), vm);
    }
    po::notify(vm);
  } catch (const po::too_many_positional_options_error&) {
    throw InputError("unexpected argument: every option is --name value (see pathkernel " + command + " --help)");
  } catch (const po::error& e) {
    throw InputError(std::string("bad option: ") + e.what() + " (see pathkernel " + command + " --help)");
  }
}

bool parseOptionsWithPetsc(int argc, const char* const* argv, const po::options_description& d, po::variables_map& vm,
                           const std::string& command, std::string& petscOptions) {
  const std::string seeHelp = " (see pathkernel " + command + " --help)";
  // One-dash words go to PETSc, but -h is what every other command takes for help.
  for (int k = 1; k < argc; ++k)
    if (std::string(argv[k]) == "-h") return false;
  try {
    const auto style = po::command_line_style::allow_long | po::command_line_style::long_allow_adjacent |
                       po::command_line_style::long_allow_next;
    const auto parsed = po::command_line_parser(argc, argv).options(d).style(style).allow_unregistered().run();
    po::store(parsed, vm);
    if (vm.count("help")) return false;
    po::notify(vm);
    petscOptions.clear();
    const auto tokens = po::collect_unrecognized(parsed.options, po::include_positional);
    for (std::size_t k = 0; k < tokens.size(); ++k) {
      const std::string& t = tokens[k];
      PK_REQUIRE(t.rfind("--", 0) != 0, "unknown option '" + t + "'" + seeHelp);
      // PETSc options start with one dash; their values follow as separate tokens.
      PK_REQUIRE(k > 0 || (t.size() > 1 && t[0] == '-'), "unexpected argument '" + t + "'" + seeHelp);
      petscOptions += (petscOptions.empty() ? "" : " ") + t;
    }
  } catch (const po::error& e) {
    throw InputError(std::string("bad option: ") + e.what() + seeHelp);
  }
  return true;
}

std::vector<std::string> givenOptions(const po::variables_map& vm) {
  std::vector<std::string> given;
  for (const auto& [name, value] : vm)
    if (!value.defaulted()) given.push_back(name);
  return given;
}

}  // namespace pk

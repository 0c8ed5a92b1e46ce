#include "dynamics/DynamicsSettings.hpp"

#include <boost/program_options.hpp>

#include <iostream>
#include <sstream>

#include "core/Error.hpp"
#include "core/NameTable.hpp"

namespace po = boost::program_options;

namespace pk::dynamics {

namespace {

constexpr NameTable<Format, 3> kFormatNames = {{Format::Table, "table"}, {Format::Csv, "csv"}, {Format::Json, "json"}};

po::options_description describeDynamicsOptions(DynamicsSettings& s) {
  po::options_description d("pathkernel dynamics options");
  // clang-format off
  d.add_options()
      ("help", "print this help and exit")
      ("run", po::value(&s.run), "run file written by pathkernel train --snapshots (never modified)")
      ("out", po::value(&s.out), "output HDF5 file; default: RUN.h5 -> RUN.dynamics.h5")
      ("kernels", po::value(&s.kernels)->default_value(s.kernels),
       "matrices measured: all (the snapshots, K^p, and its layers when stored), or a list of snapshots, path, layers")
      ("eigen", po::value(&s.eigen)->default_value(s.eigen),
       "the K largest eigenvalues of (K + K^T)/2 of every matrix, with SLEPc (0: none)")
      ("eigenvectors", po::bool_switch(&s.eigenvectors), "also keep their eigenvectors (in the output file)")
      ("format", po::value(&s.format)->default_value(s.format), "table|csv|json (csv and json at full precision)")
      ("force", po::bool_switch(&s.force), "replace the output file if it exists")
      ("bench", po::bool_switch(&s.bench),
       "also time a dense LAPACK eigensolve of the last snapshot against SLEPc's (gathers it on rank 0)");
  // clang-format on
  return d;
}

// PETSc options start with one dash; their values follow as separate tokens.
// A stray word in front of the first option is an error.
std::string petscTokens(const std::vector<std::string>& tokens) {
  std::string joined;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const std::string& t = tokens[k];
    PK_REQUIRE(t.rfind("--", 0) != 0, "unknown option '" + t + "' (see pathkernel dynamics --help)");
    PK_REQUIRE(k > 0 || (t.size() > 1 && t[0] == '-'),
               "unexpected argument '" + t + "' (see pathkernel dynamics --help)");
    joined += (joined.empty() ? "" : " ") + t;
  }
  return joined;
}

// Runs one check and keeps its message, so that every problem is reported at once.
template <typename Check>
void collect(std::vector<std::string>& problems, Check check) {
  try {
    check();
  } catch (const InputError& e) {
    problems.push_back(e.what());
  }
}

}  // namespace

bool parseDynamicsSettings(int argc, const char* const* argv, DynamicsSettings& s, bool printHelp) {
  auto description = describeDynamicsOptions(s);
  po::variables_map vm;
  try {
    // No short options and no guessing: "-eps_type" must reach PETSc untouched.
    const auto style = po::command_line_style::allow_long | po::command_line_style::long_allow_adjacent |
                       po::command_line_style::long_allow_next;
    const auto parsed =
        po::command_line_parser(argc, argv).options(description).style(style).allow_unregistered().run();
    po::store(parsed, vm);
    if (vm.count("help")) {
      if (printHelp)
        std::cout << "usage: pathkernel dynamics --run RUN.h5 [options] [SLEPc options: -eps_type krylovschur "
                     "-eps_tol 1e-12 ...]\n\n"
                  << description << "\n";
      return false;
    }
    po::notify(vm);
    s.petscOptions = petscTokens(po::collect_unrecognized(parsed.options, po::include_positional));
  } catch (const po::error& e) {
    throw InputError(std::string("bad option: ") + e.what() + " (see pathkernel dynamics --help)");
  }
  return true;
}

KernelSelection parseKernelSelection(const std::string& text) {
  KernelSelection k;
  if (text == "all") {
    k.snapshots = k.path = k.layers = k.all = true;
    return k;
  }
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (item == "snapshots")
      k.snapshots = true;
    else if (item == "path")
      k.path = true;
    else if (item == "layers")
      k.layers = true;
    else
      throw InputError("--kernels: unknown kernel '" + item + "' (allowed: all, or a list of snapshots, path, layers)");
  }
  PK_REQUIRE(k.snapshots || k.path || k.layers, "--kernels: give all, or at least one of snapshots, path, layers");
  return k;
}

Format parseFormat(const std::string& text) {
  const Format* format = findByName(kFormatNames, text);
  PK_REQUIRE(format != nullptr, "--format: unknown format '" + text + "' (allowed: " + nameList(kFormatNames) + ")");
  return *format;
}

std::vector<std::string> validate(const DynamicsSettings& s) {
  std::vector<std::string> problems;
  if (s.run.empty()) problems.push_back("--run: the run file is required");
  collect(problems, [&] { parseKernelSelection(s.kernels); });
  collect(problems, [&] { parseFormat(s.format); });
  if (s.eigen < 0) problems.push_back("--eigen: must be >= 0 (0: no eigenvalues)");
  if (s.eigenvectors && s.eigen == 0) problems.push_back("--eigenvectors needs --eigen K with K >= 1");
  if (s.bench && s.eigen == 0) problems.push_back("--bench compares eigensolvers: give --eigen K with K >= 1");
  if (!s.run.empty() && dynamicsOutputPath(s) == s.run)
    problems.push_back("--out: must differ from the run file (the run file is never modified)");
  return problems;
}

std::string dynamicsOutputPath(const DynamicsSettings& s) {
  if (!s.out.empty()) return s.out;
  const std::string suffix = ".h5";
  const bool h5 =
      s.run.size() > suffix.size() && s.run.compare(s.run.size() - suffix.size(), suffix.size(), suffix) == 0;
  return (h5 ? s.run.substr(0, s.run.size() - suffix.size()) : s.run) + ".dynamics.h5";
}

}  // namespace pk::dynamics

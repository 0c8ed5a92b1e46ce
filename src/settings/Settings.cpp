#include "settings/Settings.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>
#include <type_traits>
#include <variant>

#include "core/Error.hpp"
#include "core/FilePath.hpp"
#include "core/Options.hpp"
#include "core/Text.hpp"
#include "settings/SettingsTable.hpp"

namespace po = boost::program_options;

namespace pk {

po::options_description describeTrainOptions(TrainArguments& s) {
  po::options_description d("training options");
  d.add_options()("help,h", "print this help and exit");
  for (const Setting& setting : settingsTable()) {
    const char* name = setting.name;
    const char* help = setting.help.c_str();
    std::visit(
        [&](auto member) {
          auto& store = s.*member;
          using Field = std::decay_t<decltype(store)>;
          if constexpr (std::is_same_v<Field, bool>) {
            d.add_options()(name, po::bool_switch(&store), help);
          } else if constexpr (std::is_same_v<Field, std::string>) {
            // Text without a default (--snapshots, --checkpoint, ...) shows none.
            if (store.empty())
              d.add_options()(name, po::value(&store), help);
            else
              d.add_options()(name, po::value(&store)->default_value(store), help);
          } else if constexpr (std::is_same_v<Field, double>) {
            // Numbers that do not parse are reported by validate() with every other problem.
            d.add_options()(
                name, checkedValue(&store, &s.parseProblems, name)->default_value(store, formatNumber("%g", store)),
                help);
          } else {
            d.add_options()(name, checkedValue(&store, &s.parseProblems, name)->default_value(store), help);
          }
        },
        setting.field);
  }
  return d;
}

bool parseTrainArguments(int argc, const char* const* argv, TrainArguments& s, bool printHelp) {
  auto description = describeTrainOptions(s);
  po::variables_map vm;
  parseOptions(argc, argv, description, vm, "train");
  s.given = givenOptions(vm);
  if (vm.count("help")) {
    if (printHelp) std::cout << "usage: pathkernel train [options]\n\n" << description << "\n";
    return false;
  }
  return true;
}

namespace {
// An item of a comma-separated list of integers: the whole item must be the number.
std::optional<std::int64_t> wholeNumber(const std::string& item) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(item, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (item.empty() || used != item.size()) return std::nullopt;
  return value;
}
}  // namespace

std::vector<std::int64_t> parseHidden(const std::string& text) {
  if (text == "none") return {};
  const std::string malformed =
      "malformed --hidden '" + text + "': expected comma-separated widths >= 1 (e.g. 64,64) or none";
  std::vector<std::int64_t> widths;
  for (const auto& item : splitList(text)) {
    const auto value = wholeNumber(item);
    PK_REQUIRE(value.has_value(), malformed);
    PK_REQUIRE(*value >= 1 && *value <= 1000000, "--hidden '" + text + "': each width must be in 1..1000000");
    widths.push_back(*value);
  }
  PK_REQUIRE(!widths.empty() && text.back() != ',', malformed);
  return widths;
}

std::vector<std::int64_t> parseInputShape(const std::string& text) {
  // "none" is how /config's text form names no shape (as for --hidden).
  if (text.empty() || text == "none") return {};
  const std::string malformed =
      "malformed --input-shape '" + text + "': expected C,H,W, three integers >= 1 (e.g. 1,28,28)";
  std::vector<std::int64_t> shape;
  for (const auto& item : splitList(text)) {
    const auto value = wholeNumber(item);
    PK_REQUIRE(value.has_value() && *value >= 1 && *value <= 1000000, malformed);
    shape.push_back(*value);
  }
  PK_REQUIRE(shape.size() == 3 && text.back() != ',', malformed);
  return shape;
}

std::string hiddenText(const std::vector<std::int64_t>& widths) {
  if (widths.empty()) return "none";
  std::string text;
  for (auto w : widths) text += (text.empty() ? "" : ",") + std::to_string(w);
  return text;
}

std::vector<LayerSpec> layersOf(const TrainArguments& s) {
  if (s.layers.empty() && !s.wasGiven("layers")) return denseLayers(parseHidden(s.hidden));
  PK_REQUIRE(!s.wasGiven("hidden"),
             "--hidden and --layers given together: give one (--hidden 16,16 is --layers "
             "dense:16,dense:16)");
  return parseLayers(s.layers);
}

namespace {

// The built-in generator's options mean nothing for a data file: given with one, they
// would be ignored silently, so they are refused.
void checkBuiltinOnly(const TrainArguments& s, std::vector<std::string>& problems) {
  if (isBuiltin(s.data)) return;
  std::string ignored;
  int count = 0;
  for (const char* name : {"n-train", "n-test", "inputs", "data-seed"})
    if (s.wasGiven(name)) {
      ignored += std::string(ignored.empty() ? "" : ", ") + "--" + name;
      ++count;
    }
  if (count > 0)
    problems.push_back(ignored + (count > 1 ? " apply" : " applies") + " to built-in data only: with the data file '" +
                       s.data + "' the sizes come from the file (remove " + (count > 1 ? "them)" : "it)"));
}

// Another optimizer's options would be ignored silently: given, they are refused.
void checkOptimizerOnly(const TrainArguments& s, std::vector<std::string>& problems) {
  const bool momentum = s.optimizer == "momentum", adam = s.optimizer == "adam" || s.optimizer == "adamw";
  if (!momentum && s.wasGiven("momentum"))
    problems.push_back("--momentum applies to --optimizer momentum only, not to '" + s.optimizer + "' (remove it)");
  for (const char* name : {"beta1", "beta2", "adam-eps"})
    if (!adam && s.wasGiven(name))
      problems.push_back(std::string("--") + name + " applies to --optimizer adam or adamw only, not to '" +
                         s.optimizer + "' (remove it)");
}

void checkFiles(const TrainArguments& s, std::vector<std::string>& problems) {
  const std::string checkpoint = checkpointFile(s);
  if (samePath(checkpoint, s.out) || samePath(checkpoint, s.data))
    problems.push_back("--checkpoint must differ from --out and --data");
  if (!s.restart.empty() && (samePath(s.restart, s.out) || samePath(s.restart, s.data)))
    problems.push_back("--restart must differ from --out and --data");
  if (samePath(s.out, s.data)) problems.push_back("--out must not be the input data file");
  if (!s.pidFile.empty() &&
      (samePath(s.pidFile, s.out) || samePath(s.pidFile, s.data) || samePath(s.pidFile, checkpoint)))
    problems.push_back("--pid-file must differ from --out, --data and --checkpoint");
}

}  // namespace

TrainArguments::TrainArguments() {
  for (const Setting& setting : settingsTable()) setArgument(*this, setting, setting.byDefault);
}

std::string checkpointFile(const TrainArguments& s) {
  return s.checkpoint.empty() ? s.out + ".ckpt" : s.checkpoint;
}

bool TrainArguments::wasGiven(const std::string& name) const {
  return std::find(given.begin(), given.end(), name) != given.end();
}

namespace {

// Every setting checked and typed by its entry, each problem collected: the
// parse of each value happens once, here.
TrainSettings typedSettings(const TrainArguments& s, std::vector<std::string>& problems) {
  problems = s.parseProblems;
  TrainSettings t;
  for (const Setting& setting : settingsTable()) collectProblem(problems, [&] { setting.resolve(s, t); });
  checkBuiltinOnly(s, problems);
  checkOptimizerOnly(s, problems);
  checkFiles(s, problems);
  return t;
}

}  // namespace

std::vector<std::string> validate(const TrainArguments& s) {
  std::vector<std::string> problems;
  typedSettings(s, problems);
  return problems;
}

TrainSettings resolveSettings(const TrainArguments& s) {
  std::vector<std::string> problems;
  TrainSettings t = typedSettings(s, problems);
  requireValidSettings(problems);
  return t;
}

}  // namespace pk

#include "run/Settings.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/Error.hpp"
#include "core/Text.hpp"
#include "model/Activation.hpp"
#include "model/Loss.hpp"
#include "model/Mlp.hpp"

namespace po = boost::program_options;

namespace pk {

po::options_description describeTrainOptions(TrainSettings& s) {
  po::options_description d("training options");
  auto shortText = [](double v) { return formatNumber("%g", v); };
  // clang-format off
  d.add_options()
      ("help,h", "print this help and exit")
      ("config", po::value(&s.config), "INI file with any of these options (key = value); the command line wins")
      ("data", po::value(&s.data)->default_value(s.data),
       "training data: an HDF5 file with /train/X, /train/y (README: Input data) or builtin:regression|regression2|moons|blobs")
      ("out", po::value(&s.out)->default_value(s.out), "output HDF5 run file")
      ("hidden", po::value(&s.hidden)->default_value(s.hidden), "hidden widths, comma-separated, or none (linear model)")
      ("activation", po::value(&s.activation)->default_value(s.activation), "tanh|relu|softplus|gelu|identity")
      ("param", po::value(&s.param)->default_value(s.param), "parameterization: standard|ntk")
      ("loss", po::value(&s.loss)->default_value(s.loss),
       "mse|logistic|softmax, or auto: the loss the data names (a data file's root attribute loss; "
       "regression: mse, moons: logistic, blobs: softmax), mse if it names none")
      ("lr", po::value(&s.lr)->default_value(s.lr, shortText(s.lr)), "learning rate (constant), > 0")
      ("steps", po::value(&s.steps)->default_value(s.steps), "gradient steps, >= 0")
      ("batch-size", po::value(&s.batchSize)->default_value(s.batchSize), "minibatch size; 0 or >= N = full batch")
      ("weight-decay", po::value(&s.weightDecay)->default_value(s.weightDecay, shortText(s.weightDecay)), "lambda of (lambda/2)|w|^2, >= 0")
      ("seed", po::value(&s.seed)->default_value(s.seed), "seed of initialisation and batch order")
      ("path-rule", po::value(&s.pathRule)->default_value(s.pathRule), "left | gauss:q (q = 1..8)")
      ("tangent-kernels", po::bool_switch(&s.tangentKernels), "also write the tangent kernels at the first and last step")
      ("kernel-coef", po::bool_switch(&s.kernelCoef), "also write a_i(x) = C(x,i)/K^p(x,x_i) (C = 1)")
      ("skip-train-kernels", po::bool_switch(&s.skipTrainKernels),
       "do not keep the train x train kernel blocks (N^2); test rows and all predictions are still written")
      ("classes", po::value(&s.classes)->default_value(s.classes), "softmax classes; 0 = 1 + largest label")
      ("n-train", po::value(&s.nTrain)->default_value(s.nTrain), "built-in data: training examples")
      ("n-test", po::value(&s.nTest)->default_value(s.nTest), "built-in data: test examples")
      ("inputs", po::value(&s.inputs)->default_value(s.inputs), "built-in data: input dimension D")
      ("data-seed", po::value(&s.dataSeed)->default_value(s.dataSeed), "built-in data: generator seed")
      ("checkpoint", po::value(&s.checkpoint), "checkpoint file (default: OUT.ckpt); also written on SIGTERM/SIGUSR1")
      ("checkpoint-every", po::value(&s.checkpointEvery)->default_value(s.checkpointEvery),
       "steps between checkpoints; 0 = only when stopped by a signal")
      ("restart", po::value(&s.restart), "continue from this checkpoint")
      ("progress-every", po::value(&s.progressEvery)->default_value(s.progressEvery),
       "steps between progress lines; 0 = about 20 per run");
  // clang-format on
  return d;
}

void parseOptions(int argc, const char* const* argv, const po::options_description& d, po::variables_map& vm,
                  const std::string& command) {
  try {
    // No positional options: a stray word ("--hidden 16 16") is an error, not silently dropped.
    po::store(po::command_line_parser(argc, argv).options(d).positional(po::positional_options_description()).run(),
              vm);
    if (!vm.count("help") && d.find_nothrow("config", false) && vm.count("config")) {
      const std::string path = vm["config"].as<std::string>();
      std::error_code ignored;
      std::ifstream ini(path);
      PK_REQUIRE(std::filesystem::is_regular_file(path, ignored) && ini.good(),
                 "cannot read the config file '" + path + "'");
      // Values already given on the command line are kept: store() never overwrites.
      po::store(po::parse_config_file(ini, d), vm);
    }
    po::notify(vm);
  } catch (const po::too_many_positional_options_error&) {
    throw InputError("unexpected argument: every option is --name value (see pathkernel " + command + " --help)");
  } catch (const po::error& e) {
    throw InputError(std::string("bad option: ") + e.what() + " (see pathkernel " + command + " --help)");
  }
}

bool parseTrainSettings(int argc, const char* const* argv, TrainSettings& s, bool printHelp) {
  auto description = describeTrainOptions(s);
  po::variables_map vm;
  parseOptions(argc, argv, description, vm, "train");
  if (vm.count("help")) {
    if (printHelp) std::cout << "usage: pathkernel train [options]\n\n" << description << "\n";
    return false;
  }
  return true;
}

std::vector<std::int64_t> parseHidden(const std::string& text) {
  if (text == "none") return {};
  std::vector<std::int64_t> widths;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    PK_REQUIRE(used == item.size() && !item.empty(),
               "malformed --hidden '" + text + "': expected comma-separated widths >= 1 (e.g. 64,64) or none");
    PK_REQUIRE(value >= 1 && value <= 1000000, "--hidden '" + text + "': each width must be in 1..1000000");
    widths.push_back(value);
  }
  PK_REQUIRE(!widths.empty() && text.back() != ',',
             "malformed --hidden '" + text + "': expected comma-separated widths >= 1 (e.g. 64,64) or none");
  return widths;
}

std::string checkpointPath(const TrainSettings& s) {
  return s.checkpoint.empty() ? s.out + ".ckpt" : s.checkpoint;
}

int gaussPoints(const std::string& rule) {
  if (rule == "left") return 0;
  const std::string prefix = "gauss:";
  if (rule.rfind(prefix, 0) == 0) {
    const std::string digits = rule.substr(prefix.size());
    if (digits.size() == 1 && digits[0] >= '1' && digits[0] <= '8') return digits[0] - '0';
  }
  throw InputError("unknown path rule '" + rule + "' (allowed: left, gauss:1 .. gauss:8)");
}

namespace {
// Two spellings of one file ("run.h5", "./run.h5", a link) are the same path.
bool samePath(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  std::error_code error;
  const auto canonicalA = std::filesystem::weakly_canonical(a, error);
  const auto canonicalB = std::filesystem::weakly_canonical(b, error);
  return a == b || (!error && canonicalA == canonicalB);
}
}  // namespace

std::vector<std::string> validate(const TrainSettings& s) {
  std::vector<std::string> problems;
  auto check = [&problems](auto&& test) {
    try {
      test();
    } catch (const InputError& e) {
      problems.push_back(e.what());
    }
  };
  check([&] { parseHidden(s.hidden); });
  check([&] { parseActivation(s.activation); });
  check([&] { parseParameterization(s.param); });
  if (s.loss != "auto") check([&] { parseLoss(s.loss); });
  check([&] { gaussPoints(s.pathRule); });
  if (!(s.lr > 0) || !std::isfinite(s.lr)) problems.push_back("--lr must be a finite number > 0");
  if (s.steps < 0) problems.push_back("--steps must be >= 0");
  if (s.batchSize < 0) problems.push_back("--batch-size must be >= 0 (0 = full batch)");
  if (!(s.weightDecay >= 0) || !std::isfinite(s.weightDecay))
    problems.push_back("--weight-decay must be a finite number >= 0");
  if (s.seed < 0) problems.push_back("--seed must be >= 0");
  if (s.classes < 0) problems.push_back("--classes must be >= 0 (0 = from the labels)");
  if (s.classes == 1) problems.push_back("--classes must be >= 2 for softmax (or 0 = from the labels)");
  if (s.nTrain < 1 || s.nTrain > 100000000) problems.push_back("--n-train must be in 1..100000000");
  if (s.nTest < 0 || s.nTest > 100000000) problems.push_back("--n-test must be in 0..100000000");
  if (s.steps > 1000000000) problems.push_back("--steps must be <= 1000000000");
  if (s.inputs < 1 || s.inputs > 100000) problems.push_back("--inputs must be in 1..100000");
  if (s.progressEvery < 0) problems.push_back("--progress-every must be >= 0");
  if (s.out.empty()) problems.push_back("--out must name a file");
  if (s.checkpointEvery < 0) problems.push_back("--checkpoint-every must be >= 0 (0 = only when stopped by a signal)");
  if (samePath(checkpointPath(s), s.out) || samePath(checkpointPath(s), s.data))
    problems.push_back("--checkpoint must differ from --out and --data");
  if (!s.restart.empty() && (samePath(s.restart, s.out) || samePath(s.restart, s.data)))
    problems.push_back("--restart must differ from --out and --data");
  if (samePath(s.out, s.data)) problems.push_back("--out must not be the input data file");
  return problems;
}

}  // namespace pk

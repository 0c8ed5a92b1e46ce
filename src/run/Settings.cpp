#include "run/Settings.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "core/Error.hpp"
#include "core/FilePath.hpp"
#include "core/Options.hpp"
#include "core/Text.hpp"

namespace po = boost::program_options;

namespace pk {

po::options_description describeTrainOptions(TrainArguments& s) {
  po::options_description d("training options");
  auto shortText = [](double v) { return formatNumber("%g", v); };
  // Numbers that do not parse are reported by validate() with every other problem.
  auto number = [&s](auto* store, const char* name) { return checkedValue(store, &s.parseProblems, name); };
  // clang-format off
  d.add_options()
      ("help,h", "print this help and exit")
      ("config", po::value(&s.config), "INI file with any of these options (key = value); the command line wins")
      ("data", po::value(&s.data)->default_value(s.data),
       ("training data: an HDF5 file with /train/X, /train/y (README: Input data) or builtin:NAME, NAME one of " +
        builtinNames()).c_str())
      ("out", po::value(&s.out)->default_value(s.out), "output HDF5 run file")
      ("hidden", po::value(&s.hidden)->default_value(s.hidden), "hidden widths, comma-separated, or none (linear model); "
       "the same as --layers dense:W1,dense:W2,...")
      ("layers", po::value(&s.layers), "the layers before the output layer, comma-separated: dense:H, "
       "conv:K:k[:sS][:pP] (K filters k x k, stride S, padding P), avgpool:k, maxpool:k (image data), or none "
       "(linear model); not with --hidden")
      ("activation", po::value(&s.activation)->default_value(s.activation), "tanh|relu|softplus|gelu|identity")
      ("param", po::value(&s.param)->default_value(s.param), "parameterization: standard|ntk")
      ("loss", po::value(&s.loss)->default_value(s.loss),
       "mse|logistic|softmax, or auto: the loss the data names (a data file's root attribute loss; "
       "regression: mse, moons: logistic, blobs: softmax), mse if it names none")
      ("lr", number(&s.lr, "lr")->default_value(s.lr, shortText(s.lr)), "learning rate (the schedule's base rate), > 0")
      ("steps", number(&s.steps, "steps")->default_value(s.steps), "gradient steps, >= 0")
      ("batch-size", number(&s.batchSize, "batch-size")->default_value(s.batchSize), "minibatch size; 0 or >= N = full batch")
      ("weight-decay", number(&s.weightDecay, "weight-decay")->default_value(s.weightDecay, shortText(s.weightDecay)), "lambda of (lambda/2)|w|^2, >= 0")
      ("seed", number(&s.seed, "seed")->default_value(s.seed), "seed of initialisation and batch order")
      ("optimizer", po::value(&s.optimizer)->default_value(s.optimizer), "sgd|momentum|adam|adamw (docs/THEORY.md, Optimizers)")
      ("momentum", number(&s.momentum, "momentum")->default_value(s.momentum, shortText(s.momentum)), "momentum mu, in [0, 1)")
      ("nesterov", po::bool_switch(&s.nesterov), "Nesterov momentum (--optimizer momentum)")
      ("beta1", number(&s.beta1, "beta1")->default_value(s.beta1, shortText(s.beta1)), "adam/adamw: beta1, in [0, 1)")
      ("beta2", number(&s.beta2, "beta2")->default_value(s.beta2, shortText(s.beta2)), "adam/adamw: beta2, in [0, 1)")
      ("adam-eps", number(&s.adamEps, "adam-eps")->default_value(s.adamEps, shortText(s.adamEps)), "adam/adamw: epsilon, > 0")
      ("lr-schedule", po::value(&s.lrSchedule)->default_value(s.lrSchedule),
       "constant | step:K:G (times G every K steps) | cosine (half a cosine period over the S steps)")
      ("warmup", number(&s.warmup, "warmup")->default_value(s.warmup), "steps of linear warm-up, >= 0")
      ("path-rule", po::value(&s.pathRule)->default_value(s.pathRule), 
       "left | gauss:q (q = 1..8)\n"
       "left: the paper's rule; one evaluation a step; first order in the step (a run's last lines show its "
       "residual)\n"
       "gauss:q: q evaluations a step; exact to round-off for smooth activations: gauss:3 for sgd and momentum, "
       "gauss:4 for adam and adamw")
      ("tangent-kernels", po::bool_switch(&s.tangentKernels), "also write the tangent kernels at the first and last step")
      ("kernel-coef", po::bool_switch(&s.kernelCoef), 
       "also write a_i(x) = C(x,i)/K^p(x,x_i) (C = 1; Domingos' a_i for sgd only: momentum's and Adam's "
       "memory and preconditioner are in C, not in K^p)")
      ("skip-train-kernels", po::bool_switch(&s.skipTrainKernels),
       "do not keep the train x train kernel blocks (N^2); test rows and all predictions are still written")
      ("snapshots", po::value(&s.snapshots),
       "keep the tangent kernel at these steps: 0,10,100 or log:K (step 0 and K-1 log-spaced steps up to S)")
      ("layer-kernels", po::bool_switch(&s.layerKernels), "also write each layer's share of the path kernel")
      ("classes", number(&s.classes, "classes")->default_value(s.classes), "softmax classes; 0 = 1 + largest label")
      ("n-train", number(&s.nTrain, "n-train")->default_value(s.nTrain), "built-in data: training examples")
      ("n-test", number(&s.nTest, "n-test")->default_value(s.nTest), "built-in data: test examples")
      ("inputs", number(&s.inputs, "inputs")->default_value(s.inputs), "built-in data: input dimension D")
      ("data-seed", number(&s.dataSeed, "data-seed")->default_value(s.dataSeed), "built-in data: generator seed")
      ("checkpoint", po::value(&s.checkpoint), "checkpoint file (default: OUT.ckpt); also written on SIGTERM/SIGUSR1")
      ("checkpoint-every", number(&s.checkpointEvery, "checkpoint-every")->default_value(s.checkpointEvery),
       "steps between checkpoints; 0 = only when stopped by a signal")
      ("restart", po::value(&s.restart), "continue from this checkpoint")
      ("progress-every", number(&s.progressEvery, "progress-every")->default_value(s.progressEvery),
       "steps between progress lines; 0 = about 20 per run")
      ("pid-file", po::value(&s.pidFile),
       "write each rank's process id to this file, one line per rank (kill -USR1 $(head -1 FILE) stops the run "
       "cleanly); removed when the run ends")
      ("force", po::bool_switch(&s.force), "replace --out if it exists (otherwise an existing run file is refused)")
      ("keep-checkpoint", po::bool_switch(&s.keepCheckpoint),
       "keep the checkpoint after the run file is written (otherwise it is removed)")
      ("dry-run", po::bool_switch(&s.dryRun),
       "print the settings, the memory per rank and the checkpoint and run-file sizes, then stop");
  // clang-format on
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

std::vector<std::int64_t> parseHidden(const std::string& text) {
  if (text == "none") return {};
  const std::string malformed =
      "malformed --hidden '" + text + "': expected comma-separated widths >= 1 (e.g. 64,64) or none";
  std::vector<std::int64_t> widths;
  for (const auto& item : splitList(text)) {
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    PK_REQUIRE(used == item.size() && !item.empty(), malformed);
    PK_REQUIRE(value >= 1 && value <= 1000000, "--hidden '" + text + "': each width must be in 1..1000000");
    widths.push_back(value);
  }
  PK_REQUIRE(!widths.empty() && text.back() != ',', malformed);
  return widths;
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

std::string checkpointOf(const TrainArguments& s) {
  return s.checkpoint.empty() ? s.out + ".ckpt" : s.checkpoint;
}

void checkNumbers(const TrainArguments& s, std::vector<std::string>& problems) {
  auto require = [&](bool ok, const char* message) {
    if (!ok) problems.push_back(message);
  };
  require(s.lr > 0 && std::isfinite(s.lr), "--lr must be a finite number > 0");
  require(s.steps >= 0, "--steps must be >= 0");
  require(s.steps <= 1000000000, "--steps must be <= 1000000000");
  require(s.batchSize >= 0, "--batch-size must be >= 0 (0 = full batch)");
  require(s.weightDecay >= 0 && std::isfinite(s.weightDecay), "--weight-decay must be a finite number >= 0");
  require(s.seed >= 0, "--seed must be >= 0");
  require(s.classes >= 0, "--classes must be >= 0 (0 = from the labels)");
  require(s.classes != 1, "--classes must be >= 2 for softmax (or 0 = from the labels)");
  require(s.nTrain >= 1 && s.nTrain <= 100000000, "--n-train must be in 1..100000000");
  require(s.nTest >= 0 && s.nTest <= 100000000, "--n-test must be in 0..100000000");
  require(s.inputs >= 1 && s.inputs <= 100000, "--inputs must be in 1..100000");
  require(s.progressEvery >= 0, "--progress-every must be >= 0");
  require(!s.out.empty(), "--out must name a file");
  require(s.checkpointEvery >= 0, "--checkpoint-every must be >= 0 (0 = only when stopped by a signal)");
  require(s.momentum >= 0 && s.momentum < 1, "--momentum must be in [0, 1)");
  require(s.beta1 >= 0 && s.beta1 < 1, "--beta1 must be in [0, 1)");
  require(s.beta2 >= 0 && s.beta2 < 1, "--beta2 must be in [0, 1)");
  require(s.adamEps > 0 && std::isfinite(s.adamEps), "--adam-eps must be a finite number > 0");
  require(s.warmup >= 0, "--warmup must be >= 0 (0 = none)");
  require(!s.nesterov || s.optimizer == "momentum", "--nesterov needs --optimizer momentum");
}

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
  const std::string checkpoint = checkpointOf(s);
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

bool TrainArguments::wasGiven(const std::string& name) const {
  return std::find(given.begin(), given.end(), name) != given.end();
}

std::vector<std::string> validate(const TrainArguments& s) {
  std::vector<std::string> problems = s.parseProblems;
  collectProblem(problems, [&] { layersOf(s); });
  collectProblem(problems, [&] { parseActivation(s.activation); });
  collectProblem(problems, [&] { parseParameterization(s.param); });
  if (s.loss != "auto") collectProblem(problems, [&] { parseLoss(s.loss); });
  collectProblem(problems, [&] { PathRule::parse(s.pathRule); });
  collectProblem(problems, [&] { parseOptimizer(s.optimizer); });
  collectProblem(problems, [&] { LrSchedule::parse(s.lrSchedule); });
  collectProblem(problems, [&] { SnapshotSteps::parse(s.snapshots).resolve(s.steps); });
  checkNumbers(s, problems);
  checkBuiltinOnly(s, problems);
  checkOptimizerOnly(s, problems);
  checkFiles(s, problems);
  return problems;
}

TrainSettings resolveSettings(const TrainArguments& s) {
  requireValidSettings(validate(s));
  TrainSettings t;
  t.data = s.data;
  t.builtin.name = isBuiltin(s.data) ? s.data.substr(std::string(kBuiltinPrefix).size()) : "";
  t.builtin.nTrain = s.nTrain;
  t.builtin.nTest = s.nTest;
  t.builtin.inputs = s.inputs;
  t.builtin.seed = static_cast<std::uint64_t>(s.dataSeed);
  t.out = s.out;
  t.layers = layersOf(s);
  t.activation = parseActivation(s.activation);
  t.parameterization = parseParameterization(s.param);
  if (s.loss != "auto") t.loss = parseLoss(s.loss);
  t.classes = s.classes;
  t.training.lr = s.lr;
  t.training.steps = s.steps;
  t.training.batchSize = s.batchSize;
  t.training.weightDecay = s.weightDecay;
  t.training.seed = static_cast<std::uint64_t>(s.seed);
  t.training.optimizer.kind = parseOptimizer(s.optimizer);
  t.training.optimizer.momentum = s.momentum;
  t.training.optimizer.nesterov = s.nesterov;
  t.training.optimizer.beta1 = s.beta1;
  t.training.optimizer.beta2 = s.beta2;
  t.training.optimizer.adamEps = s.adamEps;
  t.training.schedule = LrSchedule::parse(s.lrSchedule);
  t.training.warmup = s.warmup;
  t.pathRule = PathRule::parse(s.pathRule);
  t.tangentKernels = s.tangentKernels;
  t.kernelCoef = s.kernelCoef;
  t.skipTrainKernels = s.skipTrainKernels;
  t.snapshots = SnapshotSteps::parse(s.snapshots);
  t.layerKernels = s.layerKernels;
  t.checkpoint = checkpointOf(s);
  t.checkpointEvery = s.checkpointEvery;
  t.restart = s.restart;
  t.config = s.config;
  t.progressEvery = s.progressEvery;
  t.force = s.force;
  t.keepCheckpoint = s.keepCheckpoint;
  t.dryRun = s.dryRun;
  t.pidFile = s.pidFile;
  return t;
}

}  // namespace pk

#include "settings/SettingsTable.hpp"

#include <cmath>
#include <type_traits>

#include "core/Error.hpp"
#include "core/Text.hpp"

namespace pk {

namespace {

using A = TrainArguments;
using T = TrainSettings;
using V = SettingValue;

void require(bool ok, const char* message) {
  if (!ok) throw InputError(message);
}

bool isMomentum(const T& s) {
  return s.training.optimizer.kind == OptimizerKind::Momentum;
}

bool isAdam(const T& s) {
  const OptimizerKind kind = s.training.optimizer.kind;
  return kind == OptimizerKind::Adam || kind == OptimizerKind::AdamW;
}

std::vector<Setting> makeTable() {
  const Stored model = Stored::Model, run = Stored::Run;
  // clang-format off
  return {
    {"config", SettingType::Text, &A::config, std::string(""),
     "INI file with any of these options (key = value); the command line wins", run, true, Identity::Never,
     [](const A& a, T& t) { t.config = a.config; },
     [](const T& s, const RunFacts&) -> V { return s.config; }},
    {"data", SettingType::Text, &A::data, std::string("builtin:regression"),
     "training data: an HDF5 file with /train/X, /train/y (README: Input data) or builtin:NAME, NAME one of " +
         builtinNames(), model, true, Identity::Always,
     [](const A& a, T& t) {
       t.data = a.data;
       t.builtin.name = isBuiltin(a.data) ? a.data.substr(std::string(kBuiltinPrefix).size()) : "";
     },
     [](const T& s, const RunFacts&) -> V { return s.data; }},
    {"out", SettingType::Text, &A::out, std::string("run.h5"), "output HDF5 run file", run, true, Identity::Never,
     [](const A& a, T& t) {
       require(!a.out.empty(), "--out must name a file");
       t.out = a.out;
     },
     [](const T& s, const RunFacts&) -> V { return s.out; }},
    {"hidden", SettingType::Widths, &A::hidden, std::string("64,64"),
     "hidden widths, comma-separated, or none (linear model); the same as --layers dense:W1,dense:W2,...", model,
     true, Identity::DenseNetwork,
     // Its shorthand --hidden is resolved by --layers' entry, which refuses both given together.
     [](const A&, T&) {},
     [](const T& s, const RunFacts&) -> V { return hiddenWidths(s.layers).value_or(std::vector<std::int64_t>{}); },
     Written::DenseNetwork},
    {"layers", SettingType::Text, &A::layers, std::string(""),
     "the layers before the output layer, comma-separated: dense:H, conv:K:k[:sS][:pP] (K filters k x k, "
     "stride S, padding P), avgpool:k, maxpool:k (image data), or none (linear model); not with --hidden", model, false,
     Identity::OtherNetwork,
     [](const A& a, T& t) { t.layers = layersOf(a); },
     [](const T& s, const RunFacts&) -> V { return layersText(s.layers); }},
    {"input-shape", SettingType::Widths, &A::inputShape, std::string(""),
     "C,H,W: read a data file's flat rows [N, D] as images (row-major, C*H*W = D) for conv and pooling layers; "
     "with images [N, C, H, W] it must agree", model, false, Identity::Images,
     [](const A& a, T& t) { t.inputShape = parseInputShape(a.inputShape); },
     // The shape the run's network was built on: the option's, or the data's own images.
     [](const T& s, const RunFacts& r) -> V { return r.inputShape.empty() ? s.inputShape : r.inputShape; },
     Written::Images},
    {"activation", SettingType::Text, &A::activation, std::string("tanh"), "tanh|relu|softplus|gelu|identity", model, true,
     Identity::Always,
     [](const A& a, T& t) { t.activation = parseActivation(a.activation); },
     [](const T& s, const RunFacts&) -> V { return toString(s.activation); }},
    {"param", SettingType::Text, &A::param, std::string("standard"), "parameterization: standard|ntk", model, true,
     Identity::Always,
     [](const A& a, T& t) { t.parameterization = parseParameterization(a.param); },
     [](const T& s, const RunFacts&) -> V { return toString(s.parameterization); }},
    {"loss", SettingType::Text, &A::loss, std::string("auto"),
     "mse|logistic|softmax, or auto: the loss the data names (a data file's root attribute loss; "
     "regression: mse, moons: logistic, blobs: softmax), mse if it names none", model, true, Identity::Always,
     [](const A& a, T& t) { if (a.loss != "auto") t.loss = parseLoss(a.loss); },
     [](const T& s, const RunFacts&) -> V { return s.loss ? toString(*s.loss) : std::string("auto"); }},
    {"lr", SettingType::Number, &A::lr, 0.01, "learning rate (the schedule's base rate), > 0", model, true,
     Identity::Always,
     [](const A& a, T& t) {
       require(a.lr > 0 && std::isfinite(a.lr), "--lr must be a finite number > 0");
       t.training.lr = a.lr;
     },
     [](const T& s, const RunFacts&) -> V { return s.training.lr; }},
    {"steps", SettingType::Integer, &A::steps, std::int64_t{1000}, "gradient steps, >= 0", model, true,
     Identity::Cosine,
     [](const A& a, T& t) {
       require(a.steps >= 0, "--steps must be >= 0");
       require(a.steps <= 1000000000, "--steps must be <= 1000000000");
       t.training.steps = a.steps;
     },
     [](const T& s, const RunFacts&) -> V { return s.training.steps; }},
    {"batch-size", SettingType::Integer, &A::batchSize, std::int64_t{0}, "minibatch size; 0 or >= N = full batch",
     model, true, Identity::Always,
     [](const A& a, T& t) {
       require(a.batchSize >= 0, "--batch-size must be >= 0 (0 = full batch)");
       t.training.batchSize = a.batchSize;
     },
     [](const T& s, const RunFacts&) -> V { return s.training.batchSize; }},
    {"weight-decay", SettingType::Number, &A::weightDecay, 0.0, "lambda of (lambda/2)|w|^2, >= 0", model, true,
     Identity::Always,
     [](const A& a, T& t) {
       require(a.weightDecay >= 0 && std::isfinite(a.weightDecay), "--weight-decay must be a finite number >= 0");
       t.training.weightDecay = a.weightDecay;
     },
     [](const T& s, const RunFacts&) -> V { return s.training.weightDecay; }},
    {"seed", SettingType::Integer, &A::seed, std::int64_t{1}, "seed of initialisation and batch order", model, true,
     Identity::Always,
     [](const A& a, T& t) {
       require(a.seed >= 0, "--seed must be >= 0");
       t.training.seed = static_cast<std::uint64_t>(a.seed);
     },
     [](const T& s, const RunFacts&) -> V { return static_cast<std::int64_t>(s.training.seed); }},
    {"optimizer", SettingType::Text, &A::optimizer, std::string("sgd"), "sgd|momentum|adam|adamw (docs/THEORY.md, Optimizers)",
     model, false, Identity::Always,
     [](const A& a, T& t) { t.training.optimizer.kind = parseOptimizer(a.optimizer); },
     [](const T& s, const RunFacts&) -> V { return toString(s.training.optimizer.kind); }},
    {"momentum", SettingType::Number, &A::momentum, 0.9, "momentum mu, in [0, 1)", model, false, Identity::Momentum,
     [](const A& a, T& t) {
       require(a.momentum >= 0 && a.momentum < 1, "--momentum must be in [0, 1)");
       t.training.optimizer.momentum = a.momentum;
     },
     [](const T& s, const RunFacts&) -> V { return s.training.optimizer.momentum; }},
    {"nesterov", SettingType::Flag, &A::nesterov, false, "Nesterov momentum (--optimizer momentum)", model, false,
     Identity::Momentum,
     [](const A& a, T& t) {
       require(!a.nesterov || a.optimizer == "momentum", "--nesterov needs --optimizer momentum");
       t.training.optimizer.nesterov = a.nesterov;
     },
     [](const T& s, const RunFacts&) -> V { return s.training.optimizer.nesterov; }},
    {"beta1", SettingType::Number, &A::beta1, 0.9, "adam/adamw: beta1, in [0, 1)", model, false, Identity::Adam,
     [](const A& a, T& t) {
       require(a.beta1 >= 0 && a.beta1 < 1, "--beta1 must be in [0, 1)");
       t.training.optimizer.beta1 = a.beta1;
     },
     [](const T& s, const RunFacts&) -> V { return s.training.optimizer.beta1; }},
    {"beta2", SettingType::Number, &A::beta2, 0.999, "adam/adamw: beta2, in [0, 1)", model, false, Identity::Adam,
     [](const A& a, T& t) {
       require(a.beta2 >= 0 && a.beta2 < 1, "--beta2 must be in [0, 1)");
       t.training.optimizer.beta2 = a.beta2;
     },
     [](const T& s, const RunFacts&) -> V { return s.training.optimizer.beta2; }},
    {"adam-eps", SettingType::Number, &A::adamEps, 1e-8, "adam/adamw: epsilon, > 0", model, false, Identity::Adam,
     [](const A& a, T& t) {
       require(a.adamEps > 0 && std::isfinite(a.adamEps), "--adam-eps must be a finite number > 0");
       t.training.optimizer.adamEps = a.adamEps;
     },
     [](const T& s, const RunFacts&) -> V { return s.training.optimizer.adamEps; }},
    {"lr-schedule", SettingType::Text, &A::lrSchedule, std::string("constant"),
     "constant | step:K:G (times G every K steps) | cosine (half a cosine period over the S steps)", model, false,
     Identity::Always,
     [](const A& a, T& t) { t.training.schedule = LrSchedule::parse(a.lrSchedule); },
     [](const T& s, const RunFacts&) -> V { return s.training.schedule.name(); }},
    {"warmup", SettingType::Integer, &A::warmup, std::int64_t{0}, "steps of linear warm-up, >= 0", model, false,
     Identity::Always,
     [](const A& a, T& t) {
       require(a.warmup >= 0, "--warmup must be >= 0 (0 = none)");
       t.training.warmup = a.warmup;
     },
     [](const T& s, const RunFacts&) -> V { return s.training.warmup; }},
    {"path-rule", SettingType::Text, &A::pathRule, std::string("left"),
     "left | gauss:q (q = 1..8)\n"
     "left: the paper's rule; one evaluation a step; first order in the step (a run's last lines show its "
     "residual)\n"
     "gauss:q: q evaluations a step; exact to round-off for smooth activations: gauss:3 for sgd and momentum, "
     "gauss:4 for adam and adamw", run, true, Identity::Always,
     [](const A& a, T& t) { t.pathRule = PathRule::parse(a.pathRule); },
     [](const T& s, const RunFacts&) -> V { return s.pathRule.name(); }},
    {"tangent-kernels", SettingType::Flag, &A::tangentKernels, false,
     "also write the tangent kernels at the first and last step", run, true, Identity::Always,
     [](const A& a, T& t) { t.tangentKernels = a.tangentKernels; },
     [](const T& s, const RunFacts&) -> V { return s.tangentKernels; }},
    {"kernel-coef", SettingType::Flag, &A::kernelCoef, false, 
     "also write a_i(x) = C(x,i)/K^p(x,x_i) (C = 1; Domingos' a_i for sgd only: momentum's and Adam's "
     "memory and preconditioner are in C, not in K^p)", run, true, Identity::Never,
     [](const A& a, T& t) { t.kernelCoef = a.kernelCoef; },
     [](const T& s, const RunFacts&) -> V { return s.kernelCoef; }},
    {"skip-train-kernels", SettingType::Flag, &A::skipTrainKernels, false,
     "do not keep the train x train kernel blocks (N^2); test rows and all predictions are still written", run,
     true, Identity::Always,
     [](const A& a, T& t) { t.skipTrainKernels = a.skipTrainKernels; },
     [](const T& s, const RunFacts&) -> V { return s.skipTrainKernels; }},
    {"snapshots", SettingType::Text, &A::snapshots, std::string(""),
     "keep the tangent kernel at these steps: 0,10,100 or log:K (step 0 and K-1 log-spaced steps up to S)", run,
     false, Identity::Always,
     [](const A& a, T& t) {
       t.snapshots = SnapshotSteps::parse(a.snapshots);
       t.snapshots.resolve(a.steps);  // a listed step beyond --steps is refused now, not at the end
     },
     [](const T& s, const RunFacts&) -> V { return s.snapshots.text(); }},
    {"layer-kernels", SettingType::Flag, &A::layerKernels, false, "also write each layer's share of the path kernel",
     run, false, Identity::Always,
     [](const A& a, T& t) { t.layerKernels = a.layerKernels; },
     [](const T& s, const RunFacts&) -> V { return s.layerKernels; }},
    {"superposition", SettingType::Flag, &A::superposition, false,
     "also write /superposition/Gamma [N, K, H', W'] of a first conv layer (sgd, momentum; large); a dense "
     "first layer's [N, H_1] is always written", run, false, Identity::OtherNetwork,
     [](const A& a, T& t) { t.superposition = a.superposition; },
     [](const T& s, const RunFacts&) -> V { return s.superposition; }},
    {"classes", SettingType::Integer, &A::classes, std::int64_t{0}, "softmax classes; 0 = 1 + largest label", run,
     true, Identity::Never,
     [](const A& a, T& t) {
       require(a.classes >= 0, "--classes must be >= 0 (0 = from the labels)");
       require(a.classes != 1, "--classes must be >= 2 for softmax (or 0 = from the labels)");
       t.classes = a.classes;
     },
     // The number of outputs actually used (softmax: resolved from the labels when 0).
     [](const T& s, const RunFacts& r) -> V { return s.loss == Loss::Softmax ? r.outputs : s.classes; }},
    {"n-train", SettingType::Integer, &A::nTrain, std::int64_t{256}, "built-in data: training examples", run, true,
     Identity::Always,
     [](const A& a, T& t) {
       require(a.nTrain >= 1 && a.nTrain <= 100000000, "--n-train must be in 1..100000000");
       t.builtin.nTrain = a.nTrain;
     },
     [](const T&, const RunFacts& r) -> V { return r.nTrain; }},
    {"n-test", SettingType::Integer, &A::nTest, std::int64_t{128}, "built-in data: test examples", run, true,
     Identity::Always,
     [](const A& a, T& t) {
       require(a.nTest >= 0 && a.nTest <= 100000000, "--n-test must be in 0..100000000");
       t.builtin.nTest = a.nTest;
     },
     [](const T&, const RunFacts& r) -> V { return r.nTest; }},
    {"inputs", SettingType::Integer, &A::inputs, std::int64_t{2}, "built-in data: input dimension D", run, true,
     Identity::Always,
     [](const A& a, T& t) {
       require(a.inputs >= 1 && a.inputs <= 100000, "--inputs must be in 1..100000");
       t.builtin.inputs = a.inputs;
     },
     [](const T&, const RunFacts& r) -> V { return r.inputs; }},
    {"data-seed", SettingType::Integer, &A::dataSeed, std::int64_t{1}, "built-in data: generator seed", model, true,
     Identity::Builtin,
     [](const A& a, T& t) { t.builtin.seed = static_cast<std::uint64_t>(a.dataSeed); },
     [](const T& s, const RunFacts&) -> V { return static_cast<std::int64_t>(s.builtin.seed); }},
    {"checkpoint", SettingType::Text, &A::checkpoint, std::string(""),
     "checkpoint file (default: OUT.ckpt); also written on SIGTERM/SIGUSR1", run, true, Identity::Never,
     [](const A& a, T& t) { t.checkpoint = checkpointFile(a); },
     [](const T& s, const RunFacts&) -> V { return s.checkpoint; }},
    {"checkpoint-every", SettingType::Integer, &A::checkpointEvery, std::int64_t{0},
     "steps between checkpoints; 0 = only when stopped by a signal", run, true, Identity::Never,
     [](const A& a, T& t) {
       require(a.checkpointEvery >= 0, "--checkpoint-every must be >= 0 (0 = only when stopped by a signal)");
       t.checkpointEvery = a.checkpointEvery;
     },
     [](const T& s, const RunFacts&) -> V { return s.checkpointEvery; }},
    {"restart", SettingType::Text, &A::restart, std::string(""), "continue from this checkpoint", run, true, Identity::Never,
     [](const A& a, T& t) { t.restart = a.restart; },
     [](const T& s, const RunFacts&) -> V { return s.restart; }},
    {"progress-every", SettingType::Integer, &A::progressEvery, std::int64_t{0},
     "steps between progress lines; 0 = about 20 per run", run, true, Identity::Never,
     [](const A& a, T& t) {
       require(a.progressEvery >= 0, "--progress-every must be >= 0");
       t.progressEvery = a.progressEvery;
     },
     [](const T& s, const RunFacts&) -> V { return s.progressEvery; }},
    {"pid-file", SettingType::Text, &A::pidFile, std::string(""),
     "write each rank's process id to this file, one line per rank (kill -USR1 $(head -1 FILE) stops the run "
     "cleanly); removed when the run ends", run, false, Identity::Never,
     [](const A& a, T& t) { t.pidFile = a.pidFile; },
     [](const T& s, const RunFacts&) -> V { return s.pidFile; }},
    {"force", SettingType::Flag, &A::force, false,
     "replace --out if it exists (otherwise an existing run file is refused)", Stored::WriteOnly, true,
     Identity::Never,
     [](const A& a, T& t) { t.force = a.force; },
     [](const T& s, const RunFacts&) -> V { return s.force; }},
    {"keep-checkpoint", SettingType::Flag, &A::keepCheckpoint, false,
     "keep the checkpoint after the run file is written (otherwise it is removed)", Stored::WriteOnly, true,
     Identity::Never,
     [](const A& a, T& t) { t.keepCheckpoint = a.keepCheckpoint; },
     [](const T& s, const RunFacts&) -> V { return s.keepCheckpoint; }},
    {"dry-run", SettingType::Flag, &A::dryRun, false,
     "print the settings, the memory per rank and the checkpoint and run-file sizes, then stop", Stored::Not, true,
     Identity::Never,
     [](const A& a, T& t) { t.dryRun = a.dryRun; },
     [](const T& s, const RunFacts&) -> V { return s.dryRun; }},
  };
  // clang-format on
}

bool identityApplies(const Setting& setting, const TrainSettings& s) {
  switch (setting.identity) {
    case Identity::Never:
      return false;
    case Identity::Always:
      return true;
    case Identity::Builtin:
      return s.builtinData();
    case Identity::Momentum:
      return isMomentum(s);
    case Identity::Adam:
      return isAdam(s);
    case Identity::Cosine:
      return s.training.schedule.name() == "cosine";
    case Identity::DenseNetwork:
      return hiddenWidths(s.layers).has_value();
    case Identity::OtherNetwork:
      return !hiddenWidths(s.layers).has_value();
    case Identity::Images:
      return !s.inputShape.empty();
  }
  return true;
}

}  // namespace

std::string Setting::attribute() const {
  std::string text = name;
  for (char& c : text)
    if (c == '-') c = '_';
  return text;
}

const std::vector<Setting>& settingsTable() {
  static const std::vector<Setting> table = makeTable();
  return table;
}

bool isWritten(const Setting& setting, const TrainSettings& s, const RunFacts& run) {
  switch (setting.written) {
    case Written::Always:
      return true;
    case Written::DenseNetwork:
      return hiddenWidths(s.layers).has_value();
    case Written::Images:
      return !run.inputShape.empty() || !s.inputShape.empty();
  }
  return true;
}

const Setting& settingNamed(const std::string& name) {
  for (const Setting& setting : settingsTable())
    if (name == setting.name) return setting;
  PK_ASSERT(false, "no setting named '" + name + "'");
  return settingsTable().front();
}

std::string settingText(const SettingValue& value) {
  struct Text {
    std::string operator()(const std::string& v) const { return v; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return formatNumber("%.17g", v); }
    std::string operator()(bool v) const { return v ? "1" : "0"; }
    std::string operator()(const std::vector<std::int64_t>& v) const { return hiddenText(v); }
  };
  return std::visit(Text{}, value);
}

std::map<std::string, std::string> settingsIdentity(const TrainSettings& s, const RunFacts& run) {
  std::map<std::string, std::string> id;
  for (const Setting& setting : settingsTable())
    if (identityApplies(setting, s)) id[setting.attribute()] = settingText(setting.value(s, run));
  // The data as the run found it (a data file's path as given, or builtin:NAME),
  // the snapshot steps as resolved (log:K depends on --steps), the outputs of the model.
  id["data"] = run.origin;
  std::string snapshots;
  for (const auto step : s.snapshots.resolve(s.training.steps))
    snapshots += (snapshots.empty() ? "" : ",") + std::to_string(step);
  id["snapshots"] = snapshots;
  id["outputs"] = std::to_string(run.outputs);
  return id;
}

std::string identityWhenAbsent(const std::string& attribute) {
  for (const Setting& setting : settingsTable())
    if (setting.attribute() == attribute && !setting.sinceFirstFormat && setting.type == SettingType::Flag)
      return settingText(setting.byDefault);
  return "";
}

namespace {

// The counts as the settings give them (not as a data file gave them), so that
// only what was asked for differs from the defaults.
RunFacts factsOfSettings(const TrainSettings& s) {
  RunFacts facts;
  facts.origin = s.data;
  facts.nTrain = s.builtin.nTrain;
  facts.nTest = s.builtin.nTest;
  facts.inputs = s.builtin.inputs;
  facts.outputs = s.classes;
  facts.inputShape = s.inputShape;
  return facts;
}

std::string optionText(const SettingValue& value) {
  if (const auto* number = std::get_if<double>(&value)) return shortestNumber(*number);
  return settingText(value);
}

}  // namespace

std::string changedSettingsText(const TrainSettings& s) {
  const TrainSettings defaults = resolveSettings(TrainArguments());
  std::string text;
  for (const Setting& setting : settingsTable()) {
    if (setting.stored == Stored::Not || !isWritten(setting, s, factsOfSettings(s))) continue;
    // The network once, as its identity names it: `hidden` for dense layers, `layers` otherwise.
    const bool network = setting.identity == Identity::DenseNetwork || setting.identity == Identity::OtherNetwork;
    if (network && !identityApplies(setting, s)) continue;
    const SettingValue value = setting.value(s, factsOfSettings(s));
    if (value == setting.value(defaults, factsOfSettings(defaults))) continue;
    text += std::string(" --") + setting.name;
    if (setting.type != SettingType::Flag) text += " " + optionText(value);
  }
  return text;
}

SettingValue argumentValue(const TrainArguments& arguments, const Setting& setting) {
  return std::visit([&](auto member) -> SettingValue { return arguments.*member; }, setting.field);
}

void setArgument(TrainArguments& arguments, const Setting& setting, const SettingValue& value) {
  std::visit(
      [&](auto member) {
        using Field = std::decay_t<decltype(arguments.*member)>;
        if (const auto* widths = std::get_if<std::vector<std::int64_t>>(&value)) {
          if constexpr (std::is_same_v<Field, std::string>) arguments.*member = hiddenText(*widths);
          return;
        }
        PK_ASSERT(std::holds_alternative<Field>(value), std::string("setting '") + setting.name + "': wrong type");
        arguments.*member = std::get<Field>(value);
      },
      setting.field);
}

}  // namespace pk

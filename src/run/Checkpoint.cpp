#include "run/Checkpoint.hpp"

#include <cstdlib>
#include <map>

#include "core/Error.hpp"
#include "core/Text.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"
#include "io/StateFile.hpp"
#include "run/RunFile.hpp"

namespace pk {

namespace {

// The settings and data a checkpoint belongs to, as text. Restarting with any
// of these changed would silently mix two runs, so they must all agree.
std::map<std::string, std::string> identityOf(const TrainingRun& run) {
  const TrainSettings& s = run.settings();
  const Dataset& data = run.data();
  auto exact = [](double v) { return formatNumber("%.17g", v); };
  std::map<std::string, std::string> id = {{"data", data.origin},
                                           {"data_sha256", run.dataSha256()},
                                           {"n_train", std::to_string(data.train.globalRows)},
                                           {"n_test", std::to_string(data.test.globalRows)},
                                           {"inputs", std::to_string(data.inputs)},
                                           {"activation", toString(s.activation)},
                                           {"param", toString(s.parameterization)},
                                           {"loss", toString(run.loss())},
                                           {"outputs", std::to_string(run.model().outputs())},
                                           {"lr", exact(s.training.lr)},
                                           {"batch_size", std::to_string(s.training.batchSize)},
                                           {"weight_decay", exact(s.training.weightDecay)},
                                           {"seed", std::to_string(s.training.seed)},
                                           {"path_rule", s.pathRule.name()},
                                           {"tangent_kernels", s.tangentKernels ? "1" : "0"},
                                           {"skip_train_kernels", s.skipTrainKernels ? "1" : "0"}};
  // A network of dense layers keeps the identity of earlier releases (its hidden widths).
  if (const auto hidden = hiddenWidths(s.layers))
    id["hidden"] = hiddenText(*hidden);
  else
    id["layers"] = layersText(s.layers);
  if (s.builtinData()) id["data_seed"] = std::to_string(s.builtin.seed);
  if (!data.testSha256.empty()) id["queries_sha256"] = data.testSha256;
  const OptimizerSettings& o = s.training.optimizer;
  id["optimizer"] = toString(o.kind);
  if (o.kind == OptimizerKind::Momentum) {
    id["momentum"] = exact(o.momentum);
    id["nesterov"] = o.nesterov ? "1" : "0";
  }
  if (o.kind == OptimizerKind::Adam || o.kind == OptimizerKind::AdamW) {
    id["beta1"] = exact(o.beta1);
    id["beta2"] = exact(o.beta2);
    id["adam_eps"] = exact(o.adamEps);
  }
  id["lr_schedule"] = s.training.schedule.name();
  std::string snapshots;
  for (const auto step : s.snapshots.resolve(s.training.steps))
    snapshots += (snapshots.empty() ? "" : ",") + std::to_string(step);
  id["snapshots"] = snapshots;
  id["layer_kernels"] = s.layerKernels ? "1" : "0";
  id["warmup"] = std::to_string(s.training.warmup);
  // The cosine schedule runs to the last step: with it, --steps cannot change on restart.
  if (s.training.schedule.name() == "cosine") id["steps"] = std::to_string(s.training.steps);
  return id;
}

// A value as the user gave it: numbers stored exactly ("0.10000000000000001")
// in their shortest form that reads back the same ("0.1"); other text as is.
std::string shown(const std::string& stored) {
  char* end = nullptr;
  const double v = std::strtod(stored.c_str(), &end);
  return stored.empty() || end != stored.c_str() + stored.size() ? stored : shortestNumber(v);
}

void requireSameIdentity(hid_t file, const std::string& path, const TrainingRun& run) {
  PK_REQUIRE(h5::exists(file, "/identity"), "checkpoint '" + path + "' has no /identity group");
  h5::Id identity(PK_H5(H5Gopen2(file, "/identity", H5P_DEFAULT)));
  std::string differences;
  for (const auto& [key, value] : identityOf(run)) {
    const std::string stored = h5::hasAttribute(identity, key) ? h5::stringAttribute(identity, key) : "(absent)";
    if (stored != value)
      differences += "\n  " + key + ": checkpoint has '" + shown(stored) + "', this run has '" + shown(value) + "'";
  }
  PK_REQUIRE(differences.empty(),
             "checkpoint '" + path + "' was written by a run with other settings or data:" + differences);
}

}  // namespace

void writeCheckpoint(const std::string& path, const TrainingRun& run) {
  OutputFile file(path, kCheckpointFormat, kCheckpointFormatVersion, run.comm());
  h5::setAttribute(file, "step", run.trainer().state().step);
  writeConfig(file, run);
  {
    h5::Id identity = h5::ensureGroup(file, "/identity");
    for (const auto& [key, value] : identityOf(run)) h5::setAttribute(identity, key, value);
  }
  H5StateWriter state(file);
  state.replicated("/run/wall_seconds", run.wallSegments());
  run.trainer().save(state);
  run.metrics().save(state);
  run.engine().save(state);
  file.finish();
}

void restoreCheckpoint(const std::string& path, TrainingRun& run) {
  h5::Id file = openResultFile(path, kCheckpointFormat, kCheckpointFormatVersion, run.comm());
  requireSameIdentity(file, path, run);
  const std::int64_t step = h5::intAttribute(file, "step");
  const std::int64_t steps = run.settings().training.steps;
  PK_REQUIRE(step <= steps, "checkpoint '" + path + "' is at step " + std::to_string(step) + ", beyond --steps " +
                                std::to_string(steps));
  H5StateReader state(file);
  if (state.has("/run/wall_seconds")) run.setEarlierSegments(state.replicatedDoubles("/run/wall_seconds"));
  run.trainer().restore(state);
  PK_REQUIRE(run.trainer().state().step == step,
             "checkpoint '" + path + "' is damaged: its histories do not match its step " + std::to_string(step));
  run.metrics().restore(state, step);
  run.engine().restore(state);
}

}  // namespace pk

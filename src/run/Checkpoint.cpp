#include "run/Checkpoint.hpp"

#include <cstdlib>
#include <map>

#include "core/Error.hpp"
#include "core/Text.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"
#include "io/StateFile.hpp"
#include "run/RunFile.hpp"
#include "settings/SettingsTable.hpp"

namespace pk {

namespace {

// The settings and data a checkpoint belongs to, as text. Restarting with any
// of these changed would silently mix two runs, so they must all agree.
std::map<std::string, std::string> identityOf(const TrainingRun& run) {
  std::map<std::string, std::string> id = settingsIdentity(run.settings(), runFacts(run));
  id["data_sha256"] = run.dataSha256();
  if (!run.data().testSha256.empty()) id["queries_sha256"] = run.data().testSha256;
  return id;
}

// A value as the user gave it: numbers stored exactly ("0.10000000000000001")
// in their shortest form that reads back the same ("0.1"); other text as is.
std::string shown(const std::string& stored) {
  char* end = nullptr;
  const double v = std::strtod(stored.c_str(), &end);
  return stored.empty() || end != stored.c_str() + stored.size() ? stored : shortestNumber(v);
}

void requireSameIdentity(const h5::Id& file, const std::string& path, const TrainingRun& run) {
  PK_REQUIRE(h5::exists(file, "/identity"), "checkpoint '" + path + "' has no /identity group");
  h5::Id identity = h5::openGroup(file, "/identity");
  std::string differences;
  for (const auto& [key, value] : identityOf(run)) {
    // A flag added after a checkpoint was written is absent from it, and was off.
    const std::string absent = identityWhenAbsent(key);
    const std::string stored = h5::hasAttribute(identity, key) ? h5::stringAttribute(identity, key)
                               : absent.empty()                ? "(absent)"
                                                               : absent;
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

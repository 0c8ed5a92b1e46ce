#include "replay/QueriesFile.hpp"

#include <vector>

#include "core/Error.hpp"
#include "core/Sha256.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"

namespace pk {

void writeQueriesFile(const ReplaySettings& settings, const TrainingRun& run, const RunSummary& summary) {
  OutputFile file(settings.out, kQueriesFormat, kQueriesFormatVersion, run.comm());
  h5::setAttribute(file, "run", settings.run);
  h5::setAttribute(file, "run_sha256", sha256OfFileOnRoot(settings.run, run.comm()));
  h5::setAttribute(file, "queries", settings.queries);
  h5::setAttribute(file, "queries_sha256", run.data().testSha256);
  writeConfig(file, run);
  {
    // /config describes the run; the file holds no test rows, and counts its query points apart.
    h5::Id config = h5::ensureGroup(file, "/config");
    h5::setAttribute(config, "n_test", std::int64_t{0});
    h5::setAttribute(config, "n_query", run.data().test.globalRows);
    h5::setAttribute(config, "out", settings.out);
  }
  writeDataRows(file, run.data(), run.data().test, "/queries", run.data().testHasTargets);
  // Built-in training data is in no data file: its labels travel with the rows, as in a run file.
  if (run.settings().builtinData()) writeDataRows(file, run.data(), run.data().train, "/data/train", true);
  writeQueryRows(file, run, run.engine().test(), "query");
  const auto snapshots = run.settings().snapshots.resolve(run.settings().training.steps);
  if (!snapshots.empty()) h5::writeReplicated(file, "/snapshots/steps", {snapshots.size()}, snapshots.data());
  h5::Id group = h5::ensureGroup(file, "/summary");
  h5::setAttribute(group, "max_abs_residual_query", summary.test.maxAbsResidual);
  h5::setAttribute(group, "rel_residual_query", summary.test.relative());
  h5::setAttribute(group, "steps", run.trainer().state().step);
  double total = 0.0;
  for (double segment : summary.wallSeconds) total += segment;
  h5::setAttribute(group, "wall_seconds", total);
  h5::setAttribute(group, "wall_seconds_segments", summary.wallSeconds);
  group.reset();
  file.finish();
}

}  // namespace pk

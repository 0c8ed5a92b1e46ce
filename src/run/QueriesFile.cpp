#include "run/QueriesFile.hpp"

#include <vector>

#include "core/Error.hpp"
#include "core/Sha256.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"

namespace pk {

namespace {

// The run file's own SHA-256, taken on rank 0.
std::string runSha256(const std::string& path, MPI_Comm comm) {
  int rank = 0;
  PK_MPI(MPI_Comm_rank(comm, &rank));
  std::string digest(64, '0');
  if (rank == 0) digest = sha256OfFile(path);
  PK_MPI(MPI_Bcast(digest.data(), 64, MPI_CHAR, 0, comm));
  return digest;
}

void writeQueryPoints(hid_t file, const TrainingRun& run) {
  const Dataset& data = run.data();
  const DataBlock& q = data.test;
  const auto rows = static_cast<hsize_t>(q.globalRows);
  h5::writeRows(file, "/queries/X", {rows, static_cast<hsize_t>(data.inputs)}, q.firstRow, q.x.rows(), q.x.data());
  if (!data.testHasTargets) return;
  if (data.integerLabels) {  // class labels are stored as the run's own: int64
    std::vector<std::int64_t> labels(q.y.values().begin(), q.y.values().end());
    h5::writeRows(file, "/queries/y", {rows}, q.firstRow, q.y.rows(), labels.data());
    return;
  }
  std::vector<hsize_t> shape{rows};
  if (data.targetIsMatrix) shape.push_back(static_cast<hsize_t>(data.targetCols));
  h5::writeRows(file, "/queries/y", shape, q.firstRow, q.y.rows(), q.y.data());
}

}  // namespace

void writeQueriesFile(const ReplaySettings& settings, const TrainingRun& run, const RunSummary& summary) {
  OutputFile file(settings.out, kQueriesFormat, kQueriesFormatVersion, run.comm());
  h5::setAttribute(file, "run", settings.run);
  h5::setAttribute(file, "run_sha256", runSha256(settings.run, run.comm()));
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
  writeQueryPoints(file, run);
  // Built-in training data is in no data file: its labels travel with the rows, as in a run file.
  if (run.settings().builtinData()) writeDataSplit(file, run.data(), "train");
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

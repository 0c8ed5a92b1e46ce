#include "replay/Replay.hpp"

#include <chrono>
#include <cmath>
#include <iomanip>

#include "core/Error.hpp"
#include "core/StopRequest.hpp"
#include "data/InputShape.hpp"
#include "data/Validate.hpp"
#include "io/DataFile.hpp"
#include "io/OutputFile.hpp"
#include "replay/QueriesFile.hpp"
#include "results/RunModel.hpp"
#include "results/RunReader.hpp"
#include "run/TrainingRun.hpp"

namespace pk {

namespace {

using Clock = std::chrono::steady_clock;

// The run's settings, with its data found by the one rule, and the replay's own files.
TrainSettings replaySettings(const RunReader& reader, const ReplaySettings& r) {
  TrainSettings s = reader.settings();
  if (!s.builtinData()) s.data = reader.data().file;
  s.out = r.out;
  s.checkpoint = r.checkpoint.empty() ? r.out + ".ckpt" : r.checkpoint;
  s.checkpointEvery = r.checkpointEvery;
  s.restart = r.restart;
  s.progressEvery = r.progressEvery;
  s.force = r.force;
  s.keepCheckpoint = r.keepCheckpoint;
  s.dryRun = r.dryRun;
  // Any steps of the path: it is recomputed, so the replay may keep other snapshots than the run.
  if (!r.snapshots.empty()) s.snapshots = SnapshotSteps::parse(r.snapshots);
  s.config.clear();
  return s;
}

// The query points take the place of the test split.
void attachQueries(Dataset& data, QueryFile queries, const std::string& spec) {
  PK_REQUIRE(queries.inputs == data.inputs, "the query points of '" + spec +
                                                "' have D = " + std::to_string(queries.inputs) +
                                                " but the run was trained with D = " + std::to_string(data.inputs));
  // Flat query rows take the run's image shape; images must have it.
  PK_REQUIRE(queries.inputShape.empty() || data.inputShape.empty() || queries.inputShape == data.inputShape,
             "the query points of '" + spec + "' are images of shape " + inputShapeText(queries.inputShape) +
                 " but the run was trained on images of shape " + inputShapeText(data.inputShape));
  if (queries.hasTargets)
    PK_REQUIRE(queries.targetCols == data.targetCols && queries.targetIsMatrix == data.targetIsMatrix,
               "the targets of '" + spec + "' do not have the shape of the run's targets");
  else
    queries.block.y = Matrix(queries.block.x.rows(), data.targetCols);
  data.test = std::move(queries.block);
  data.testHasTargets = queries.hasTargets;
  data.testSha256 = queries.sha256;
}

// The replayed path must end where the run's did: otherwise the rows would not be the run's.
void requireSamePath(const TrainingRun& run, const RunReader& reader) {
  const Network& model = run.model();
  const std::vector<double>& w = run.trainer().state().w;
  const std::vector<double> recorded = readParameters(reader, model, "final");
  double diff = 0.0, scale = 0.0;
  // The scale is that of the weights (biases start at zero and may stay near it).
  for (const auto& d : parameterDatasets(model))
    for (std::int64_t p = d.block.offset, weights = d.block.name == "W"; p < d.block.offset + d.block.size(); ++p) {
      const auto e = static_cast<std::size_t>(p);
      diff = std::max(diff, std::abs(recorded[e] - w[e]));
      if (weights) scale = std::max(scale, std::abs(recorded[e]));
    }
  const double relative = scale > 0 ? diff / scale : diff;
  PK_REQUIRE(relative <= 1e-9, "the replayed path does not end at the run's final parameters (relative difference " +
                                   std::to_string(relative) +
                                   "): this build does not reproduce the run, so its rows would not be the run's");
}

}  // namespace

RunReport runReplay(const ReplaySettings& r, MPI_Comm comm, std::ostream* log) {
  const auto start = Clock::now();
  installStopHandlers();
  requireOutputPath(r.out, r.force || r.dryRun, comm);
  const RunReader reader(r.run, comm);
  reader.requireRunFile("replay");
  const TrainSettings settings = replaySettings(reader, r);
  const auto [file, group] = querySource(r.queries);
  Dataset data = loadData(settings, comm);
  QueryFile queries = readQueryFile(file, group, comm);
  requireFiniteRows(queries.block.x, queries.block.firstRow, "the query points of '" + r.queries + "'", comm);
  if (queries.hasTargets)
    requireLabelRows(queries.block.y, queries.block.firstRow, reader.loss(), reader.outputs(),
                     "the targets of '" + r.queries + "'", comm);
  attachQueries(data, std::move(queries), r.queries);
  RunPlan plan = planRunWith(settings, std::move(data), comm);
  PK_REQUIRE(plan.model.outputs() == reader.outputs(),
             "the query points' labels need " + std::to_string(plan.model.outputs()) + " outputs but the run has " +
                 std::to_string(reader.outputs()));
  RunReport report;
  if (!checkPlan(plan, comm, log, "replay")) return report;

  TrainingRun run(std::move(plan), comm, false);
  report.stopSignal = runToEnd(run, log);
  report.steps = run.trainer().state().step;
  if (report.stopSignal != 0) return report;
  requireSamePath(run, reader);
  RunSummary summary;
  summary.test = report.test = run.engine().summarize(run.engine().test());
  report.hasTest = true;
  report.finalLoss = run.trainer().state().lossHistory.back();
  summary.wallSeconds = run.wallSegments();
  writeQueriesFile(r, run, summary);
  removeCheckpoint(run, log);
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (log)
    *log << std::scientific << std::setprecision(3) << "  kernel machine vs network on the "
         << run.data().test.globalRows << " query points: max |r| " << report.test.maxAbsResidual << " (relative "
         << report.test.relative() << ")\n"
         << std::defaultfloat << "  wrote " << r.out << "; the whole replay took " << report.seconds << " s\n";
  return report;
}

}  // namespace pk

#include "run/TrainingRun.hpp"

#include "data/InputShape.hpp"
#include "data/Validate.hpp"
#include "io/DataFile.hpp"
#include "results/RunModel.hpp"

namespace pk {

EngineOptions engineOptionsOf(const TrainSettings& s, bool queryTraining) {
  EngineOptions options;
  options.queryTraining = queryTraining;
  options.trainKernels = !s.skipTrainKernels;
  options.tangentKernels = s.tangentKernels;
  options.pathRule = s.pathRule;
  options.optimizer = s.training.optimizer.kind;
  options.snapshotSteps = s.snapshots.resolve(s.training.steps);
  options.layerKernels = s.layerKernels;
  options.convSuperposition = s.superposition;
  return options;
}

Dataset loadData(const TrainSettings& s, MPI_Comm comm) {
  Dataset data = s.builtinData() ? makeBuiltin(s.builtin, comm) : readDataFile(s.data, comm);
  applyInputShape(data, s.inputShape);
  return data;
}

RunPlan planRun(const TrainSettings& settings, MPI_Comm comm) {
  return planRunWith(settings, loadData(settings, comm), comm);
}

RunPlan planRunWith(const TrainSettings& settings, Dataset data, MPI_Comm comm) {
  TrainSettings s = settings;
  s.loss = resolveLoss(data, s.loss);
  const Architecture arch =
      architectureOf(s, data.inputs, data.inputShape, checkDataAndCountOutputs(data, *s.loss, s.classes, comm));
  std::string sha = s.builtinData() ? "" : hashDataFile(s.data, comm);
  return RunPlan{std::move(s), std::move(data), Network(arch), std::move(sha)};
}

TrainingRun::TrainingRun(RunPlan plan, MPI_Comm comm, bool queryTraining)
    : comm_(comm),
      plan_(std::move(plan)),
      trainer_(plan_.model, *plan_.settings.loss, plan_.data, plan_.settings.training, comm),
      engine_(plan_.model, plan_.data, engineOptionsOf(plan_.settings, queryTraining), comm),
      metrics_(plan_.model, *plan_.settings.loss, plan_.data, comm) {
  trainer_.subscribe(engine_);
  trainer_.subscribe(metrics_);
}

std::vector<double> TrainingRun::wallSegments() const {
  std::vector<double> segments = earlierSegments_;
  segments.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  return segments;
}

}  // namespace pk

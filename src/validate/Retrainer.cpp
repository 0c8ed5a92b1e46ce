#include "validate/Retrainer.hpp"

#include <algorithm>

#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "results/RunModel.hpp"
#include "train/Trainer.hpp"

namespace pk::validation {

namespace {

// Every row of a split's blocks, on every rank.
Matrix gatherRows(const DataBlock& block, const Matrix& local, MPI_Comm comm) {
  const Partition rows(comm, block.globalRows);
  PK_ASSERT(rows.begin() == block.firstRow && rows.localRows() == local.rows(), "data blocks of another split");
  Matrix all(block.globalRows, local.cols());
  all.values() = allgatherRows(rows, local.data(), local.cols());
  return all;
}

void copyRow(const Matrix& from, std::int64_t row, Matrix& to, std::int64_t at) {
  std::copy_n(from.row(row), from.cols(), to.row(at));
}

}  // namespace

TrainSettings retrainSettings(const RunReader& run, const std::string& dataOverride) {
  TrainSettings settings = run.settings();
  if (!settings.builtinData() || !dataOverride.empty()) settings.data = run.data(dataOverride).file;
  return settings;
}

std::vector<double> readInitialParameters(const RunReader& run) {
  return readParameters(run, networkOf(run), "initial");
}

Retrainer::Retrainer(const TrainSettings& settings, std::vector<double> initialW,
                     const std::vector<QueryPoint>& queries, MPI_Comm comm)
    : comm_(comm), plan_(planRun(settings, comm)), initialW_(std::move(initialW)) {
  const Dataset& data = plan_.data;
  allX_ = gatherRows(data.train, data.train.x, comm);
  allY_ = gatherRows(data.train, data.train.y, comm);
  const Matrix testX = gatherRows(data.test, data.test.x, comm);
  queryX_ = Matrix(static_cast<std::int64_t>(queries.size()), data.inputs);
  for (std::size_t q = 0; q < queries.size(); ++q)
    copyRow(queries[q].set == "train" ? allX_ : testX, queries[q].row, queryX_, static_cast<std::int64_t>(q));
  PK_REQUIRE(static_cast<std::int64_t>(initialW_.size()) == plan_.model.parameterCount(),
             "the run's /params/initial does not fit its model (" + std::to_string(initialW_.size()) + " values, " +
                 std::to_string(plan_.model.parameterCount()) + " parameters)");
}

Dataset Retrainer::reducedData(const std::vector<std::int64_t>& keep) const {
  std::vector<std::int64_t> kept;
  for (std::int64_t i = 0; i < trainRows(); ++i)
    if (keep[static_cast<std::size_t>(i)] != 0) kept.push_back(i);
  const Partition rows(comm_, static_cast<std::int64_t>(kept.size()));
  const Dataset& full = plan_.data;
  Dataset d;
  d.inputs = full.inputs;
  d.targetCols = full.targetCols;
  d.targetIsMatrix = full.targetIsMatrix;
  d.integerLabels = full.integerLabels;
  d.origin = full.origin;
  d.suggestedLoss = full.suggestedLoss;
  d.train.globalRows = rows.globalRows();
  d.train.firstRow = rows.begin();
  d.train.x = Matrix(rows.localRows(), allX_.cols());
  d.train.y = Matrix(rows.localRows(), allY_.cols());
  for (std::int64_t r = 0; r < rows.localRows(); ++r) {
    copyRow(allX_, kept[static_cast<std::size_t>(rows.begin() + r)], d.train.x, r);
    copyRow(allY_, kept[static_cast<std::size_t>(rows.begin() + r)], d.train.y, r);
  }
  d.test.x = Matrix(0, allX_.cols());
  d.test.y = Matrix(0, allY_.cols());
  return d;
}

Matrix Retrainer::retrain(const std::vector<std::int64_t>& keep, StepObserver* observer) const {
  const Dataset data = reducedData(keep);
  Trainer trainer(plan_.model, *plan_.settings.loss, data, plan_.settings.training, comm_);
  trainer.startFrom(initialW_);
  if (observer != nullptr) trainer.subscribe(*observer);
  while (trainer.state().step < plan_.settings.training.steps) trainer.step();
  trainer.finish();  // throws on every rank if the final loss is not finite
  return plan_.model.forward(trainer.state().w.data(), queryX_).output();
}

}  // namespace pk::validation

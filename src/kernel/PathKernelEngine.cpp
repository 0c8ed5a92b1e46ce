#include "kernel/PathKernelEngine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/Error.hpp"
#include "kernel/Features.hpp"
#include "kernel/TileAccumulator.hpp"
#include "kernel/TrainingSide.hpp"

namespace pk {

namespace {
std::vector<DenseRows> rowsOf(const QueryState& q, const Partition& examples, std::int64_t outputs, MPI_Comm comm);

// Adds the seconds of its lifetime to a total (for the benchmark's account of a step).
class Stopwatch {
 public:
  explicit Stopwatch(double& total) : total_(total), start_(std::chrono::steady_clock::now()) {}
  ~Stopwatch() { total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }
  Stopwatch(const Stopwatch&) = delete;
  Stopwatch& operator=(const Stopwatch&) = delete;

 private:
  double& total_;
  std::chrono::steady_clock::time_point start_;
};
}  // namespace

namespace {

QueryState makeQueryState(const std::string& name, const DataBlock& block, const Partition& trainRows,
                          std::int64_t outputs, std::int64_t layers, bool keepKernels, const EngineOptions& options,
                          MPI_Comm comm) {
  QueryState q;
  q.name = name;
  q.globalRows = block.globalRows;
  q.firstRow = block.firstRow;
  q.keepKernels = keepKernels && block.globalRows > 0;
  const std::int64_t n = block.x.rows();
  q.initial = Matrix(n, outputs);
  q.network = Matrix(n, outputs);
  q.regulariser = Matrix(n, outputs);
  q.contribSum = Matrix(n, outputs);
  const std::int64_t columns = trainRows.globalRows();
  if (options.exampleDirections()) q.stepSums = Matrix(block.globalRows, outputs);
  if (!q.keepKernels) return q;
  q.path = DenseRows(comm, block.globalRows, columns);
  PK_ASSERT(q.path.firstRow() == block.firstRow && q.path.localRows() == n,
            "kernel rows and data rows are split differently");
  if (options.exampleDirections())
    q.contribColumns = Matrix(block.globalRows, trainRows.localRows() * outputs);
  else
    for (std::int64_t c = 0; c < outputs; ++c) q.contrib.emplace_back(comm, block.globalRows, columns);
  if (options.tangentKernels) {
    q.tangentInitial = DenseRows(comm, block.globalRows, columns);
    q.tangentFinal = DenseRows(comm, block.globalRows, columns);
  }
  for (std::size_t j = 0; j < options.snapshotSteps.size(); ++j)
    q.snapshots.emplace_back(comm, block.globalRows, columns);
  if (options.layerKernels)
    for (std::int64_t k = 0; k < layers; ++k) q.pathLayers.emplace_back(comm, block.globalRows, columns);
  return q;
}

}  // namespace

PathKernelEngine::PathKernelEngine(const Network& model, const Dataset& data, EngineOptions options, MPI_Comm comm)
    : model_(model),
      data_(data),
      options_(options),
      comm_(comm),
      trainRows_(comm, data.train.globalRows),
      testRows_(comm, data.test.globalRows) {
  PK_ASSERT(trainRows_.begin() == data.train.firstRow && testRows_.begin() == data.test.firstRow,
            "query rows are split differently from the data");
  if (!options_.pathRule.isLeft()) rule_ = gaussLegendre(options_.pathRule.gaussPoints());
  const std::int64_t outputs = model.outputs(), layers = model.parameterLayers();
  // Without training queries the training set is an empty query set: every loop passes it by.
  DataBlock noRows;
  noRows.x = Matrix(0, data.inputs);
  train_ = makeQueryState("train", options_.queryTraining ? data.train : noRows, trainRows_, outputs, layers,
                          options_.trainKernels, options_, comm);
  test_ = makeQueryState("test", data.test, trainRows_, outputs, layers, true, options_, comm);
  // Superposition (docs/THEORY.md) is over the first layer's W: Gamma [n, its outputs], decay in W's shape.
  const Layer& first = model.layer(0);
  const auto firstKernel = layerKernel(first, outputs);
  // A dense or conv first layer; a conv layer's Gamma runs over its output positions [K, H', W'],
  // which makes it large: kept only when asked (EngineOptions::convSuperposition).
  superposition_ = firstKernel->supportsSuperposition() && first.parameters().size() == 2;
  keepGamma_ = hasDecomposition() && (first.kind() == "dense" || options_.convSuperposition);
  if (superposition_) {
    firstScale_ = firstKernel->signalScale();
    firstWeights_ = first.parameters()[0];
    // Rows: W_1's first axis (H_1 units, or K filters of C_in k^2 values each).
    decay_ = Matrix(firstWeights_.shape.at(0), firstWeights_.size() / firstWeights_.shape.at(0));
  }
  if (keepGamma_) gamma_ = Matrix(data.train.x.rows(), first.outputWidth());
  if (options_.exampleDirections())
    attribution_ = std::make_unique<DirectionAttribution>(model, trainRows_, keepGamma_);
}

bool PathKernelEngine::hasDecomposition() const {
  return superposition_ && (options_.optimizer == OptimizerKind::Sgd || options_.optimizer == OptimizerKind::Momentum);
}

void PathKernelEngine::tangentKernel(DenseRows& target, const FeatureView& query, const TrainingSide& train) {
  if (target.empty()) return;
  TileTargets targets;
  targets.kernel = &target;
  accumulateTiles(model_, query, train, 1.0, targets, workspace_);
}

std::vector<PathKernelEngine::KernelPair> PathKernelEngine::tangentsAt(std::int64_t step,
                                                                       DenseRows QueryState::*endpoint) {
  std::vector<KernelPair> tangents;
  if (options_.tangentKernels && endpoint) tangents.emplace_back(&(train_.*endpoint), &(test_.*endpoint));
  const auto& steps = options_.snapshotSteps;
  const auto found = std::find(steps.begin(), steps.end(), step);
  if (found != steps.end()) {
    const auto j = static_cast<std::size_t>(found - steps.begin());
    tangents.emplace_back(train_.snapshots.empty() ? nullptr : &train_.snapshots[j],
                          test_.snapshots.empty() ? nullptr : &test_.snapshots[j]);
  }
  return tangents;
}

void PathKernelEngine::snapshot(const double* w, Matrix QueryState::*prediction,
                                const std::vector<KernelPair>& tangents) {
  const Forward trainForward = model_.forward(w, data_.train.x);
  if (prediction && train_.globalRows > 0) train_.*prediction = trainForward.output();
  if (tangents.empty()) {
    if (prediction) test_.*prediction = model_.forward(w, data_.test.x).output();
    return;
  }
  // One forward pass per query set serves both the prediction and the tangent kernels.
  const auto trainDelta = model_.outputSignals(w, trainForward);
  // Tangent kernels only: no loss signals.
  const TrainingSide gathered(model_, {trainRows_, trainForward, trainDelta, nullptr}, false);
  const QueryFeatures test(model_, w, data_.test.x);
  if (prediction) test_.*prediction = test.forward().output();
  // The training rows are the gathered side's own rows at the same w: conv gradients are read there.
  FeatureView trainQueries = viewOf(trainForward, trainDelta);
  trainQueries.side = &gathered;
  trainQueries.sideRow = trainRows_.begin();
  for (const auto& [train, testTarget] : tangents) {
    if (train) tangentKernel(*train, trainQueries, gathered);
    if (testTarget) tangentKernel(*testTarget, test.view(), gathered);
  }
}

void PathKernelEngine::begin(const double* w0) {
  snapshot(w0, &QueryState::initial, tangentsAt(-1, &QueryState::tangentInitial));
}

void PathKernelEngine::finish(const double* wS, std::int64_t steps) {
  snapshot(wS, &QueryState::network, tangentsAt(steps, &QueryState::tangentFinal));
  if (!attribution_) return;
  // The contributions as rows [n, N], like every other kernel matrix, for the run file.
  for (QueryState* q : {&train_, &test_}) {
    if (!q->keepKernels) continue;
    q->contrib = rowsOf(*q, trainRows_, model_.outputs(), comm_);
    q->contribColumns = Matrix();
  }
}

void PathKernelEngine::accumulate(QueryState& q, const Forward& fwd, const std::vector<Matrix>& delta,
                                  const TrainingSide& train, const StepRecord& step, double alpha, bool ownRows) {
  if (q.globalRows == 0) return;
  FeatureView query = viewOf(fwd, delta);
  if (ownRows) {
    query.side = &train;
    query.sideRow = trainRows_.begin();
  }
  TileTargets targets;
  targets.kernel = q.keepKernels ? &q.path : nullptr;
  targets.layerKernels = q.pathLayers.empty() ? nullptr : &q.pathLayers;
  if (!attribution_) {
    // Plain gradient descent: the contributions are the kernel's own products, weighted by l'_i.
    targets.contrib = q.keepKernels ? &q.contrib : nullptr;
    targets.contribSum = &q.contribSum;
  }
  flops_ += accumulateTiles(model_, query, train, alpha, targets, workspace_);
  if (!attribution_ && step.weightDecay > 0) {
    // R(x) -= eps lambda g_s(x) . w_s
    const Matrix along = model_.directional(step.w.data(), fwd, delta);
    for (std::size_t e = 0; e < along.size(); ++e)
      q.regulariser.data()[e] -= alpha * step.weightDecay * along.data()[e];
  }
  if (attribution_ && step.weightDecay > 0) {
    // R(x) -= eps g_s(x) . d_{lambda,s}
    const Matrix along = model_.directional(step.decayDirection.data(), fwd, delta);
    for (std::size_t e = 0; e < along.size(); ++e) q.regulariser.data()[e] -= alpha * along.data()[e];
  }
}

void PathKernelEngine::attribute(QueryState& q, const Partition& rows, const Forward& fwd,
                                 const std::vector<Matrix>& delta, const FeatureView* gathered, double alpha) {
  if (q.globalRows == 0) return;
  const Stopwatch stopwatch(attributionSeconds_);
  if (gathered) {
    attributionFlops_ +=
        attribution_->contract(*gathered, alpha, q.keepKernels ? &q.contribColumns : nullptr, q.stepSums);
    return;
  }
  const GatheredFeatures all(model_, rows, fwd, delta);
  attributionFlops_ +=
      attribution_->contract(all.view(), alpha, q.keepKernels ? &q.contribColumns : nullptr, q.stepSums);
}

void PathKernelEngine::collectStepSums(QueryState& q, const Partition& rows) {
  if (q.globalRows == 0) return;
  const Stopwatch stopwatch(attributionSeconds_);
  const std::int64_t outputs = model_.outputs();
  const auto& off = rows.offsets();
  std::vector<int> counts(off.size() - 1);
  for (std::size_t r = 0; r + 1 < off.size(); ++r) counts[r] = static_cast<int>((off[r + 1] - off[r]) * outputs);
  Matrix mine(rows.localRows(), outputs);
  PK_MPI(MPI_Reduce_scatter(q.stepSums.data(), mine.data(), counts.data(), MPI_DOUBLE, MPI_SUM, comm_));
  for (std::size_t e = 0; e < mine.size(); ++e) q.contribSum.data()[e] += mine.data()[e];
  std::fill(q.stepSums.values().begin(), q.stepSums.values().end(), 0.0);
}

void PathKernelEngine::updateSuperposition(const StepRecord& in) {
  if (!superposition_) return;
  // Gamma_i -= eps gamma_{i,s}: s_1 u_0 (u_0 carries c_{i,s}) for sgd, the momentum recursion of it otherwise.
  const Matrix& direction = attribution_ ? attribution_->firstLayerGamma() : in.trainU[0];
  const double factor = attribution_ ? in.lr : in.lr * firstScale_;
  if (keepGamma_)
    for (std::size_t e = 0; e < direction.size(); ++e) gamma_.data()[e] -= factor * direction.data()[e];
  // decay -= eps d_{lambda,s} restricted to W_1.
  const double* d = in.decayDirection.data() + firstWeights_.offset;
  for (std::size_t e = 0; e < decay_.size(); ++e) decay_.data()[e] -= in.lr * d[e];
}

void PathKernelEngine::observe(const StepRecord& in) {
  // The snapshot of step s is K^g at w_s, before the step moves it.
  const auto snapshots = tangentsAt(in.step, nullptr);
  if (!snapshots.empty()) snapshot(in.w.data(), nullptr, snapshots);
  if (attribution_) {
    const Stopwatch stopwatch(attributionSeconds_);
    attribution_->update(in);
  }
  // The training side of every layer, built by its kind from this rank's rows: with loss signals
  // unless the optimizer's directions give the contributions (then only the kernel needs it).
  const TrainingSide gathered(model_, {trainRows_, in.trainForward, in.trainDelta, &in.trainU, &in.trainGradients},
                              !attribution_);
  const double* w = in.w.data();
  if (options_.pathRule.isLeft()) {
    // Left rule: the query side at w_s; the training rows reuse the step's own features, and
    // the training side's conv gradients (the same rows at the same w).
    accumulate(train_, in.trainForward, in.trainDelta, gathered, in, in.lr, true);
    const QueryFeatures testFeatures(model_, w, data_.test.x);
    accumulate(test_, testFeatures.forward(), testFeatures.delta(), gathered, in, in.lr);
    if (attribution_) {
      // The training side holds the training rows' features (dense) or gradients (conv): no second gather.
      attribute(train_, trainRows_, in.trainForward, in.trainDelta, &gathered.asQueries(), in.lr);
      attribute(test_, testRows_, testFeatures.forward(), testFeatures.delta(), nullptr, in.lr);
    }
  } else {
    // gauss:q: the query side averaged over the segment w_s + t dw_s.
    std::vector<double> wt(static_cast<std::size_t>(model_.parameterCount()));
    for (std::size_t k = 0; k < rule_.nodes.size(); ++k) {
      for (std::size_t p = 0; p < wt.size(); ++p) wt[p] = w[p] + rule_.nodes[k] * in.dw[p];
      const double alpha = in.lr * rule_.weights[k];
      for (QueryState* q : {&train_, &test_}) {
        if (q->globalRows == 0) continue;
        const bool isTrain = q == &train_;
        const QueryFeatures features(model_, wt.data(), isTrain ? data_.train.x : data_.test.x);
        accumulate(*q, features.forward(), features.delta(), gathered, in, alpha);
        if (attribution_)
          attribute(*q, isTrain ? trainRows_ : testRows_, features.forward(), features.delta(), nullptr, alpha);
      }
    }
  }
  if (attribution_) {
    collectStepSums(train_, trainRows_);
    collectStepSums(test_, testRows_);
  }
  updateSuperposition(in);
}

Matrix bias(const QueryState& q) {
  Matrix b = q.initial;
  for (std::size_t e = 0; e < b.size(); ++e) b.data()[e] += q.regulariser.data()[e];
  return b;
}

Matrix kernelMachine(const QueryState& q) {
  Matrix y = bias(q);
  for (std::size_t e = 0; e < y.size(); ++e) y.data()[e] += q.contribSum.data()[e];
  return y;
}

ResidualSummary PathKernelEngine::summarize(const QueryState& q) const {
  const Matrix y = kernelMachine(q);
  double local[2] = {0.0, 0.0};
  for (std::size_t e = 0; e < y.size(); ++e) {
    local[0] = std::max(local[0], std::abs(q.network.data()[e] - y.data()[e]));
    local[1] = std::max(local[1], std::abs(q.network.data()[e] - q.initial.data()[e]));
  }
  double global[2] = {0.0, 0.0};
  PK_MPI(MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_MAX, comm_));
  return {global[0], global[1]};
}

namespace {

// C(x, i) of one output as rows [n, N] (the files' layout) from the column blocks
// [n, rows_owned * C] each rank holds: this rank's block is the transpose's own rows.
DenseRows rowsOfOutput(const Matrix& columns, std::int64_t queries, const Partition& examples, std::int64_t output,
                       std::int64_t outputs, MPI_Comm comm) {
  DenseRows transposed(comm, examples.globalRows(), queries);
  {
    const auto t = transposed.local();
    for (std::int64_t x = 0; x < queries; ++x)
      for (std::int64_t i = 0; i < examples.localRows(); ++i)
        t.data()[i + x * t.ld()] = columns(x, i * outputs + output);
  }
  transposed.assemble();
  return transposed.transpose();
}

std::vector<DenseRows> rowsOf(const QueryState& q, const Partition& examples, std::int64_t outputs, MPI_Comm comm) {
  std::vector<DenseRows> rows;
  for (std::int64_t c = 0; c < outputs; ++c)
    rows.push_back(rowsOfOutput(q.contribColumns, q.globalRows, examples, c, outputs, comm));
  return rows;
}

// The inverse: this rank's column block from rows [n, N] per output.
void setColumns(Matrix& columns, const std::vector<DenseRows>& rows, std::int64_t outputs) {
  for (std::int64_t c = 0; c < outputs; ++c) {
    const DenseRows transposed = rows[static_cast<std::size_t>(c)].transpose();
    const auto t = transposed.local();
    for (std::int64_t x = 0; x < columns.rows(); ++x)
      for (std::int64_t i = 0; i < transposed.localRows(); ++i) columns(x, i * outputs + c) = t.data()[i + x * t.ld()];
  }
}

void saveQuerySet(StateWriter& out, const std::string& group, const QueryState& q,
                  const std::vector<DenseRows>& contrib) {
  if (q.globalRows == 0) return;
  out.rows(group + "/initial", q.initial, q.globalRows, q.firstRow);
  out.rows(group + "/regulariser", q.regulariser, q.globalRows, q.firstRow);
  out.rows(group + "/contrib_sum", q.contribSum, q.globalRows, q.firstRow);
  if (!q.keepKernels) return;
  out.matrix(group + "/path", q.path);
  out.perOutput(group + "/contrib", contrib);
  if (!q.tangentInitial.empty()) out.matrix(group + "/tangent_initial", q.tangentInitial);
  if (!q.snapshots.empty()) out.slices(group + "/snapshots", q.snapshots);
  if (!q.pathLayers.empty()) out.slices(group + "/path_layer", q.pathLayers);
}

void restoreQuerySet(StateReader& in, const std::string& group, QueryState& q, std::vector<DenseRows>& contrib) {
  if (q.globalRows == 0) return;
  in.rows(group + "/initial", q.initial, q.firstRow);
  in.rows(group + "/regulariser", q.regulariser, q.firstRow);
  in.rows(group + "/contrib_sum", q.contribSum, q.firstRow);
  if (!q.keepKernels) return;
  in.matrix(group + "/path", q.path);
  in.perOutput(group + "/contrib", contrib);
  if (!q.tangentInitial.empty()) in.matrix(group + "/tangent_initial", q.tangentInitial);
  if (!q.snapshots.empty()) in.slices(group + "/snapshots", q.snapshots);
  if (!q.pathLayers.empty()) in.slices(group + "/path_layer", q.pathLayers);
}

}  // namespace

void PathKernelEngine::save(StateWriter& out) const {
  for (const QueryState* q : {&train_, &test_}) {
    if (attribution_ && q->keepKernels)
      saveQuerySet(out, "/engine/" + q->name, *q, rowsOf(*q, trainRows_, model_.outputs(), comm_));
    else
      saveQuerySet(out, "/engine/" + q->name, *q, q->contrib);
  }
  if (keepGamma_) out.rows("/engine/gamma", gamma_, data_.train.globalRows, data_.train.firstRow);
  if (superposition_) out.replicated("/engine/decay", decay_.values());
  if (attribution_) attribution_->save(out);
}

void PathKernelEngine::restore(StateReader& in) {
  for (QueryState* q : {&train_, &test_}) {
    const bool columns = attribution_ && q->keepKernels;
    std::vector<DenseRows> rows;
    if (columns)
      for (std::int64_t c = 0; c < model_.outputs(); ++c)
        rows.emplace_back(comm_, q->globalRows, trainRows_.globalRows());
    restoreQuerySet(in, "/engine/" + q->name, *q, columns ? rows : q->contrib);
    if (columns) setColumns(q->contribColumns, rows, model_.outputs());
  }
  if (keepGamma_) in.rows("/engine/gamma", gamma_, data_.train.firstRow);
  if (superposition_ && in.has("/engine/decay")) decay_.values() = in.replicatedDoubles("/engine/decay");
  if (attribution_) attribution_->restore(in);
}

}  // namespace pk

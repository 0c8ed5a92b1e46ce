#include "kernel/PathKernelEngine.hpp"

#include <cmath>

#include "core/Error.hpp"
#include "kernel/Features.hpp"
#include "kernel/TileAccumulator.hpp"

namespace pk {

namespace {

QueryState makeQueryState(const std::string& name, const DataBlock& block, std::int64_t trainRows, std::int64_t outputs,
                          bool keepKernels, bool tangent, MPI_Comm comm) {
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
  if (q.keepKernels) {
    q.path = DenseRows(comm, block.globalRows, trainRows);
    for (std::int64_t c = 0; c < outputs; ++c) q.contrib.emplace_back(comm, block.globalRows, trainRows);
    PK_ASSERT(q.path.firstRow() == block.firstRow && q.path.localRows() == n,
              "kernel rows and data rows are split differently");
    if (tangent) {
      q.tangentInitial = DenseRows(comm, block.globalRows, trainRows);
      q.tangentFinal = DenseRows(comm, block.globalRows, trainRows);
    }
  }
  return q;
}

}  // namespace

PathKernelEngine::PathKernelEngine(const Mlp& model, const Dataset& data, EngineOptions options, MPI_Comm comm)
    : model_(model), data_(data), options_(options), comm_(comm), trainRows_(comm, data.train.globalRows) {
  PK_ASSERT(trainRows_.begin() == data.train.firstRow, "training rows are split differently from the data");
  if (!options_.pathRule.isLeft()) rule_ = gaussLegendre(options_.pathRule.gaussPoints());
  const std::int64_t n = data.train.globalRows;
  train_ =
      makeQueryState("train", data.train, n, model.outputs(), options_.trainKernels, options_.tangentKernels, comm);
  test_ = makeQueryState("test", data.test, n, model.outputs(), true, options_.tangentKernels, comm);
  gamma_ = Matrix(data.train.x.rows(), model.width(1));
}

void PathKernelEngine::tangentKernel(DenseRows& target, const FeatureView& query, const GatheredFeatures& train) {
  if (target.empty()) return;
  TileTargets targets;
  targets.kernel = &target;
  accumulateTiles(model_, query, train.view(), 1.0, targets, workspace_);
}

void PathKernelEngine::snapshot(const double* w, Matrix QueryState::*prediction, DenseRows QueryState::*tangent) {
  const Forward trainForward = model_.forward(w, data_.train.x);
  train_.*prediction = trainForward.output();
  if (!options_.tangentKernels) {
    test_.*prediction = model_.forward(w, data_.test.x).output();
    return;
  }
  // One forward pass per query set serves both the prediction and the tangent kernel.
  const auto trainDelta = model_.outputSignals(w, trainForward);
  const GatheredFeatures gathered(model_, trainRows_, trainForward, trainDelta, nullptr);
  const QueryFeatures test(model_, w, data_.test.x);
  test_.*prediction = test.forward().output();
  tangentKernel(train_.*tangent, viewOf(trainForward, trainDelta, nullptr), gathered);
  tangentKernel(test_.*tangent, test.view(), gathered);
}

void PathKernelEngine::begin(const double* w0) {
  snapshot(w0, &QueryState::initial, &QueryState::tangentInitial);
}

void PathKernelEngine::finish(const double* wS) {
  snapshot(wS, &QueryState::network, &QueryState::tangentFinal);
}

void PathKernelEngine::accumulate(QueryState& q, const Forward& fwd, const std::vector<Matrix>& delta,
                                  const GatheredFeatures& train, const double* w, double alpha, double weightDecay) {
  TileTargets targets;
  targets.kernel = q.keepKernels ? &q.path : nullptr;
  targets.contrib = q.keepKernels ? &q.contrib : nullptr;
  targets.contribSum = &q.contribSum;
  flops_ += accumulateTiles(model_, viewOf(fwd, delta, nullptr), train.view(), alpha, targets, workspace_);
  if (weightDecay > 0) {
    // R(x) -= eps lambda g_s(x) . w_s
    const Matrix along = model_.directional(w, fwd, delta);
    for (std::size_t e = 0; e < along.size(); ++e) q.regulariser.data()[e] -= alpha * weightDecay * along.data()[e];
  }
}

void PathKernelEngine::observe(const StepRecord& in) {
  const GatheredFeatures gathered(model_, trainRows_, in.trainForward, in.trainDelta, &in.trainU);
  const double* w = in.w.data();
  if (options_.pathRule.isLeft()) {
    // Left rule: the query side at w_s; the training rows reuse the step's own features.
    accumulate(train_, in.trainForward, in.trainDelta, gathered, w, in.lr, in.weightDecay);
    const QueryFeatures testFeatures(model_, w, data_.test.x);
    accumulate(test_, testFeatures.forward(), testFeatures.delta(), gathered, w, in.lr, in.weightDecay);
  } else {
    // gauss:q: the query side averaged over the segment w_s + t dw_s.
    std::vector<double> wt(static_cast<std::size_t>(model_.parameterCount()));
    for (std::size_t k = 0; k < rule_.nodes.size(); ++k) {
      for (std::size_t p = 0; p < wt.size(); ++p) wt[p] = w[p] + rule_.nodes[k] * in.dw[p];
      const double alpha = in.lr * rule_.weights[k];
      for (QueryState* q : {&train_, &test_}) {
        const QueryFeatures features(model_, wt.data(), q == &train_ ? data_.train.x : data_.test.x);
        accumulate(*q, features.forward(), features.delta(), gathered, w, alpha, in.weightDecay);
      }
    }
  }
  // Gamma_i -= eps s_1 J_1(x_i)^T l'_i / |B|: u_0 already carries l'_i / |B|.
  const Matrix& u0 = in.trainU[0];
  const double factor = in.lr * model_.scale(0);
  for (std::size_t e = 0; e < u0.size(); ++e) gamma_.data()[e] -= factor * u0.data()[e];
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

void saveQuerySet(StateWriter& out, const std::string& group, const QueryState& q) {
  if (q.globalRows == 0) return;
  out.rows(group + "/initial", q.initial, q.globalRows, q.firstRow);
  out.rows(group + "/regulariser", q.regulariser, q.globalRows, q.firstRow);
  out.rows(group + "/contrib_sum", q.contribSum, q.globalRows, q.firstRow);
  if (!q.keepKernels) return;
  out.matrix(group + "/path", q.path);
  out.perOutput(group + "/contrib", q.contrib);
  if (!q.tangentInitial.empty()) out.matrix(group + "/tangent_initial", q.tangentInitial);
}

void restoreQuerySet(StateReader& in, const std::string& group, QueryState& q) {
  if (q.globalRows == 0) return;
  in.rows(group + "/initial", q.initial, q.firstRow);
  in.rows(group + "/regulariser", q.regulariser, q.firstRow);
  in.rows(group + "/contrib_sum", q.contribSum, q.firstRow);
  if (!q.keepKernels) return;
  in.matrix(group + "/path", q.path);
  in.perOutput(group + "/contrib", q.contrib);
  if (!q.tangentInitial.empty()) in.matrix(group + "/tangent_initial", q.tangentInitial);
}

}  // namespace

void PathKernelEngine::save(StateWriter& out) const {
  saveQuerySet(out, "/engine/train", train_);
  saveQuerySet(out, "/engine/test", test_);
  out.rows("/engine/gamma", gamma_, data_.train.globalRows, data_.train.firstRow);
}

void PathKernelEngine::restore(StateReader& in) {
  restoreQuerySet(in, "/engine/train", train_);
  restoreQuerySet(in, "/engine/test", test_);
  in.rows("/engine/gamma", gamma_, data_.train.firstRow);
}

}  // namespace pk

#include "train/Trainer.hpp"

#include <algorithm>
#include <cmath>

#include "core/Error.hpp"
#include "kernel/PathKernelEngine.hpp"

namespace pk {

namespace {
void requireFinite(double loss, std::int64_t step) {
  // Every rank sees the same reduced value, so every rank stops here together.
  PK_REQUIRE(std::isfinite(loss), "training diverged at step " + std::to_string(step) + ": the training loss is " +
                                      std::to_string(loss) + " (try a smaller --lr)");
}
}  // namespace

Trainer::Trainer(const Mlp& model, Loss loss, const Dataset& data, TrainOptions options, MPI_Comm comm)
    : model_(model), loss_(loss), data_(data), options_(options), comm_(comm) {
  state_.rng = Rng(options_.seed);
  state_.w = model_.initialParameters(state_.rng);
  state_.initialW = state_.w;
}

bool Trainer::fullBatch() const {
  return options_.batchSize == 0 || options_.batchSize >= data_.train.globalRows;
}

std::int64_t Trainer::batchWidth() const {
  return fullBatch() ? 0 : options_.batchSize;
}

std::vector<std::int64_t> Trainer::nextBatch() {
  const std::int64_t n = data_.train.globalRows;
  if (state_.epochPosition >= static_cast<std::int64_t>(state_.epochOrder.size())) {
    // A new epoch: the same permutation on every rank, whatever the rank count.
    state_.epochOrder = state_.rng.permutation(n);
    state_.epochPosition = 0;
  }
  const std::int64_t begin = state_.epochPosition;
  const std::int64_t end = std::min(begin + options_.batchSize, n);  // the last, shorter batch is kept
  state_.epochPosition = end;
  return {state_.epochOrder.begin() + begin, state_.epochOrder.begin() + end};
}

double Trainer::dataLoss(const double* w) const {
  const Forward fwd = model_.forward(w, data_.train.x);
  const double local = lossSum(loss_, fwd.output(), data_.train.y);
  double total = 0.0;
  PK_MPI(MPI_Allreduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, comm_));
  return total / static_cast<double>(data_.train.globalRows);
}

void Trainer::step(PathKernelEngine* engine) {
  const std::int64_t nLocal = data_.train.x.rows();
  const std::int64_t first = data_.train.firstRow;
  const Forward fwd = model_.forward(state_.w.data(), data_.train.x);

  // Loss on the full training set at w_s (history) and l'_i for every local example.
  const double localLoss = lossSum(loss_, fwd.output(), data_.train.y);
  double totalLoss = 0.0;
  PK_MPI(MPI_Allreduce(&localLoss, &totalLoss, 1, MPI_DOUBLE, MPI_SUM, comm_));
  state_.lossHistory.push_back(totalLoss / static_cast<double>(data_.train.globalRows));
  requireFinite(totalLoss, state_.step);
  Matrix seed = lossDerivative(loss_, fwd.output(), data_.train.y);

  // Weight 1/|B| for this rank's examples in the batch, 0 for the others.
  std::vector<double> weight(static_cast<std::size_t>(nLocal), 0.0);
  if (fullBatch()) {
    std::fill(weight.begin(), weight.end(), 1.0 / static_cast<double>(data_.train.globalRows));
  } else {
    const auto batch = nextBatch();
    for (auto i : batch)
      if (i >= first && i < first + nLocal) weight[static_cast<std::size_t>(i - first)] = 1.0 / batch.size();
    const std::int64_t width = batchWidth();
    for (std::int64_t k = 0; k < width; ++k)
      state_.batchHistory.push_back(k < static_cast<std::int64_t>(batch.size()) ? batch[static_cast<std::size_t>(k)]
                                                                                : -1);
  }
  for (std::int64_t r = 0; r < nLocal; ++r)
    for (std::int64_t c = 0; c < seed.cols(); ++c) seed(r, c) *= weight[static_cast<std::size_t>(r)];
  const auto u = model_.lossSignals(state_.w.data(), fwd, seed);

  // grad = (1/|B|) sum_{i in B} l'_i grad f(x_i) + lambda w: one Allreduce per step.
  std::vector<double> grad(state_.w.size(), 0.0);
  model_.accumulateGradient(fwd, u, grad.data());
  PK_MPI(MPI_Allreduce(MPI_IN_PLACE, grad.data(), static_cast<int>(grad.size()), MPI_DOUBLE, MPI_SUM, comm_));
  std::vector<double> dw(grad.size());
  for (std::size_t p = 0; p < dw.size(); ++p) dw[p] = -options_.lr * (grad[p] + options_.weightDecay * state_.w[p]);

  if (engine) {
    const auto delta = model_.outputSignals(state_.w.data(), fwd);
    StepInput in;
    in.w = state_.w.data();
    in.dw = dw.data();
    in.lr = options_.lr;
    in.weightDecay = options_.weightDecay;
    in.trainForward = &fwd;
    in.trainDelta = &delta;
    in.trainU = &u;
    engine->step(in);
  }
  for (std::size_t p = 0; p < dw.size(); ++p) state_.w[p] += dw[p];
  state_.lrHistory.push_back(options_.lr);
  ++state_.step;
}

void Trainer::requireFiniteLoss() const {
  requireFinite(dataLoss(state_.w.data()), state_.step);
}

void Trainer::finish() {
  const double loss = dataLoss(state_.w.data());
  requireFinite(loss, state_.step);
  state_.lossHistory.push_back(loss);
}

}  // namespace pk

#include "train/Trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/CommClock.hpp"
#include "core/Error.hpp"

namespace pk {

namespace {

void requireFinite(double loss, std::int64_t step) {
  // Every rank sees the same reduced value, so every rank stops here together.
  PK_REQUIRE(std::isfinite(loss), "training diverged at step " + std::to_string(step) + ": the training loss is " +
                                      std::to_string(loss) + " (try a smaller --lr)");
}

// The generator's words are stored as int64 bit patterns.
std::int64_t asInt(std::uint64_t bits) {
  std::int64_t v = 0;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}
std::uint64_t asBits(std::int64_t v) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

}  // namespace

Trainer::Trainer(const Network& model, Loss loss, const Dataset& data, TrainOptions options, MPI_Comm comm)
    : model_(model),
      loss_(loss),
      data_(data),
      options_(options),
      comm_(comm),
      optimizer_(options.optimizer, model.parameterCount()) {
  state_.rng = Rng(options_.seed);
  state_.w = model_.initialParameters(state_.rng);
  state_.initialW = state_.w;
}

void Trainer::startFrom(const std::vector<double>& w0) {
  PK_ASSERT(state_.step == 0, "startFrom after the first step");
  PK_REQUIRE(w0.size() == state_.w.size(), "the initial parameters have " + std::to_string(w0.size()) +
                                               " values; the model has " + std::to_string(state_.w.size()));
  state_.w = w0;
  state_.initialW = w0;
}

void Trainer::subscribe(StepObserver& observer) {
  observers_.push_back(&observer);
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

std::vector<double> Trainer::batchWeights() {
  const std::int64_t nLocal = data_.train.x.rows();
  const std::int64_t first = data_.train.firstRow;
  std::vector<double> weight(static_cast<std::size_t>(nLocal), 0.0);
  if (fullBatch()) {
    std::fill(weight.begin(), weight.end(), 1.0 / static_cast<double>(data_.train.globalRows));
    return weight;
  }
  const auto batch = nextBatch();
  for (auto i : batch)
    if (i >= first && i < first + nLocal) weight[static_cast<std::size_t>(i - first)] = 1.0 / batch.size();
  const std::int64_t width = batchWidth();
  for (std::int64_t k = 0; k < width; ++k)
    state_.batchHistory.push_back(k < static_cast<std::int64_t>(batch.size()) ? batch[static_cast<std::size_t>(k)]
                                                                              : -1);
  return weight;
}

double Trainer::dataLoss(const double* w) const {
  const Forward fwd = model_.forward(w, data_.train.x);
  const double local = lossSum(loss_, fwd.output(), data_.train.y);
  double total = 0.0;
  PK_MPI(MPI_Allreduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, comm_));
  return total / static_cast<double>(data_.train.globalRows);
}

void Trainer::step() {
  model_.forward(state_.w.data(), data_.train.x, forward_);
  const Forward& fwd = forward_;

  // Loss on the full training set at w_s (history) and l'_i for every local example.
  const double localLoss = lossSum(loss_, fwd.output(), data_.train.y);
  double totalLoss = 0.0;
  {
    const comm::Timed clock(comm::Phase::Reduce, 8.0, comm_);
    PK_MPI(MPI_Allreduce(&localLoss, &totalLoss, 1, MPI_DOUBLE, MPI_SUM, comm_));
  }
  state_.lossHistory.push_back(totalLoss / static_cast<double>(data_.train.globalRows));
  requireFinite(totalLoss, state_.step);
  Matrix seed = lossDerivative(loss_, fwd.output(), data_.train.y);
  const std::vector<double> weight = batchWeights();
  for (std::int64_t r = 0; r < seed.rows(); ++r)
    for (std::int64_t c = 0; c < seed.cols(); ++c) seed(r, c) *= weight[static_cast<std::size_t>(r)];
  // When an observer reads the output signals, the loss signals are their sum weighted by the
  // seed, which saves a second backward pass (a third of a CNN step).
  const bool signals =
      std::any_of(observers_.begin(), observers_.end(), [](const StepObserver* o) { return o->readsSignals(); });
  if (!signals) {
    model_.lossSignals(state_.w.data(), fwd, seed, u_);
  } else {
    model_.outputSignals(state_.w.data(), fwd, delta_);
    model_.lossSignalsOf(delta_, seed, u_);
  }
  const std::vector<Matrix>& u = u_;

  // G = (1/|B|) sum_{i in B} l'_i grad f(x_i): one Allreduce per step; the optimizer adds the rest.
  std::vector<double> grad(state_.w.size(), 0.0);
  if (!signals) {
    model_.accumulateGradient(fwd, u, grad.data());
  } else {
    // The observers' kernel needs each training example's conv gradients: formed once here,
    // they also give this step's gradient of those layers.
    model_.exampleGradients(fwd, delta_, exampleGradients_);
    model_.accumulateGradient(fwd, u, exampleGradients_, seed, grad.data());
  }
  {
    const comm::Timed clock(comm::Phase::Reduce, 8.0 * static_cast<double>(grad.size()), comm_);
    PK_MPI(MPI_Allreduce(MPI_IN_PLACE, grad.data(), static_cast<int>(grad.size()), MPI_DOUBLE, MPI_SUM, comm_));
  }
  const double lr = options_.schedule.rate(options_.lr, state_.step, options_.steps, options_.warmup);
  const std::vector<double> dw = optimizer_.update(grad, state_.w, lr, options_.weightDecay);

  if (!observers_.empty()) {
    const StepRecord record{state_.step,
                            lr,
                            options_.weightDecay,
                            state_.w,
                            dw,
                            fwd,
                            delta_,
                            u,
                            exampleGradients_,
                            optimizer_.rule(),
                            optimizer_.decayDirection()};
    for (StepObserver* observer : observers_) observer->observe(record);
  }
  for (std::size_t p = 0; p < dw.size(); ++p) state_.w[p] += dw[p];
  state_.lrHistory.push_back(lr);
  ++state_.step;
}

void Trainer::requireFiniteLoss() const {
  requireFinite(dataLoss(state_.w.data()), state_.step);
}

void Trainer::finish() {
  // The steps' workspaces are not needed any more: freed before what follows a run (the
  // final kernels' forward passes) needs its own.
  forward_ = Forward();
  delta_ = std::vector<Matrix>();
  u_ = std::vector<Matrix>();
  exampleGradients_ = std::vector<Matrix>();
  const double loss = dataLoss(state_.w.data());
  requireFinite(loss, state_.step);
  state_.lossHistory.push_back(loss);
}

void Trainer::save(StateWriter& out) const {
  out.replicated("/state/w", state_.w);
  out.replicated("/state/initial_w", state_.initialW);
  std::vector<std::int64_t> rng;
  for (auto word : state_.rng.state()) rng.push_back(asInt(word));
  out.replicated("/state/rng", rng);
  out.replicated("/state/epoch_order", state_.epochOrder);
  out.replicated("/state/epoch_position", std::vector<std::int64_t>{state_.epochPosition});
  out.replicated("/state/loss_history", state_.lossHistory);
  out.replicated("/state/lr_history", state_.lrHistory);
  out.replicated("/state/batch_history", state_.batchHistory);
  optimizer_.save(out);
}

void Trainer::restore(StateReader& in) {
  TrainState st;
  st.w = in.replicatedDoubles("/state/w");
  st.initialW = in.replicatedDoubles("/state/initial_w");
  const auto parameters = static_cast<std::size_t>(model_.parameterCount());
  PK_REQUIRE(st.w.size() == parameters && st.initialW.size() == parameters,
             "the checkpoint has parameters of another model");
  const auto rng = in.replicatedInts("/state/rng");
  PK_REQUIRE(rng.size() == 6, "the checkpoint has a malformed generator state");
  std::array<std::uint64_t, 6> words{};
  for (std::size_t k = 0; k < words.size(); ++k) words[k] = asBits(rng[k]);
  st.rng.setState(words);
  st.epochOrder = in.replicatedInts("/state/epoch_order");
  const auto position = in.replicatedInts("/state/epoch_position");
  PK_REQUIRE(position.size() == 1, "the checkpoint has a malformed epoch position");
  st.epochPosition = position[0];
  st.lossHistory = in.replicatedDoubles("/state/loss_history");
  st.lrHistory = in.replicatedDoubles("/state/lr_history");
  st.batchHistory = in.replicatedInts("/state/batch_history");
  st.step = static_cast<std::int64_t>(st.lrHistory.size());
  PK_REQUIRE(static_cast<std::int64_t>(st.lossHistory.size()) == st.step &&
                 static_cast<std::int64_t>(st.batchHistory.size()) == st.step * batchWidth(),
             "the checkpoint's histories do not agree with each other");
  optimizer_.restore(in);
  state_ = std::move(st);
}

}  // namespace pk

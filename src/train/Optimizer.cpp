#include "train/Optimizer.hpp"

#include <cmath>
#include <sstream>

#include "core/Error.hpp"
#include "core/NameTable.hpp"
#include "core/Text.hpp"

namespace pk {

Optimizer::Optimizer(OptimizerSettings settings, std::int64_t parameters) : settings_(settings) {
  const auto p = static_cast<std::size_t>(parameters);
  decayDirection_.assign(p, 0.0);
  if (settings_.kind == OptimizerKind::Sgd) return;
  first_.assign(p, 0.0);
  decayBuffer_.assign(p, 0.0);
  if (settings_.kind == OptimizerKind::Momentum) return;
  second_.assign(p, 0.0);
  preconditioner_.assign(p, 0.0);
}

std::vector<double> Optimizer::update(const std::vector<double>& gradient, const std::vector<double>& w, double lr,
                                      double weightDecay) {
  const std::size_t n = w.size();
  std::vector<double> dw(n);
  const OptimizerSettings& o = settings_;
  ++updates_;
  switch (o.kind) {
    case OptimizerKind::Sgd:
      for (std::size_t p = 0; p < n; ++p) {
        dw[p] = -lr * (gradient[p] + weightDecay * w[p]);
        decayDirection_[p] = weightDecay * w[p];
      }
      rule_ = DirectionRule{};
      return dw;
    case OptimizerKind::Momentum:
      for (std::size_t p = 0; p < n; ++p) {
        const double g = gradient[p] + weightDecay * w[p];
        first_[p] = o.momentum * first_[p] + g;
        decayBuffer_[p] = o.momentum * decayBuffer_[p] + weightDecay * w[p];
        dw[p] = o.nesterov ? -lr * (g + o.momentum * first_[p]) : -lr * first_[p];
        decayDirection_[p] = o.nesterov ? weightDecay * w[p] + o.momentum * decayBuffer_[p] : decayBuffer_[p];
      }
      rule_ = DirectionRule{true, o.momentum, 1.0, o.nesterov ? 1.0 : 0.0, o.nesterov ? o.momentum : 1.0, nullptr};
      return dw;
    case OptimizerKind::Adam:
    case OptimizerKind::AdamW: {
      const bool decoupled = o.kind == OptimizerKind::AdamW;
      const auto t = static_cast<double>(updates_);
      const double correction1 = 1.0 - std::pow(o.beta1, t), correction2 = 1.0 - std::pow(o.beta2, t);
      for (std::size_t p = 0; p < n; ++p) {
        const double decay = weightDecay * w[p];
        const double g = decoupled ? gradient[p] : gradient[p] + decay;
        first_[p] = o.beta1 * first_[p] + (1.0 - o.beta1) * g;
        second_[p] = o.beta2 * second_[p] + (1.0 - o.beta2) * g * g;
        preconditioner_[p] = 1.0 / (correction1 * (std::sqrt(second_[p] / correction2) + o.adamEps));
        if (!decoupled) decayBuffer_[p] = o.beta1 * decayBuffer_[p] + (1.0 - o.beta1) * decay;
        decayDirection_[p] = decoupled ? decay : preconditioner_[p] * decayBuffer_[p];
        dw[p] = -lr * (preconditioner_[p] * first_[p] + (decoupled ? decay : 0.0));
      }
      rule_ = DirectionRule{true, o.beta1, 1.0 - o.beta1, 0.0, 1.0, &preconditioner_};
      return dw;
    }
  }
  return dw;
}

void Optimizer::save(StateWriter& out) const {
  if (settings_.kind == OptimizerKind::Sgd) return;
  out.replicated("/optimizer/updates", std::vector<std::int64_t>{updates_});
  out.replicated("/optimizer/first", first_);
  out.replicated("/optimizer/decay_buffer", decayBuffer_);
  if (!second_.empty()) out.replicated("/optimizer/second", second_);
}

void Optimizer::restore(StateReader& in) {
  if (settings_.kind == OptimizerKind::Sgd) return;
  const auto updates = in.replicatedInts("/optimizer/updates");
  PK_REQUIRE(updates.size() == 1, "the checkpoint has a malformed optimizer state");
  auto first = in.replicatedDoubles("/optimizer/first");
  auto decay = in.replicatedDoubles("/optimizer/decay_buffer");
  PK_REQUIRE(first.size() == first_.size() && decay.size() == decayBuffer_.size(),
             "the checkpoint's optimizer state does not fit this model");
  if (!second_.empty()) {
    auto second = in.replicatedDoubles("/optimizer/second");
    PK_REQUIRE(second.size() == second_.size(), "the checkpoint's optimizer state does not fit this model");
    second_ = std::move(second);
  }
  updates_ = updates[0];
  first_ = std::move(first);
  decayBuffer_ = std::move(decay);
}

}  // namespace pk

#pragma once
// The update rules of docs/THEORY.md (Optimizers) and the learning-rate
// schedule. Every update is a linear combination of per-example gradients of
// this and earlier steps, so each step also says how the per-example
// directions d_{i,s} follow from the per-example gradients e_{i,s}
// (DirectionRule), and gives the weight-decay direction d_{lambda,s}; the
// kernel engine uses both for exact attribution.
#include <cstdint>
#include <string>
#include <vector>

#include "core/State.hpp"

namespace pk {

enum class OptimizerKind { Sgd, Momentum, Adam, AdamW };
OptimizerKind parseOptimizer(const std::string& name);
std::string toString(OptimizerKind kind);

struct OptimizerSettings {
  OptimizerKind kind = OptimizerKind::Sgd;
  double momentum = 0.9;  // mu
  bool nesterov = false;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double adamEps = 1e-8;
};

/// eps_s = lr * min(1, (s+1)/W) * m(s): m = 1 (constant), G^floor(s/K) (step:K:G),
/// (1 + cos(pi s / S)) / 2 (cosine).
class LrSchedule {
 public:
  enum class Kind { Constant, Step, Cosine };
  LrSchedule() = default;
  /// "constant", "step:K:G" (K >= 1 steps, G > 0) or "cosine"; throws InputError otherwise.
  static LrSchedule parse(const std::string& text);
  /// The form parse() reads and the run file stores.
  std::string name() const;
  /// eps_s for step s of a run of `steps` steps with base rate lr and `warmup` steps of warm-up.
  double rate(double lr, std::int64_t s, std::int64_t steps, std::int64_t warmup) const;
  /// The same profile over `factor` times as many steps (step:K:G -> step:factor K:G).
  LrSchedule stretched(std::int64_t factor) const {
    LrSchedule s = *this;
    s.every_ *= factor;
    return s;
  }

 private:
  Kind kind_ = Kind::Constant;
  std::int64_t every_ = 1;  // K
  double factor_ = 1.0;     // G
};

/// How step s's per-example directions follow from e_{i,s} = c_{i,s} . grad f_s(x_i):
///   buffer_i <- decay * buffer_i + feed * e_i        (when buffered)
///   d_i       = P_s (direct * e_i + through * buffer_i)
struct DirectionRule {
  bool buffered = false;  // per-example buffers exist (momentum, adam, adamw)
  double decay = 0.0, feed = 1.0;
  double direct = 1.0, through = 0.0;
  const std::vector<double>* preconditioner = nullptr;  // P_s elementwise (adam, adamw); null = 1
};

class Optimizer {
 public:
  Optimizer(OptimizerSettings settings, std::int64_t parameters);

  const OptimizerSettings& settings() const { return settings_; }
  /// dw_s for the data gradient G_s (all ranks alike), weights w_s, rate eps_s and decay lambda.
  /// Also sets this step's rule() and decayDirection(). Not collective.
  std::vector<double> update(const std::vector<double>& gradient, const std::vector<double>& w, double lr,
                             double weightDecay);
  /// The per-example rule of the last update.
  const DirectionRule& rule() const { return rule_; }
  /// d_{lambda,s} of the last update: dw_s = -eps_s (sum_i d_{i,s} + d_{lambda,s}).
  const std::vector<double>& decayDirection() const { return decayDirection_; }

  /// The state (b or m and v, the decay direction's own buffer, the step count) under /optimizer.
  void save(StateWriter& out) const;
  void restore(StateReader& in);

 private:
  OptimizerSettings settings_;
  std::int64_t updates_ = 0;            // t - 1
  std::vector<double> first_, second_;  // b (momentum) or m (adam); v (adam)
  std::vector<double> decayBuffer_;     // the recursion fed with lambda w_s
  std::vector<double> preconditioner_;  // P_s
  std::vector<double> decayDirection_;  // d_{lambda,s}
  DirectionRule rule_;
};

}  // namespace pk

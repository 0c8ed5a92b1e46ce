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
#include "settings/Optimization.hpp"

namespace pk {

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

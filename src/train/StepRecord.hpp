#pragma once
// What one gradient step produces, for whoever measures the path: the
// parameters before the step and the update, the learning rate, this rank's
// training examples' per-example signals at w_s, and how the optimizer turns
// per-example gradients into the update (for exact attribution). The trainer fills a
// StepRecord every step and hands it to each subscribed StepObserver (the
// path-kernel engine, later optimizer attribution and kernel snapshots); the
// trainer itself knows none of them.
#include <cstdint>
#include <vector>

#include "core/Matrix.hpp"
#include "model/Network.hpp"
#include "train/Optimizer.hpp"

namespace pk {

struct StepRecord {
  std::int64_t step;                          // s
  double lr;                                  // eps_s
  double weightDecay;                         // lambda
  const std::vector<double>& w;               // w_s
  const std::vector<double>& dw;              // w_{s+1} - w_s
  const Forward& trainForward;                // this rank's training rows at w_s
  const std::vector<Matrix>& trainDelta;      // their output signals df_c/dz_k
  const std::vector<Matrix>& trainU;          // loss signals seeded with c_{i,s} = l'_i / |B_s| (0 outside B_s)
  const std::vector<Matrix>& trainGradients;  // per layer: per-example gradients of the C outputs [n, C P_l]
                                              // of the layers that form them (conv), else empty
  const DirectionRule& rule;                  // how the per-example directions d_{i,s} follow from e_{i,s}
  const std::vector<double>& decayDirection;  // d_{lambda,s}
};

class StepObserver {
 public:
  virtual ~StepObserver() = default;
  /// Collective: called once per step, before the update is applied.
  virtual void observe(const StepRecord& step) = 0;
  /// Whether it reads the record's output signals and per-example gradients (trainDelta,
  /// trainGradients): the trainer forms them only when some observer does, and leaves them
  /// empty otherwise.
  virtual bool readsSignals() const { return true; }
};

}  // namespace pk

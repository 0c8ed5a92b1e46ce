#pragma once
// A_i = sum_s eps_s c_{i,s}, with c_{i,s} = 1[i in B_s] l'_i(s) / |B_s| (a
// C-vector): how much example i pushed the outputs over the whole path. The
// tangent-kernel baselines score example i by -K^g(x, x_i) A_i. The run file
// does not store l'_i(s), so A is recomputed by retraining the full run with
// this observer subscribed (docs/FORMAT.md, 9.1).
#include <cstdint>

#include "core/Matrix.hpp"
#include "train/StepRecord.hpp"

namespace pk::validation {

class LossWeightSums : public StepObserver {
 public:
  /// Sums for this rank's training rows ([localRows, C]).
  LossWeightSums(std::int64_t localRows, std::int64_t outputs) : sums_(localRows, outputs) {}
  /// Not collective: the last layer's loss signals are the seeds c_{i,s} l'_i(s) themselves.
  void observe(const StepRecord& step) override;
  bool readsSignals() const override { return false; }  // the seeds only
  const Matrix& sums() const { return sums_; }

 private:
  Matrix sums_;
};

}  // namespace pk::validation

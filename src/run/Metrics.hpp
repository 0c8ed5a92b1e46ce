#pragma once
// The test loss and, for classification, the train and test accuracy along the
// path (docs/FORMAT.md 2.6): at w_0 .. w_S, the same points as /history/loss.
// A StepObserver: at each step it scores the parameters w_s before the update
// (the training rows' outputs come with the step; the test rows take one
// forward pass), and finish() scores w_S. Its histories are checkpointed.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "core/Dataset.hpp"
#include "core/State.hpp"
#include "model/Loss.hpp"
#include "model/Network.hpp"
#include "train/StepRecord.hpp"

namespace pk {

class Metrics : public StepObserver {
 public:
  Metrics(const Network& model, Loss loss, const Dataset& data, MPI_Comm comm);

  /// Collective: scores w_s (called by the trainer before the update).
  void observe(const StepRecord& step) override;
  bool readsSignals() const override { return false; }  // the outputs only
  /// Collective: scores the final parameters w_S (once, after the last step).
  void finish(const double* w);

  /// Test points with targets: a replay's query points may come without.
  bool hasTest() const { return data_.test.globalRows > 0 && data_.testHasTargets; }
  bool hasAccuracy() const { return loss_ != Loss::Mse; }
  /// Mean data loss over the test rows; empty without a test split.
  const std::vector<double>& testLoss() const { return testLoss_; }
  /// Fraction of correctly classified rows; empty for mse (and, for test, without a test split).
  const std::vector<double>& trainAccuracy() const { return trainAccuracy_; }
  const std::vector<double>& testAccuracy() const { return testAccuracy_; }

  /// Collective: the histories under /metrics (checkpoints).
  void save(StateWriter& out) const;
  /// Collective: restores them; they must hold `steps` values each (those that apply).
  /// Throws InputError for a checkpoint written before they existed.
  void restore(StateReader& in, std::int64_t steps);

 private:
  // Appends the values at parameters w, given this rank's training outputs there.
  void record(const Matrix& trainOutput, const double* w);
  // Correct predictions among this rank's rows of `block`.
  double correct(const Matrix& output, const DataBlock& block) const;

  const Network& model_;
  Loss loss_;
  const Dataset& data_;
  MPI_Comm comm_;
  std::vector<double> testLoss_, trainAccuracy_, testAccuracy_;
};

}  // namespace pk

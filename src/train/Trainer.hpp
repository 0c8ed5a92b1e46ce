#pragma once
// Distributed gradient descent (docs/THEORY.md): full batch or minibatch,
// plain, with momentum, Adam or AdamW, a learning-rate schedule, weight
// decay. Each rank computes the gradient of its own examples; one
// MPI_Allreduce per step combines them. Observers
// subscribed to the trainer see every step (StepRecord); the trainer does not
// know what they compute.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "core/Dataset.hpp"
#include "core/Rng.hpp"
#include "core/State.hpp"
#include "model/Loss.hpp"
#include "model/Network.hpp"
#include "train/Optimizer.hpp"
#include "train/StepRecord.hpp"

namespace pk {

/// Everything that changes during training (and is checkpointed).
struct TrainState {
  std::int64_t step = 0;
  std::vector<double> w;
  std::vector<double> initialW;
  Rng rng;
  std::vector<std::int64_t> epochOrder;  // current epoch's permutation (SGD)
  std::int64_t epochPosition = 0;        // next unused index in epochOrder
  std::vector<double> lossHistory;       // data loss at w_0..w_s
  std::vector<double> lrHistory;
  std::vector<std::int64_t> batchHistory;  // [steps, batchWidth], padded with -1 (SGD)
};

class Trainer {
 public:
  /// Collective. Draws w_0 from the seed (identical on every rank).
  Trainer(const Network& model, Loss loss, const Dataset& data, TrainOptions options, MPI_Comm comm);

  /// Every later step is handed to `observer` (not owned; it must outlive the trainer's steps).
  void subscribe(StepObserver& observer);

  bool fullBatch() const;
  /// Width of /history/batches (the batch size), 0 for full batch.
  std::int64_t batchWidth() const;

  /// Collective: one gradient step, seen by every observer.
  void step();
  /// Collective: records the loss at the final parameters (call once after the last step) and
  /// frees the steps' workspaces.
  void finish();
  /// Collective: data loss (no weight decay) on the full training set at w.
  double dataLoss(const double* w) const;
  /// Collective: throws InputError (divergence, with the step) unless the loss at the current w is finite.
  void requireFiniteLoss() const;

  const TrainState& state() const { return state_; }

  /// Starts from the given w_0 instead of the one drawn from the seed (before
  /// the first step; the generator keeps its position, so batches are drawn as
  /// in a run from the seed). Retraining a finished run takes w_0 from its file.
  /// Not collective. Throws InputError if w0 does not fit the model.
  void startFrom(const std::vector<double>& w0);

  /// Collective: the state under /state/... (checkpoints).
  void save(StateWriter& out) const;
  /// Collective: restores what save() wrote. Throws InputError if it does not fit this model.
  void restore(StateReader& in);

 private:
  std::vector<std::int64_t> nextBatch();
  // c_{i,s} = 1/|B_s| for this rank's examples in the batch, 0 for the others; records the batch.
  std::vector<double> batchWeights();

  const Network& model_;
  Loss loss_;
  const Dataset& data_;
  TrainOptions options_;
  MPI_Comm comm_;
  TrainState state_;
  Optimizer optimizer_;
  std::vector<StepObserver*> observers_;
  // Workspaces of step(), kept so that each step reuses their storage: the training rows'
  // activations, output signals, loss signals and per-example gradients (conv layers) at w_s.
  Forward forward_;
  std::vector<Matrix> delta_, u_, exampleGradients_;
};

}  // namespace pk

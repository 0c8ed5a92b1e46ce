#pragma once
// Accumulates, during training, everything docs/THEORY.md defines for every
// query point (the training points and the test points): the path kernel,
// every training example's contribution, the regulariser term, the initial
// and final predictions, the first-layer superposition coefficients Gamma,
// and optionally the tangent kernels at the first and last step.
//
// Each rank owns its block of training rows and of test rows, and the same
// rows of every kernel matrix (PETSc MATMPIDENSE). Each step every layer kind
// builds its training side from this rank's own training rows and it is
// allgathered (kernel/TrainingSide.hpp: a dense layer's features, a conv
// layer's per-example gradients, nothing for pooling); per-rank memory is
// O(rows_owned * N * matrices + N * V), V the training side's values per
// example (docs/LIMITS.md, Memory).
//
// The engine observes the trainer (StepObserver) and saves and restores its
// accumulated terms itself (checkpoints).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/Dataset.hpp"
#include "core/DenseRows.hpp"
#include "core/Partition.hpp"
#include "core/State.hpp"
#include "kernel/DirectionAttribution.hpp"
#include "kernel/GaussLegendre.hpp"
#include "kernel/TileAccumulator.hpp"
#include "model/Network.hpp"
#include "settings/PathRule.hpp"
#include "train/StepRecord.hpp"

namespace pk {

struct EngineOptions {
  bool trainKernels = true;                      // keep the train x train blocks (N^2 in total)
  bool tangentKernels = false;                   // K^g at w_0 and w_S
  PathRule pathRule;                             // where the query side of each step is taken
  OptimizerKind optimizer = OptimizerKind::Sgd;  // with memory (not sgd): contributions from per-example directions
  std::vector<std::int64_t> snapshotSteps;       // steps s (0..S, ascending) whose K^g at w_s is kept
  bool layerKernels = false;                     // keep each layer's share of K^p
  bool convSuperposition = false;                // keep Gamma of a first conv layer (large: N x K H' W')
  bool queryTraining = true;                     // the training points are query points too (not when replaying)
  bool exampleDirections() const { return optimizer != OptimizerKind::Sgd; }
};

/// Accumulated results for one set of query points.
struct QueryState {
  std::string name;  // "train" or "test"
  std::int64_t globalRows = 0;
  std::int64_t firstRow = 0;
  bool keepKernels = true;
  DenseRows path;                  // K^p [n, N]
  std::vector<DenseRows> contrib;  // C(x, i) per output: C x [n, N] (plain gradient descent)
  Matrix contribColumns;           // C(x, i) for this rank's examples i: [n, rows_owned * C] (optimizers with memory)
  Matrix stepSums;                 // this step's sums over this rank's examples [n, C] (optimizers with memory)
  DenseRows tangentInitial, tangentFinal;
  std::vector<DenseRows> snapshots;   // K^g at each snapshot step [n, N]
  std::vector<DenseRows> pathLayers;  // each layer's share of K^p [n, N] (sums to path)
  Matrix initial;                     // f_0 [n_local, C]
  Matrix network;                     // f_S [n_local, C]
  Matrix regulariser;                 // R [n_local, C]
  Matrix contribSum;                  // sum_i C(x, i) [n_local, C]
};

struct ResidualSummary {
  double maxAbsResidual = 0.0;  // max |f_S - y_KM| over points and outputs
  double maxAbsChange = 0.0;    // max |f_S - f_0|
  double relative() const { return maxAbsChange > 0 ? maxAbsResidual / maxAbsChange : maxAbsResidual; }
};

class PathKernelEngine : public StepObserver {
 public:
  /// Collective: allocates the distributed kernel matrices.
  PathKernelEngine(const Network& model, const Dataset& data, EngineOptions options, MPI_Comm comm);

  /// Collective. Initial predictions (and the initial tangent kernel) at w_0.
  void begin(const double* w0);
  /// Collective. Adds step s's terms.
  void observe(const StepRecord& step) override;
  /// Collective. Final predictions (and the final tangent kernel, and the snapshot at
  /// step S if asked) at w_S after `steps` steps.
  void finish(const double* wS, std::int64_t steps);

  const QueryState& train() const { return train_; }
  const QueryState& test() const { return test_; }
  const Matrix& gamma() const { return gamma_; }  // [n_local_train, the first layer's outputs]
  /// Whether the superposition (decay, span_residual, and Gamma where kept) is computed: a first
  /// layer with parameters (dense or conv).
  bool hasSuperposition() const { return superposition_; }
  /// Whether Gamma and decay are defined (sgd and momentum: every first-layer direction is gamma x_i^T).
  bool hasDecomposition() const;
  /// Whether Gamma is kept: defined, and a dense first layer or EngineOptions::convSuperposition.
  bool hasGamma() const { return keepGamma_; }
  /// - sum_s eps_s d_{lambda,s} restricted to W_1 [H_1, D] (a conv layer: [K, C_in k^2]; every rank alike).
  const Matrix& firstLayerDecay() const { return decay_; }
  /// Whether C(x, i) is held as column blocks (optimizers with memory) rather than rows.
  bool columnContributions() const { return options_.exampleDirections(); }
  /// This rank's training examples [first, first + count): the columns it holds.
  const Partition& trainRows() const { return trainRows_; }
  /// Flops of the structured kernel accumulation so far (this rank).
  double flops() const { return flops_; }
  /// Flops of the contraction with per-example directions so far (this rank), and its
  /// seconds (buffers, gathering the query features, products, the sums' exchange).
  double attributionFlops() const { return attributionFlops_; }
  double attributionSeconds() const { return attributionSeconds_; }

  /// Collective: residual of the kernel machine on one query set.
  ResidualSummary summarize(const QueryState& q) const;

  /// Collective: the accumulated terms under /engine/... (checkpoints).
  void save(StateWriter& out) const;
  /// Collective: restores what save() wrote (rows by global index: any rank count).
  void restore(StateReader& in);

 private:
  // Predictions at w, and the tangent kernel at w into each pair of targets (train rows, test rows).
  using KernelPair = std::pair<DenseRows*, DenseRows*>;
  void snapshot(const double* w, Matrix QueryState::*prediction, const std::vector<KernelPair>& tangents);
  // The tangent kernels wanted at step s: K^g at w_0 or w_S, and the snapshot of step s if any.
  std::vector<KernelPair> tangentsAt(std::int64_t step, DenseRows QueryState::*endpoint);
  // ownRows: q's rows are this rank's rows of `train`, at its parameters (the left rule's training queries).
  void accumulate(QueryState& q, const Forward& fwd, const std::vector<Matrix>& delta, const TrainingSide& train,
                  const StepRecord& step, double alpha, bool ownRows = false);
  // Optimizers with memory: every query row of q against this rank's examples' directions.
  void attribute(QueryState& q, const Partition& rows, const Forward& fwd, const std::vector<Matrix>& delta,
                 const FeatureView* gathered, double alpha);
  // The step's sums over examples reach the ranks that own the query rows.
  void collectStepSums(QueryState& q, const Partition& rows);
  void updateSuperposition(const StepRecord& step);
  void tangentKernel(DenseRows& target, const FeatureView& query, const TrainingSide& train);

  const Network& model_;
  const Dataset& data_;
  EngineOptions options_;
  MPI_Comm comm_;
  Partition trainRows_, testRows_;
  Quadrature rule_;
  QueryState train_, test_;
  double firstScale_ = 1.0;  // the factor s of the first layer's gradient
  bool superposition_ = false;
  bool keepGamma_ = false;
  ParameterBlock firstWeights_;  // the first layer's W
  Matrix gamma_;
  Matrix decay_;
  std::unique_ptr<DirectionAttribution> attribution_;
  TileWorkspace workspace_;  // scratch tiles reused by every accumulation
  double flops_ = 0.0;
  double attributionFlops_ = 0.0;
  double attributionSeconds_ = 0.0;
};

/// y_KM = f_0 + R + sum_i C(x, i) for this rank's rows.
Matrix kernelMachine(const QueryState& q);
/// b(x) = f_0 + R.
Matrix bias(const QueryState& q);

}  // namespace pk

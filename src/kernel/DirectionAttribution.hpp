#pragma once
// Exact attribution for optimizers with memory (momentum, Adam, AdamW;
// docs/THEORY.md, Optimizers). Their update at step s is a sum over training
// examples of per-example directions d_{i,s} built from this and earlier
// steps' per-example gradients, so C(x, i) = -sum_s eps_s g_s(x) . d_{i,s}
// no longer factorises like the kernel. Each rank keeps, for the training
// examples it owns, the per-example buffers (b_i or m_i) and the step's
// directions: O(rows_owned x P) memory, never N x P on one rank.
//
// Per-example directions are implemented for dense layers (the engine refuses
// other kinds through LayerKernel::supportsDirections). Both are stored per
// layer in an augmented layout [rows_owned * H_out, H_in + 1]:
// row j of example i holds [dW_k row j, db_k[j]]. Then g(x) . d_i for layer k is
// delta_k(x) . (D_i [s_k h_k(x); 1]), so contracting every owned example with
// every query point is one GEMM per layer, [rows_owned * H_out, H_in + 1] x
// [H_in + 1, N_q], followed by a dot with the query's output signals. The
// results are column blocks (all query rows x this rank's examples).
//
// With one output the per-layer dot can go into the GEMM instead: g(x) for
// layer k is the outer product delta_k(x) [s_k h_k(x); 1]^T, so with the query
// side flattened to [N_q, H_out (H_in + 1)] (the same layout as a direction)
// the contraction is one GEMM per layer with an inner dimension of
// H_out (H_in + 1), which runs near the DGEMM peak. The flops are the same.
#include <cstdint>
#include <vector>

#include "core/Matrix.hpp"
#include "core/Partition.hpp"
#include "core/State.hpp"
#include "kernel/Features.hpp"
#include "model/DenseLayer.hpp"
#include "model/Network.hpp"
#include "train/StepRecord.hpp"

namespace pk {

class DirectionAttribution {
 public:
  DirectionAttribution(const Network& model, const Partition& trainRows);

  /// Not collective. Feeds this step's per-example gradients e_{i,s} into the
  /// buffers and forms the directions d_{i,s} of the examples this rank owns.
  void update(const StepRecord& step);

  /// Not collective. For every query x of `queries` (all rows of a query set,
  /// gathered) and every owned example i: columns(x, i * C + c) -= alpha g_c(x) . d_i
  /// (when columns is given) and rowSums(x, c) -= alpha sum_i g_c(x) . d_i.
  /// Returns the flops of the products (2 x rows_owned x N_q x P).
  double contract(const FeatureView& queries, double alpha, Matrix* columns, Matrix& rowSums);

  /// Not collective. Adds sum over this rank's examples of d_{i,s} (parameter layout, P values)
  /// to `sum`: with the decay direction it makes the update, which the tests check.
  void addDirections(std::vector<double>& sum) const;

  /// The first layer's directions are gamma_{i,s} x_i^T (momentum and sgd);
  /// gamma [rows_owned, H_1] of the last update.
  const Matrix& firstLayerGamma() const { return gamma_; }

  /// The buffers under /attribution (rows by global example: any rank count).
  void save(StateWriter& out) const;
  void restore(StateReader& in);

 private:
  // Adds this tile's g(x) . d_i to sums[i][c][x] for every layer.
  double tileProducts(std::int64_t nx, std::int64_t i0, std::int64_t ni, std::vector<double>& sums);
  double contractOneOutput(const FeatureView& queries, double alpha, Matrix* columns, Matrix& rowSums);
  // One output: the query tile's outer products per layer, and their products with every direction.
  double outerProducts(const FeatureView& queries, std::int64_t x0, std::int64_t nx, std::vector<double>& sums);
  void prepareQueries(const FeatureView& queries, std::int64_t x0, std::int64_t nx);

  const DenseLayer& layer(int k) const { return *layers_[static_cast<std::size_t>(k)]; }

  const Network& model_;
  std::vector<const DenseLayer*> layers_;  // the network's layers, every one dense (checked)
  std::int64_t firstExample_, examples_, globalExamples_;
  std::vector<Matrix> buffers_;     // per layer [examples * H_out, H_in + 1]
  std::vector<Matrix> directions_;  // the same layout: d_{i,s}
  Matrix gamma_;                    // [examples, H_1]: the first layer's gamma_{i,s}
  Matrix gammaBuffer_;              // its buffer (momentum)
  // Per query tile: [s_k h_k(x), 1] rows and the transposed output signals, per layer.
  std::vector<std::vector<double>> queryRows_, querySignals_;
  std::vector<double> product_;
};

}  // namespace pk

#pragma once
// Exact attribution for optimizers with memory (momentum, Adam, AdamW;
// docs/THEORY.md, Optimizers). Their update at step s is a sum over training
// examples of per-example directions d_{i,s} built from this and earlier
// steps' per-example gradients, so C(x, i) = -sum_s eps_s g_s(x) . d_{i,s}
// no longer factorises like the kernel. Each rank keeps, for the training
// examples it owns, the per-example buffers (b_i or m_i) and the step's
// directions: O(rows_owned x P) memory, never N x P on one rank.
//
// Each layer keeps its part (kernel/LayerDirections.hpp, provided by its kind
// through LayerKernel::directions; the dense one in kernel/DenseDirections.hpp):
// this class feeds them every step and sums their products with the query
// points' gradients, layer after layer. The results are column blocks (all
// query rows x this rank's examples).
#include <cstdint>
#include <memory>
#include <vector>

#include "core/Matrix.hpp"
#include "core/Partition.hpp"
#include "core/State.hpp"
#include "kernel/Features.hpp"
#include "kernel/LayerDirections.hpp"
#include "model/Network.hpp"
#include "train/StepRecord.hpp"

namespace pk {

class DirectionAttribution {
 public:
  /// `keepGamma`: also follow the first layer's gamma_{i,s} (the superposition's Gamma).
  DirectionAttribution(const Network& model, const Partition& trainRows, bool keepGamma = false);

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

  /// The first layer's directions are gamma_{i,s} x_i^T (momentum and sgd; for a first conv
  /// layer sum_p gamma_{i,s,p} patch_p(x_i)^T); gamma [rows_owned, the first layer's outputs]
  /// of the last update (empty unless kept).
  const Matrix& firstLayerGamma() const { return gamma_; }

  /// The buffers under /attribution (rows by global example: any rank count).
  void save(StateWriter& out) const;
  void restore(StateReader& in);

 private:
  double contractOneOutput(const FeatureView& queries, double alpha, Matrix* columns, Matrix& rowSums);

  const Network& model_;
  std::int64_t firstExample_, examples_, globalExamples_;
  std::vector<std::unique_ptr<LayerDirections>> layers_;  // one per layer, in order
  double firstScale_ = 1.0;                               // s of the first layer's gradient
  bool keepGamma_ = false;
  Matrix gamma_;                 // [examples, the first layer's outputs]: its gamma_{i,s}
  Matrix gammaBuffer_;           // its buffer (momentum)
  std::vector<double> product_;  // scratch of the layers' products
};

}  // namespace pk

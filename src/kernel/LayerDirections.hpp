#pragma once
// One layer's part of the exact attribution for optimizers with memory
// (kernel/DirectionAttribution.hpp): the per-example buffers and directions
// d_{i,s} restricted to the layer's parameters, for the training examples this
// rank owns, and their products with the query points' gradients. Each layer
// kind provides its own (LayerKernel::directions); DirectionAttribution sums
// the layers' products in layer order. Every call covers a block of examples
// or query points, never one element.
#include <cstdint>
#include <string>
#include <vector>

#include "core/Matrix.hpp"
#include "core/State.hpp"
#include "kernel/Features.hpp"
#include "train/Optimizer.hpp"

namespace pk {

/// What a layer's directions need to know of the network and of this rank's examples.
struct DirectionShape {
  int layer = 0;                    // k: its features are h[k], delta[k] (none for the last layer), u[k]
  bool last = false;                // the output layer: df/dz is the identity
  std::int64_t outputs = 1;         // C
  std::int64_t examples = 0;        // examples this rank owns
  std::int64_t firstExample = 0;    // the global index of the first
  std::int64_t globalExamples = 0;  // N
};

class LayerDirections {
 public:
  virtual ~LayerDirections() = default;
  /// Rows per example of the products of addTileProducts (sizes the tiles).
  virtual std::int64_t rowsPerExample() const = 0;
  /// Feeds this step's per-example gradients (from the layer's input h and loss
  /// signals u of the owned examples) into the buffers and forms the directions;
  /// `preconditioner` is P_s over all of w, or null.
  virtual void update(const Matrix& h, const Matrix& u, const DirectionRule& rule, const double* preconditioner) = 0;
  /// C > 1: takes the query tile [x0, x0 + nx) of `queries`, then adds
  /// g_c(x) . d_i to sums[(i * C + c) * nx + x] for owned examples [i0, i0 + ni).
  virtual void prepareQueries(const FeatureView& queries, std::int64_t x0, std::int64_t nx) = 0;
  virtual double addTileProducts(std::int64_t nx, std::int64_t i0, std::int64_t ni, std::vector<double>& sums,
                                 std::vector<double>& scratch) const = 0;
  /// C = 1: adds g(x) . d_i to sums[i * nx + x] for every owned example and the query tile.
  virtual double addOuterProducts(const FeatureView& queries, std::int64_t x0, std::int64_t nx,
                                  std::vector<double>& sums, std::vector<double>& scratch) const = 0;
  /// sum (parameter layout, P values) += the owned examples' directions on this layer's parameters.
  virtual void addDirections(std::vector<double>& sum) const = 0;
  /// The buffers under `name` (rows by global example: any rank count).
  virtual void save(StateWriter& out, const std::string& name) const = 0;
  virtual void restore(StateReader& in, const std::string& name) = 0;
};

}  // namespace pk

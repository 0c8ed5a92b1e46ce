#pragma once
// The contract between a layer and the kernel engine's tile loop. The tangent
// kernel is a sum over layers; each layer kind supplies its share of one tile
// of query rows x training columns from its own per-example features:
//   kernel     += K_k(x, x_i)                              (trace over outputs)
//   contrib_c  += [df_c/dz_k(x) . u_k(x_i)] factor_k(x, x_i)   (C > 1: u carries l'_i / |B|)
// For a dense layer k, K_k = [sum_c df_c/dz_k(x) . df_c/dz_k(x_i)] factor_k with
// factor_k = s_k^2 h_k(x).h_k(x_i) + 1 (kernel/DenseTerms.hpp).
//
// Each layer kind has one LayerKernel: what the engine needs of that kind
// (what its training side holds and how it is gathered, its LayerTerm,
// whether it can be the first layer of the superposition, its per-example
// directions for the optimizers with memory). The query side is always the
// layer's features (h[k], delta[k]) of this rank's own query rows; the
// training side is what the kind chose to gather (kernel/TrainingSide.hpp).
// layerKernel() picks it by the layer's kind; a new kind (a convolution) is
// one more LayerKernel and one more entry there: the tile loop
// (TileAccumulator) and the engine do not change.
#include <cstdint>
#include <memory>
#include <vector>

#include "kernel/Features.hpp"
#include "kernel/LayerDirections.hpp"
#include "kernel/TrainingSide.hpp"
#include "model/Layer.hpp"
#include "model/Network.hpp"

namespace pk {

/// Query rows [r0, r0 + nr) x training columns [j0, j0 + nj). Tile buffers are
/// column-major [nr, nj] (element (r, j) at r + j * nr), like the stored kernel blocks.
struct TileRange {
  std::int64_t r0 = 0, nr = 0, j0 = 0, nj = 0;
  std::int64_t cells() const { return nr * nj; }
};

/// Scratch tiles shared by the layers (each holds one tile, or one per output).
struct TileScratch {
  std::vector<double> factor, product;
};

/// Where a layer adds its share of the tile.
struct TileSums {
  double* kernel = nullptr;      // or null: no kernel wanted
  std::vector<double*> contrib;  // one tile per output (C > 1), or empty: none wanted
};

class LayerTerm {
 public:
  virtual ~LayerTerm() = default;
  /// Adds this layer's share of `tile` to `sums`. Returns the flops of its products.
  virtual double addTo(const TileRange& tile, TileScratch& scratch, const TileSums& sums) const = 0;
  /// Doubles of TileScratch::product it needs for a tile of `cells` cells.
  virtual std::int64_t productValues(std::int64_t cells) const = 0;
};

/// What the kernel engine needs of one layer kind.
class LayerKernel {
 public:
  virtual ~LayerKernel() = default;
  /// Collective: layer k's part of the training side, built from every rank's own rows and
  /// gathered (with `withLossSignals`, also what contributions need). Every rank calls it
  /// in the same order. `last`: the output layer, whose df/dz is the identity and is not stored.
  virtual LayerSide trainingSide(int k, bool last, const OwnRows& own, bool withLossSignals) const = 0;
  /// Doubles per training example that trainingSide holds (the memory estimate).
  virtual std::int64_t trainingValues(bool last, bool withLossSignals) const = 0;
  /// Doubles per query row that term() materialises beside the query features (the memory estimate).
  virtual std::int64_t queryValues() const = 0;
  /// The layer's share of the tiles, from its query features (h[k], delta[k]) and its
  /// part of the training side (train.layer(k), and train.lossSignal() for the output layer).
  virtual std::unique_ptr<LayerTerm> term(int k, bool last, const FeatureView& query,
                                          const TrainingSide& train) const = 0;
  /// Whether Gamma and the decay term of docs/THEORY.md (Superposition) are defined with
  /// this layer first, and the factor s that the first layer's gradient carries.
  virtual bool supportsSuperposition() const = 0;
  virtual double signalScale() const = 0;
  /// Its part of the per-example directions of the optimizers with memory (every kind
  /// has one; a kind without parameters gives noDirections() of kernel/ConvDirections.hpp).
  virtual std::unique_ptr<LayerDirections> directions(const DirectionShape& shape) const = 0;
};

/// The LayerKernel of `layer`'s kind, for a network of `outputs` outputs.
std::unique_ptr<LayerKernel> layerKernel(const Layer& layer, std::int64_t outputs);

/// The terms of every layer of the network that has parameters (so one per layer kernel),
/// for query features and a training side (gathered with loss signals when contributions are wanted).
std::vector<std::unique_ptr<LayerTerm>> layerTerms(const Network& model, const FeatureView& query,
                                                   const TrainingSide& train);

}  // namespace pk

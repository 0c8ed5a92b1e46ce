#pragma once
// The contract between a layer and the kernel engine's tile loop. The tangent
// kernel is a sum over layers; each layer kind supplies its share of one tile
// of query rows x training columns from its own per-example features:
//   kernel     += K_k(x, x_i)                              (trace over outputs)
//   contrib_c  += [df_c/dz_k(x) . u_k(x_i)] factor_k(x, x_i)   (C > 1: u carries l'_i / |B|)
// For a dense layer k, K_k = [sum_c df_c/dz_k(x) . df_c/dz_k(x_i)] factor_k with
// factor_k = s_k^2 h_k(x).h_k(x_i) + 1. A new layer kind (a convolution) or a
// new contraction is one more LayerTerm; the tile loop (TileAccumulator) does
// not change.
#include <cstdint>
#include <memory>
#include <vector>

#include "kernel/Features.hpp"
#include "model/Mlp.hpp"

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
};

/// The terms of every layer of the MLP, for query features and training features
/// (which must carry u when contributions are wanted).
std::vector<std::unique_ptr<LayerTerm>> layerTerms(const Mlp& model, const FeatureView& query,
                                                   const FeatureView& train);

}  // namespace pk

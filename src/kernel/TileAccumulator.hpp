#pragma once
// The structured tangent kernel, accumulated tile by tile. For a block of
// query rows and all N training columns it adds, per layer (LayerTerm.hpp):
//   kernel     += alpha * sum_k K_k(x, x_i)                   (trace over outputs)
//   contrib_c  -= alpha * sum_k [df_c/dz_k(x) . u_k(x_i)] factor_k   (u carries l'_i / |B|)
//   contribSum -= the row sums of the contrib increments
// For C = 1, u_k(x_i) = (l'_i / |B|) df/dz_k(x_i), so contrib is the kernel increment
// scaled by -(l'_i / |B|) per column and needs no products of its own.
// Every product is one DGEMM on a tile that stays in cache; the layers add into
// the tile's sums, which are then added to each stored matrix once per call.
// The loop knows no layer kind: the query side is the layers' features of this
// rank's query rows, the training side what each kind gathered
// (kernel/TrainingSide.hpp), and each kind's LayerTerm reads its own. Dense
// layers never form a per-example parameter gradient; conv layers contract
// their per-example gradients (kernel/ConvTerms.hpp).
#include <cstdint>
#include <vector>

#include "core/DenseRows.hpp"
#include "kernel/Features.hpp"
#include "kernel/LayerTerm.hpp"
#include "kernel/TrainingSide.hpp"
#include "model/Network.hpp"

namespace pk {

struct TileTargets {
  DenseRows* kernel = nullptr;                     // [n, N], or null
  std::vector<DenseRows>* contrib = nullptr;       // C matrices [n, N], or null
  Matrix* contribSum = nullptr;                    // [n, C], or null (requires the u features)
  std::vector<DenseRows>* layerKernels = nullptr;  // each layer's share of `kernel` [n, N], or null
};

/// Scratch tiles, kept by the caller so that the hot loop allocates nothing
/// (each buffer is 512 KB: a fresh allocation would be mapped and zeroed every call).
struct TileWorkspace {
  TileScratch layer;                            // the layers' products
  std::vector<double> kernelAcc, rowSum;        // the tile's kernel sum, its row sums
  std::vector<double> layerAcc;                 // one layer's share of the tile (layer kernels)
  std::vector<std::vector<double>> contribAcc;  // the tile's contribution sums per output (C > 1)
};

/// Not collective: works on this rank's query rows. Returns the flops of the
/// structured method (GEMMs only) for benchmarks.
double accumulateTiles(const Network& model, const FeatureView& query, const TrainingSide& train, double alpha,
                       const TileTargets& targets, TileWorkspace& workspace);

/// The same with a workspace of its own, for one-off use.
inline double accumulateTiles(const Network& model, const FeatureView& query, const TrainingSide& train, double alpha,
                              const TileTargets& targets) {
  TileWorkspace workspace;
  return accumulateTiles(model, query, train, alpha, targets, workspace);
}

}  // namespace pk

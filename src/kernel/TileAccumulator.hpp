#pragma once
// The structured tangent kernel, accumulated tile by tile. For a block of
// query rows and all N training columns it adds, per layer k with
// factor_k = s_k^2 h_k(x).h_k(x_i) + 1:
//   kernel     += alpha * sum_k [sum_c df_c/dz_k(x) . df_c/dz_k(x_i)] factor_k   (trace over outputs)
//   contrib_c  -= alpha * sum_k [df_c/dz_k(x) . u_k(x_i)] factor_k               (u carries l'_i / |B|)
//   contribSum -= the row sums of the contrib increments
// For C = 1, u_k(x_i) = (l'_i / |B|) df/dz_k(x_i), so contrib is the kernel increment
// scaled by -(l'_i / |B|) per column and needs no Gram products of its own.
// Every Gram product is one DGEMM on a tile that stays in cache; the Hadamard
// products and accumulation are fused so each stored matrix is touched once
// per call. No per-example parameter gradient is ever formed.
#include <cstdint>
#include <vector>

#include "core/DenseRows.hpp"
#include "kernel/Features.hpp"
#include "model/Mlp.hpp"

namespace pk {

struct TileTargets {
  DenseRows* kernel = nullptr;                // [n, N], or null
  std::vector<DenseRows>* contrib = nullptr;  // C matrices [n, N], or null
  Matrix* contribSum = nullptr;               // [n, C], or null (requires the u features)
};

/// Scratch tiles, kept by the caller so that the hot loop allocates nothing
/// (each buffer is 512 KB: a fresh allocation would be mapped and zeroed every call).
struct TileWorkspace {
  std::vector<double> factor, kernelAcc, product, rowSum;
  std::vector<std::vector<double>> contribAcc;
};

/// Not collective: works on this rank's query rows. Returns the flops of the
/// structured method (GEMMs only) for benchmarks.
double accumulateTiles(const Mlp& model, const FeatureView& query, const FeatureView& train, double alpha,
                       const TileTargets& targets, TileWorkspace& workspace);

/// The same with a workspace of its own, for one-off use.
inline double accumulateTiles(const Mlp& model, const FeatureView& query, const FeatureView& train, double alpha,
                              const TileTargets& targets) {
  TileWorkspace workspace;
  return accumulateTiles(model, query, train, alpha, targets, workspace);
}

}  // namespace pk

#pragma once
// The train x train kernels of a run file as the dynamics measures them: the
// symmetric part S = (K + K^T)/2, distributed by rows (PETSc MATMPIDENSE).
// Tangent kernels are symmetric to round-off, and so is K^p under the left
// rule; under gauss:q K^p is not (its query side is the segment average).
// Every metric and the spectrum are taken of S, so that they describe one
// matrix, and the relative asymmetry of K is reported beside them.
#include <cstdint>
#include <string>

#include "core/DenseRows.hpp"
#include "run/RunReader.hpp"

namespace pk::dynamics {

struct SymmetricKernel {
  DenseRows matrix;        // S = (K + K^T)/2 [N, N]
  double asymmetry = 0.0;  // |K - K^T|_F / |K|_F of the stored K (0 for a zero matrix)
};

/// Collective. The stored [N, N] dataset, symmetrised.
SymmetricKernel readSymmetric(const RunReader& run, const std::string& dataset);
/// Collective. Slice `slice` of a stored [k, N, N] dataset, symmetrised.
SymmetricKernel readSymmetricSlice(const RunReader& run, const std::string& dataset, std::int64_t slice);

}  // namespace pk::dynamics

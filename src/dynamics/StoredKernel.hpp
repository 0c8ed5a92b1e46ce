#pragma once
// The train x train kernels of a run file as the dynamics measures them,
// distributed by rows (PETSc MATMPIDENSE). Every metric is taken of the stored
// K itself; the spectrum of its symmetric part S = (K + K^T)/2. Tangent
// kernels are symmetric to round-off, and so is K^p under the left rule; under
// gauss:q K^p is not (its query side is the segment average), and its
// relative asymmetry |K - K^T|_F / |K|_F is reported beside the metrics.
#include <cstdint>
#include <string>

#include "core/DenseRows.hpp"
#include "results/RunReader.hpp"

namespace pk::dynamics {

/// Collective. The stored [N, N] dataset.
DenseRows readKernel(const RunReader& run, const std::string& dataset);
/// Collective. Slice `slice` of a stored [k, N, N] dataset.
DenseRows readKernelSlice(const RunReader& run, const std::string& dataset, std::int64_t slice);

struct SymmetricPart {
  DenseRows matrix;        // S = (K + K^T)/2 [N, N], exactly symmetric
  double asymmetry = 0.0;  // |K - K^T|_F / |K|_F (0 for a zero matrix)
};
/// Collective. The symmetric part of K, a new matrix (K is unchanged).
SymmetricPart symmetricPart(const DenseRows& k);

}  // namespace pk::dynamics

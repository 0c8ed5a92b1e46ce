#pragma once
// The dynamics of the kernel during training, measured from a finished run:
// the snapshot sequence K^g_s (distances to the first and the last snapshot,
// velocity), and for every matrix (snapshots, K^p, its layers) the trace,
// norm, alignment with the targets, participation ratio and top eigenpairs.
// Matrices are read one at a time; at most four N x N matrices (the first,
// the last, the previous and the current snapshot) and the rows being read are held
// at once, each distributed by rows.
#include <cstdint>

#include "dynamics/DynamicsResult.hpp"
#include "dynamics/DynamicsSettings.hpp"
#include "results/RunReader.hpp"

namespace pk::dynamics {

struct DynamicsRequest {
  bool snapshots = false, path = false, layers = false;
  // A run without --snapshots but with --tangent-kernels: K^g at w_0 and at w_S are the two snapshots.
  bool tangentEnds = false;
  std::int64_t eigen = 0;  // E, 0 for none
  bool eigenvectors = false;
};

/// Not collective (every rank reads the same file and throws alike). The
/// matrices of `selection` the run has, and the eigenpairs asked for. Throws
/// InputError for snapshots of a run trained without --snapshots, layers of
/// one trained without --layer-kernels, train x train kernels that were not
/// kept, and an --eigen larger than N.
DynamicsRequest resolveRequest(const RunReader& run, const KernelSelection& selection, std::int64_t eigen,
                               bool eigenvectors);

/// Collective. Measures every matrix of the request.
DynamicsResult analyseDynamics(const RunReader& run, const DynamicsRequest& request);

/// 8 N^2 / R bytes, times the N x N blocks held at once: the memory this rank needs.
double memoryPerRank(const RunReader& run, const DynamicsRequest& request, int ranks);

}  // namespace pk::dynamics

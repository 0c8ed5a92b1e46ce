#pragma once
// The kernel matrices of kernel ridge regression, distributed by rows
// (PETSc MATMPIDENSE, the row split of core/Partition): stored kernels read
// by hyperslab from the run file and symmetrised, or the RBF kernel computed
// from the inputs.
#include <mpi.h>

#include <cstdint>
#include <string>

#include "core/DenseRows.hpp"
#include "core/Matrix.hpp"
#include "krr/KrrProblem.hpp"
#include "krr/KrrSettings.hpp"

namespace pk {

struct KernelMatrices {
  DenseRows train;          // [N, N]
  DenseRows test;           // [M, N]; empty when the run has no test split
  std::string description;  // one line: what the kernel is and what was done to it
};

/// Collective. The kernel `kernel` for `problem`; `bandwidth` 0 = median heuristic (rbf only).
KernelMatrices buildKernel(const KernelChoice& kernel, const KrrProblem& problem, double bandwidth, MPI_Comm comm);

/// Not collective. exp(-|x - x_i|^2 / (2 h^2)) for this rank's rows of `k`,
/// whose query inputs are `localX` [k.localRows(), D], against `trainX` [N, D].
void fillRbf(DenseRows& k, const Matrix& localX, const Matrix& trainX, double bandwidth);

/// Not collective. Median Euclidean distance over pairs i < j of the rows of x
/// [N, D]; when N > maxRows, over the rows floor(k N / maxRows), k < maxRows.
double medianPairwiseDistance(const Matrix& x, std::int64_t maxRows = 1000);

}  // namespace pk

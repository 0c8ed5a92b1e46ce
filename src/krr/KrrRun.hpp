#pragma once
// Kernel ridge regression for every kernel and every lambda of one call.
#include <mpi.h>

#include <string>
#include <vector>

#include "krr/KernelRidge.hpp"
#include "krr/KrrProblem.hpp"
#include "krr/KrrReport.hpp"

namespace pk {

/// Collective. Solves and scores every (kernel, lambda) pair, kernels in the
/// order given, building one kernel at a time (at most one [N, N] and one
/// [M, N] kernel are held at once). Failed solves are rows with ok = false.
std::vector<KrrRow> runKernelRidge(const KrrProblem& problem, const std::vector<KernelChoice>& kernels,
                                   const std::vector<double>& lambdas, double bandwidth, const SolverOptions& options,
                                   MPI_Comm comm);

}  // namespace pk

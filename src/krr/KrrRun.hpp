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

/// Collective on MPI_COMM_WORLD. Hands options such as "-ksp_type gmres
/// -log_view" to PETSc's database and starts PETSc's logging if -log_view is
/// among them (PETSc prints the log at PetscFinalize).
void usePetscOptions(const std::string& options);

}  // namespace pk

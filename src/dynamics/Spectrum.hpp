#pragma once
// The largest eigenpairs of a symmetric kernel matrix with SLEPc, on the
// distributed PETSc matrix itself: a Krylov-Schur solver (EPS, Hermitian
// problem) that only multiplies S by vectors, so no rank holds N x N and the
// cost is a few dozen products instead of a dense O(N^3) solve. The default
// tolerance is tighter than SLEPc's and relative to |S| (kDefaultTolerance);
// -eps_* options in PETSc's database (-eps_type, -eps_tol, -eps_ncv,
// -eps_max_it, -eps_monitor, ...) override every default.
#include <cstdint>
#include <string>
#include <vector>

#include "core/DenseRows.hpp"
#include "core/Matrix.hpp"

namespace pk::dynamics {

/// |S v - lambda v| <= tol |S| for every pair kept, unless -eps_tol says otherwise.
inline constexpr double kDefaultTolerance = 1e-12;

struct Eigenpairs {
  std::vector<double> values;   // the largest first
  Matrix vectors;               // this rank's rows [localRows, count], unit length; empty unless asked
  std::int64_t iterations = 0;  // restarts the solver took
  double maxError = 0.0;        // the largest backward error |S v - lambda v| / |S| of the pairs kept
  std::string type;             // the solver used (after the options)
  double tolerance = 0.0;       // the tolerance used
};

/// Collective on MPI_COMM_WORLD. Hands options such as "-eps_type lanczos -eps_tol 1e-14 -log_view"
/// to PETSc's database (where EPSSetFromOptions reads them), starts PETSc's logging for -log_view,
/// and checks -eps_type.
void useSolverOptions(const std::string& options);

/// Collective on MPI_COMM_WORLD. Throws InputError if -eps_type names a solver SLEPc does not have.
void requireKnownEigensolver();

/// Collective. The `count` largest eigenpairs of the symmetric `s` (1 <= count <= N). Each
/// eigenvector's sign is fixed so that its entry of largest magnitude is positive. Throws
/// InputError when the solver refuses its options, cannot compute the largest eigenvalues of a
/// symmetric matrix (-eps_type power, subspace), or converges to fewer than `count` pairs.
Eigenpairs largestEigenpairs(const DenseRows& s, std::int64_t count, bool vectors);

}  // namespace pk::dynamics

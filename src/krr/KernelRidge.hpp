#pragma once
// Kernel ridge regression solved with PETSc: (K + lambda I) alpha_c = y_c for
// every output column c, by a KSP (conjugate gradients with a Jacobi
// preconditioner unless PETSc options say otherwise), then the predictions
// K alpha on the training rows and K_test alpha on the test rows.
#include <cstdint>
#include <string>

#include "core/DenseRows.hpp"
#include "core/Matrix.hpp"

namespace pk {

struct SolverOptions {
  double rtol = 1e-10;  // set before KSPSetFromOptions: -ksp_rtol overrides it
};

struct RidgeSolution {
  double lambda = 0.0;
  bool ok = false;              // every right-hand side converged with a small true residual
  std::string status;           // "converged", or why not (PETSc's reason name)
  std::int64_t iterations = 0;  // the most over the right-hand sides
  double relResidual = 0.0;     // max_c |y_c - (K + lambda I) alpha_c| / |y_c|, computed explicitly
  double rtol = 0.0;            // the tolerance the KSP used
  std::string kspType, pcType;  // what the KSP used after the options
  Matrix alpha;                 // this rank's rows [localRows, C]
  Matrix trainPrediction;       // K alpha, this rank's training rows [localRows, C]
  Matrix testPrediction;        // K_test alpha, this rank's test rows [localRows of kTest, C]
};

/// Collective on the communicator of kTrain. `rhs` holds this rank's rows of
/// the targets [kTrain.localRows(), C]. kTrain [N, N] gets lambda added to its
/// diagonal for the solve and its diagonal restored exactly afterwards; kTest
/// [M, N] may be empty (no test split). A failed solve is reported in the
/// result (ok = false), never thrown.
RidgeSolution solveKernelRidge(DenseRows& kTrain, const DenseRows& kTest, const Matrix& rhs, double lambda,
                               const SolverOptions& options);

}  // namespace pk

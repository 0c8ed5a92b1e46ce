#include "krr/KernelRidge.hpp"

#include <petscksp.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/Error.hpp"
#include "core/PetscVector.hpp"

namespace pk {

namespace {

// Adds lambda to the diagonal entries of this rank's rows; returns the old values.
std::vector<double> shiftDiagonal(DenseRows& k, double lambda) {
  std::vector<double> saved(static_cast<std::size_t>(k.localRows()));
  {
    const auto a = k.local();
    for (std::int64_t r = 0; r < k.localRows(); ++r) {
      double& d = a.data()[r + (k.firstRow() + r) * a.ld()];
      saved[static_cast<std::size_t>(r)] = d;
      d += lambda;
    }
  }
  k.assemble();
  return saved;
}

void restoreDiagonal(DenseRows& k, const std::vector<double>& saved) {
  {
    const auto a = k.local();
    for (std::int64_t r = 0; r < k.localRows(); ++r)
      a.data()[r + (k.firstRow() + r) * a.ld()] = saved[static_cast<std::size_t>(r)];
  }
  k.assemble();
}

void setColumn(const Vector& v, const Matrix& m, std::int64_t c) {
  const auto local = v.local();
  for (std::int64_t r = 0; r < m.rows(); ++r) local.data()[r] = m(r, c);
}

void getColumn(const Vector& v, Matrix& m, std::int64_t c) {
  const auto local = v.local();
  for (std::int64_t r = 0; r < m.rows(); ++r) m(r, c) = local.data()[r];
}

Solver makeSolver(Mat k, double rtol, RidgeSolution& out) {
  MPI_Comm comm = MPI_COMM_NULL;
  PK_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(k), &comm));
  Solver ksp(comm);
  PK_PETSC(KSPSetOperators(ksp.get(), k, k));
  PK_PETSC(KSPSetType(ksp.get(), KSPCG));
  PC pc = nullptr;
  PK_PETSC(KSPGetPC(ksp.get(), &pc));
  PK_PETSC(PCSetType(pc, PCJACOBI));
  PK_PETSC(KSPSetTolerances(ksp.get(), rtol, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  PK_PETSC(KSPSetFromOptions(ksp.get()));
  PK_PETSC(KSPSetUp(ksp.get()));
  KSPType kspType = nullptr;
  PCType pcType = nullptr;
  PK_PETSC(KSPGetType(ksp.get(), &kspType));
  PK_PETSC(PCGetType(pc, &pcType));
  out.kspType = kspType ? kspType : "?";
  out.pcType = pcType ? pcType : "?";
  PetscReal usedRtol = 0, atol = 0, dtol = 0;
  PetscInt maxIt = 0;
  PK_PETSC(KSPGetTolerances(ksp.get(), &usedRtol, &atol, &dtol, &maxIt));
  out.rtol = usedRtol;
  return ksp;
}

}  // namespace

RidgeSolution solveKernelRidge(DenseRows& kTrain, const DenseRows& kTest, const Matrix& rhs, double lambda,
                               const SolverOptions& options) {
  PK_ASSERT(rhs.rows() == kTrain.localRows(), "solveKernelRidge: targets do not match the kernel rows");
  const std::int64_t outputs = rhs.cols();
  RidgeSolution out;
  out.lambda = lambda;
  out.alpha = Matrix(kTrain.localRows(), outputs);
  out.status = "converged";
  bool converged = true;

  const auto saved = shiftDiagonal(kTrain, lambda);
  {
    const Solver ksp = makeSolver(kTrain.mat(), options.rtol, out);
    const Vector b = Vector::rowsOf(kTrain.mat());
    const Vector x = Vector::columnsOf(kTrain.mat());
    const Vector r = Vector::rowsOf(kTrain.mat());
    for (std::int64_t c = 0; c < outputs; ++c) {
      setColumn(b, rhs, c);
      PK_PETSC(KSPSolve(ksp.get(), b.get(), x.get()));
      KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
      PetscInt iterations = 0;
      PK_PETSC(KSPGetConvergedReason(ksp.get(), &reason));
      PK_PETSC(KSPGetIterationNumber(ksp.get(), &iterations));
      // The true residual, not the (preconditioned) one the KSP monitors.
      PetscReal bNorm = 0, rNorm = 0;
      PK_PETSC(MatMult(kTrain.mat(), x.get(), r.get()));
      PK_PETSC(VecAYPX(r.get(), -1.0, b.get()));
      PK_PETSC(VecNorm(r.get(), NORM_2, &rNorm));
      PK_PETSC(VecNorm(b.get(), NORM_2, &bNorm));
      const double rel = bNorm > 0 ? rNorm / bNorm : rNorm;
      out.iterations = std::max<std::int64_t>(out.iterations, iterations);
      out.relResidual = std::isfinite(rel) ? std::max(out.relResidual, rel) : rel;
      if (reason <= 0 && converged) {
        converged = false;
        out.status = KSPConvergedReasons[reason];
      }
      getColumn(x, out.alpha, c);
    }
  }
  restoreDiagonal(kTrain, saved);

  const double accepted = std::max(1e-6, 1e3 * out.rtol);
  out.ok = converged && std::isfinite(out.relResidual) && out.relResidual <= accepted;
  if (converged && !out.ok) out.status = "RESIDUAL_TOO_LARGE";

  // Predictions with the kernel itself (no ridge): K alpha and K_test alpha.
  out.trainPrediction = Matrix(kTrain.localRows(), outputs);
  out.testPrediction = Matrix(kTest.empty() ? 0 : kTest.localRows(), outputs);
  const Vector x = Vector::columnsOf(kTrain.mat());
  const Vector y = Vector::rowsOf(kTrain.mat());
  const Vector yTest = kTest.empty() ? Vector() : Vector::rowsOf(kTest.mat());
  for (std::int64_t c = 0; c < outputs; ++c) {
    setColumn(x, out.alpha, c);
    PK_PETSC(MatMult(kTrain.mat(), x.get(), y.get()));
    getColumn(y, out.trainPrediction, c);
    if (kTest.empty()) continue;
    PK_PETSC(MatMult(kTest.mat(), x.get(), yTest.get()));
    getColumn(yTest, out.testPrediction, c);
  }
  return out;
}

}  // namespace pk

#include "dynamics/Spectrum.hpp"

#include <slepceps.h>

#include <cmath>
#include <functional>

#include "core/Environment.hpp"
#include "core/Error.hpp"
#include "core/PetscOwner.hpp"
#include "core/PetscVector.hpp"
#include "dynamics/KernelMetrics.hpp"

namespace pk::dynamics {

namespace {

// PETSc returns errors from the calls in scope instead of printing a traceback:
// an option the user got wrong becomes one clear message.
class QuietPetscErrors {
 public:
  QuietPetscErrors() { PetscPushErrorHandler(PetscReturnErrorHandler, nullptr); }
  ~QuietPetscErrors() { PetscPopErrorHandler(); }
  QuietPetscErrors(const QuietPetscErrors&) = delete;
  QuietPetscErrors& operator=(const QuietPetscErrors&) = delete;
};

// A call that can only fail because of the -eps_* options (the matrix is a valid
// symmetric PETSc matrix): its failure is the user's, reported as one message.
void optionDependentCall(const std::function<PetscErrorCode()>& call, const std::string& what) {
  PetscErrorCode code = 0;
  {
    const QuietPetscErrors quiet;
    code = call();
  }
  if (code == 0) return;
  const char* text = nullptr;
  char* specific = nullptr;
  PetscErrorMessage(code, &text, &specific);
  const char* why = specific && *specific ? specific : text ? text : "PETSc error";
  throw InputError("the eigensolver " + what + ": " + why);
}

std::string registeredTypes() {
  const char** names = nullptr;
  int count = 0;
  PK_PETSC(PetscFunctionListGet(EPSList, &names, &count));
  std::string list;
  // The array ends with a null entry, counted in `count`.
  for (int k = 0; k < count && names[k] != nullptr; ++k) list += (k ? ", " : "") + std::string(names[k]);
  PK_PETSC(PetscFree(names));
  return list;
}

OwnedEps makeSolver(const DenseRows& s, std::int64_t count) {
  OwnedEps eps;
  PK_PETSC(EPSCreate(s.comm(), eps.receive()));
  PK_PETSC(EPSSetOperators(eps.get(), s.mat(), nullptr));
  PK_PETSC(EPSSetProblemType(eps.get(), EPS_HEP));
  PK_PETSC(EPSSetWhichEigenpairs(eps.get(), EPS_LARGEST_REAL));
  PK_PETSC(EPSSetDimensions(eps.get(), static_cast<PetscInt>(count), PETSC_DEFAULT, PETSC_DEFAULT));
  // Relative to |S|, not to each eigenvalue: the small eigenvalues of a kernel
  // (near 0 for a rank-deficient one) need no more digits than the large ones.
  PK_PETSC(EPSSetConvergenceTest(eps.get(), EPS_CONV_NORM));
  PK_PETSC(EPSSetTolerances(eps.get(), kDefaultTolerance, PETSC_DEFAULT));
  optionDependentCall([&] { return EPSSetFromOptions(eps.get()); }, "refused its -eps_* options");
  EPSType type = nullptr;
  PK_PETSC(EPSGetType(eps.get(), &type));
  optionDependentCall([&] { return EPSSetUp(eps.get()); },
                      std::string("'") + (type ? type : "?") +
                          "' cannot compute the largest eigenvalues with these options (without -eps_type, "
                          "krylovschur does)");
  return eps;
}

// Unit length and the entry of largest magnitude positive (the lowest index among equals).
void fixSign(Vec v, MPI_Comm comm, std::int64_t firstRow) {
  PetscInt local = 0;
  PK_PETSC(VecGetLocalSize(v, &local));
  const PetscScalar* x = nullptr;
  PK_PETSC(VecGetArrayRead(v, &x));
  struct {
    double magnitude;
    int index;
  } mine{-1.0, 0}, largest{0.0, 0};
  for (PetscInt r = 0; r < local; ++r)
    if (std::abs(x[r]) > mine.magnitude) mine = {std::abs(x[r]), static_cast<int>(firstRow + r)};
  PK_MPI(MPI_Allreduce(&mine, &largest, 1, MPI_DOUBLE_INT, MPI_MAXLOC, comm));
  const std::int64_t at = largest.index - firstRow;
  double value = at >= 0 && at < local ? x[at] : 0.0, signedValue = 0.0;
  PK_PETSC(VecRestoreArrayRead(v, &x));
  PK_MPI(MPI_Allreduce(&value, &signedValue, 1, MPI_DOUBLE, MPI_SUM, comm));
  PetscReal norm = 0.0;
  PK_PETSC(VecNorm(v, NORM_2, &norm));
  if (norm > 0.0) PK_PETSC(VecScale(v, (signedValue < 0.0 ? -1.0 : 1.0) / norm));
}

}  // namespace

void useSolverOptions(const std::string& options) {
  usePetscOptions(options);
  requireKnownEigensolver();
}

void requireKnownEigensolver() {
  PK_PETSC(EPSInitializePackage());
  char type[256] = {};
  PetscBool given = PETSC_FALSE;
  PK_PETSC(PetscOptionsGetString(nullptr, nullptr, "-eps_type", type, sizeof type, &given));
  if (!given) return;
  void (*create)(void) = nullptr;
  PK_PETSC(PetscFunctionListFind(EPSList, type, &create));
  PK_REQUIRE(create != nullptr,
             std::string("unknown -eps_type '") + type + "' (this SLEPc has: " + registeredTypes() + ")");
}

Eigenpairs largestEigenpairs(const DenseRows& s, std::int64_t count, bool vectors) {
  PK_ASSERT(count >= 1 && count <= s.rows(), "largestEigenpairs: count out of range");
  const OwnedEps eps = makeSolver(s, count);
  PK_PETSC(EPSSolve(eps.get()));
  PetscInt converged = 0, iterations = 0, maxIt = 0;
  PK_PETSC(EPSGetConverged(eps.get(), &converged));
  PK_PETSC(EPSGetIterationNumber(eps.get(), &iterations));
  Eigenpairs out;
  EPSType type = nullptr;
  PetscReal tol = 0.0;
  PK_PETSC(EPSGetType(eps.get(), &type));
  PK_PETSC(EPSGetTolerances(eps.get(), &tol, &maxIt));
  out.type = type ? type : "?";
  out.tolerance = tol;
  out.iterations = iterations;
  PK_REQUIRE(converged >= count, "the eigensolver (" + out.type + ") found " + std::to_string(converged) + " of the " +
                                     std::to_string(count) + " eigenpairs asked for in " + std::to_string(iterations) +
                                     " iterations: raise -eps_max_it or -eps_ncv, or ask for fewer with --eigen");
  const Vector v = Vector::columnsOf(s.mat());
  if (vectors) out.vectors = Matrix(s.localRows(), count);
  for (std::int64_t k = 0; k < count; ++k) {
    PetscScalar real = 0.0, imaginary = 0.0;
    PK_PETSC(EPSGetEigenpair(eps.get(), static_cast<PetscInt>(k), &real, &imaginary, v.get(), nullptr));
    PetscReal error = 0.0;
    PK_PETSC(EPSComputeError(eps.get(), static_cast<PetscInt>(k), EPS_ERROR_BACKWARD, &error));
    out.values.push_back(real);
    out.maxError = std::max(out.maxError, static_cast<double>(error));
    if (!vectors) continue;
    fixSign(v.get(), s.comm(), s.firstRow());
    const auto local = v.local();
    for (std::int64_t r = 0; r < s.localRows(); ++r) out.vectors(r, k) = local.data()[r];
  }
  return out;
}

}  // namespace pk::dynamics

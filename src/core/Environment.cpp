#include "core/Environment.hpp"

#include <mpi.h>
#include <petscsys.h>
#include <slepcsys.h>

#include <cstdio>

#include "core/Error.hpp"

namespace pk {

Environment::Environment(int* argc, char*** argv) {
  PK_MPI(MPI_Init(argc, argv));
  // Errors become exceptions instead of aborting inside the library.
  PK_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  PK_MPI(MPI_Comm_rank(MPI_COMM_WORLD, &rank_));
  PK_MPI(MPI_Comm_size(MPI_COMM_WORLD, &size_));
  // SLEPc starts PETSc (and registers its eigensolvers); neither may read the
  // program's own options. Both leave MPI alone at finalisation because MPI
  // was initialised first.
  PK_PETSC(SlepcInitializeNoArguments());
}

Environment::~Environment() {
  // SlepcFinalize finalises PETSc too.
  if (SlepcFinalize() != 0) std::fprintf(stderr, "warning: SlepcFinalize failed\n");
  MPI_Finalize();
}

void usePetscOptions(const std::string& options) {
  if (!options.empty()) PK_PETSC(PetscOptionsInsertString(nullptr, options.c_str()));
  PetscBool logView = PETSC_FALSE;
  PK_PETSC(PetscOptionsHasName(nullptr, nullptr, "-log_view", &logView));
  if (logView) PK_PETSC(PetscLogDefaultBegin());
}

}  // namespace pk

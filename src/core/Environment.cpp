#include "core/Environment.hpp"

#include <hdf5.h>
#include <mpi.h>
#include <petscsys.h>

#include <cstdio>

#include "core/Error.hpp"

namespace pk {

Environment::Environment(int* argc, char*** argv) {
  PK_MPI(MPI_Init(argc, argv));
  // Errors become exceptions instead of aborting inside the library.
  PK_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  PK_MPI(MPI_Comm_rank(MPI_COMM_WORLD, &rank_));
  PK_MPI(MPI_Comm_size(MPI_COMM_WORLD, &size_));
  // PETSc must not read the program's own options; it leaves MPI alone at
  // PetscFinalize because MPI was initialised first.
  PK_PETSC(PetscInitializeNoArguments());
  // HDF5 errors are reported through exceptions (PK_H5), not printed.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

Environment::~Environment() {
  if (PetscFinalize() != 0) std::fprintf(stderr, "warning: PetscFinalize failed\n");
  MPI_Finalize();
}

void insertPetscOptions(const std::string& options) {
  if (!options.empty()) PK_PETSC(PetscOptionsInsertString(nullptr, options.c_str()));
}

}  // namespace pk

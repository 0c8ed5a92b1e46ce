#pragma once
// What this build runs on (pathkernel --version): the versions of PETSc, SLEPc,
// HDF5, MPI and the BLAS, PetscInt's width, and the BLAS's measured DGEMM rate.
#include <ostream>

namespace pk {

/// Not collective: prints on `out` from the calling rank (after the environment started).
void printBuildInfo(std::ostream& out);

}  // namespace pk

#pragma once
// What this build runs on (pathkernel --version): the versions of PETSc, SLEPc,
// HDF5, MPI and the BLAS, PetscInt's width, and the BLAS's measured DGEMM rate.
#include <ostream>
#include <string>

namespace pk {

/// Not collective: prints on `out` from the calling rank (after the environment started).
/// `hdf5Version` comes from io/ (h5::libraryVersion()), the only folder that calls HDF5.
void printBuildInfo(std::ostream& out, const std::string& hdf5Version);

}  // namespace pk

#include "core/BuildInfo.hpp"

#include <mpi.h>
#include <petscsys.h>
#include <slepcsys.h>

#include <string>

#include "core/BlasCore.hpp"
#include "core/Error.hpp"
#include "pk/Version.hpp"

namespace pk {

namespace {

// MPI's own text may run over several lines; its first line names it.
std::string mpiLibrary() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  PK_MPI(MPI_Get_library_version(text, &length));
  std::string s(text, static_cast<std::size_t>(length));
  const auto end = s.find_first_of(",\n");
  return end == std::string::npos ? s : s.substr(0, end);
}

}  // namespace

void printBuildInfo(std::ostream& out, const std::string& hdf5Version) {
  out << "pathkernel " << kVersion << "\n"
      << "  PETSc   " << PETSC_VERSION_MAJOR << "." << PETSC_VERSION_MINOR << "." << PETSC_VERSION_SUBMINOR << ", "
      << 8 * sizeof(PetscInt) << "-bit PetscInt\n"
      << "  SLEPc   " << SLEPC_VERSION_MAJOR << "." << SLEPC_VERSION_MINOR << "." << SLEPC_VERSION_SUBMINOR << "\n"
      << "  HDF5    " << hdf5Version << "\n"
      << "  MPI     " << mpiLibrary() << "\n"
      << "  BLAS    " << blas::summary(blas::measureDgemmGflops()) << "\n"
      << "          " << blas::describe().library << " (build: BLA_VENDOR " << kBlasVendor << ")\n";
}

}  // namespace pk

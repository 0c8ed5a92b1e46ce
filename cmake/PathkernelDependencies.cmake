# Finds the six packages pathkernel is built on and exposes them as targets.
# Every package comes from the distribution (see README); nothing is vendored.

find_package(MPI REQUIRED COMPONENTS C CXX)

find_package(PkgConfig REQUIRED)
# PETSc's pkg-config file carries no MPI include path: MPI::MPI_C is linked
# alongside it by the library target.
pkg_check_modules(PETSc REQUIRED IMPORTED_TARGET PETSc)
add_library(PkDeps::PETSc ALIAS PkgConfig::PETSc)

# SLEPc, the eigensolvers built on PETSc (pathkernel dynamics): Debian's build
# for the installed PETSc. Its flags carry PETSc's paths as well.
pkg_check_modules(SLEPc REQUIRED IMPORTED_TARGET SLEPc)
add_library(PkDeps::SLEPc ALIAS PkgConfig::SLEPc)

# OpenBLAS directly (cblas.h and the optimised DGEMM); PETSc reaches the same
# library through the libblas.so.3 alternative.
pkg_check_modules(OpenBLAS REQUIRED IMPORTED_TARGET openblas)
add_library(PkDeps::OpenBLAS ALIAS PkgConfig::OpenBLAS)

set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "pathkernel needs a parallel (MPI) HDF5, but the HDF5 found is serial. "
    "On Debian install libhdf5-openmpi-dev (and remove libhdf5-dev if it shadows it).")
endif()

# zlib: gzip-compressed IDX image files (pathkernel data). HDF5 links it already.
find_package(ZLIB REQUIRED)

find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
# GoogleTest only for the test suite: a build with -DPK_BUILD_TESTS=OFF does not need it.
if(PK_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

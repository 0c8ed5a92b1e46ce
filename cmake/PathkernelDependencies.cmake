# Finds the packages pathkernel is built on and exposes them as targets
# (docs/BUILDING.md). With nothing set, Debian's packages; on a cluster, the
# PETSc and SLEPc named by PETSC_DIR/PETSC_ARCH and SLEPC_DIR, and the BLAS
# named by BLA_VENDOR.

find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(PkgConfig REQUIRED)

# A variable from the CMake cache, else from the environment (a module sets the
# environment, a user may pass -D): the cache wins.
function(pk_setting name)
  if(NOT DEFINED ${name} AND DEFINED ENV{${name}})
    set(${name} "$ENV{${name}}" CACHE PATH "${name} (taken from the environment)")
  endif()
endfunction()

# The folder of NAME.pc inside a PETSc-style tree ROOT (an in-place build
# ROOT/ARCH, or an installed prefix ROOT); fails naming VAR when it has none.
function(pk_pkgconfig_dir out root arch name var)
  set(candidates)
  if(arch)
    list(APPEND candidates "${root}/${arch}/lib/pkgconfig")
  endif()
  list(APPEND candidates "${root}/lib/pkgconfig")
  foreach(dir IN LISTS candidates)
    if(EXISTS "${dir}/${name}.pc")
      set(${out} "${dir}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  string(REPLACE ";" " or " tried "${candidates}")
  message(FATAL_ERROR "${var}=${root}: no ${name}.pc in ${tried}. "
                      "Point ${var} (and PETSC_ARCH for an in-place PETSc build) at the installation.")
endfunction()

pk_setting(PETSC_DIR)
pk_setting(PETSC_ARCH)
pk_setting(SLEPC_DIR)
if(PETSC_DIR)
  if(NOT IS_DIRECTORY "${PETSC_DIR}")
    message(FATAL_ERROR "PETSC_DIR=${PETSC_DIR} is not a folder")
  endif()
  if(PETSC_ARCH AND NOT IS_DIRECTORY "${PETSC_DIR}/${PETSC_ARCH}")
    message(FATAL_ERROR "PETSC_ARCH=${PETSC_ARCH}: there is no ${PETSC_DIR}/${PETSC_ARCH}")
  endif()
  pk_pkgconfig_dir(pk_petsc_pc "${PETSC_DIR}" "${PETSC_ARCH}" PETSc PETSC_DIR)
  # SLEPc must be built for this PETSc: from SLEPC_DIR, else installed into PETSc's own prefix
  # (PETSc's --download-slepc, Spack's petsc+slepc views).
  if(SLEPC_DIR)
    if(NOT IS_DIRECTORY "${SLEPC_DIR}")
      message(FATAL_ERROR "SLEPC_DIR=${SLEPC_DIR} is not a folder")
    endif()
    pk_pkgconfig_dir(pk_slepc_pc "${SLEPC_DIR}" "${PETSC_ARCH}" SLEPc SLEPC_DIR)
  elseif(EXISTS "${pk_petsc_pc}/SLEPc.pc")
    set(pk_slepc_pc "${pk_petsc_pc}")
  else()
    message(FATAL_ERROR "PETSC_DIR is set but SLEPC_DIR is not, and ${pk_petsc_pc} has no SLEPc.pc: "
                        "set SLEPC_DIR to the SLEPc built for this PETSc")
  endif()
  # Only these trees: a Debian PETSc.pc elsewhere on the search path must not be mixed in.
  set(ENV{PKG_CONFIG_PATH} "${pk_slepc_pc}:${pk_petsc_pc}")
  set(ENV{PKG_CONFIG_LIBDIR} "${pk_slepc_pc}:${pk_petsc_pc}")
elseif(SLEPC_DIR)
  message(FATAL_ERROR "SLEPC_DIR is set but PETSC_DIR is not: set both (SLEPc is built for one PETSc)")
endif()

# PETSc's pkg-config file carries no MPI include path: MPI::MPI_C is linked
# alongside it by the library target.
pkg_check_modules(PETSc REQUIRED IMPORTED_TARGET PETSc)
add_library(PkDeps::PETSc ALIAS PkgConfig::PETSc)
# SLEPc, the eigensolvers built on PETSc (pathkernel dynamics); its flags carry PETSc's paths as well.
pkg_check_modules(SLEPc REQUIRED IMPORTED_TARGET SLEPc)
add_library(PkDeps::SLEPc ALIAS PkgConfig::SLEPc)
if(PETSC_DIR)
  # The library linked must be the tree's, not one the linker finds first elsewhere.
  foreach(lib IN LISTS PETSc_LINK_LIBRARIES)
    if(lib MATCHES "petsc" AND NOT lib MATCHES "^${PETSC_DIR}")
      message(FATAL_ERROR "PETSC_DIR=${PETSC_DIR}, but its PETSc.pc links ${lib}")
    endif()
  endforeach()
endif()

# PetscInt's width, for the configure summary (the program reports it too).
set(PK_PETSC_INT_BITS 32)
foreach(dir IN LISTS PETSc_INCLUDE_DIRS)
  if(EXISTS "${dir}/petscconf.h")
    file(STRINGS "${dir}/petscconf.h" pk_64 REGEX "define PETSC_USE_64BIT_INDICES 1")
    if(pk_64)
      set(PK_PETSC_INT_BITS 64)
    endif()
  endif()
endforeach()

include(PathkernelBlas)

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

message(STATUS "pathkernel: PETSc ${PETSc_VERSION} (${PK_PETSC_INT_BITS}-bit PetscInt) from ${PETSc_LIBDIR}")
message(STATUS "pathkernel: SLEPc ${SLEPc_VERSION} from ${SLEPc_LIBDIR}")
message(STATUS "pathkernel: HDF5 ${HDF5_VERSION} (parallel), MPI ${MPI_C_VERSION} (${MPIEXEC_EXECUTABLE})")

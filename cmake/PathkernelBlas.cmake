# The BLAS: CMake's FindBLAS with BLA_VENDOR (OpenBLAS unless set; FLAME is BLIS,
# Intel10_64lp is MKL, FlexiBLAS), and the CBLAS header of the same vendor.
# Gives the target PkDeps::BLAS and, for OpenBLAS, the core the program asks
# OpenBLAS for at start-up (docs/BUILDING.md, "Which BLAS kernel runs").

if(NOT DEFINED BLA_VENDOR OR BLA_VENDOR STREQUAL "")
  set(BLA_VENDOR OpenBLAS CACHE STRING "BLAS vendor for FindBLAS (OpenBLAS, FLAME, Intel10_64lp, FlexiBLAS, ...)")
endif()
find_package(BLAS REQUIRED)
if(NOT BLAS_LIBRARIES)
  message(FATAL_ERROR "BLA_VENDOR=${BLA_VENDOR}: FindBLAS found no library to link")
endif()

# Each vendor ships its own cblas.h (MKL: mkl_cblas.h), often in a folder named
# after the library's own (Debian: include/<multiarch>/blis-openmp for
# lib/<multiarch>/blis-openmp). A generic cblas.h of another vendor must not be
# taken instead, so the folders next to the linked library are searched first.
if(BLA_VENDOR MATCHES "^Intel")
  set(PK_CBLAS_HEADER mkl_cblas.h)
else()
  set(PK_CBLAS_HEADER cblas.h)
endif()
set(pk_hints)
foreach(lib IN LISTS BLAS_LIBRARIES)
  if(IS_ABSOLUTE "${lib}")
    get_filename_component(real "${lib}" REALPATH)
    foreach(path IN ITEMS "${lib}" "${real}")
      get_filename_component(dir "${path}" DIRECTORY)
      get_filename_component(leaf "${dir}" NAME)
      list(APPEND pk_hints "${dir}/../include" "${dir}/../../include" "${dir}/../../../include"
           "/usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/${leaf}")
    endforeach()
  endif()
endforeach()
if(NOT PK_CBLAS_INCLUDE_DIR)
  find_path(PK_CBLAS_INCLUDE_DIR ${PK_CBLAS_HEADER} HINTS ${pk_hints}
            PATH_SUFFIXES ${leaf} openblas blis flexiblas mkl NO_DEFAULT_PATH)
endif()
if(NOT PK_CBLAS_INCLUDE_DIR)
  find_path(PK_CBLAS_INCLUDE_DIR ${PK_CBLAS_HEADER} PATH_SUFFIXES openblas blis flexiblas mkl)
endif()
if(NOT PK_CBLAS_INCLUDE_DIR)
  message(FATAL_ERROR "BLA_VENDOR=${BLA_VENDOR} links ${BLAS_LIBRARIES} but no ${PK_CBLAS_HEADER} was found "
                      "for it: set PK_CBLAS_INCLUDE_DIR to the folder of that vendor's header")
endif()
add_library(PkDeps::BLAS INTERFACE IMPORTED)
set_target_properties(PkDeps::BLAS PROPERTIES
  INTERFACE_LINK_LIBRARIES "${BLAS_LIBRARIES};${BLAS_LINKER_FLAGS};${CMAKE_DL_LIBS}"
  INTERFACE_INCLUDE_DIRECTORIES "${PK_CBLAS_INCLUDE_DIR}")
# src/core/Blas.cpp includes the vendor's header through pk/Cblas.hpp.
file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/generated/pk/Cblas.hpp"
     CONTENT "#pragma once\n// The CBLAS header of the linked BLAS (BLA_VENDOR ${BLA_VENDOR}).\n#include <${PK_CBLAS_HEADER}>\n")

# ---- OpenBLAS: which core ------------------------------------------------------
# A DYNAMIC_ARCH OpenBLAS picks its kernels from the CPU when it is loaded, and
# an older OpenBLAS may not know a newer CPU: Debian 12's 0.3.21 runs DGEMM 3-5x
# below the machine's speed on some AVX-512 CPUs. The probe below times DGEMM
# with OpenBLAS's own choice and with each named core; when one is clearly
# faster, the build records "own choice -> better core", and the program, at
# start-up, asks OpenBLAS for the better core only on a CPU where OpenBLAS makes
# the same own choice (and that has the instructions the core needs), never
# when OPENBLAS_CORETYPE is set (src/core/BlasCore.cpp).
#   PK_OPENBLAS_CORETYPE=auto (default)  measure here
#   PK_OPENBLAS_CORETYPE=none            leave OpenBLAS's choice alone
#   PK_OPENBLAS_CORETYPE=SkylakeX        always this core (where the CPU has its instructions)
set(PK_OPENBLAS_CORETYPE auto CACHE STRING "OpenBLAS core asked for at start-up: auto (measured at configure), none, or a core name")
set(PK_BLAS_OWN_CORE "")
set(PK_BLAS_BETTER_CORE "")
set(PK_BLAS_PROBE_SUMMARY "")
# Measured once per build folder (a reconfigure keeps the choice; delete
# PK_BLAS_PROBE_RESULT from the cache to measure again).
if(DEFINED CACHE{PK_BLAS_PROBE_RESULT} AND BLA_VENDOR STREQUAL "OpenBLAS" AND PK_OPENBLAS_CORETYPE STREQUAL "auto")
  list(GET PK_BLAS_PROBE_RESULT 0 PK_BLAS_OWN_CORE)
  list(GET PK_BLAS_PROBE_RESULT 1 PK_BLAS_BETTER_CORE)
  list(GET PK_BLAS_PROBE_RESULT 2 PK_BLAS_PROBE_SUMMARY)
  message(STATUS "pathkernel: OpenBLAS DGEMM GFLOP/s on one core (measured before):${PK_BLAS_PROBE_SUMMARY}")
elseif(BLA_VENDOR STREQUAL "OpenBLAS" AND PK_OPENBLAS_CORETYPE STREQUAL "auto" AND NOT CMAKE_CROSSCOMPILING)
  set(pk_probe_dir "${CMAKE_BINARY_DIR}/blas_probe")
  try_compile(pk_probe_built "${pk_probe_dir}" SOURCES "${CMAKE_CURRENT_LIST_DIR}/blas_probe.c"
    COMPILE_DEFINITIONS "-DPK_CBLAS_HEADER=<${PK_CBLAS_HEADER}>"
    CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${PK_CBLAS_INCLUDE_DIR}"
    LINK_LIBRARIES ${BLAS_LIBRARIES} ${CMAKE_DL_LIBS}
    COPY_FILE "${pk_probe_dir}/blas_probe" OUTPUT_VARIABLE pk_probe_log)
  if(NOT pk_probe_built)
    message(WARNING "the BLAS probe did not build; OpenBLAS's own core choice is kept")
  else()
    set(pk_candidates "")
    if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
      set(pk_candidates SkylakeX Cooperlake Zen Haswell)
    endif()
    set(pk_own "")
    set(pk_own_rate 0)
    set(pk_best "")
    set(pk_best_rate 0)
    foreach(core IN ITEMS own ${pk_candidates})
      if(core STREQUAL "own")
        set(pk_env --unset=OPENBLAS_CORETYPE)
      else()
        set(pk_env OPENBLAS_CORETYPE=${core})
      endif()
      # A core whose instructions the CPU lacks dies (SIGILL): it is skipped.
      execute_process(COMMAND ${CMAKE_COMMAND} -E env ${pk_env} OPENBLAS_NUM_THREADS=1 "${pk_probe_dir}/blas_probe"
        RESULT_VARIABLE pk_status OUTPUT_VARIABLE pk_out ERROR_QUIET TIMEOUT 60 OUTPUT_STRIP_TRAILING_WHITESPACE)
      if(NOT pk_status EQUAL 0 OR NOT pk_out MATCHES "^([^ ]+) ([0-9.]+)$")
        string(APPEND PK_BLAS_PROBE_SUMMARY " ${core}: fails;")
        continue()
      endif()
      set(pk_name "${CMAKE_MATCH_1}")
      set(pk_rate "${CMAKE_MATCH_2}")
      if(core STREQUAL "own")
        set(pk_own "${pk_name}")
        set(pk_own_rate "${pk_rate}")
        string(APPEND PK_BLAS_PROBE_SUMMARY " own choice ${pk_name} ${pk_rate};")
      else()
        string(APPEND PK_BLAS_PROBE_SUMMARY " ${core} ${pk_rate};")
        # A later candidate must beat an earlier one by 10%: SkylakeX, the first, needs the fewest
        # AVX-512 extensions, and noise alone must not flip the choice between equals.
        string(REGEX REPLACE "\\..*" "" pk_rate_int "${pk_rate}")
        math(EXPR pk_best_x110 "${pk_best_rate} * 11 / 10")
        if(pk_rate_int GREATER pk_best_x110)
          set(pk_best "${core}")
          set(pk_best_rate "${pk_rate_int}")
        endif()
      endif()
    endforeach()
    # BLIS, when installed, is timed too: linking it is a build choice (BLA_VENDOR=FLAME), so it is
    # only reported, with the advice to switch when it beats every OpenBLAS core clearly.
    find_library(PK_BLIS_LIBRARY NAMES blis)
    if(PK_BLIS_LIBRARY)
      get_filename_component(pk_blis_real "${PK_BLIS_LIBRARY}" REALPATH)
      get_filename_component(pk_blis_dir "${pk_blis_real}" DIRECTORY)
      get_filename_component(pk_blis_leaf "${pk_blis_dir}" NAME)
      find_path(PK_BLIS_INCLUDE_DIR cblas.h HINTS "/usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/${pk_blis_leaf}"
                "${pk_blis_dir}/../include/blis" "${pk_blis_dir}/../include" NO_DEFAULT_PATH)
    endif()
    if(PK_BLIS_LIBRARY AND PK_BLIS_INCLUDE_DIR)
      try_compile(pk_blis_built "${pk_probe_dir}/blis" SOURCES "${CMAKE_CURRENT_LIST_DIR}/blas_probe.c"
        COMPILE_DEFINITIONS "-DPK_CBLAS_HEADER=<cblas.h>"
        CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${PK_BLIS_INCLUDE_DIR}"
        LINK_LIBRARIES ${PK_BLIS_LIBRARY} ${CMAKE_DL_LIBS}
        COPY_FILE "${pk_probe_dir}/blis_probe")
      if(pk_blis_built)
        execute_process(COMMAND ${CMAKE_COMMAND} -E env OMP_NUM_THREADS=1 BLIS_NUM_THREADS=1 "${pk_probe_dir}/blis_probe"
          RESULT_VARIABLE pk_status OUTPUT_VARIABLE pk_out ERROR_QUIET TIMEOUT 60 OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(pk_status EQUAL 0 AND pk_out MATCHES "^[^ ]+ ([0-9]+)\\.?[0-9]*$")
          string(REGEX REPLACE "^[^ ]+ " "" pk_blis_rate "${pk_out}")
          string(APPEND PK_BLAS_PROBE_SUMMARY " BLIS ${pk_blis_rate} (BLA_VENDOR=FLAME);")
          string(REGEX REPLACE "\\..*" "" pk_blis_int "${pk_blis_rate}")
          math(EXPR pk_best_x125 "${pk_best_rate} * 5 / 4 + 1")
          if(pk_blis_int GREATER pk_best_x125)
            message(STATUS "pathkernel: BLIS runs DGEMM clearly faster than every OpenBLAS core here: "
                           "configure with -DBLA_VENDOR=FLAME to link it")
          endif()
        endif()
      endif()
    endif()
    # Clearly faster only (1.25x): the machines are noisy, and OpenBLAS's own choice is the safe one.
    if(pk_own AND pk_best AND NOT pk_own STREQUAL pk_best)
      string(REGEX REPLACE "\\..*" "" pk_own_int "${pk_own_rate}")
      set(pk_best_int "${pk_best_rate}")
      math(EXPR pk_own_x125 "${pk_own_int} * 5 / 4 + 1")
      if(pk_best_int GREATER pk_own_x125)
        set(PK_BLAS_OWN_CORE "${pk_own}")
        set(PK_BLAS_BETTER_CORE "${pk_best}")
      endif()
    endif()
    message(STATUS "pathkernel: OpenBLAS DGEMM GFLOP/s on one core:${PK_BLAS_PROBE_SUMMARY}")
    string(REPLACE ";" "," pk_summary "${PK_BLAS_PROBE_SUMMARY}")
    set(PK_BLAS_PROBE_RESULT "${PK_BLAS_OWN_CORE};${PK_BLAS_BETTER_CORE};${pk_summary}" CACHE INTERNAL "")
    set(PK_BLAS_PROBE_SUMMARY "${pk_summary}")
    if(PK_BLAS_BETTER_CORE)
      message(STATUS "pathkernel: OpenBLAS's own choice ${PK_BLAS_OWN_CORE} is slow here: the program asks for "
                     "${PK_BLAS_BETTER_CORE} where OpenBLAS chooses ${PK_BLAS_OWN_CORE} (PK_OPENBLAS_CORETYPE=none keeps it)")
    endif()
  endif()
elseif(BLA_VENDOR STREQUAL "OpenBLAS" AND NOT PK_OPENBLAS_CORETYPE MATCHES "^(auto|none|)$")
  set(PK_BLAS_BETTER_CORE "${PK_OPENBLAS_CORETYPE}")
endif()
message(STATUS "pathkernel: BLAS ${BLA_VENDOR}: ${BLAS_LIBRARIES}, ${PK_CBLAS_HEADER} from ${PK_CBLAS_INCLUDE_DIR}")

# ---- LAPACK ----------------------------------------------------------------------
# dsyevd and friends (core/Lapack.cpp, dynamics' dense eigensolver): OpenBLAS and MKL
# carry LAPACK, BLIS does not; then the system's LAPACK (Debian's liblapack.so.3) is
# linked after the BLAS, so that its own BLAS calls go to the vendor named above.
set(pk_blas_libraries "${BLAS_LIBRARIES}")
set(pk_blas_vendor "${BLA_VENDOR}")
find_package(LAPACK QUIET)
if(NOT LAPACK_FOUND)
  set(BLA_VENDOR Generic)
  find_package(LAPACK QUIET)
  set(BLA_VENDOR "${pk_blas_vendor}")
endif()
set(BLAS_LIBRARIES "${pk_blas_libraries}")
if(NOT LAPACK_FOUND)
  message(FATAL_ERROR "BLA_VENDOR=${BLA_VENDOR}: no LAPACK found, neither the vendor's nor a generic one "
                      "(Debian: liblapack-dev)")
endif()
set_property(TARGET PkDeps::BLAS APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${LAPACK_LIBRARIES})
message(STATUS "pathkernel: LAPACK ${LAPACK_LIBRARIES}")

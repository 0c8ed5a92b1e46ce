#pragma once
// Which BLAS runs, with which kernels, and how fast (docs/BUILDING.md).
//
// OpenBLAS picks its kernels from the CPU when it is loaded, before main, and an
// older OpenBLAS may take a newer CPU for an older one and run DGEMM several times
// below the machine's speed. The build measures the cores (cmake/PathkernelBlas.cmake)
// and records the better one; preferBuildCore then starts the program again, once,
// with OPENBLAS_CORETYPE set, so that the user need not know about it.
#include <string>

namespace pk::blas {

/// Call first in main, before MPI_Init and before any output. Replaces the process
/// by itself with OPENBLAS_CORETYPE set to the build's core when all of these hold:
/// the build recorded one, the BLAS loaded is OpenBLAS, OPENBLAS_CORETYPE is not set
/// (a user's choice is never overridden), OpenBLAS's own choice on this CPU is the one
/// the build measured as slow, and this CPU has the core's instructions. Otherwise,
/// or if the exec fails, returns and the program runs as it is.
void preferBuildCore(char** argv);

/// Whether this CPU has the instructions of OpenBLAS core `core` (false for a name it does not know).
bool cpuRunsCore(const std::string& core);

struct BlasDescription {
  std::string vendor;   // "OpenBLAS 0.3.21", "BLIS 0.9.0", "MKL ...", else the build's vendor name
  std::string library;  // the shared object cblas_dgemm comes from
  std::string core;     // OpenBLAS: its core name; empty otherwise
  std::string coreWhy;  // OpenBLAS: "OpenBLAS's own choice", "OPENBLAS_CORETYPE", "chosen by the build over X"
};

/// The BLAS this process runs. Not collective.
BlasDescription describe();

/// DGEMM GFLOP/s of this process on one thread of the linked BLAS, C [m, m] += A [m, 256] B^T,
/// the best of `rounds` rounds of 3 (1.6 GFLOP with the defaults, about 0.05 s at full speed;
/// a run's start-up line takes m = 256 and 2 rounds, an eighth of that). Not collective.
double measureDgemmGflops(int m = 512, int rounds = 4);

/// One line: "OpenBLAS 0.3.21, core SkylakeX (chosen by the build over Prescott), DGEMM 45.3 GFLOP/s".
std::string summary(double dgemmGflops);

}  // namespace pk::blas

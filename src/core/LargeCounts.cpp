#include "core/LargeCounts.hpp"

#include <algorithm>
#include <string>

#include "core/Error.hpp"

namespace pk {

std::int64_t largestRowBlock(std::int64_t rows, int ranks) {
  PK_ASSERT(rows >= 0 && ranks >= 1, "largestRowBlock: negative rows or no ranks");
  return (rows + ranks - 1) / ranks;
}

void requireBlockIndexable(std::int64_t rows, std::int64_t cols, int ranks, std::int64_t limit) {
  const std::int64_t block = largestRowBlock(rows, ranks);
  // block * cols is compared without forming it: both may be near 2^31 and their product near 2^62,
  // which fits, but a limit check by division stays exact for any sizes.
  PK_REQUIRE(cols == 0 || block <= limit / cols,
             "a kernel block of " + std::to_string(block) + " x " + std::to_string(cols) +
                 " entries per rank exceeds PETSc's index range (" + std::to_string(limit) +
                 "); use more ranks, --skip-train-kernels, or a PETSc with 64-bit indices (docs/BUILDING.md)");
}

void sendrecvDoubles(const double* send, double* receive, std::int64_t count, int partner, MPI_Comm comm,
                     std::int64_t piece) {
  PK_ASSERT(piece >= 1 && piece <= kMaxMessageDoubles, "sendrecvDoubles: a piece must hold 1 to 2^30 doubles");
  for (std::int64_t begin = 0; begin < count; begin += piece) {
    const int n = static_cast<int>(std::min(piece, count - begin));
    PK_MPI(MPI_Sendrecv(send + begin, n, MPI_DOUBLE, partner, 0, receive + begin, n, MPI_DOUBLE, partner, 0, comm,
                        MPI_STATUS_IGNORE));
  }
}

}  // namespace pk

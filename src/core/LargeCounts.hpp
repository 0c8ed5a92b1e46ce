#pragma once
// Sizes past 2^31. A rank's block of a kernel matrix is indexed by PETSc with
// PetscInt (32 bits in Debian's default PETSc, 64 in its petsc64 build), and an
// MPI count is an int whatever PETSc uses: a block of 10^5 x 10^5 entries fits a
// 64-bit PetscInt but not one MPI message of doubles, so such messages go in pieces.
#include <mpi.h>

#include <cstdint>

namespace pk {

/// The most rows any rank owns when `rows` are split over `ranks` as PETSc splits them.
std::int64_t largestRowBlock(std::int64_t rows, int ranks);

/// Refuses (InputError) a [rows, cols] matrix whose largest rank block has more entries than
/// `limit` (PETSc's index range: std::numeric_limits<PetscInt>::max() unless a test says otherwise).
void requireBlockIndexable(std::int64_t rows, std::int64_t cols, int ranks, std::int64_t limit);

/// The widest MPI message of doubles sent at once (2^30: below INT_MAX, and a multiple of any small
/// row width is not needed: pieces split anywhere).
inline constexpr std::int64_t kMaxMessageDoubles = std::int64_t{1} << 30;

/// MPI_Sendrecv of `count` doubles each way with `partner` (the same count on both sides), in pieces of
/// at most `piece` doubles, so that `count` may exceed 2^31. Collective on the pair.
void sendrecvDoubles(const double* send, double* receive, std::int64_t count, int partner, MPI_Comm comm,
                     std::int64_t piece = kMaxMessageDoubles);

}  // namespace pk

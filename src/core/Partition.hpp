#pragma once
// Which rows each rank owns. The split is asked from PETSc (PetscLayout), so
// data blocks, kernel rows and PETSc matrices always agree.
#include <mpi.h>

#include <cstdint>
#include <vector>

namespace pk {

class Partition {
 public:
  /// Collective on comm.
  Partition(MPI_Comm comm, std::int64_t globalRows);

  std::int64_t globalRows() const { return offsets_.back(); }
  std::int64_t begin() const { return offsets_[static_cast<std::size_t>(rank_)]; }
  std::int64_t end() const { return offsets_[static_cast<std::size_t>(rank_) + 1]; }
  std::int64_t localRows() const { return end() - begin(); }
  /// offsets()[r] .. offsets()[r+1] are rank r's rows.
  const std::vector<std::int64_t>& offsets() const { return offsets_; }
  MPI_Comm comm() const { return comm_; }

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  std::vector<std::int64_t> offsets_;
};

/// Gathers every rank's row block of a row-major matrix with `cols` columns
/// into the full matrix on every rank. Collective.
std::vector<double> allgatherRows(const Partition& rows, const double* local, std::int64_t cols);

}  // namespace pk

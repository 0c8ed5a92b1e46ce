#include "core/Partition.hpp"

#include <petscis.h>

#include <algorithm>

#include "core/Error.hpp"

namespace pk {

Partition::Partition(MPI_Comm comm, std::int64_t globalRows) : comm_(comm) {
  int size = 1;
  PK_MPI(MPI_Comm_rank(comm, &rank_));
  PK_MPI(MPI_Comm_size(comm, &size));
  PetscLayout layout = nullptr;
  PK_PETSC(PetscLayoutCreate(comm, &layout));
  PK_PETSC(PetscLayoutSetSize(layout, static_cast<PetscInt>(globalRows)));
  PK_PETSC(PetscLayoutSetBlockSize(layout, 1));
  PK_PETSC(PetscLayoutSetUp(layout));
  const PetscInt* ranges = nullptr;
  PK_PETSC(PetscLayoutGetRanges(layout, &ranges));
  offsets_.assign(ranges, ranges + size + 1);
  PK_PETSC(PetscLayoutDestroy(&layout));
}

int Partition::owner(std::int64_t row) const {
  const auto it = std::upper_bound(offsets_.begin(), offsets_.end(), row);
  return static_cast<int>(it - offsets_.begin()) - 1;
}

std::vector<double> allgatherRows(const Partition& rows, const double* local, std::int64_t cols) {
  // Counts are in rows of `cols` doubles, so the total may exceed 2^31 doubles.
  const auto& off = rows.offsets();
  const std::size_t ranks = off.size() - 1;
  PK_REQUIRE(rows.globalRows() < (std::int64_t{1} << 31), "more than 2^31 rows cannot be exchanged");
  std::vector<int> counts(ranks), displs(ranks);
  for (std::size_t r = 0; r < ranks; ++r) {
    counts[r] = static_cast<int>(off[r + 1] - off[r]);
    displs[r] = static_cast<int>(off[r]);
  }
  std::vector<double> all(static_cast<std::size_t>(rows.globalRows() * cols));
  if (cols == 0) return all;
  MPI_Datatype row = MPI_DATATYPE_NULL;
  PK_MPI(MPI_Type_contiguous(static_cast<int>(cols), MPI_DOUBLE, &row));
  PK_MPI(MPI_Type_commit(&row));
  const int status = MPI_Allgatherv(local, static_cast<int>(rows.localRows()), row, all.data(), counts.data(),
                                    displs.data(), row, rows.comm());
  MPI_Type_free(&row);
  PK_MPI(status);
  return all;
}

}  // namespace pk

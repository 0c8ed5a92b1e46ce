#include "core/Partition.hpp"

#include <petscis.h>

#include <cstdio>

#include "core/CommClock.hpp"
#include "core/Error.hpp"
#include "core/PetscOwner.hpp"

namespace pk {

namespace {

// The MPI type of one row, released however the function is left.
class RowType {
 public:
  explicit RowType(std::int64_t cols) {
    PK_MPI(MPI_Type_contiguous(static_cast<int>(cols), MPI_DOUBLE, &type_));
    PK_MPI(MPI_Type_commit(&type_));
  }
  ~RowType() {
    if (MPI_Type_free(&type_) != MPI_SUCCESS) std::fprintf(stderr, "warning: MPI_Type_free failed\n");
  }
  RowType(const RowType&) = delete;
  RowType& operator=(const RowType&) = delete;
  MPI_Datatype get() const { return type_; }

 private:
  MPI_Datatype type_ = MPI_DATATYPE_NULL;
};

}  // namespace

Partition::Partition(MPI_Comm comm, std::int64_t globalRows) : comm_(comm) {
  int size = 1;
  PK_MPI(MPI_Comm_rank(comm, &rank_));
  PK_MPI(MPI_Comm_size(comm, &size));
  PetscOwner<PetscLayout, PetscLayoutDestroy> layout;
  PK_PETSC(PetscLayoutCreate(comm, layout.receive()));
  PK_PETSC(PetscLayoutSetSize(layout.get(), static_cast<PetscInt>(globalRows)));
  PK_PETSC(PetscLayoutSetBlockSize(layout.get(), 1));
  PK_PETSC(PetscLayoutSetUp(layout.get()));
  const PetscInt* ranges = nullptr;
  PK_PETSC(PetscLayoutGetRanges(layout.get(), &ranges));
  offsets_.assign(ranges, ranges + size + 1);
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
  const RowType row(cols);
  const comm::Timed clock(comm::Phase::Exchange,
                          8.0 * static_cast<double>((rows.globalRows() - rows.localRows()) * cols), rows.comm());
  PK_MPI(MPI_Allgatherv(local, static_cast<int>(rows.localRows()), row.get(), all.data(), counts.data(), displs.data(),
                        row.get(), rows.comm()));
  return all;
}

}  // namespace pk

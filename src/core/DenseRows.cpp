#include "core/DenseRows.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/Error.hpp"
#include "core/LargeCounts.hpp"

namespace pk {

DenseRows::DenseRows(MPI_Comm comm, std::int64_t rows, std::int64_t cols) : rows_(rows), cols_(cols) {
  // PETSc indexes a rank's local block with PetscInt: its entries must stay within the type's range
  // (past 2^31 only with a PETSc built with 64-bit indices).
  int ranks = 1;
  PK_MPI(MPI_Comm_size(comm, &ranks));
  requireBlockIndexable(rows, cols, ranks, static_cast<std::int64_t>(std::numeric_limits<PetscInt>::max()));
  PK_PETSC(MatCreateDense(comm, PETSC_DECIDE, PETSC_DECIDE, static_cast<PetscInt>(rows), static_cast<PetscInt>(cols),
                          nullptr, mat_.receive()));
  PetscInt begin = 0, end = 0;
  PK_PETSC(MatGetOwnershipRange(mat_.get(), &begin, &end));
  firstRow_ = begin;
  localRows_ = end - begin;
  PK_PETSC(MatZeroEntries(mat_.get()));
  assemble();
}

void DenseRows::assemble() {
  PK_PETSC(MatAssemblyBegin(mat_.get(), MAT_FINAL_ASSEMBLY));
  PK_PETSC(MatAssemblyEnd(mat_.get(), MAT_FINAL_ASSEMBLY));
}

DenseRows DenseRows::transpose() const {
  DenseRows t;
  PK_PETSC(MatTranspose(mat_.get(), MAT_INITIAL_MATRIX, t.mat_.receive()));
  t.rows_ = cols_;
  t.cols_ = rows_;
  PetscInt begin = 0, end = 0;
  PK_PETSC(MatGetOwnershipRange(t.mat_.get(), &begin, &end));
  t.firstRow_ = begin;
  t.localRows_ = end - begin;
  return t;
}

DenseRows::Local::Local(Mat mat) : mat_(mat) {
  PetscScalar* array = nullptr;
  PK_PETSC(MatDenseGetArray(mat_, &array));
  data_ = array;
  PetscInt ld = 0;
  PK_PETSC(MatDenseGetLDA(mat_, &ld));
  ld_ = ld;
}

DenseRows::Local::~Local() {
  PetscScalar* array = data_;
  if (MatDenseRestoreArray(mat_, &array) != 0) std::fprintf(stderr, "warning: MatDenseRestoreArray failed\n");
}

void DenseRows::copyLocalRowMajor(double* out) const {
  const auto a = local();
  for (std::int64_t r = 0; r < localRows_; ++r)
    for (std::int64_t j = 0; j < cols_; ++j) out[r * cols_ + j] = a.data()[r + j * a.ld()];
}

void DenseRows::setLocalRowMajor(const double* in) {
  {
    const auto a = local();
    for (std::int64_t r = 0; r < localRows_; ++r)
      for (std::int64_t j = 0; j < cols_; ++j) a.data()[r + j * a.ld()] = in[r * cols_ + j];
  }
  assemble();
}

MPI_Comm DenseRows::comm() const {
  MPI_Comm comm = MPI_COMM_NULL;
  PK_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(mat_.get()), &comm));
  return comm;
}

namespace {

// Every rank's first row and row count, in rank order.
void rowBlocks(const DenseRows& k, MPI_Comm comm, std::vector<std::int64_t>& first, std::vector<std::int64_t>& count) {
  int ranks = 1;
  PK_MPI(MPI_Comm_size(comm, &ranks));
  const std::int64_t mine[2] = {k.firstRow(), k.localRows()};
  std::vector<std::int64_t> all(2 * static_cast<std::size_t>(ranks));
  PK_MPI(MPI_Allgather(mine, 2, MPI_INT64_T, all.data(), 2, MPI_INT64_T, comm));
  for (int r = 0; r < ranks; ++r) {
    first.push_back(all[2 * static_cast<std::size_t>(r)]);
    count.push_back(all[2 * static_cast<std::size_t>(r) + 1]);
  }
}

// This rank's block K[my rows, columns [first, first + count)], row-major.
std::vector<double> packBlock(const DenseRows& k, std::int64_t first, std::int64_t count) {
  const auto a = k.local();
  std::vector<double> block(static_cast<std::size_t>(k.localRows() * count));
  for (std::int64_t c = 0; c < count; ++c)
    for (std::int64_t r = 0; r < k.localRows(); ++r)
      block[static_cast<std::size_t>(r * count + c)] = a.data()[r + (first + c) * a.ld()];
  return block;
}

}  // namespace

double symmetrise(DenseRows& k) {
  PK_ASSERT(k.rows() == k.cols(), "symmetrise: the kernel is not square");
  const MPI_Comm comm = k.comm();
  int rank = 0, ranks = 1;
  PK_MPI(MPI_Comm_rank(comm, &rank));
  PK_MPI(MPI_Comm_size(comm, &ranks));
  std::vector<std::int64_t> first, count;
  rowBlocks(k, comm, first, count);
  // Round d pairs this rank with partner p = (d - rank) mod R (p's partner is this rank): send
  // K[my rows, p's rows], receive K[p's rows, my rows], whose transpose is K^T[my rows, p's rows],
  // the block just sent, which is then replaced by the symmetric part. Every block is sent before
  // it changes, one pair of blocks is held at a time, and the matrix is never transposed whole.
  double local[2] = {0.0, 0.0};  // |K - K^T|_F^2, |K|_F^2 over this rank's rows
  const std::int64_t mine = k.localRows();
  for (int d = 0; d < ranks; ++d) {
    const int partner = ((d - rank) % ranks + ranks) % ranks;
    const auto p = static_cast<std::size_t>(partner);
    const auto send = packBlock(k, first[p], count[p]);
    std::vector<double> received;
    if (partner == rank) {
      received = send;
    } else {
      // Both blocks have mine x count[p] entries, possibly more than an MPI count holds.
      received.resize(static_cast<std::size_t>(count[p] * mine));
      sendrecvDoubles(send.data(), received.data(), count[p] * mine, partner, comm);
    }
    const auto a = k.local();
    for (std::int64_t c = 0; c < count[p]; ++c)
      for (std::int64_t r = 0; r < mine; ++r) {
        double& kij = a.data()[r + (first[p] + c) * a.ld()];
        const double kji = received[static_cast<std::size_t>(c * mine + r)];
        local[0] += (kij - kji) * (kij - kji);
        local[1] += kij * kij;
        kij = 0.5 * (kij + kji);  // the same sum on both sides: exactly symmetric
      }
  }
  k.assemble();
  double global[2] = {0.0, 0.0};
  PK_MPI(MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, comm));
  return global[1] > 0.0 ? std::sqrt(global[0] / global[1]) : 0.0;
}

}  // namespace pk

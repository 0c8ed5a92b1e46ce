#include "core/DenseRows.hpp"

#include <cstdio>
#include <limits>
#include <string>
#include <utility>

#include "core/Error.hpp"

namespace pk {

DenseRows::DenseRows(MPI_Comm comm, std::int64_t rows, std::int64_t cols) : rows_(rows), cols_(cols) {
  // PETSc indexes a rank's local block with PetscInt: its entries must stay below the type's range.
  int ranks = 1;
  PK_MPI(MPI_Comm_size(comm, &ranks));
  const std::int64_t largestBlock = (rows + ranks - 1) / ranks * cols;
  PK_REQUIRE(largestBlock < static_cast<std::int64_t>(std::numeric_limits<PetscInt>::max()),
             "a kernel block of " + std::to_string((rows + ranks - 1) / ranks) + " x " + std::to_string(cols) +
                 " entries per rank exceeds PETSc's index range; use more ranks or --skip-train-kernels");
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

}  // namespace pk

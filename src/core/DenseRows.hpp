#pragma once
// A PETSc MATMPIDENSE matrix [rows, cols] owned by one object; each rank owns
// the block of rows PETSc gives it (the same split as core/Partition).
#include <petscmat.h>

#include <cstdint>

#include "core/PetscOwner.hpp"

namespace pk {

class DenseRows {
 public:
  DenseRows() = default;
  /// Collective: a zeroed matrix.
  DenseRows(MPI_Comm comm, std::int64_t rows, std::int64_t cols);

  bool empty() const { return mat_.get() == nullptr; }
  Mat mat() const { return mat_.get(); }
  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  std::int64_t firstRow() const { return firstRow_; }
  std::int64_t localRows() const { return localRows_; }
  /// The communicator the matrix is distributed over. Not collective.
  MPI_Comm comm() const;

  /// Scoped access to the local rows: column-major, element (r, j) at a[r + j * ld].
  class Local {
   public:
    explicit Local(Mat mat);
    ~Local();
    Local(const Local&) = delete;
    Local& operator=(const Local&) = delete;
    double* data() const { return data_; }
    std::int64_t ld() const { return ld_; }

   private:
    Mat mat_;
    double* data_ = nullptr;
    std::int64_t ld_ = 0;
  };
  Local local() const { return Local(mat_.get()); }

  /// Collective: makes writes through local() visible to PETSc operations.
  void assemble();
  /// Collective: the transpose [cols, rows], a new matrix.
  DenseRows transpose() const;

  /// Copies the local rows into row-major form [localRows, cols].
  void copyLocalRowMajor(double* out) const;
  /// Overwrites the local rows from row-major [localRows, cols].
  void setLocalRowMajor(const double* in);

 private:
  OwnedMat mat_;
  std::int64_t rows_ = 0, cols_ = 0, firstRow_ = 0, localRows_ = 0;
};

/// Collective. Replaces a square K by its symmetric part (K + K^T)/2, exactly
/// symmetric, and returns |K - K^T|_F / |K|_F of the matrix before (0 for a
/// zero matrix). The transpose's blocks are exchanged rank pair by rank pair
/// (one block of N/R x N/R in flight per rank), never assembled as a second
/// N x N matrix: a PETSc transpose of a dense matrix costs several times more.
double symmetrise(DenseRows& k);

}  // namespace pk

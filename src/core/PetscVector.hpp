#pragma once
// The PETSc vectors and solver the kernel ridge solver uses, owned through
// PetscOwner (move-only; released in the destructor).
#include <petscksp.h>

#include "core/PetscOwner.hpp"

namespace pk {

class Vector {
 public:
  Vector() = default;
  Vec get() const { return vec_.get(); }

  /// Collective: a vector with the row layout of `mat` (its left vector).
  static Vector rowsOf(Mat mat);
  /// Collective: a vector with the column layout of `mat` (its right vector).
  static Vector columnsOf(Mat mat);

  /// Scoped access to the local entries.
  class Local {
   public:
    explicit Local(Vec vec);
    ~Local();
    Local(const Local&) = delete;
    Local& operator=(const Local&) = delete;
    double* data() const { return data_; }

   private:
    Vec vec_;
    double* data_ = nullptr;
  };
  Local local() const { return Local(vec_.get()); }

 private:
  OwnedVec vec_;
};

class Solver {
 public:
  /// Collective on comm.
  explicit Solver(MPI_Comm comm);
  KSP get() const { return ksp_.get(); }

 private:
  OwnedKsp ksp_;
};

}  // namespace pk

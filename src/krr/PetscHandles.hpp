#pragma once
// Move-only owners of the PETSc handles the kernel ridge solver uses (Vec,
// KSP): the constructor takes ownership, the destructor releases, moving
// nulls the source. Destructors never throw.
#include <petscksp.h>

namespace pk {

class Vector {
 public:
  Vector() = default;
  explicit Vector(Vec vec) : vec_(vec) {}
  ~Vector();
  Vector(Vector&& other) noexcept;
  Vector& operator=(Vector&& other) noexcept;
  Vector(const Vector&) = delete;
  Vector& operator=(const Vector&) = delete;
  Vec get() const { return vec_; }

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
  Local local() const { return Local(vec_); }

 private:
  Vec vec_ = nullptr;
};

class Solver {
 public:
  /// Collective on comm.
  explicit Solver(MPI_Comm comm);
  ~Solver();
  Solver(Solver&& other) noexcept;
  Solver& operator=(Solver&& other) noexcept;
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;
  KSP get() const { return ksp_; }

 private:
  KSP ksp_ = nullptr;
};

}  // namespace pk

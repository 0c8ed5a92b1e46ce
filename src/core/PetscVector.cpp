#include "core/PetscVector.hpp"

#include <cstdio>

#include "core/Error.hpp"

namespace pk {

Vector Vector::rowsOf(Mat mat) {
  Vector v;
  PK_PETSC(MatCreateVecs(mat, nullptr, v.vec_.receive()));
  return v;
}

Vector Vector::columnsOf(Mat mat) {
  Vector v;
  PK_PETSC(MatCreateVecs(mat, v.vec_.receive(), nullptr));
  return v;
}

Vector::Local::Local(Vec vec) : vec_(vec) {
  PetscScalar* array = nullptr;
  PK_PETSC(VecGetArray(vec_, &array));
  data_ = array;
}

Vector::Local::~Local() {
  PetscScalar* array = data_;
  if (VecRestoreArray(vec_, &array) != 0) std::fprintf(stderr, "warning: VecRestoreArray failed\n");
}

Solver::Solver(MPI_Comm comm) {
  PK_PETSC(KSPCreate(comm, ksp_.receive()));
}

}  // namespace pk

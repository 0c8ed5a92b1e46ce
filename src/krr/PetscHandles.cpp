#include "krr/PetscHandles.hpp"

#include <cstdio>
#include <utility>

#include "core/Error.hpp"

namespace pk {

Vector::~Vector() {
  if (vec_ && VecDestroy(&vec_) != 0) std::fprintf(stderr, "warning: VecDestroy failed\n");
}

Vector::Vector(Vector&& other) noexcept : vec_(std::exchange(other.vec_, nullptr)) {}

Vector& Vector::operator=(Vector&& other) noexcept {
  if (this != &other) {
    if (vec_) VecDestroy(&vec_);
    vec_ = std::exchange(other.vec_, nullptr);
  }
  return *this;
}

Vector Vector::rowsOf(Mat mat) {
  Vec vec = nullptr;
  PK_PETSC(MatCreateVecs(mat, nullptr, &vec));
  return Vector(vec);
}

Vector Vector::columnsOf(Mat mat) {
  Vec vec = nullptr;
  PK_PETSC(MatCreateVecs(mat, &vec, nullptr));
  return Vector(vec);
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
  PK_PETSC(KSPCreate(comm, &ksp_));
}

Solver::~Solver() {
  if (ksp_ && KSPDestroy(&ksp_) != 0) std::fprintf(stderr, "warning: KSPDestroy failed\n");
}

Solver::Solver(Solver&& other) noexcept : ksp_(std::exchange(other.ksp_, nullptr)) {}

Solver& Solver::operator=(Solver&& other) noexcept {
  if (this != &other) {
    if (ksp_) KSPDestroy(&ksp_);
    ksp_ = std::exchange(other.ksp_, nullptr);
  }
  return *this;
}

}  // namespace pk

#pragma once
// Move-only owner of a PETSc or SLEPc object (Mat, Vec, KSP, EPS, PetscLayout): the matching XxxDestroy
// runs in the destructor, moving nulls the source. Destructors never throw.
#include <petscksp.h>
#include <slepceps.h>

#include <cstdio>
#include <utility>

namespace pk {

template <typename Handle, PetscErrorCode (*Destroy)(Handle*)>
class PetscOwner {
 public:
  PetscOwner() = default;
  explicit PetscOwner(Handle handle) : handle_(handle) {}
  ~PetscOwner() { reset(); }
  PetscOwner(PetscOwner&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  PetscOwner& operator=(PetscOwner&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  PetscOwner(const PetscOwner&) = delete;
  PetscOwner& operator=(const PetscOwner&) = delete;

  Handle get() const { return handle_; }
  /// For PETSc's creation calls: XxxCreate(..., owner.receive()).
  Handle* receive() {
    reset();
    return &handle_;
  }
  void reset() {
    if (handle_ && Destroy(&handle_) != 0) std::fprintf(stderr, "warning: destroying a PETSc object failed\n");
    handle_ = nullptr;
  }

 private:
  Handle handle_ = nullptr;
};

using OwnedMat = PetscOwner<Mat, MatDestroy>;
using OwnedVec = PetscOwner<Vec, VecDestroy>;
using OwnedKsp = PetscOwner<KSP, KSPDestroy>;
using OwnedEps = PetscOwner<EPS, EPSDestroy>;

}  // namespace pk

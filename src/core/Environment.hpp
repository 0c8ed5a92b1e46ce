#pragma once
// Starts and stops the world: MPI first, then SLEPc (which starts PETSc);
// finalised in reverse. The first object of every main. PETSc and SLEPc are
// initialised without command-line arguments (they are the program's own); a
// command that takes PETSc or SLEPc options (-ksp_*, -eps_*) hands them over
// explicitly with usePetscOptions().
#include <string>

namespace pk {

class Environment {
 public:
  Environment(int* argc, char*** argv);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

/// Hands PETSc options ("-ksp_type cg -ksp_rtol 1e-10", "-eps_type lanczos") to PETSc's database,
/// and starts PETSc's logging when they ask for -log_view. Collective on MPI_COMM_WORLD.
void usePetscOptions(const std::string& options);

}  // namespace pk

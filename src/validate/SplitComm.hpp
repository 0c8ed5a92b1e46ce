#pragma once
// The one owner of a communicator made by MPI_Comm_split: freed when the owner
// goes, however the scope is left. Validation splits the ranks into groups
// that retrain concurrently, each on its own communicator.
#include <mpi.h>

namespace pk::validation {

class SplitComm {
 public:
  /// Collective on parent: the ranks with the same color form one communicator, ordered by key.
  SplitComm(MPI_Comm parent, int color, int key);
  ~SplitComm();
  SplitComm(const SplitComm&) = delete;
  SplitComm& operator=(const SplitComm&) = delete;

  MPI_Comm get() const { return comm_; }
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace pk::validation

#include "validate/SplitComm.hpp"

#include <cstdio>

#include "core/Error.hpp"

namespace pk::validation {

SplitComm::SplitComm(MPI_Comm parent, int color, int key) {
  PK_MPI(MPI_Comm_split(parent, color, key, &comm_));
  PK_MPI(MPI_Comm_rank(comm_, &rank_));
  PK_MPI(MPI_Comm_size(comm_, &size_));
}

SplitComm::~SplitComm() {
  // Every rank of the group leaves the scope that owns it, on success and on an
  // input error alike (the group's ranks see the same data), so the free pairs up.
  if (comm_ != MPI_COMM_NULL && MPI_Comm_free(&comm_) != MPI_SUCCESS)
    std::fprintf(stderr, "warning: MPI_Comm_free failed\n");
}

}  // namespace pk::validation

#include "core/CommClock.hpp"

#include <mpi.h>

namespace pk::comm {

namespace {

// One process, one clock per phase; the program's ranks are processes, never threads.
double total[2] = {0.0, 0.0};

}  // namespace

double seconds(Phase phase) {
  return total[static_cast<int>(phase)];
}

Timed::Timed(Phase phase) : phase_(phase), start_(MPI_Wtime()) {}

Timed::~Timed() {
  total[static_cast<int>(phase_)] += MPI_Wtime() - start_;
}

}  // namespace pk::comm

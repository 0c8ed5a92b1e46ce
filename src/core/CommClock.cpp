#include "core/CommClock.hpp"

#include "core/Error.hpp"

namespace pk::comm {

namespace {

// One process, one clock per phase; the program's ranks are processes, never threads.
double total[3] = {0.0, 0.0, 0.0};
double received[3] = {0.0, 0.0, 0.0};
bool separate = false;

}  // namespace

double seconds(Phase phase) {
  return total[static_cast<int>(phase)];
}

double bytes(Phase phase) {
  return received[static_cast<int>(phase)];
}

void separateWaits(bool on) {
  separate = on;
}

Timed::Timed(Phase phase, double bytesReceived, MPI_Comm comm) : phase_(phase), start_(0.0) {
  if (separate) {
    const double before = MPI_Wtime();
    PK_MPI(MPI_Barrier(comm));
    total[static_cast<int>(Phase::Wait)] += MPI_Wtime() - before;
  }
  received[static_cast<int>(phase)] += bytesReceived;
  start_ = MPI_Wtime();
}

Timed::~Timed() {
  total[static_cast<int>(phase_)] += MPI_Wtime() - start_;
}

}  // namespace pk::comm

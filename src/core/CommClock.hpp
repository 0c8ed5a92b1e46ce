#pragma once
// Seconds this rank spends in the two kinds of communication of a training step,
// summed over the process's life, so that bench can split a step into compute,
// exchange and reduction (docs/SCALING.md): the exchange is the allgather of the
// training examples' features (N rows, core/Partition.hpp), the reduction the
// Allreduce of the loss and the gradient (P values).
//
// A collective's time includes the wait for the slowest rank to arrive. bench turns
// on separation: a barrier before each timed collective, whose time is charged to
// Phase::Wait, so that Exchange and Reduce hold the transfers alone. Runs never
// turn it on (the barrier would cost them a synchronisation per collective).
#include <mpi.h>

namespace pk::comm {

enum class Phase { Exchange = 0, Reduce = 1, Wait = 2 };

/// Seconds spent in `phase` on this rank so far.
double seconds(Phase phase);

/// Bytes this rank received in `phase` so far (what the scaling model charges to the network).
double bytes(Phase phase);

/// With `on`, each timed collective is preceded by a barrier timed as Phase::Wait.
void separateWaits(bool on);

/// Adds the time from construction to destruction, and `received` bytes, to `phase`.
/// Collective on `comm` when waits are separated.
class Timed {
 public:
  Timed(Phase phase, double received, MPI_Comm comm);
  ~Timed();
  Timed(const Timed&) = delete;
  Timed& operator=(const Timed&) = delete;

 private:
  Phase phase_;
  double start_;
};

}  // namespace pk::comm

#pragma once
// Seconds this rank spends in the two kinds of communication of a training step,
// summed over the process's life, so that bench can split a step into compute,
// exchange and reduction (docs/SCALING.md): the exchange is the allgather of the
// training examples' features (N rows, core/Partition.hpp), the reduction the
// Allreduce of the gradient (P values). A collective's time includes the wait for
// the slowest rank to arrive.
namespace pk::comm {

enum class Phase { Exchange = 0, Reduce = 1 };

/// Seconds spent in `phase` on this rank so far.
double seconds(Phase phase);

/// Adds the time from construction to destruction to `phase`.
class Timed {
 public:
  explicit Timed(Phase phase);
  ~Timed();
  Timed(const Timed&) = delete;
  Timed& operator=(const Timed&) = delete;

 private:
  Phase phase_;
  double start_;
};

}  // namespace pk::comm

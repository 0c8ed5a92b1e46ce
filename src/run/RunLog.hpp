#pragma once
// What `pathkernel train` prints on rank 0: the settings and the memory each
// rank will hold, a progress line every so many steps, and the final report.
#include <chrono>
#include <cstdint>
#include <ostream>

#include "run/MemoryEstimate.hpp"
#include "run/TrainingRun.hpp"

namespace pk {

/// The settings, the data's shape and the memory estimate (with what each rank
/// has available), before training.
void printSettings(std::ostream& log, const RunPlan& plan, const MemoryEstimate& memory, double available, int ranks);

/// Progress lines: the loss at the start of the step shown, steps per second and the time left.
class ProgressLog {
 public:
  ProgressLog(std::ostream* log, const TrainSettings& settings, std::int64_t firstStep);
  /// Prints a line after step `done` when it is due (every K steps, and the last).
  void after(std::int64_t done, double lossBefore);

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream* log_;
  std::int64_t steps_, every_, firstStep_;
  Clock::time_point start_ = Clock::now();
};

}  // namespace pk

#pragma once
// What `pathkernel train` prints on rank 0: the settings and the memory each
// rank will hold, a progress line every so many steps, and the final report.
#include <chrono>
#include <cstdint>
#include <ostream>
#include <vector>

#include "run/MemoryEstimate.hpp"
#include "run/TrainingRun.hpp"

namespace pk {

/// The settings, the data's shape and the memory estimate (with what each rank
/// has available), before training.
void printSettings(std::ostream& log, const RunPlan& plan, const MemoryEstimate& memory, double available, int ranks,
                   const std::string& command);

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

/// A warning, once per start of a run and on rank 0, when the training loss
/// exceeds 100 times its value at w_0: a run diverging slowly, which only
/// stops by itself once the loss is NaN or Inf.
class LossGrowthWarning {
 public:
  static constexpr double kFactor = 100.0;
  LossGrowthWarning(std::ostream* log, double lr) : log_(log), lr_(lr) {}
  /// Checks the newest value of the loss history (data loss at w_0 .. w_s).
  void check(const std::vector<double>& lossHistory);

 private:
  std::ostream* log_;
  double lr_;
  bool warned_ = false;
};

}  // namespace pk

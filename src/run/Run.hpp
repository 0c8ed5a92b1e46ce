#pragma once
// One training run from settings to run file: load the data, build the
// model, train while the engine accumulates, write the file. Rank 0 reports.
#include <mpi.h>

#include <ostream>

#include "kernel/PathKernelEngine.hpp"
#include "run/TrainingRun.hpp"
#include "settings/Settings.hpp"

namespace pk {

struct RunReport {
  ResidualSummary train, test;
  bool hasTest = false;
  std::int64_t steps = 0;
  double finalLoss = 0.0;
  double testLoss = 0.0;                           // at w_S, when hasTest
  double trainAccuracy = 0.0, testAccuracy = 0.0;  // at w_S, when hasAccuracy (and hasTest)
  bool hasAccuracy = false;
  double seconds = 0.0;
  int stopSignal = 0;  // a signal stopped the run (checkpoint written, no run file)
};

/// Collective. `log` receives progress and the summary (pass null on ranks
/// other than 0). Throws InputError on bad input, before anything is written.
RunReport runTraining(const TrainSettings& settings, MPI_Comm comm, std::ostream* log);

// The parts of a run shared by every command that trains (train, replay):

/// Collective. Prints the plan and its memory estimate (`log` on rank 0, headed by the
/// command: train or replay); false for
/// a dry run; throws InputError when the estimate exceeds the memory available.
bool checkPlan(const RunPlan& plan, MPI_Comm comm, std::ostream* log, const std::string& command = "train");
/// Collective. From the start (or the checkpoint of --restart) to the last step,
/// with checkpoints when due; then the final predictions. Returns the signal that
/// stopped the run early (its checkpoint written), or 0.
int runToEnd(TrainingRun& run, std::ostream* log);
/// After the result file is in place the checkpoint is no longer needed: rank 0
/// removes it unless --keep-checkpoint. Not collective.
void removeCheckpoint(const TrainingRun& run, std::ostream* log);

}  // namespace pk

#pragma once
// Checkpoints: everything needed to continue a run exactly (docs/FORMAT.md,
// section 4): the configuration, an identity of the settings and data, and
// the state of each stateful part (the trainer under /state, the engine under
// /engine), which each part saves and restores itself. Written with parallel
// HDF5 to a temporary name and renamed, so a crash while writing leaves the
// previous checkpoint intact. Rows are read by global index: a checkpoint
// restarts at any rank count.
#include <string>

#include "results/Formats.hpp"
#include "run/TrainingRun.hpp"

namespace pk {

/// Collective. Writes the run's current state to `path`.
void writeCheckpoint(const std::string& path, const TrainingRun& run);

/// Collective. Restores the run's state from `path`. Throws InputError if the
/// checkpoint is not complete or was written for another configuration or data
/// set (naming every setting that differs).
void restoreCheckpoint(const std::string& path, TrainingRun& run);

}  // namespace pk

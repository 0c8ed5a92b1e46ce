#pragma once
// Writing the run file (docs/FORMAT.md, section 2): once, at the end of a run,
// with parallel HDF5, to a temporary name that is renamed when everything is
// written, so no partial file ever looks complete.
#include <hdf5.h>
#include <mpi.h>

#include <string>

#include "kernel/PathKernelEngine.hpp"
#include "run/Settings.hpp"
#include "run/TrainingRun.hpp"

namespace pk {

inline constexpr const char* kRunFormat = "pathkernel-run";
inline constexpr std::int64_t kRunFormatVersion = 1;

/// What a finished run adds to its state: the kernel machine's residuals and the time taken.
struct RunSummary {
  ResidualSummary train, test;
  std::vector<double> wallSeconds;  // of each start of the run (more than one after restarts)
};

/// Collective. The settings that fix the data, the model and its training, as
/// attributes of the group `config` (shared by the run and converge files).
void writeModelAndTraining(hid_t config, const TrainSettings& settings);

/// Collective. Every setting of the run as an attribute of /config (docs/FORMAT.md 2.3).
void writeConfig(hid_t file, const TrainingRun& run);

/// Collective. The rows of one query set under the name `set`: /predict/SET/*,
/// /kernel/*/SET and /snapshots/tangent/SET (those the run keeps).
void writeQueryRows(hid_t file, const TrainingRun& run, const QueryState& q, const std::string& set);

/// Collective. The inputs of `split` as GROUP/X and, with `targets`, its labels
/// as GROUP/y (int64 for class labels): the built-in data of a run
/// (/data/train, /data/test; docs/FORMAT.md 2.4) and a replay's points (/queries).
/// Nothing for a split without rows.
void writeDataRows(hid_t file, const Dataset& data, const DataBlock& split, const std::string& group, bool targets);

/// Collective. Writes `path` (through `path`.partial, renamed at the end).
void writeRunFile(const std::string& path, const TrainingRun& run, const RunSummary& summary);

}  // namespace pk

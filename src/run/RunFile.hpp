#pragma once
// Writing the run file (docs/FORMAT.md, section 2): once, at the end of a run,
// with parallel HDF5, to a temporary name that is renamed when everything is
// written, so no partial file ever looks complete.
#include <mpi.h>

#include <string>

#include "io/H5.hpp"
#include "kernel/PathKernelEngine.hpp"
#include "results/Formats.hpp"
#include "run/TrainingRun.hpp"
#include "settings/SettingsTable.hpp"

namespace pk {

/// What a finished run adds to its state: the kernel machine's residuals and the time taken.
struct RunSummary {
  ResidualSummary train, test;
  std::vector<double> wallSeconds;  // of each start of the run (more than one after restarts)
};

/// Not collective. What the run found out beyond its settings (its data's sizes, the outputs).
RunFacts runFacts(const TrainingRun& run);

/// Collective. Every setting of the run as an attribute of /config (docs/FORMAT.md 2.3).
void writeConfig(const h5::Id& file, const TrainingRun& run);

/// Collective. The rows of one query set under the name `set`: /predict/SET/*,
/// /kernel/*/SET and /snapshots/tangent/SET (those the run keeps).
void writeQueryRows(const h5::Id& file, const TrainingRun& run, const QueryState& q, const std::string& set);

/// Collective. The inputs of `split` as GROUP/X and, with `targets`, its labels
/// as GROUP/y (int64 for class labels): the built-in data of a run
/// (/data/train, /data/test; docs/FORMAT.md 2.4) and a replay's points (/queries).
/// Nothing for a split without rows.
void writeDataRows(const h5::Id& file, const Dataset& data, const DataBlock& split, const std::string& group,
                   bool targets);

/// Collective. Writes `path` (through `path`.partial, renamed at the end).
void writeRunFile(const std::string& path, const TrainingRun& run, const RunSummary& summary);

}  // namespace pk

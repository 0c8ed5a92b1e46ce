#pragma once
// New query points after training (docs/THEORY.md, Replay): a finished run's
// path is recomputed from its recorded settings, data, seed and initial
// parameters (the trajectory is deterministic), with the new points as the
// only query points, so every row the run file holds for its test points
// (path kernel, contributions, tangent kernels and snapshots where the run had
// them, predictions, bias, kernel machine, residual) is accumulated for them.
// The rows equal those a run made with these points as its test set would
// hold. The result is a pathkernel-queries file (docs/FORMAT.md, section 6).
#include <mpi.h>

#include <cstdint>
#include <ostream>
#include <string>

#include "results/QuerySource.hpp"
#include "run/Run.hpp"

namespace pk {

struct ReplaySettings {
  std::string run;      // the finished run file
  std::string queries;  // FILE.h5 (/X, optional /y) or DATA.h5:test (its test split)
  std::string out = "queries.h5";
  std::string checkpoint;  // default OUT.ckpt
  std::int64_t checkpointEvery = 0;
  std::string restart;
  std::int64_t progressEvery = 0;
  bool force = false, keepCheckpoint = false, dryRun = false;
  std::string snapshots;  // steps of the query rows' tangent kernels; empty: the run's own
};

/// Collective. `log` receives progress and the summary (rank 0). Throws
/// InputError for a run that cannot be replayed (incomplete, unknown format
/// version, its data changed) or query points that do not fit it.
RunReport runReplay(const ReplaySettings& settings, MPI_Comm comm, std::ostream* log);

}  // namespace pk

#pragma once
// The file a replay writes (format "pathkernel-queries", docs/FORMAT.md,
// section 6): the run's rows for new query points under the set name "query",
// the query points themselves, and the run it belongs to.
#include "replay/Replay.hpp"
#include "run/RunFile.hpp"

namespace pk {

/// Collective. Writes settings.out (through OUT.partial, renamed at the end).
void writeQueriesFile(const ReplaySettings& settings, const TrainingRun& run, const RunSummary& summary);

}  // namespace pk

#pragma once
// The retraining rounds of a study on R ranks in R/G groups of G: in each
// round every group retrains one of the pending sets on its own communicator
// (group g takes the g-th of the round's sets), then the round's outputs are
// summed onto every rank (each entry has one writer, so the sum is exact).
// After each round the ranks agree on a stop signal; the progress file is
// written when due and before stopping, so a stopped study resumes where it was.
#include <mpi.h>

#include <functional>
#include <ostream>

#include "validate/Retrainer.hpp"
#include "validate/SplitComm.hpp"
#include "validate/Study.hpp"
#include "validate/ValidateSettings.hpp"

namespace pk::validation {

/// This rank's group among the R/G groups.
struct GroupPlace {
  const SplitComm& comm;  // the group's communicator
  int index = 0;          // g
  int count = 1;          // R/G
};

struct RoundOutcome {
  int stopSignal = 0;          // a signal stopped the study (progress written)
  double seconds = 0.0;        // wall time of the rounds
  std::int64_t retrained = 0;  // sets retrained here
};

struct RoundOptions {
  Share share;                                                  // only the retrainings this share owns
  double checkpointSeconds = 60;                                // progress written at most this often (0: every round)
  std::function<void(const RoundOutcome& sofar)> saveProgress;  // collective on world
};

/// Collective on world. Retrains the pending sets of the share, updating `results` on every rank.
RoundOutcome runRounds(const Study& study, Results& results, const Retrainer& retrainer, const GroupPlace& group,
                       const RoundOptions& options, MPI_Comm world, std::ostream* log);

}  // namespace pk::validation

#pragma once
// What a run will hold and write, estimated before anything large is
// allocated: printed at start-up (and alone by --dry-run, to size a batch
// job's --mem), and compared with the memory each rank can have so that a run
// that cannot fit is refused before training instead of failing hours later.
#include <mpi.h>

#include <cstdint>
#include <string>

#include "run/TrainingRun.hpp"

namespace pk {

struct MemoryEstimate {
  std::int64_t trainingSideValues = 0;  // doubles per training example of the gathered training side
  double kernelBytes = 0.0;             // per rank: its rows of every kernel matrix
  double trainingSideBytes = 0.0;       // per rank: the training side of all N examples, gathered each step
  double activationBytes = 0.0;         // per rank: its rows' activations and signals during a step
  double directionBytes = 0.0;          // per rank: per-example buffers and directions, and the gathered query
                                        // features they are contracted with (optimizers with memory)
  double dataBytes = 0.0;               // per rank: its block of the data
  double writeBytes = 0.0;              // per rank: the copies made while a file is written (the peak)
  double checkpointBytes = 0.0;         // one checkpoint file
  double runFileBytes = 0.0;            // the run file
  double perRank() const {
    return kernelBytes + trainingSideBytes + activationBytes + directionBytes + dataBytes + writeBytes;
  }
};

/// Not collective. The estimate for `plan` run on `ranks` ranks.
MemoryEstimate estimateMemory(const RunPlan& plan, int ranks);

/// Collective. The memory one rank can use: the node's available memory (or its
/// control group's limit, if lower) divided by the ranks on that node, the
/// smallest over all nodes.
double availableBytesPerRank(MPI_Comm comm);

/// What would fit in `available` bytes per rank, for the refusal of a run that does not.
struct MemoryFit {
  std::int64_t ranks = 0;  // the fewest ranks at which the run fits (0: none, the training side alone is too large)
  double withoutTrainRows = 0.0;  // bytes per rank on the same ranks with --skip-train-kernels
  std::int64_t queryRows = 0;     // points whose kernel rows fit on the same ranks without train x train rows
};

/// Not collective. What would fit `available` per rank for `plan` on `ranks` ranks.
MemoryFit whatFits(const RunPlan& plan, int ranks, double available);

/// The refusal's text: the numbers, and what would fit (ranks, options, query points).
std::string memoryRefusal(const RunPlan& plan, int ranks, const MemoryEstimate& estimate, double available);

/// Throws InputError with memoryRefusal() when `estimate` does not fit in `available`.
void requireMemory(const RunPlan& plan, int ranks, const MemoryEstimate& estimate, double available);

/// "1.04 MB", "3.2 GB".
std::string formatBytes(double bytes);

}  // namespace pk

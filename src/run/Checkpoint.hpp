#pragma once
// Checkpoints: everything needed to continue a run exactly (docs/FORMAT.md):
// step, parameters, generator state and position in the epoch, histories,
// every accumulated kernel block and term, and the configuration. Written
// with parallel HDF5 to a temporary name and renamed, so a crash while
// writing leaves the previous checkpoint intact. Rows are read by global
// index: a checkpoint restarts at any rank count.
#include <mpi.h>

#include <string>

#include "run/RunFile.hpp"
#include "kernel/PathKernelEngine.hpp"
#include "train/Trainer.hpp"

namespace pk {

inline constexpr const char* kCheckpointFormat = "pathkernel-checkpoint";
inline constexpr std::int64_t kCheckpointFormatVersion = 1;

/// Collective. `run` names the settings, data, model, trainer and engine.
void writeCheckpoint(const std::string& path, const RunRecord& run, MPI_Comm comm);

/// Collective. Restores the trainer's and the engine's state from `path`.
/// Throws InputError if the checkpoint is not complete or was written for
/// another configuration or data set (naming every setting that differs).
void readCheckpoint(const std::string& path, const RunRecord& run, Trainer& trainer, PathKernelEngine& engine,
                    MPI_Comm comm);

}  // namespace pk

#pragma once
// Everything one training run holds, owned together: its settings (with the
// loss resolved against the data), this rank's block of the data, the model,
// the trainer and the path-kernel engine that observes it. The run file and
// checkpoint writers read a run through this one object.
#include <mpi.h>

#include <string>

#include "core/Dataset.hpp"
#include "kernel/PathKernelEngine.hpp"
#include "model/Mlp.hpp"
#include "run/Settings.hpp"
#include "train/Trainer.hpp"

namespace pk {

class TrainingRun {
 public:
  /// Collective. Loads and checks the data, resolves the loss and the number of
  /// outputs, draws w_0, and subscribes the engine to the trainer. Throws InputError.
  TrainingRun(const TrainSettings& settings, MPI_Comm comm);
  TrainingRun(const TrainingRun&) = delete;
  TrainingRun& operator=(const TrainingRun&) = delete;

  /// The settings as run: settings().loss is always set (auto resolved).
  const TrainSettings& settings() const { return settings_; }
  Loss loss() const { return *settings_.loss; }
  const Dataset& data() const { return data_; }
  const Mlp& model() const { return model_; }
  /// SHA-256 of the data file's datasets; empty for built-in data.
  const std::string& dataSha256() const { return dataSha256_; }
  MPI_Comm comm() const { return comm_; }

  Trainer& trainer() { return trainer_; }
  const Trainer& trainer() const { return trainer_; }
  PathKernelEngine& engine() { return engine_; }
  const PathKernelEngine& engine() const { return engine_; }

 private:
  MPI_Comm comm_;
  Dataset data_;
  TrainSettings settings_;
  Mlp model_;
  std::string dataSha256_;
  Trainer trainer_;
  PathKernelEngine engine_;
};

/// Collective. The data named by settings.data: generated (builtin:NAME) or read from a file.
Dataset loadData(const TrainSettings& settings, MPI_Comm comm);

}  // namespace pk

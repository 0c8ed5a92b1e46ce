#pragma once
// One training run, in two stages. A RunPlan is what is known before anything
// large is allocated: the settings with the loss resolved against the data,
// this rank's block of the data, and the model. A TrainingRun adds the
// trainer and the path-kernel engine that observes it (the kernel rows); the
// run file and checkpoint writers read a run through this one object.
#include <mpi.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/Dataset.hpp"
#include "kernel/PathKernelEngine.hpp"
#include "model/Network.hpp"
#include "run/Metrics.hpp"
#include "settings/Settings.hpp"
#include "train/Trainer.hpp"

namespace pk {

struct RunPlan {
  TrainSettings settings;  // settings.loss is always set (auto resolved)
  Dataset data;
  Network model;
  std::string dataSha256;  // SHA-256 of the data file's datasets; empty for built-in data
};

/// Collective. Loads and checks the data, resolves the loss and the number of
/// outputs, and builds the model. Throws InputError.
RunPlan planRun(const TrainSettings& settings, MPI_Comm comm);
/// Collective. The same for data already loaded (a replay's training set with new query points).
RunPlan planRunWith(const TrainSettings& settings, Dataset data, MPI_Comm comm);

class TrainingRun {
 public:
  /// Collective. Draws w_0, allocates the kernel rows, and subscribes the engine and the metrics to the trainer.
  /// Without `queryTraining` only the test rows are query points (a replay's new points).
  TrainingRun(RunPlan plan, MPI_Comm comm, bool queryTraining = true);
  TrainingRun(const TrainingRun&) = delete;
  TrainingRun& operator=(const TrainingRun&) = delete;

  const TrainSettings& settings() const { return plan_.settings; }
  Loss loss() const { return *plan_.settings.loss; }
  const Dataset& data() const { return plan_.data; }
  const Network& model() const { return plan_.model; }
  const std::string& dataSha256() const { return plan_.dataSha256; }
  MPI_Comm comm() const { return comm_; }

  Trainer& trainer() { return trainer_; }
  const Trainer& trainer() const { return trainer_; }
  PathKernelEngine& engine() { return engine_; }
  const PathKernelEngine& engine() const { return engine_; }
  Metrics& metrics() { return metrics_; }
  const Metrics& metrics() const { return metrics_; }

  /// Wall-clock seconds of each start of the run: the earlier starts (from a
  /// checkpoint) and this one so far. Not collective.
  std::vector<double> wallSegments() const;
  /// The earlier starts' seconds, from a checkpoint.
  void setEarlierSegments(std::vector<double> seconds) { earlierSegments_ = std::move(seconds); }

 private:
  MPI_Comm comm_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::vector<double> earlierSegments_;
  RunPlan plan_;
  Trainer trainer_;
  PathKernelEngine engine_;
  Metrics metrics_;
};

/// Collective. The data named by settings.data: generated (builtin:NAME) or read from a file.
Dataset loadData(const TrainSettings& settings, MPI_Comm comm);

/// Not collective. What the engine keeps and how it attributes, from the settings
/// (`queryTraining`: the training points are query points too, not when replaying).
EngineOptions engineOptionsOf(const TrainSettings& settings, bool queryTraining);

}  // namespace pk

#pragma once
// Retraining a finished run on a subset of its training examples, exactly as
// `pathkernel train` would train on a data file holding only those examples
// (in their order): the same settings and seed, the same w_0 (the run's
// /params/initial), SGD batches drawn by the same rule from the same
// generator over the examples kept, and the kept rows distributed over the
// communicator as train distributes a file's rows. No kernel is accumulated.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "core/Dataset.hpp"
#include "core/Matrix.hpp"
#include "results/RunReader.hpp"
#include "run/TrainingRun.hpp"
#include "train/StepRecord.hpp"
#include "validate/QueryList.hpp"

namespace pk::validation {

/// The run's settings with its data file found by the one rule (RunReader::data),
/// or `dataOverride`. Collective (checks the file against the run's SHA-256).
TrainSettings retrainSettings(const RunReader& run, const std::string& dataOverride);

/// Collective: the run's w_0 from /params/initial, in the trainer's order (layer by layer, W row-major, then b).
std::vector<double> readInitialParameters(const RunReader& run);

class Retrainer {
 public:
  /// Collective on comm: plans the run's data and model on comm (planRun, as
  /// train does) and keeps every training example and the query inputs on
  /// every rank of comm.
  Retrainer(const TrainSettings& settings, std::vector<double> initialW, const std::vector<QueryPoint>& queries,
            MPI_Comm comm);

  /// Collective: trains from w_0 on the examples with keep[i] != 0 and returns
  /// the network's outputs at the queries, [Q, C], on every rank. Throws
  /// InputError on every rank of comm if the training diverges.
  Matrix retrain(const std::vector<std::int64_t>& keep, StepObserver* observer = nullptr) const;

  /// Collective: this rank's block of the kept examples, as readDataFile would give it for a file holding only them.
  Dataset reducedData(const std::vector<std::int64_t>& keep) const;

  const Network& model() const { return plan_.model; }
  std::int64_t trainRows() const { return allX_.rows(); }

 private:
  MPI_Comm comm_;
  RunPlan plan_;
  std::vector<double> initialW_;
  Matrix allX_, allY_;  // every training example [N, D], [N, targetCols]
  Matrix queryX_;       // [Q, D]
};

}  // namespace pk::validation

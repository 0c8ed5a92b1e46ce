#pragma once
// The one reader of run files (docs/FORMAT.md, section 2) and of the queries
// files a replay adds to a run (section 6), for every command
// that reads a finished run (explain, krr, and the ones that retrain or
// replay it): the format and version check, the typed settings of /config,
// the rows of predictions and kernels a question needs (hyperslabs), and the
// one rule for finding the data the run was trained on. Every rank opens the
// file and makes the same calls, so member functions are collective unless
// they say otherwise, and bad input throws the same InputError on every rank.
#include <mpi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/DenseRows.hpp"
#include "core/Matrix.hpp"
#include "io/H5.hpp"
#include "settings/Settings.hpp"

namespace pk {

/// Labels of the training examples (from the run's data).
struct Labels {
  bool available = false;
  std::string note;            // why they are unavailable, or where they came from
  std::int64_t cols = 1;       // 1, or C for mse with y [N, C]
  std::vector<double> values;  // [N, cols], class indices as doubles
  /// Label of example i for output c (NaN when unavailable). Not collective.
  double of(std::int64_t i, std::int64_t c) const;
};

/// Where a run's inputs and targets are: a file, and the group prefix of
/// /train and /test in it ("/data" inside a run file, "" in a data file).
struct DataLocation {
  std::string file;
  std::string prefix;
};

class RunReader {
 public:
  /// Collective. Opens the run file, checks format, format_version and
  /// completeness, and reads /config into typed settings.
  RunReader(const std::string& path, MPI_Comm comm);

  const std::string& path() const { return path_; }
  MPI_Comm comm() const { return comm_; }
  const h5::Id& file() const { return file_; }
  /// The run's settings as recorded (settings().loss is the loss used).
  const TrainSettings& settings() const { return settings_; }
  Loss loss() const { return *settings_.loss; }
  std::int64_t outputs() const { return outputs_; }
  std::int64_t trainRows() const { return nTrain_; }
  std::int64_t inputs() const { return inputs_; }
  /// [C, H, W] of image inputs, empty for flat inputs (and files from before images).
  const std::vector<std::int64_t>& inputShape() const { return inputShape_; }
  /// SHA-256 of the data file's datasets, empty for built-in data.
  const std::string& dataSha256() const { return dataSha256_; }
  /// Number of query rows of "train" or "test" in a run file, of "query" in a
  /// queries file (a replay's new points); 0 for a set the file does not hold. Not collective.
  std::int64_t rows(const std::string& set) const;
  /// Whether the file is a replay's queries file (its query set is "query").
  bool isQueries() const { return queries_; }
  /// Throws InputError naming `command` if the file is a queries file: only
  /// explain reads both kinds, every other command needs the run itself.
  void requireRunFile(const std::string& command) const;
  /// Whether a dataset exists (Not collective).
  bool has(const std::string& dataset) const;
  /// A dataset's shape (Not collective); throws InputError if it is missing.
  std::vector<hsize_t> shape(const std::string& dataset) const;
  /// Whether /kernel/contrib/<set> and /kernel/path/<set> are present (Not collective).
  bool hasKernels(const std::string& set) const;

  /// Rows [first, first + count) of any dataset, row-major.
  std::vector<double> rowsOf(const std::string& dataset, std::int64_t first, std::int64_t count) const;
  /// Rows of /predict/<set>/<what>, as [count, outputs].
  std::vector<double> predictions(const std::string& set, const std::string& what, std::int64_t first,
                                  std::int64_t count) const;
  /// Rows of /kernel/contrib/<set> as [count, N, outputs].
  std::vector<double> contributions(const std::string& set, std::int64_t first, std::int64_t count) const;
  /// Rows of /kernel/path/<set> as [count, N].
  std::vector<double> pathKernel(const std::string& set, std::int64_t first, std::int64_t count) const;
  /// The diagonal entries [N, outputs] of /kernel/<kernel>/train (point selections, not the N^2 matrix).
  std::vector<double> trainDiagonal(const std::string& kernel) const;
  /// A stored [rows, cols] matrix, distributed by rows as PETSc splits them.
  DenseRows matrix(const std::string& dataset) const;
  /// Matrix `slice` of a stored stack [k, rows, cols], distributed by rows.
  DenseRows matrixSlice(const std::string& dataset, std::int64_t slice) const;

  /// Where the run's data is, by the one rule (docs/FORMAT.md 2.4): `override`
  /// if given; the run file's /data for built-in data; else /config `data` as
  /// given (relative to the working folder), then relative to the run file's
  /// folder, then /config `data_file`. The file found is checked against
  /// /config data_sha256. Throws InputError when none exists or it differs.
  DataLocation data(const std::string& override = "") const;
  /// The labels (targets) of split `set` ("train", "test", or "query": a queries file's own /queries/y), from
  /// `dataOverride` or the run's data by the rule of data(); marked unavailable (with the reason) when the data file
  /// cannot be found. Throws InputError when it is found but differs from the run's (its SHA-256 named).
  Labels labels(const std::string& set = "train", const std::string& dataOverride = "") const;

 private:
  // Throws InputError unless the data file has the run's splits and shapes.
  void requireRunShapes(const std::string& dataFile, const std::string& hint) const;

  std::string path_;
  MPI_Comm comm_;
  bool queries_ = false;  // set while file_ is opened (declared first, so initialised first)
  h5::Id file_;
  TrainSettings settings_;
  std::string dataSha256_, dataFile_;
  // data() hashes the file once per override: the hash reads every dataset.
  mutable std::map<std::string, DataLocation> checkedData_;
  std::vector<std::int64_t> inputShape_;
  std::int64_t outputs_ = 1, nTrain_ = 0, nTest_ = 0, nQuery_ = 0, inputs_ = 0;
};

}  // namespace pk

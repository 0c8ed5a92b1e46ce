#pragma once
// Read access to a finished run file (docs/FORMAT.md) for the explain
// command: its metadata, and only the rows a question needs (hyperslabs).
// Every rank opens the file (parallel HDF5) and makes the same calls, so
// every member function is collective unless it says otherwise, and bad
// input throws the same InputError on every rank.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/H5.hpp"

namespace pk::explain {

/// Labels of the training examples, from the run file (built-in data) or
/// from the data file the run names in /config.
struct Labels {
  bool available = false;
  std::string note;            // why they are unavailable, or where they came from
  std::int64_t cols = 1;       // 1, or C for mse with y [N, C]
  std::vector<double> values;  // [N, cols], class indices as doubles
  /// Label of example i for output c (NaN when unavailable). Not collective.
  double of(std::int64_t i, std::int64_t c) const;
};

class RunView {
 public:
  /// Collective. Opens and checks the run file (format, format_version, complete).
  RunView(const std::string& path, MPI_Comm comm);

  const std::string& path() const { return path_; }
  MPI_Comm comm() const { return comm_; }
  const std::string& loss() const { return loss_; }
  std::int64_t outputs() const { return outputs_; }
  std::int64_t trainRows() const { return nTrain_; }
  /// Number of query rows of "train" or "test" (Not collective).
  std::int64_t rows(const std::string& set) const;
  /// Whether /kernel/contrib/<set> and /kernel/path/<set> are present (Not collective).
  bool hasKernels(const std::string& set) const;

  /// Rows [first, first + count) of /predict/<set>/<what>, as [count, outputs].
  std::vector<double> predictions(const std::string& set, const std::string& what, std::int64_t first,
                                  std::int64_t count) const;
  /// Rows of /kernel/contrib/<set> as [count, N, outputs].
  std::vector<double> contributions(const std::string& set, std::int64_t first, std::int64_t count) const;
  /// Rows of /kernel/path/<set> as [count, N].
  std::vector<double> pathKernel(const std::string& set, std::int64_t first, std::int64_t count) const;
  /// The diagonal entries [N, outputs] of /kernel/contrib/train and [N] of
  /// /kernel/path/train (point selections, not the N^2 matrices).
  std::vector<double> trainDiagonal(const std::string& kernel) const;

  /// Collective. The training labels (never throws for a missing data file:
  /// the labels are then marked unavailable with the reason).
  Labels labels() const;

 private:
  std::string path_;
  MPI_Comm comm_;
  h5::Id file_;
  std::string loss_, data_;
  std::int64_t outputs_ = 1, nTrain_ = 0, nTest_ = 0;
  bool trainKernels_ = false, testKernels_ = false;
};

}  // namespace pk::explain

#pragma once
// The theorem as a measurement: train the same model at learning rates
// eps, eps/2, ..., eps/2^K with eps * steps fixed under the left rule, and
// fit the order p of max|r| ~ lr^p (expected 1); then the gauss:q rule for
// q = 1..Q (--gauss-max) at the base rate, whose residual falls to round-off.
#include <mpi.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "settings/Settings.hpp"

namespace pk {

struct ConvergenceLevel {
  double lr = 0.0;
  std::int64_t steps = 0;
  double maxAbsTrain = 0.0, relTrain = 0.0;
  double maxAbsTest = 0.0, relTest = 0.0;  // 0 without test points
};

struct ConvergenceTable {
  std::vector<ConvergenceLevel> levels;  // left rule, lr halving
  bool hasTest = false;
  double orderTrain = 0.0, orderTest = 0.0;  // least-squares slope of log max|r| vs log lr
  std::vector<std::int64_t> gaussQ;          // 1..Q
  std::vector<double> gaussMaxAbs;           // max |r| over train and test, at the base lr
};

/// Least-squares slope of log y against log x (pairs with y <= 0 are skipped;
/// NaN with fewer than two usable pairs). Not collective.
double fittedOrder(const std::vector<double>& x, const std::vector<double>& y);

/// Collective. Trains K + 1 + Q runs from `base` (its out is ignored), writing
/// their run files to `folder`, which must exist. `log` (rank 0) gets a line per run.
ConvergenceTable measureConvergence(const TrainSettings& base, int halvings, int gaussMax, const std::string& folder,
                                    MPI_Comm comm, std::ostream* log);

/// Collective. Writes the table as a pathkernel-converge file (docs/FORMAT.md).
void writeConvergenceFile(const std::string& path, const ConvergenceTable& table, const TrainSettings& base,
                          MPI_Comm comm);

/// Not collective. The table as text.
void printConvergence(std::ostream& out, const ConvergenceTable& table);

}  // namespace pk

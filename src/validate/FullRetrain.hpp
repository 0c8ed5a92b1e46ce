#pragma once
// The full training set retrained once, on rank 0 alone, before a study is
// defined: it gives the loss weights A_i of the tangent baselines (l'_i(s)
// along the path, which the run file does not keep) and checks that retraining
// reproduces the run (its outputs at the queries against f_S). One rank makes
// A the same whatever the number of ranks, so the sets the tangent scores
// choose are too.
#include <mpi.h>

#include <vector>

#include "core/Matrix.hpp"
#include "settings/Settings.hpp"
#include "validate/QueryList.hpp"

namespace pk::validation {

struct FullRetrain {
  Matrix lossWeights;  // A [N, C]
  Matrix outputs;      // f at the queries [Q, C]
};

/// Collective on world (rank 0 trains, the result is broadcast). An input
/// error on rank 0 is thrown on every rank.
FullRetrain retrainFullRun(const TrainSettings& settings, const std::vector<double>& initialW,
                           const std::vector<QueryPoint>& queries, MPI_Comm world);

/// max |a - b| over the entries.
double maxAbsDifference(const Matrix& a, const Matrix& b);

}  // namespace pk::validation

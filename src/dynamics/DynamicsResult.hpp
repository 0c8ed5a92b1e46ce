#pragma once
// What `pathkernel dynamics` measures, as plain data: one MatrixMetrics per
// kernel matrix, grouped in three series (docs/FORMAT.md, section 8):
//
//   snapshots   the tangent kernels K^g_s at the snapshot steps s, in order
//   path        the path kernel K^p (one matrix)
//   path_layer  each layer's share of K^p (L matrices, summing to K^p)
//
// Every metric is of the train x train block's symmetric part. Distances to
// the first and last snapshot apply to the snapshots and to K^p; velocity to
// the snapshots after the first; NaN marks what does not apply.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/Matrix.hpp"
#include "model/Loss.hpp"

namespace pk::dynamics {

inline constexpr double kNotApplicable = std::numeric_limits<double>::quiet_NaN();

struct MatrixMetrics {
  double trace = kNotApplicable;
  double frobenius = kNotApplicable;      // |S|_F
  double asymmetry = kNotApplicable;      // |K - K^T|_F / |K|_F of the stored K
  double distanceFirst = kNotApplicable;  // cosine distance to the first snapshot
  double distanceLast = kNotApplicable;   // ... to the last snapshot
  double velocity = kNotApplicable;       // distance to the previous snapshot / sum of eps_s between them
  double alignment = kNotApplicable;      // centred kernel-target alignment
  double participation = kNotApplicable;  // tr(S)^2 / |S|_F^2
  std::vector<double> eigenvalues;        // the largest first (--eigen)
  Matrix eigenvectors;                    // this rank's rows [localRows, E] (--eigenvectors)
  std::int64_t eigenIterations = 0;       // restarts of the eigensolver
  double eigenError = kNotApplicable;     // the largest backward error of its pairs
  double seconds = 0.0;                   // wall time: reading, metrics and eigenpairs
  double eigenSeconds = 0.0;              // wall time of the eigensolver alone
};

enum class Series { Snapshots, Path, PathLayer };

struct DynamicsResult {
  std::string runPath;
  std::int64_t nTrain = 0, firstRow = 0, localRows = 0;  // this rank's rows of the eigenvectors
  Loss loss = Loss::Mse;
  std::string targets;          // what Y of the alignment is (or why it is unavailable)
  std::int64_t eigenCount = 0;  // E
  std::string eigenType;        // the eigensolver used, when E > 0
  double eigenTolerance = 0.0;
  bool tangentEnds = false;                            // the snapshots are K^g at w_0 and w_S (no --snapshots)
  std::vector<std::int64_t> steps;                     // snapshot steps s
  std::vector<double> times;                           // t_s = sum_{r<s} eps_r
  std::int64_t totalSteps = 0;                         // S
  double totalTime = 0.0;                              // T = sum_s eps_s
  std::vector<MatrixMetrics> snapshots, path, layers;  // empty when not measured

  const std::vector<MatrixMetrics>& series(Series s) const {
    return s == Series::Snapshots ? snapshots : s == Series::Path ? path : layers;
  }
};

/// The file group and the table name of a series.
inline const char* groupName(Series s) {
  return s == Series::Snapshots ? "snapshots" : s == Series::Path ? "path" : "path_layer";
}

}  // namespace pk::dynamics

#pragma once
// The targets of centred kernel-target alignment, Y = T T^T with T [N, C]:
// one-hot labels for softmax, the 0/1 labels for logistic, y as stored for
// mse. Only the centred T_c = H T (H = I - 11^T/N) is kept, on every rank: it
// is all the alignment needs, since <H K H, Y>_F = <K, T_c T_c^T>_F and
// |H Y H|_F = |T_c^T T_c|_F (a C x C matrix), so no N x N target is formed.
#include <cstdint>
#include <string>

#include "core/Matrix.hpp"
#include "model/Loss.hpp"
#include "results/RunReader.hpp"

namespace pk::dynamics {

struct AlignmentTargets {
  bool available = false;
  std::string description;  // what T is, or why there are no targets
  Matrix centred;           // T_c [N, C], every rank
  double norm = 0.0;        // |H Y H|_F = |T_c^T T_c|_F
};

/// Not collective. The targets from the run's training labels (`outputs` = C, the classes of softmax).
AlignmentTargets alignmentTargets(const Labels& labels, Loss loss, std::int64_t outputs);

}  // namespace pk::dynamics

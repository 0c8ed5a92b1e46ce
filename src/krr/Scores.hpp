#pragma once
// Targets for kernel ridge regression and the errors of its predictions,
// next to those of the network (whose outputs are logits for classification).
//
//   mse       targets y as stored (C columns); error = mean squared error over points and outputs.
//   logistic  targets 2y - 1 in {-1, +1}; class = [f > 0]; probability p(y=1) = clip((1 + f)/2, eps, 1 - eps).
//   softmax   one-hot targets (C columns); class = argmax f; probabilities p_c = clip(f_c, eps, 1), normalised.
//   eps = kProbabilityFloor. The network's logits use the sigmoid / softmax.
#include <mpi.h>

#include <cstdint>

#include "core/Matrix.hpp"
#include "model/Loss.hpp"

namespace pk {

inline constexpr double kProbabilityFloor = 1e-3;

struct Scores {
  std::int64_t count = 0;  // points scored (0: no such split)
  double mse = 0.0;        // mse only
  double accuracy = 0.0;   // classification only
  double logloss = 0.0;    // classification only: mean -log p(true class)
};

enum class OutputMeaning { Logits, RidgeFit };

/// Not collective. The right-hand sides [rows, C] for this rank's targets y.
Matrix ridgeTargets(Loss loss, const Matrix& y, std::int64_t outputs);

/// Collective on comm. Scores this rank's rows of `prediction` [rows, C]
/// against the stored targets y and sums over the ranks.
Scores score(Loss loss, const Matrix& prediction, const Matrix& y, OutputMeaning meaning, MPI_Comm comm);

}  // namespace pk

#pragma once
// Per-example losses l(y*, f) and their derivatives l' = dl/df (docs/THEORY.md, Losses).
// Targets are rows of a Matrix: mse uses C columns, logistic one 0/1 value,
// softmax one class index stored as a double.
#include <cstdint>
#include <string>

#include "core/Matrix.hpp"

namespace pk {

enum class Loss { Mse, Logistic, Softmax };

Loss parseLoss(const std::string& name);
std::string toString(Loss loss);

/// Sum over rows of l(y_r, f_r). f is [n, C].
double lossSum(Loss loss, const Matrix& f, const Matrix& y);
/// l'_r = dl/df at (y_r, f_r), [n, C].
Matrix lossDerivative(Loss loss, const Matrix& f, const Matrix& y);

/// The class a network output predicts: logistic 1 if f > 0 else 0, softmax
/// argmax_c f_c (the first on ties); -1 for mse. Not collective.
std::int64_t predictedClass(Loss loss, const double* f, std::int64_t outputs);

}  // namespace pk

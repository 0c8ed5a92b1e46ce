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

}  // namespace pk

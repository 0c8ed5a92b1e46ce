#pragma once
// The step of backpropagation through an elementwise activation, shared by
// the layer kinds that have one (dense, conv): signals w.r.t. sigma(z) become
// signals w.r.t. z.
#include <cstdint>

#include "core/Matrix.hpp"
#include "model/Activation.hpp"

namespace pk {

/// signals [n, perExample * width] *= sigma'(z) [n, width], for each of an example's
/// perExample signals; `next` = sigma(z).
void multiplyByDerivative(Activation activation, const Matrix& z, const Matrix& next, Matrix& signals,
                          std::int64_t perExample);

}  // namespace pk

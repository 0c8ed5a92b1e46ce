#include "model/ActivationSignals.hpp"

namespace pk {

void multiplyByDerivative(Activation activation, const Matrix& z, const Matrix& next, Matrix& signals,
                          std::int64_t perExample) {
  const std::int64_t n = z.rows(), width = z.cols();
  Matrix derivative(n, width);
  activateDerivative(activation, z.data(), next.data(), derivative.data(), static_cast<long>(derivative.size()));
  for (std::int64_t r = 0; r < n; ++r) {
    const double* d = derivative.row(r);
    double* sr = signals.row(r);
    for (std::int64_t c = 0; c < perExample; ++c)
      for (std::int64_t j = 0; j < width; ++j) sr[c * width + j] *= d[j];
  }
}

}  // namespace pk

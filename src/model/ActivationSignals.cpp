#include "model/ActivationSignals.hpp"

#include <vector>

namespace pk {

void multiplyByDerivative(Activation activation, const Matrix& z, const Matrix& next, Matrix& signals,
                          std::int64_t perExample) {
  const std::int64_t n = z.rows(), width = z.cols();
  // One example's derivative at a time: a buffer of the whole block would be as large as z.
  std::vector<double> derivative(static_cast<std::size_t>(width));
  for (std::int64_t r = 0; r < n; ++r) {
    const double* d = derivative.data();
    activateDerivative(activation, z.row(r), next.row(r), derivative.data(), static_cast<long>(width));
    double* sr = signals.row(r);
    for (std::int64_t c = 0; c < perExample; ++c)
      for (std::int64_t j = 0; j < width; ++j) sr[c * width + j] *= d[j];
  }
}

}  // namespace pk

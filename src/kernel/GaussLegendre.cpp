#include "kernel/GaussLegendre.hpp"

#include <cmath>

#include "core/Error.hpp"

namespace pk {

Quadrature gaussLegendre(int q) {
  PK_ASSERT(q >= 1, "gaussLegendre: q >= 1");
  Quadrature rule;
  for (int i = 0; i < q; ++i) {
    // Newton's method on P_q from the Chebyshev-like initial guess; converges to round-off.
    double x = std::cos(M_PI * (i + 0.75) / (q + 0.5));
    double derivative = 1.0;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double p0 = 1.0, p1 = x;
      for (int n = 2; n <= q; ++n) {
        const double p2 = ((2.0 * n - 1.0) * x * p1 - (n - 1.0) * p0) / n;
        p0 = p1;
        p1 = p2;
      }
      if (q == 1) p0 = 1.0;
      derivative = q * (x * p1 - p0) / (x * x - 1.0);
      const double step = p1 / derivative;
      x -= step;
      if (std::abs(step) < 1e-16) break;
    }
    rule.nodes.push_back(0.5 * (1.0 - x));
    rule.weights.push_back(1.0 / ((1.0 - x * x) * derivative * derivative));
  }
  return rule;
}

}  // namespace pk

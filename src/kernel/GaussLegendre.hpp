#pragma once
// Gauss-Legendre quadrature on [0, 1]: the nodes t_k and weights of the
// `gauss:q` path rule.
#include <vector>

namespace pk {

struct Quadrature {
  std::vector<double> nodes;
  std::vector<double> weights;
};

/// q-point Gauss-Legendre rule on [0, 1] (exact for polynomials of degree 2q-1).
Quadrature gaussLegendre(int q);

}  // namespace pk

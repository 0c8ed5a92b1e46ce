#pragma once
// Small random networks for the model and kernel tests: every activation x
// parameterization x loss, with non-zero biases, inputs and fitting targets.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/Rng.hpp"
#include "model/Loss.hpp"
#include "model/Network.hpp"

namespace pk::test {

inline const Activation kActivations[] = {Activation::Tanh, Activation::Relu, Activation::Softplus, Activation::Gelu,
                                          Activation::Identity};
inline const Parameterization kParams[] = {Parameterization::Standard, Parameterization::Ntk};
inline const Loss kLosses[] = {Loss::Mse, Loss::Logistic, Loss::Softmax};

struct Case {
  Network model;
  std::vector<double> w;
  Matrix x, y;
};

// A small random network with biases made non-zero, inputs and fitting targets.
inline Case makeCase(Activation a, Parameterization p, Loss loss, std::vector<std::int64_t> hidden,
                     std::int64_t n = 5) {
  Architecture arch;
  arch.inputs = 4;
  arch.layers = denseLayers(hidden);
  arch.outputs = loss == Loss::Logistic ? 1 : 3;
  arch.activation = a;
  arch.parameterization = p;
  Case c{Network(arch), {}, Matrix(n, 4), Matrix(n, loss == Loss::Mse ? 3 : 1)};
  Rng rng(7);
  c.w = c.model.initialParameters(rng);
  for (auto& v : c.w) v += 0.1 * rng.normal();
  for (auto& v : c.x.values()) v = rng.normal();
  for (std::int64_t r = 0; r < n; ++r) {
    if (loss == Loss::Mse)
      for (std::int64_t k = 0; k < 3; ++k) c.y(r, k) = rng.normal();
    if (loss == Loss::Logistic) c.y(r, 0) = static_cast<double>(r % 2);
    if (loss == Loss::Softmax) c.y(r, 0) = static_cast<double>(r % 3);
  }
  return c;
}

inline double relError(double a, double b) {
  return std::abs(a - b) / std::max(1.0, std::abs(b));
}

}  // namespace pk::test

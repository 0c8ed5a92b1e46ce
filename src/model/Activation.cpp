#include "model/Activation.hpp"

#include <cmath>

#include "core/Error.hpp"
#include "core/NameTable.hpp"
#include "model/Numerics.hpp"
#include "model/Tanh.hpp"

namespace pk {

namespace {
// GELU in its tanh form: 0.5 z (1 + tanh(k (z + 0.044715 z^3))), k = sqrt(2/pi).
constexpr double kGeluScale = 0.7978845608028654;
constexpr double kGeluCubic = 0.044715;

constexpr NameTable<Activation, 5> kActivationNames = {{Activation::Tanh, "tanh"},
                                                       {Activation::Relu, "relu"},
                                                       {Activation::Softplus, "softplus"},
                                                       {Activation::Gelu, "gelu"},
                                                       {Activation::Identity, "identity"}};

}  // namespace

Activation parseActivation(const std::string& name) {
  if (const auto* found = findByName(kActivationNames, name)) return *found;
  throw InputError("unknown activation '" + name + "' (allowed: " + nameList(kActivationNames) + ")");
}

std::string toString(Activation a) {
  return nameOf(kActivationNames, a);
}

void activate(Activation a, const double* z, double* out, long n) {
  switch (a) {
    case Activation::Tanh:
      tanhOfEach(z, out, n);
      return;
    case Activation::Relu:
      for (long k = 0; k < n; ++k) out[k] = z[k] > 0 ? z[k] : 0.0;
      return;
    case Activation::Softplus:
      for (long k = 0; k < n; ++k) out[k] = softplus(z[k]);
      return;
    case Activation::Gelu:
      for (long k = 0; k < n; ++k) {
        const double x = z[k];
        out[k] = 0.5 * x * (1.0 + tanhOf(kGeluScale * (x + kGeluCubic * x * x * x)));
      }
      return;
    case Activation::Identity:
      for (long k = 0; k < n; ++k) out[k] = z[k];
      return;
  }
}

void activateDerivative(Activation a, const double* z, const double* h, double* out, long n) {
  switch (a) {
    case Activation::Tanh:
      for (long k = 0; k < n; ++k) out[k] = 1.0 - h[k] * h[k];
      return;
    case Activation::Relu:
      for (long k = 0; k < n; ++k) out[k] = z[k] > 0 ? 1.0 : 0.0;
      return;
    case Activation::Softplus:
      for (long k = 0; k < n; ++k) out[k] = sigmoid(z[k]);
      return;
    case Activation::Gelu:
      for (long k = 0; k < n; ++k) {
        const double x = z[k];
        const double t = tanhOf(kGeluScale * (x + kGeluCubic * x * x * x));
        const double dInner = kGeluScale * (1.0 + 3.0 * kGeluCubic * x * x);
        out[k] = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * dInner;
      }
      return;
    case Activation::Identity:
      for (long k = 0; k < n; ++k) out[k] = 1.0;
      return;
  }
}

}  // namespace pk

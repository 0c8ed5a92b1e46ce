#pragma once
// Pointwise activations sigma of the hidden layers and their derivatives.
#include <string>

namespace pk {

enum class Activation { Tanh, Relu, Softplus, Gelu, Identity };

/// Parses "tanh", "relu", "softplus", "gelu", "identity"; throws InputError otherwise.
Activation parseActivation(const std::string& name);
std::string toString(Activation a);

/// sigma(z) for each of n values, in place into out.
void activate(Activation a, const double* z, double* out, long n);
/// sigma'(z) for each of n values, given also h = sigma(z) (tanh' = 1 - h^2
/// saves a second tanh). relu'(0) = 0.
void activateDerivative(Activation a, const double* z, const double* h, double* out, long n);

}  // namespace pk

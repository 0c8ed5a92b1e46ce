#pragma once
// The multilayer perceptron of docs/THEORY.md (The model), evaluated on blocks of
// examples (rows). Layers are indexed k = 0..L-1 in code (layer l = k+1 in the
// theory); widths(k) is the input width of layer k, widths(L) = C.
//
// Every per-example quantity the kernel engine needs stays available as a
// matrix: the inputs h_k of each layer (Forward::h), the backward signals
// df_c/dz_k (outputSignals) and the loss-weighted signals sum_c l'_c df_c/dz_k
// (lossSignals). Parameter gradients are formed from them, never stored per
// example.
#include <cstdint>
#include <string>
#include <vector>

#include "core/Matrix.hpp"
#include "core/Rng.hpp"
#include "model/Activation.hpp"

namespace pk {

enum class Parameterization { Standard, Ntk };
Parameterization parseParameterization(const std::string& name);
std::string toString(Parameterization p);

struct Architecture {
  std::int64_t inputs = 1;           // D
  std::vector<std::int64_t> hidden;  // H_1..H_{L-1}; empty = linear model
  std::int64_t outputs = 1;          // C
  Activation activation = Activation::Tanh;
  Parameterization parameterization = Parameterization::Standard;
};

/// Activations of one forward pass over n examples.
struct Forward {
  std::vector<Matrix> h;                             // h[k]: input of layer k, [n, widths(k)]; h[0] = X
  std::vector<Matrix> z;                             // z[k]: pre-activation of layer k, [n, widths(k+1)]
  const Matrix& output() const { return z.back(); }  // f = z_L, [n, C]
};

class Mlp {
 public:
  explicit Mlp(Architecture arch);

  const Architecture& architecture() const { return arch_; }
  int layers() const { return static_cast<int>(widths_.size()) - 1; }
  std::int64_t width(int k) const { return widths_[static_cast<std::size_t>(k)]; }
  std::int64_t outputs() const { return arch_.outputs; }
  /// Factor applied to the stored W_k: 1 (standard) or 1/sqrt(fan_in) (ntk).
  double scale(int k) const { return scales_[static_cast<std::size_t>(k)]; }
  std::int64_t parameterCount() const { return offsets_.back(); }
  std::int64_t weightOffset(int k) const { return offsets_[static_cast<std::size_t>(k)]; }
  std::int64_t biasOffset(int k) const { return weightOffset(k) + width(k + 1) * width(k); }
  /// W_k [width(k+1), width(k)] inside a parameter vector w.
  ConstView weights(const double* w, int k) const { return denseView(w + weightOffset(k), width(k + 1), width(k)); }

  /// Stored parameters drawn from rng, layer by layer, row-major W then zero b.
  std::vector<double> initialParameters(Rng& rng) const;

  Forward forward(const double* w, const Matrix& x) const;

  /// delta[k] = df_c/dz_k for every output c: [n, C * widths(k+1)], row r
  /// holding the C signals of example r one after another. delta[L-1] is the identity.
  std::vector<Matrix> outputSignals(const double* w, const Forward& fwd) const;

  /// u[k] = sum_c seed_rc df_c/dz_k: [n, widths(k+1)]; u[L-1] = seed ([n, C]).
  std::vector<Matrix> lossSignals(const double* w, const Forward& fwd, const Matrix& seed) const;

  /// grad += sum over rows of the parameter gradient of sum_c seed_rc f_c,
  /// given u = lossSignals(..., seed).
  void accumulateGradient(const Forward& fwd, const std::vector<Matrix>& u, double* grad) const;

  /// [n, C]: grad_w f_c(x_r) . v for a parameter-space direction v.
  Matrix directional(const double* v, const Forward& fwd, const std::vector<Matrix>& delta) const;

  /// Explicit Jacobian of example r, [C, P] (verification only: O(C P) memory).
  Matrix jacobian(const Forward& fwd, const std::vector<Matrix>& delta, std::int64_t r) const;

 private:
  // seed [n*C', width(L)] propagated from the output back through all layers.
  std::vector<Matrix> backpropagate(const double* w, const Forward& fwd, Matrix top, std::int64_t perExample) const;

  Architecture arch_;
  std::vector<std::int64_t> widths_;
  std::vector<double> scales_;
  std::vector<std::int64_t> offsets_;
};

}  // namespace pk

#pragma once
// The network of docs/THEORY.md (The model): a sequence of layers
// (model/Layer.hpp) ending in the dense output layer, evaluated on blocks of
// examples (rows). Layers are indexed k = 0..L-1 in code (layer l = k+1 in the
// theory).
//
// Every per-example quantity the kernel engine needs stays available as a
// matrix: the inputs h_k of each layer (Forward::h), the backward signals
// df_c/dz_k (outputSignals) and the loss-weighted signals sum_c l'_c df_c/dz_k
// (lossSignals). Parameter gradients are formed from them, never stored per
// example. Each step below calls every layer once per block of rows.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/Matrix.hpp"
#include "core/Rng.hpp"
#include "model/Activation.hpp"
#include "model/Layer.hpp"
#include "model/LayerList.hpp"

namespace pk {

struct Architecture {
  std::int64_t inputs = 1;               // D
  std::vector<std::int64_t> inputShape;  // [C, H, W] of image inputs (C H W = D), or empty: flat
  std::vector<LayerSpec> layers;         // the layers before the output layer; empty = linear model
  std::int64_t outputs = 1;              // C
  Activation activation = Activation::Tanh;
  Parameterization parameterization = Parameterization::Standard;
};

/// Activations of one forward pass over n examples.
struct Forward {
  std::vector<Matrix> h;                             // h[k]: input of layer k, [n, inputWidth]; h[0] = X
  std::vector<Matrix> z;                             // z[k]: output of layer k before its activation
  const Matrix& output() const { return z.back(); }  // f = z_L, [n, C]
};

class Network {
 public:
  explicit Network(Architecture arch);

  const Architecture& architecture() const { return arch_; }
  int layers() const { return static_cast<int>(layers_.size()); }
  const Layer& layer(int k) const { return *layers_[static_cast<std::size_t>(k)]; }
  std::int64_t inputs() const { return arch_.inputs; }
  std::int64_t outputs() const { return arch_.outputs; }
  std::int64_t parameterCount() const { return parameterCount_; }
  /// The layers that have parameters (each has a layer kernel, /kernel/path_layer).
  int parameterLayers() const;

  /// Stored parameters drawn from rng, layer by layer.
  std::vector<double> initialParameters(Rng& rng) const;

  Forward forward(const double* w, const Matrix& x) const;
  /// The same into `fwd`, reusing its matrices' storage (a trainer's workspace from step to step).
  void forward(const double* w, const Matrix& x, Forward& fwd) const;

  /// delta[k] = df_c/dz_k for every output c: [n, C * outputWidth(k)], row r
  /// holding the C signals of example r one after another. delta[L-1] is the identity.
  std::vector<Matrix> outputSignals(const double* w, const Forward& fwd) const;
  void outputSignals(const double* w, const Forward& fwd, std::vector<Matrix>& delta) const;

  /// u[k] = sum_c seed_rc df_c/dz_k: [n, outputWidth(k)]; u[L-1] = seed ([n, C]).
  std::vector<Matrix> lossSignals(const double* w, const Forward& fwd, const Matrix& seed) const;
  void lossSignals(const double* w, const Forward& fwd, const Matrix& seed, std::vector<Matrix>& u) const;

  /// The same u from output signals already at hand: u[k] = sum_c seed_rc delta[k]_c, without
  /// a second backward pass (equal to lossSignals up to rounding).
  std::vector<Matrix> lossSignalsOf(const std::vector<Matrix>& delta, const Matrix& seed) const;
  void lossSignalsOf(const std::vector<Matrix>& delta, const Matrix& seed, std::vector<Matrix>& u) const;

  /// grad += sum over rows of the parameter gradient of sum_c seed_rc f_c,
  /// given u = lossSignals(..., seed).
  void accumulateGradient(const Forward& fwd, const std::vector<Matrix>& u, double* grad) const;

  /// Per layer, the per-example gradients of the C outputs of the layers that form them
  /// (Layer::hasExampleGradients): [n, C P_layer]; empty for the other layers.
  void exampleGradients(const Forward& fwd, const std::vector<Matrix>& delta, std::vector<Matrix>& into) const;

  /// The same gradient as accumulateGradient, where the layers with example gradients sum
  /// those (G = exampleGradients(fwd, delta)) weighted by the seed instead of forming them again.
  void accumulateGradient(const Forward& fwd, const std::vector<Matrix>& u, const std::vector<Matrix>& exampleG,
                          const Matrix& seed, double* grad) const;

  /// [n, C]: grad_w f_c(x_r) . v for a parameter-space direction v.
  Matrix directional(const double* v, const Forward& fwd, const std::vector<Matrix>& delta) const;

  /// Explicit Jacobian of example r, [C, P] (verification only: O(C P) memory).
  Matrix jacobian(const Forward& fwd, const std::vector<Matrix>& delta, std::int64_t r) const;

 private:
  // seed [n*C', outputs] propagated from the output back through all layers, into `signals`
  // (its matrices' storage reused).
  void backpropagate(const double* w, const Forward& fwd, const Matrix& top, std::int64_t perExample,
                     std::vector<Matrix>& signals) const;

  Architecture arch_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::int64_t parameterCount_ = 0;
};

}  // namespace pk

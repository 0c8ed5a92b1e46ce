#pragma once
// A 2-D convolution as PyTorch's Conv2d (cross-correlation, zero padding P,
// stride S), followed by the network's activation: z[k, p] = s W_k . patch_p + b_k
// for filter k and output position p (docs/THEORY.md, Convolutional networks).
// Stored W [K, C_in, k, k] row-major, then b [K]; s is the ntk factor
// 1/sqrt(C_in k^2) or 1. Inputs and outputs are rows of C*H*W values in
// (channel, row, column) order; every product goes through BLAS on the
// patches of a block of examples (model/ConvGeometry.hpp).
#include "model/ConvGeometry.hpp"
#include "model/Layer.hpp"
#include "model/LayerList.hpp"

namespace pk {

class ConvLayer : public Layer {
 public:
  ConvLayer(const ConvGeometry& geometry, const LayerOptions& options, std::int64_t offset);

  std::string kind() const override { return "conv"; }
  std::string description() const override;
  std::int64_t inputWidth() const override { return g_.input.size(); }
  std::int64_t outputWidth() const override { return g_.output().size(); }
  std::vector<std::int64_t> outputShape() const override;

  const ConvGeometry& geometry() const { return g_; }
  double scale() const { return scale_; }
  std::int64_t weightOffset() const { return blocks_[0].offset; }
  std::int64_t biasOffset() const { return blocks_[1].offset; }
  /// W as a [K, C_in k k] matrix inside a parameter vector w.
  ConstView weights(const double* w) const { return denseView(w + weightOffset(), g_.filters, g_.patchSize()); }
  /// The patches of example r of `in` into `into` [positions, C_in k k] (reused across examples).
  void patches(const Matrix& in, std::int64_t r, Matrix& into) const;

  void initialise(Rng& rng, double* w) const override;
  void forward(const double* w, const Matrix& in, Matrix& z, Matrix* next) const override;
  void backward(const double* w, const Matrix& in, ConstView above, MutableView below) const override;
  void throughActivation(const Matrix& z, const Matrix& next, Matrix& signals, std::int64_t perExample) const override;
  void accumulateGradient(const Matrix& in, const Matrix& u, double* grad) const override;
  void addDirectional(const double* v, const Matrix& in, const Matrix& delta, Matrix& result) const override;
  void addJacobian(const Matrix& in, const Matrix& delta, std::int64_t r, Matrix& jac) const override;
  bool hasExampleGradients() const override { return true; }
  void exampleGradients(const ConstView& in, const ConstView& signals, std::int64_t count,
                        const MutableView& gradients) const override;

 private:
  ConvGeometry g_;
  LayerOptions options_;
  double scale_;
};

}  // namespace pk

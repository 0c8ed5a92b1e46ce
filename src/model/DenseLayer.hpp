#pragma once
// A dense layer: z = s W h + b, followed by the network's activation (the
// output layer: none). Stored W [out, in] row-major, then b [out]; s is the
// ntk factor 1/sqrt(in) or 1 (standard). docs/THEORY.md (The model).
#include "model/Layer.hpp"
#include "model/LayerList.hpp"

namespace pk {

class DenseLayer : public Layer {
 public:
  /// `activated` false for the output layer.
  DenseLayer(std::int64_t in, std::int64_t out, const LayerOptions& options, bool activated, std::int64_t offset);

  std::string kind() const override { return "dense"; }
  std::string description() const override;
  std::int64_t inputWidth() const override { return in_; }
  std::int64_t outputWidth() const override { return out_; }
  std::vector<std::int64_t> outputShape() const override { return {out_}; }

  /// Factor applied to the stored W: 1 (standard) or 1/sqrt(fan_in) (ntk).
  double scale() const { return scale_; }
  std::int64_t weightOffset() const { return blocks_[0].offset; }
  std::int64_t biasOffset() const { return blocks_[1].offset; }
  /// W [out, in] inside a parameter vector w.
  ConstView weights(const double* w) const { return denseView(w + weightOffset(), out_, in_); }

  void initialise(Rng& rng, double* w) const override;
  void forward(const double* w, const Matrix& in, Matrix& z, Matrix* next) const override;
  void backward(const double* w, const Matrix& in, ConstView above, MutableView below) const override;
  void throughActivation(const Matrix& z, const Matrix& next, Matrix& signals, std::int64_t perExample) const override;
  void accumulateGradient(const Matrix& in, const Matrix& u, double* grad) const override;
  void addDirectional(const double* v, const Matrix& in, const Matrix& delta, Matrix& result) const override;
  void addJacobian(const Matrix& in, const Matrix& delta, std::int64_t r, Matrix& jac) const override;

 private:
  std::int64_t in_, out_;
  LayerOptions options_;
  bool activated_;
  double scale_;
};

}  // namespace pk

#pragma once
// Average or max pooling over non-overlapping k x k windows (PyTorch's
// AvgPool2d(k), MaxPool2d(k): stride k, the remainder rows and columns
// dropped). No parameters and no activation: z is the pooled input and the
// next layer's input. Max pooling passes a signal to the first largest entry
// of its window in row-major order, found again from the layer's input.
#include "model/ConvGeometry.hpp"
#include "model/Layer.hpp"

namespace pk {

class PoolLayer : public Layer {
 public:
  enum class Kind { Average, Max };
  PoolLayer(Kind kind, const PoolGeometry& geometry);

  std::string kind() const override { return kind_ == Kind::Average ? "avgpool" : "maxpool"; }
  std::string description() const override { return kind() + ":" + std::to_string(g_.window); }
  std::int64_t inputWidth() const override { return g_.input.size(); }
  std::int64_t outputWidth() const override { return g_.output().size(); }
  std::vector<std::int64_t> outputShape() const override;

  void initialise(Rng& rng, double* w) const override;
  void forward(const double* w, const Matrix& in, Matrix& z, Matrix* next) const override;
  void backward(const double* w, const Matrix& in, ConstView above, MutableView below) const override;
  void throughActivation(const Matrix& z, const Matrix& next, Matrix& signals, std::int64_t perExample) const override;
  void accumulateGradient(const Matrix& in, const Matrix& u, double* grad) const override;
  void addDirectional(const double* v, const Matrix& in, const Matrix& delta, Matrix& result) const override;
  void addJacobian(const Matrix& in, const Matrix& delta, std::int64_t r, Matrix& jac) const override;

 private:
  Kind kind_;
  PoolGeometry g_;
};

}  // namespace pk

#include "model/DenseLayer.hpp"

#include <cmath>

#include "core/Blas.hpp"
#include "core/Error.hpp"
#include "model/ActivationSignals.hpp"

namespace pk {

DenseLayer::DenseLayer(std::int64_t in, std::int64_t out, const LayerOptions& options, bool activated,
                       std::int64_t offset)
    : in_(in),
      out_(out),
      options_(options),
      activated_(activated),
      scale_(options.parameterization == Parameterization::Ntk ? 1.0 / std::sqrt(static_cast<double>(in)) : 1.0) {
  blocks_.push_back({"W", {out_, in_}, offset});
  blocks_.push_back({"b", {out_}, offset + out_ * in_});
}

std::string DenseLayer::description() const {
  return "dense:" + std::to_string(out_);
}

void DenseLayer::initialise(Rng& rng, double* w) const {
  const double stddev =
      options_.parameterization == Parameterization::Standard ? 1.0 / std::sqrt(static_cast<double>(in_)) : 1.0;
  for (std::int64_t p = weightOffset(); p < biasOffset(); ++p) w[p] = stddev * rng.normal();
  for (std::int64_t j = 0; j < out_; ++j) w[biasOffset() + j] = 0.0;
}

void DenseLayer::forward(const double* w, const Matrix& in, Matrix& z, Matrix* next) const {
  const std::int64_t n = in.rows();
  z.reshape(n, out_);
  const double* bias = w + biasOffset();
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t j = 0; j < out_; ++j) z(r, j) = bias[j];
  // z = s h W^T + b
  blas::gemmNT(scale_, in.view(), weights(w), 1.0, z.view());
  if (!activated_ || !next) return;
  next->reshape(n, out_);
  activate(options_.activation, z.data(), next->data(), static_cast<long>(z.size()));
}

void DenseLayer::backward(const double* w, const Matrix& /*in*/, ConstView above, MutableView below) const {
  // below = s above W: the signal w.r.t. the input h.
  blas::gemmNN(scale_, above, weights(w), 0.0, below);
}

void DenseLayer::throughActivation(const Matrix& z, const Matrix& next, Matrix& signals,
                                   std::int64_t perExample) const {
  PK_ASSERT(activated_, "DenseLayer: the output layer has no activation");
  multiplyByDerivative(options_.activation, z, next, signals, perExample);
}

void DenseLayer::accumulateGradient(const Matrix& in, const Matrix& u, double* grad) const {
  // dW = s u^T h ; db = sum_r u
  blas::gemmTN(scale_, u.view(), in.view(), 1.0, denseView(grad + weightOffset(), out_, in_));
  double* gb = grad + biasOffset();
  for (std::int64_t r = 0; r < u.rows(); ++r)
    for (std::int64_t j = 0; j < out_; ++j) gb[j] += u(r, j);
}

void DenseLayer::addDirectional(const double* v, const Matrix& in, const Matrix& delta, Matrix& result) const {
  const std::int64_t n = in.rows();
  const std::int64_t c = result.cols();
  // a = s h V^T + vb: the change of z along v with h fixed.
  Matrix a(n, out_);
  const double* vb = v + biasOffset();
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t j = 0; j < out_; ++j) a(r, j) = vb[j];
  blas::gemmNT(scale_, in.view(), weights(v), 1.0, a.view());
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t o = 0; o < c; ++o) {
      double dot = 0.0;
      const double* d = delta.row(r) + o * out_;
      for (std::int64_t j = 0; j < out_; ++j) dot += d[j] * a(r, j);
      result(r, o) += dot;
    }
}

void DenseLayer::addJacobian(const Matrix& in, const Matrix& delta, std::int64_t r, Matrix& jac) const {
  const double* h = in.row(r);
  for (std::int64_t o = 0; o < jac.rows(); ++o) {
    const double* d = delta.row(r) + o * out_;
    double* row = jac.row(o);
    for (std::int64_t j = 0; j < out_; ++j) {
      for (std::int64_t i = 0; i < in_; ++i) row[weightOffset() + j * in_ + i] = scale_ * d[j] * h[i];
      row[biasOffset() + j] = d[j];
    }
  }
}

}  // namespace pk

#include "model/PoolLayer.hpp"

#include "core/Error.hpp"

namespace pk {

PoolLayer::PoolLayer(Kind kind, const PoolGeometry& geometry) : kind_(kind), g_(geometry) {
  PK_ASSERT(g_.output().size() > 0, "PoolLayer: the window is larger than the input");
}

std::vector<std::int64_t> PoolLayer::outputShape() const {
  const ImageShape o = g_.output();
  return {o.channels, o.height, o.width};
}

void PoolLayer::initialise(Rng& /*rng*/, double* /*w*/) const {}

void PoolLayer::forward(const double* /*w*/, const Matrix& in, Matrix& z, Matrix* next) const {
  z.reshape(in.rows(), outputWidth());
  std::vector<std::int64_t> argmax(static_cast<std::size_t>(outputWidth()));
  for (std::int64_t r = 0; r < in.rows(); ++r) {
    if (kind_ == Kind::Average)
      averagePool(g_, in.row(r), z.row(r));
    else
      maxPool(g_, in.row(r), z.row(r), argmax.data());
  }
  if (next) *next = z;  // no activation
}

void PoolLayer::backward(const double* /*w*/, const Matrix& in, ConstView above, MutableView below) const {
  // Rows of `above` are the signals of the examples of `in`, `perExample` rows each.
  const std::int64_t perExample = in.rows() > 0 ? above.rows / in.rows() : 1;
  std::vector<double> pooled(static_cast<std::size_t>(outputWidth()));
  std::vector<std::int64_t> argmax(pooled.size());
  for (std::int64_t e = 0; e < in.rows(); ++e) {
    if (kind_ == Kind::Max) maxPool(g_, in.row(e), pooled.data(), argmax.data());
    for (std::int64_t c = 0; c < perExample; ++c) {
      const std::int64_t r = e * perExample + c;
      if (kind_ == Kind::Average)
        averagePoolBackward(g_, above.row(r), below.row(r));
      else
        maxPoolBackward(g_, argmax.data(), above.row(r), below.row(r));
    }
  }
}

void PoolLayer::throughActivation(const Matrix& /*z*/, const Matrix& /*next*/, Matrix& /*signals*/,
                                  std::int64_t /*perExample*/) const {}

void PoolLayer::accumulateGradient(const Matrix& /*in*/, const Matrix& /*u*/, double* /*grad*/) const {}

void PoolLayer::addDirectional(const double* /*v*/, const Matrix& /*in*/, const Matrix& /*delta*/,
                               Matrix& /*result*/) const {}

void PoolLayer::addJacobian(const Matrix& /*in*/, const Matrix& /*delta*/, std::int64_t /*r*/, Matrix& /*jac*/) const {}

}  // namespace pk

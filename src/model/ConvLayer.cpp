#include "model/ConvLayer.hpp"

#include <cmath>

#include "core/Blas.hpp"
#include "core/Error.hpp"
#include "model/ActivationSignals.hpp"

namespace pk {

namespace {
// The sum of n values, in four running sums: one running sum is a chain of dependent
// additions, four times slower, and the bias gradients sum every position of every example.
double sumOf(const double* v, std::int64_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::int64_t p = 0;
  for (; p + 4 <= n; p += 4) {
    s0 += v[p];
    s1 += v[p + 1];
    s2 += v[p + 2];
    s3 += v[p + 3];
  }
  for (; p < n; ++p) s0 += v[p];
  return (s0 + s1) + (s2 + s3);
}
}  // namespace

ConvLayer::ConvLayer(const ConvGeometry& geometry, const LayerOptions& options, std::int64_t offset)
    : g_(geometry),
      options_(options),
      scale_(options.parameterization == Parameterization::Ntk
                 ? 1.0 / std::sqrt(static_cast<double>(geometry.patchSize()))
                 : 1.0) {
  PK_ASSERT(g_.fits(), "ConvLayer: the kernel does not fit the input");
  blocks_.push_back({"W", {g_.filters, g_.input.channels, g_.kernel, g_.kernel}, offset});
  blocks_.push_back({"b", {g_.filters}, offset + g_.filters * g_.patchSize()});
}

std::string ConvLayer::description() const {
  std::string text = "conv:" + std::to_string(g_.filters) + ":" + std::to_string(g_.kernel);
  if (g_.stride != 1) text += ":s" + std::to_string(g_.stride);
  if (g_.pad != 0) text += ":p" + std::to_string(g_.pad);
  return text;
}

std::vector<std::int64_t> ConvLayer::outputShape() const {
  const ImageShape o = g_.output();
  return {o.channels, o.height, o.width};
}

void ConvLayer::patches(const Matrix& in, std::int64_t r, Matrix& into) const {
  if (into.rows() != g_.positions() || into.cols() != g_.patchSize()) into = Matrix(g_.positions(), g_.patchSize());
  im2col(g_, in.row(r), into.data());
}

void ConvLayer::initialise(Rng& rng, double* w) const {
  const double stddev = options_.parameterization == Parameterization::Standard
                            ? 1.0 / std::sqrt(static_cast<double>(g_.patchSize()))
                            : 1.0;
  for (std::int64_t p = weightOffset(); p < biasOffset(); ++p) w[p] = stddev * rng.normal();
  for (std::int64_t k = 0; k < g_.filters; ++k) w[biasOffset() + k] = 0.0;
}

void ConvLayer::forward(const double* w, const Matrix& in, Matrix& z, Matrix* next) const {
  const std::int64_t n = in.rows(), positions = g_.positions(), filters = g_.filters;
  z.reshape(n, outputWidth());
  if (next) next->reshape(n, outputWidth());
  const double* bias = w + biasOffset();
  // The patches transposed, [Q, P]: their rows are runs of pixels, copied whole (im2col's
  // [P, Q] copies k values at a time), and the product needs no transposition.
  Matrix patchesT(g_.patchSize(), positions);
  for (std::int64_t r = 0; r < n; ++r) {
    im2colTransposed(g_, in.row(r), patchesT.data());
    // z_r [K, P] = s W [K, Q] patches_r^T [Q, P] + b, written in place (row r of z is [K, P]).
    double* zr = z.row(r);
    blas::gemmNN(scale_, weights(w), patchesT.view(), 0.0, denseView(zr, filters, positions));
    for (std::int64_t k = 0; k < filters; ++k)
      for (std::int64_t p = 0; p < positions; ++p) zr[k * positions + p] += bias[k];
    // sigma(z_r) while z_r is still in cache.
    if (next) activate(options_.activation, zr, next->row(r), static_cast<long>(filters * positions));
  }
}

void ConvLayer::backward(const double* w, const Matrix& /*in*/, ConstView above, MutableView below) const {
  // Each row: dpatches^T [Q, P] = s W^T [Q, K] above_r [K, P], put back into the input's place.
  Matrix dpatchesT(g_.patchSize(), g_.positions());
  for (std::int64_t r = 0; r < above.rows; ++r) {
    const ConstView a{above.row(r), g_.filters, g_.positions(), g_.positions()};
    blas::gemmTN(scale_, weights(w), a, 0.0, dpatchesT.view());
    double* b = below.row(r);
    std::fill_n(b, inputWidth(), 0.0);
    col2imTransposedAdd(g_, dpatchesT.data(), b);
  }
}

void ConvLayer::throughActivation(const Matrix& z, const Matrix& next, Matrix& signals, std::int64_t perExample) const {
  multiplyByDerivative(options_.activation, z, next, signals, perExample);
}

void ConvLayer::accumulateGradient(const Matrix& in, const Matrix& u, double* grad) const {
  // dW [K, Q] += s u_r [K, P] (patches_r^T [Q, P])^T; db_k += sum_p u_r[k, p]
  const MutableView gw = denseView(grad + weightOffset(), g_.filters, g_.patchSize());
  double* gb = grad + biasOffset();
  Matrix patchesT(g_.patchSize(), g_.positions());
  for (std::int64_t r = 0; r < in.rows(); ++r) {
    im2colTransposed(g_, in.row(r), patchesT.data());
    const ConstView ur{u.row(r), g_.filters, g_.positions(), g_.positions()};
    blas::gemmNT(scale_, ur, patchesT.view(), 1.0, gw);
    for (std::int64_t k = 0; k < g_.filters; ++k) gb[k] += sumOf(ur.row(k), g_.positions());
  }
}

void ConvLayer::addDirectional(const double* v, const Matrix& in, const Matrix& delta, Matrix& result) const {
  const std::int64_t width = outputWidth(), positions = g_.positions();
  const double* vb = v + biasOffset();
  Matrix a(g_.filters, positions), rowPatches;
  for (std::int64_t r = 0; r < in.rows(); ++r) {
    patches(in, r, rowPatches);
    // a [K, P] = s V [K, Q] patches_r^T + vb: the change of z_r along v with the input fixed.
    blas::gemmNT(scale_, weights(v), rowPatches.view(), 0.0, a.view());
    for (std::int64_t k = 0; k < g_.filters; ++k)
      for (std::int64_t p = 0; p < positions; ++p) a(k, p) += vb[k];
    for (std::int64_t o = 0; o < result.cols(); ++o) {
      const double* d = delta.row(r) + o * width;
      double dot = 0.0;
      for (std::int64_t j = 0; j < width; ++j) dot += d[j] * a.data()[j];
      result(r, o) += dot;
    }
  }
}

void ConvLayer::addJacobian(const Matrix& in, const Matrix& delta, std::int64_t r, Matrix& jac) const {
  Matrix p;
  patches(in, r, p);
  const std::int64_t width = outputWidth(), positions = g_.positions();
  for (std::int64_t o = 0; o < jac.rows(); ++o) {
    const ConstView d{delta.row(r) + o * width, g_.filters, positions, positions};
    // df_o/dW [K, Q] = s delta_o [K, P] patches [P, Q]; df_o/db_k = sum_p delta_o[k, p]
    blas::gemmNN(scale_, d, p.view(), 0.0, denseView(jac.row(o) + weightOffset(), g_.filters, g_.patchSize()));
    for (std::int64_t k = 0; k < g_.filters; ++k) {
      jac(o, biasOffset() + k) = sumOf(d.row(k), positions);
    }
  }
}

void ConvLayer::exampleGradients(const ConstView& input, const ConstView& delta, std::int64_t signals,
                                 const MutableView& gradients) const {
  const std::int64_t filters = g_.filters, positions = g_.positions(), q = g_.patchSize();
  const std::int64_t per = filters * q + filters;  // one signal's gradient: W then b
  PK_ASSERT(gradients.rows == input.rows && gradients.cols == signals * per, "exampleGradients: target shape");
  // Per example and signal dW [K, Q] = s delta [K, P] (patches^T [Q, P])^T, both operands along
  // the positions P (contiguous), written in place: from transposed patches, copied as runs of
  // pixels, this is the fastest of the forms measured (docs/PERFORMANCE.md, Convolutional networks).
  Matrix patchesT(q, positions);
  for (std::int64_t r = 0; r < input.rows; ++r) {
    im2colTransposed(g_, input.row(r), patchesT.data());
    for (std::int64_t c = 0; c < signals; ++c) {
      const ConstView d{delta.row(r) + c * filters * positions, filters, positions, positions};
      double* gc = gradients.row(r) + c * per;
      blas::gemmNT(scale_, d, patchesT.view(), 0.0, denseView(gc, filters, q));
      for (std::int64_t k = 0; k < filters; ++k) gc[filters * q + k] = sumOf(d.row(k), positions);
    }
  }
}

}  // namespace pk

#include "model/ConvLayer.hpp"

#include <cmath>

#include "core/Blas.hpp"
#include "core/Error.hpp"
#include "model/ActivationSignals.hpp"

namespace pk {

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
    for (std::int64_t k = 0; k < g_.filters; ++k)
      for (std::int64_t p = 0; p < g_.positions(); ++p) gb[k] += ur.row(k)[p];
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
      double sum = 0.0;
      for (std::int64_t q = 0; q < positions; ++q) sum += d.row(k)[q];
      jac(o, biasOffset() + k) = sum;
    }
  }
}

void ConvLayer::exampleGradients(const ConstView& input, const ConstView& delta, std::int64_t signals,
                                 const MutableView& gradients) const {
  const ConvGeometry& g = g_;
  const std::int64_t filters = g.filters, positions = g.positions(), q = g.patchSize();
  const std::int64_t per = filters * q + filters;  // one signal's gradient: W then b
  PK_ASSERT(gradients.rows == input.rows && gradients.cols == signals * per, "exampleGradients: target shape");
  // Per example dW^T [Q, signals K] = s patches^T [Q, P] delta^T, both operands along the
  // positions P (contiguous): about 30% faster than delta [signals K, P] x patches [P, Q] at
  // the sizes of docs/PERFORMANCE.md (Convolutional networks), the transposed patches being also cheaper to build.
  Matrix patchesT(q, positions), dwT(q, signals * filters);
  for (std::int64_t r = 0; r < input.rows; ++r) {
    im2colTransposed(g, input.row(r), patchesT.data());
    // The signals of example r as [signals * K, P]: rows (c, k), one per output and filter.
    const ConstView d{delta.row(r), signals * filters, positions, positions};
    blas::gemmNT(scale_, patchesT.view(), d, 0.0, dwT.view());
    double* out = gradients.row(r);
    for (std::int64_t c = 0; c < signals; ++c) {
      double* gc = out + c * per;
      for (std::int64_t k = 0; k < filters; ++k) {
        for (std::int64_t j = 0; j < q; ++j) gc[k * q + j] = dwT(j, c * filters + k);
        const double* dk = d.row(c * filters + k);
        double sum = 0.0;
        for (std::int64_t p = 0; p < positions; ++p) sum += dk[p];
        gc[filters * q + k] = sum;
      }
    }
  }
}

}  // namespace pk

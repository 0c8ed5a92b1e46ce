#include "model/Mlp.hpp"

#include <cmath>

#include "core/Blas.hpp"
#include "core/Error.hpp"
#include "core/NameTable.hpp"

namespace pk {

namespace {
constexpr NameTable<Parameterization, 2> kParameterizationNames = {{Parameterization::Standard, "standard"},
                                                                   {Parameterization::Ntk, "ntk"}};
}  // namespace

Parameterization parseParameterization(const std::string& name) {
  if (const auto* found = findByName(kParameterizationNames, name)) return *found;
  throw InputError("unknown parameterization '" + name + "' (allowed: " + nameList(kParameterizationNames) + ")");
}

std::string toString(Parameterization p) {
  return nameOf(kParameterizationNames, p);
}

Mlp::Mlp(Architecture arch) : arch_(std::move(arch)) {
  widths_.push_back(arch_.inputs);
  for (auto h : arch_.hidden) widths_.push_back(h);
  widths_.push_back(arch_.outputs);
  offsets_.push_back(0);
  for (int k = 0; k < layers(); ++k) {
    const auto fanIn = static_cast<double>(width(k));
    scales_.push_back(arch_.parameterization == Parameterization::Ntk ? 1.0 / std::sqrt(fanIn) : 1.0);
    offsets_.push_back(offsets_.back() + width(k + 1) * width(k) + width(k + 1));
  }
}

std::vector<double> Mlp::initialParameters(Rng& rng) const {
  std::vector<double> w(static_cast<std::size_t>(parameterCount()), 0.0);
  for (int k = 0; k < layers(); ++k) {
    const double stddev =
        arch_.parameterization == Parameterization::Standard ? 1.0 / std::sqrt(static_cast<double>(width(k))) : 1.0;
    for (std::int64_t p = weightOffset(k); p < biasOffset(k); ++p)
      w[static_cast<std::size_t>(p)] = stddev * rng.normal();
  }
  return w;
}

Forward Mlp::forward(const double* w, const Matrix& x) const {
  PK_ASSERT(x.cols() == width(0), "forward: input width does not match the model");
  const std::int64_t n = x.rows();
  Forward fwd;
  fwd.h.push_back(x);
  for (int k = 0; k < layers(); ++k) {
    const std::int64_t out = width(k + 1);
    Matrix z(n, out);
    const double* bias = w + biasOffset(k);
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t j = 0; j < out; ++j) z(r, j) = bias[j];
    // z = s_k h W^T + b
    blas::gemmNT(scale(k), fwd.h.back().view(), weights(w, k), 1.0, z.view());
    if (k + 1 < layers()) {
      Matrix h(n, out);
      activate(arch_.activation, z.data(), h.data(), static_cast<long>(z.size()));
      fwd.h.push_back(std::move(h));
    }
    fwd.z.push_back(std::move(z));
  }
  return fwd;
}

std::vector<Matrix> Mlp::backpropagate(const double* w, const Forward& fwd, Matrix top, std::int64_t perExample) const {
  const std::int64_t n = fwd.h[0].rows();
  std::vector<Matrix> signals(static_cast<std::size_t>(layers()));
  signals.back() = std::move(top);
  Matrix derivative;
  for (int k = layers() - 2; k >= 0; --k) {
    const std::int64_t out = width(k + 1);   // width of z_k
    const std::int64_t next = width(k + 2);  // width of z_{k+1}
    // Each example's perExample signals are rows of an [n * perExample, width] matrix:
    // signal_k = sigma'(z_k) * (s_{k+1} signal_{k+1} W_{k+1}).
    Matrix s(n, perExample * out);
    blas::gemmNN(scale(k + 1), denseView(signals[static_cast<std::size_t>(k) + 1].data(), n * perExample, next),
                 weights(w, k + 1), 0.0, denseView(s.data(), n * perExample, out));
    derivative = Matrix(n, out);
    activateDerivative(arch_.activation, fwd.z[static_cast<std::size_t>(k)].data(),
                       fwd.h[static_cast<std::size_t>(k) + 1].data(), derivative.data(),
                       static_cast<long>(derivative.size()));
    for (std::int64_t r = 0; r < n; ++r) {
      const double* d = derivative.row(r);
      double* sr = s.row(r);
      for (std::int64_t c = 0; c < perExample; ++c)
        for (std::int64_t j = 0; j < out; ++j) sr[c * out + j] *= d[j];
    }
    signals[static_cast<std::size_t>(k)] = std::move(s);
  }
  return signals;
}

std::vector<Matrix> Mlp::outputSignals(const double* w, const Forward& fwd) const {
  const std::int64_t n = fwd.h[0].rows();
  const std::int64_t c = outputs();
  Matrix identity(n, c * c);
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t k = 0; k < c; ++k) identity(r, k * c + k) = 1.0;
  return backpropagate(w, fwd, std::move(identity), c);
}

std::vector<Matrix> Mlp::lossSignals(const double* w, const Forward& fwd, const Matrix& seed) const {
  PK_ASSERT(seed.cols() == outputs() && seed.rows() == fwd.h[0].rows(), "lossSignals: seed shape");
  return backpropagate(w, fwd, seed, 1);
}

void Mlp::accumulateGradient(const Forward& fwd, const std::vector<Matrix>& u, double* grad) const {
  for (int k = 0; k < layers(); ++k) {
    const auto& uk = u[static_cast<std::size_t>(k)];
    const auto& hk = fwd.h[static_cast<std::size_t>(k)];
    const std::int64_t out = width(k + 1);
    const std::int64_t in = width(k);
    // dW_k = s_k u_k^T h_k ; db_k = sum_r u_k
    blas::gemmTN(scale(k), uk.view(), hk.view(), 1.0, denseView(grad + weightOffset(k), out, in));
    double* gb = grad + biasOffset(k);
    for (std::int64_t r = 0; r < uk.rows(); ++r)
      for (std::int64_t j = 0; j < out; ++j) gb[j] += uk(r, j);
  }
}

Matrix Mlp::directional(const double* v, const Forward& fwd, const std::vector<Matrix>& delta) const {
  const std::int64_t n = fwd.h[0].rows();
  const std::int64_t c = outputs();
  Matrix result(n, c);
  for (int k = 0; k < layers(); ++k) {
    const std::int64_t out = width(k + 1);
    // a = s_k h_k V_k^T + vb_k: the change of z_k along v with h_k fixed.
    Matrix a(n, out);
    const double* vb = v + biasOffset(k);
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t j = 0; j < out; ++j) a(r, j) = vb[j];
    blas::gemmNT(scale(k), fwd.h[static_cast<std::size_t>(k)].view(), weights(v, k), 1.0, a.view());
    const auto& dk = delta[static_cast<std::size_t>(k)];
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t o = 0; o < c; ++o) {
        double dot = 0.0;
        const double* d = dk.row(r) + o * out;
        for (std::int64_t j = 0; j < out; ++j) dot += d[j] * a(r, j);
        result(r, o) += dot;
      }
  }
  return result;
}

Matrix Mlp::jacobian(const Forward& fwd, const std::vector<Matrix>& delta, std::int64_t r) const {
  const std::int64_t c = outputs();
  Matrix jac(c, parameterCount());
  for (int k = 0; k < layers(); ++k) {
    const std::int64_t out = width(k + 1);
    const std::int64_t in = width(k);
    const double* h = fwd.h[static_cast<std::size_t>(k)].row(r);
    for (std::int64_t o = 0; o < c; ++o) {
      const double* d = delta[static_cast<std::size_t>(k)].row(r) + o * out;
      double* row = jac.row(o);
      for (std::int64_t j = 0; j < out; ++j) {
        for (std::int64_t i = 0; i < in; ++i) row[weightOffset(k) + j * in + i] = scale(k) * d[j] * h[i];
        row[biasOffset(k) + j] = d[j];
      }
    }
  }
  return jac;
}

}  // namespace pk

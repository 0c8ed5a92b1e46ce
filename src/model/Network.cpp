#include "model/Network.hpp"

#include <algorithm>

#include "core/Blas.hpp"
#include "core/Error.hpp"
#include "model/LayerList.hpp"

namespace pk {

Network::Network(Architecture arch) : arch_(std::move(arch)) {
  PK_REQUIRE(
      arch_.inputShape.empty() || (arch_.inputShape.size() == 3 &&
                                   arch_.inputShape[0] * arch_.inputShape[1] * arch_.inputShape[2] == arch_.inputs),
      "the input shape does not hold the D = " + std::to_string(arch_.inputs) + " inputs");
  const LayerOptions options{arch_.activation, arch_.parameterization};
  std::vector<std::int64_t> shape =
      arch_.inputShape.empty() ? std::vector<std::int64_t>{arch_.inputs} : arch_.inputShape;
  std::int64_t width = arch_.inputs;
  for (std::size_t k = 0; k < arch_.layers.size(); ++k) {
    try {
      layers_.push_back(makeLayer(arch_.layers[k], shape, options, parameterCount_));
    } catch (const InputError& e) {
      throw InputError("--layers: layer " + std::to_string(k + 1) + " (" + layersText({arch_.layers[k]}) + ") " +
                       e.what());
    }
    shape = layers_.back()->outputShape();
    width = layers_.back()->outputWidth();
    parameterCount_ += layers_.back()->parameterCount();
  }
  layers_.push_back(makeOutputLayer(width, arch_.outputs, options, parameterCount_));
  parameterCount_ += layers_.back()->parameterCount();
}

int Network::parameterLayers() const {
  int count = 0;
  for (const auto& layer : layers_) count += layer->parameters().empty() ? 0 : 1;
  return count;
}

std::vector<double> Network::initialParameters(Rng& rng) const {
  std::vector<double> w(static_cast<std::size_t>(parameterCount()), 0.0);
  for (const auto& layer : layers_) layer->initialise(rng, w.data());
  return w;
}

Forward Network::forward(const double* w, const Matrix& x) const {
  Forward fwd;
  forward(w, x, fwd);
  return fwd;
}

void Network::forward(const double* w, const Matrix& x, Forward& fwd) const {
  PK_ASSERT(x.cols() == inputs(), "forward: input width does not match the model");
  const auto count = static_cast<std::size_t>(layers());
  fwd.h.resize(count);
  fwd.z.resize(count);
  fwd.h[0] = x;
  for (std::size_t k = 0; k < count; ++k)
    layer(static_cast<int>(k)).forward(w, fwd.h[k], fwd.z[k], k + 1 < count ? &fwd.h[k + 1] : nullptr);
}

void Network::backpropagate(const double* w, const Forward& fwd, const Matrix& top, std::int64_t perExample,
                            std::vector<Matrix>& signals) const {
  const std::int64_t n = fwd.h[0].rows();
  signals.resize(static_cast<std::size_t>(layers()));
  signals.back() = top;
  for (int k = layers() - 2; k >= 0; --k) {
    const auto kk = static_cast<std::size_t>(k);
    const std::int64_t out = layer(k).outputWidth();       // width of z_k
    const std::int64_t next = layer(k + 1).outputWidth();  // width of z_{k+1}
    // Each example's perExample signals are rows of an [n * perExample, width] matrix:
    // signal_k = sigma'(z_k) * (signal_{k+1} dz_{k+1}/dh_{k+1}). backward overwrites every value.
    Matrix& s = signals[kk];
    s.reshape(n, perExample * out);
    layer(k + 1).backward(w, fwd.h[kk + 1], denseView(signals[kk + 1].data(), n * perExample, next),
                          denseView(s.data(), n * perExample, out));
    layer(k).throughActivation(fwd.z[kk], fwd.h[kk + 1], s, perExample);
  }
}

std::vector<Matrix> Network::outputSignals(const double* w, const Forward& fwd) const {
  std::vector<Matrix> delta;
  outputSignals(w, fwd, delta);
  return delta;
}

void Network::outputSignals(const double* w, const Forward& fwd, std::vector<Matrix>& delta) const {
  const std::int64_t n = fwd.h[0].rows();
  const std::int64_t c = outputs();
  Matrix identity(n, c * c);
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t k = 0; k < c; ++k) identity(r, k * c + k) = 1.0;
  backpropagate(w, fwd, identity, c, delta);
}

std::vector<Matrix> Network::lossSignals(const double* w, const Forward& fwd, const Matrix& seed) const {
  std::vector<Matrix> u;
  lossSignals(w, fwd, seed, u);
  return u;
}

void Network::lossSignals(const double* w, const Forward& fwd, const Matrix& seed, std::vector<Matrix>& u) const {
  PK_ASSERT(seed.cols() == outputs() && seed.rows() == fwd.h[0].rows(), "lossSignals: seed shape");
  backpropagate(w, fwd, seed, 1, u);
}

std::vector<Matrix> Network::lossSignalsOf(const std::vector<Matrix>& delta, const Matrix& seed) const {
  std::vector<Matrix> u;
  lossSignalsOf(delta, seed, u);
  return u;
}

void Network::lossSignalsOf(const std::vector<Matrix>& delta, const Matrix& seed, std::vector<Matrix>& u) const {
  const std::int64_t n = seed.rows(), c = outputs();
  PK_ASSERT(seed.cols() == c && delta.size() == static_cast<std::size_t>(layers()), "lossSignalsOf: shapes");
  u.resize(delta.size());
  for (std::size_t k = 0; k < delta.size(); ++k) {
    const Matrix& d = delta[k];
    const std::int64_t width = d.cols() / c;
    Matrix& uk = u[k];
    uk.reshape(n, width);
    for (std::int64_t r = 0; r < n; ++r) {
      double* ur = uk.row(r);
      std::fill_n(ur, width, 0.0);
      for (std::int64_t o = 0; o < c; ++o) {
        const double s = seed(r, o);
        const double* dr = d.row(r) + o * width;
        for (std::int64_t j = 0; j < width; ++j) ur[j] += s * dr[j];
      }
    }
  }
}

void Network::accumulateGradient(const Forward& fwd, const std::vector<Matrix>& u, double* grad) const {
  for (int k = 0; k < layers(); ++k)
    layer(k).accumulateGradient(fwd.h[static_cast<std::size_t>(k)], u[static_cast<std::size_t>(k)], grad);
}

void Network::exampleGradients(const Forward& fwd, const std::vector<Matrix>& delta, std::vector<Matrix>& into) const {
  into.resize(static_cast<std::size_t>(layers()));
  for (int k = 0; k < layers(); ++k) {
    const auto kk = static_cast<std::size_t>(k);
    const Layer& l = layer(k);
    if (!l.hasExampleGradients()) {
      into[kk] = Matrix();
      continue;
    }
    into[kk].reshape(fwd.h[kk].rows(), outputs() * l.parameterCount());
    l.exampleGradients(fwd.h[kk].view(), delta[kk].view(), outputs(), into[kk].view());
  }
}

void Network::accumulateGradient(const Forward& fwd, const std::vector<Matrix>& u, const std::vector<Matrix>& exampleG,
                                 const Matrix& seed, double* grad) const {
  for (int k = 0; k < layers(); ++k) {
    const auto kk = static_cast<std::size_t>(k);
    const Layer& l = layer(k);
    if (kk >= exampleG.size() || exampleG[kk].size() == 0) {
      l.accumulateGradient(fwd.h[kk], u[kk], grad);
      continue;
    }
    // grad_layer += sum_r sum_c seed_rc G_c(x_r): the rows (r, c) of G [n C, P_layer] times seed [n C].
    // A gradient row lists the layer's blocks in the order of w, which holds them side by side.
    const std::int64_t per = l.parameterCount();
    PK_ASSERT(l.parameters().back().offset + l.parameters().back().size() == l.parameters().front().offset + per,
              "accumulateGradient: the layer's parameter blocks are not contiguous in w");
    const std::int64_t signals = seed.rows() * seed.cols();
    blas::gemmTN(1.0, denseView(exampleG[kk].data(), signals, per), denseView(seed.data(), signals, 1), 1.0,
                 denseView(grad + l.parameters().front().offset, per, 1));
  }
}

Matrix Network::directional(const double* v, const Forward& fwd, const std::vector<Matrix>& delta) const {
  Matrix result(fwd.h[0].rows(), outputs());
  for (int k = 0; k < layers(); ++k)
    layer(k).addDirectional(v, fwd.h[static_cast<std::size_t>(k)], delta[static_cast<std::size_t>(k)], result);
  return result;
}

Matrix Network::jacobian(const Forward& fwd, const std::vector<Matrix>& delta, std::int64_t r) const {
  Matrix jac(outputs(), parameterCount());
  for (int k = 0; k < layers(); ++k)
    layer(k).addJacobian(fwd.h[static_cast<std::size_t>(k)], delta[static_cast<std::size_t>(k)], r, jac);
  return jac;
}

}  // namespace pk

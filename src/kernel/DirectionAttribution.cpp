#include "kernel/DirectionAttribution.hpp"

#include <algorithm>

#include "core/Blas.hpp"
#include "core/Error.hpp"
#include "kernel/LayerTerm.hpp"

namespace pk {

namespace {
// Query points per tile, and the product tile's size in doubles (about 1 MB: it stays in L2).
constexpr std::int64_t kQueryTile = 256;
constexpr std::int64_t kProductValues = 1 << 17;
// Query points per tile of the one-output contraction: their outer products, H_out (H_in + 1)
// values each, are the GEMM's second operand.
constexpr std::int64_t kOuterTile = 64;
}  // namespace

namespace {
// The dense layers of the network: the augmented layout below is theirs.
std::vector<const DenseLayer*> denseLayersOf(const Network& model) {
  std::vector<const DenseLayer*> dense;
  for (int k = 0; k < model.layers(); ++k) {
    const Layer& layer = model.layer(k);
    PK_REQUIRE(layerKernel(layer, model.outputs())->supportsDirections(),
               "optimizers with memory need per-example directions, which layer kind '" + layer.kind() +
                   "' does not provide yet");
    dense.push_back(dynamic_cast<const DenseLayer*>(&layer));
    PK_ASSERT(dense.back(), "DirectionAttribution: per-example directions are laid out for dense layers");
  }
  return dense;
}
}  // namespace

DirectionAttribution::DirectionAttribution(const Network& model, const Partition& trainRows)
    : model_(model),
      layers_(denseLayersOf(model)),
      firstExample_(trainRows.begin()),
      examples_(trainRows.localRows()),
      globalExamples_(trainRows.globalRows()),
      gamma_(trainRows.localRows(), layers_[0]->outputWidth()),
      gammaBuffer_(trainRows.localRows(), layers_[0]->outputWidth()) {
  for (int k = 0; k < model.layers(); ++k) {
    buffers_.emplace_back(examples_ * layer(k).outputWidth(), layer(k).inputWidth() + 1);
    directions_.emplace_back(examples_ * layer(k).outputWidth(), layer(k).inputWidth() + 1);
  }
}

void DirectionAttribution::update(const StepRecord& step) {
  const DirectionRule& rule = step.rule;
  PK_ASSERT(rule.buffered, "DirectionAttribution: the optimizer keeps no per-example buffers");
  const double* p = rule.preconditioner ? rule.preconditioner->data() : nullptr;
  for (int k = 0; k < model_.layers(); ++k) {
    const std::int64_t in = layer(k).inputWidth(), out = layer(k).outputWidth(), cols = in + 1;
    const double s = layer(k).scale();
    const Matrix& h = step.trainForward.h[static_cast<std::size_t>(k)];
    const Matrix& u = step.trainU[static_cast<std::size_t>(k)];
    double* buffer = buffers_[static_cast<std::size_t>(k)].data();
    double* direction = directions_[static_cast<std::size_t>(k)].data();
    // One element: the buffer's recursion, then the direction before preconditioning.
    auto advance = [&rule](double e, double& b) {
      b = rule.decay * b + rule.feed * e;
      return rule.direct * e + rule.through * b;
    };
    for (std::int64_t i = 0; i < examples_; ++i) {
      const double* hi = h.row(i);
      for (std::int64_t j = 0; j < out; ++j) {
        // e_i's row j: d(c_i . f)/d[W_k row j, b_k[j]] = u_j [s_k h_k(x_i), 1].
        const double uj = u(i, j);
        double* b = buffer + (i * out + j) * cols;
        double* d = direction + (i * out + j) * cols;
        const double* pw = p ? p + layer(k).weightOffset() + j * in : nullptr;
        for (std::int64_t l = 0; l < in; ++l) {
          const double dl = advance(uj * s * hi[l], b[l]);
          d[l] = pw ? dl * pw[l] : dl;
        }
        const double bias = advance(uj, b[in]);
        d[in] = p ? bias * p[layer(k).biasOffset() + j] : bias;
      }
    }
  }
  // The first layer's W part of e_i is s_1 u_0(x_i) x_i^T: its gamma follows the same recursion.
  if (p) return;
  const Matrix& u0 = step.trainU[0];
  const double s = layer(0).scale();
  for (std::size_t e = 0; e < gamma_.size(); ++e) {
    const double g = s * u0.data()[e];
    double& b = gammaBuffer_.data()[e];
    b = rule.decay * b + rule.feed * g;
    gamma_.data()[e] = rule.direct * g + rule.through * b;
  }
}

void DirectionAttribution::prepareQueries(const FeatureView& queries, std::int64_t x0, std::int64_t nx) {
  const int layers = model_.layers();
  const std::int64_t outputs = model_.outputs();
  queryRows_.resize(static_cast<std::size_t>(layers));
  querySignals_.resize(static_cast<std::size_t>(layers));
  for (int k = 0; k < layers; ++k) {
    const std::int64_t in = layer(k).inputWidth(), out = layer(k).outputWidth();
    const double s = layer(k).scale();
    auto& rows = queryRows_[static_cast<std::size_t>(k)];
    rows.resize(static_cast<std::size_t>(nx * (in + 1)));
    for (std::int64_t x = 0; x < nx; ++x) {
      const double* h = queries.h[static_cast<std::size_t>(k)].row(x0 + x);
      for (std::int64_t l = 0; l < in; ++l) rows[x * (in + 1) + l] = s * h[l];
      rows[x * (in + 1) + in] = 1.0;
    }
    if (k + 1 == layers) continue;  // the last layer's output signals are the identity
    // [C * H_out, nx]: each signal's values over the tile's queries lie together.
    auto& signals = querySignals_[static_cast<std::size_t>(k)];
    signals.resize(static_cast<std::size_t>(outputs * out * nx));
    for (std::int64_t x = 0; x < nx; ++x) {
      const double* d = queries.delta[static_cast<std::size_t>(k)].row(x0 + x);
      for (std::int64_t q = 0; q < outputs * out; ++q) signals[q * nx + x] = d[q];
    }
  }
}

double DirectionAttribution::tileProducts(std::int64_t nx, std::int64_t i0, std::int64_t ni,
                                          std::vector<double>& sums) {
  const int layers = model_.layers();
  const std::int64_t outputs = model_.outputs();
  double flops = 0.0;
  for (int k = 0; k < layers; ++k) {
    const std::int64_t in = layer(k).inputWidth(), out = layer(k).outputWidth(), cols = in + 1;
    // T [ni * H_out, nx] = D_k(examples i0..) [ni * H_out, H_in + 1] x Q^T.
    product_.resize(static_cast<std::size_t>(ni * out * nx));
    const Matrix& d = directions_[static_cast<std::size_t>(k)];
    blas::gemmNT(1.0, ConstView{d.row(i0 * out), ni * out, cols, cols},
                 denseView(queryRows_[static_cast<std::size_t>(k)].data(), nx, cols), 0.0,
                 denseView(product_.data(), ni * out, nx));
    flops += 2.0 * static_cast<double>(ni * out * cols * nx);
    for (std::int64_t i = 0; i < ni; ++i)
      for (std::int64_t c = 0; c < outputs; ++c) {
        double* acc = &sums[static_cast<std::size_t>((i * outputs + c) * nx)];
        if (k + 1 == layers) {
          const double* t = &product_[static_cast<std::size_t>((i * out + c) * nx)];
          for (std::int64_t x = 0; x < nx; ++x) acc[x] += t[x];
          continue;
        }
        for (std::int64_t j = 0; j < out; ++j) {
          const double* t = &product_[static_cast<std::size_t>((i * out + j) * nx)];
          const double* g = &querySignals_[static_cast<std::size_t>(k)][static_cast<std::size_t>((c * out + j) * nx)];
          for (std::int64_t x = 0; x < nx; ++x) acc[x] += g[x] * t[x];
        }
      }
  }
  return flops;
}

double DirectionAttribution::outerProducts(const FeatureView& queries, std::int64_t x0, std::int64_t nx,
                                           std::vector<double>& sums) {
  double flops = 0.0;
  const int layers = model_.layers();
  for (int k = 0; k < layers; ++k) {
    const std::int64_t in = layer(k).inputWidth(), out = layer(k).outputWidth(), cols = in + 1, width = out * cols;
    const double s = layer(k).scale();
    // Row x: delta_k(x)_j [s_k h_k(x), 1] for j = 0..H_out-1 (the last layer's delta is 1).
    product_.resize(static_cast<std::size_t>(nx * width));
    for (std::int64_t x = 0; x < nx; ++x) {
      const double* h = queries.h[static_cast<std::size_t>(k)].row(x0 + x);
      const double* d = k + 1 < layers ? queries.delta[static_cast<std::size_t>(k)].row(x0 + x) : nullptr;
      double* row = &product_[static_cast<std::size_t>(x * width)];
      for (std::int64_t j = 0; j < out; ++j) {
        const double dj = d ? d[j] : 1.0;
        for (std::int64_t l = 0; l < in; ++l) row[j * cols + l] = dj * s * h[l];
        row[j * cols + in] = dj;
      }
    }
    const Matrix& directions = directions_[static_cast<std::size_t>(k)];
    blas::gemmNT(1.0, denseView(directions.data(), examples_, width), denseView(product_.data(), nx, width), 1.0,
                 denseView(sums.data(), examples_, nx));
    flops += 2.0 * static_cast<double>(examples_ * width * nx);
  }
  return flops;
}

double DirectionAttribution::contract(const FeatureView& queries, double alpha, Matrix* columns, Matrix& rowSums) {
  const std::int64_t outputs = model_.outputs();
  if (outputs == 1) return contractOneOutput(queries, alpha, columns, rowSums);
  std::int64_t widest = 1;
  for (int k = 0; k < model_.layers(); ++k) widest = std::max(widest, layer(k).outputWidth());
  const std::int64_t block = std::max<std::int64_t>(1, kProductValues / (widest * kQueryTile));
  std::vector<double> sums;
  double flops = 0.0;
  for (std::int64_t x0 = 0; x0 < queries.rows; x0 += kQueryTile) {
    const std::int64_t nx = std::min(kQueryTile, queries.rows - x0);
    prepareQueries(queries, x0, nx);
    for (std::int64_t i0 = 0; i0 < examples_; i0 += block) {
      const std::int64_t ni = std::min(block, examples_ - i0);
      sums.assign(static_cast<std::size_t>(ni * outputs * nx), 0.0);
      flops += tileProducts(nx, i0, ni, sums);
      for (std::int64_t x = 0; x < nx; ++x)
        for (std::int64_t i = 0; i < ni; ++i)
          for (std::int64_t c = 0; c < outputs; ++c) {
            const double v = alpha * sums[static_cast<std::size_t>((i * outputs + c) * nx + x)];
            if (columns) (*columns)(x0 + x, (i0 + i) * outputs + c) -= v;
            rowSums(x0 + x, c) -= v;
          }
    }
  }
  return flops;
}

double DirectionAttribution::contractOneOutput(const FeatureView& queries, double alpha, Matrix* columns,
                                               Matrix& rowSums) {
  std::vector<double> sums;  // [examples, nx]: g(x) . d_i summed over the layers
  double flops = 0.0;
  for (std::int64_t x0 = 0; x0 < queries.rows; x0 += kOuterTile) {
    const std::int64_t nx = std::min(kOuterTile, queries.rows - x0);
    sums.assign(static_cast<std::size_t>(examples_ * nx), 0.0);
    flops += outerProducts(queries, x0, nx, sums);
    for (std::int64_t x = 0; x < nx; ++x)
      for (std::int64_t i = 0; i < examples_; ++i) {
        const double v = alpha * sums[static_cast<std::size_t>(i * nx + x)];
        if (columns) (*columns)(x0 + x, i) -= v;
        rowSums(x0 + x, 0) -= v;
      }
  }
  return flops;
}

void DirectionAttribution::addDirections(std::vector<double>& sum) const {
  for (int k = 0; k < model_.layers(); ++k) {
    const std::int64_t in = layer(k).inputWidth(), out = layer(k).outputWidth();
    const Matrix& d = directions_[static_cast<std::size_t>(k)];
    for (std::int64_t i = 0; i < examples_; ++i)
      for (std::int64_t j = 0; j < out; ++j) {
        const double* row = d.row(i * out + j);
        for (std::int64_t l = 0; l < in; ++l)
          sum[static_cast<std::size_t>(layer(k).weightOffset() + j * in + l)] += row[l];
        sum[static_cast<std::size_t>(layer(k).biasOffset() + j)] += row[in];
      }
  }
}

void DirectionAttribution::save(StateWriter& out) const {
  for (int k = 0; k < model_.layers(); ++k) {
    const std::int64_t width = layer(k).outputWidth();
    out.rows("/attribution/buffer_" + std::to_string(k), buffers_[static_cast<std::size_t>(k)], globalExamples_ * width,
             firstExample_ * width);
  }
  out.rows("/attribution/gamma_buffer", gammaBuffer_, globalExamples_, firstExample_);
}

void DirectionAttribution::restore(StateReader& in) {
  for (int k = 0; k < model_.layers(); ++k)
    in.rows("/attribution/buffer_" + std::to_string(k), buffers_[static_cast<std::size_t>(k)],
            firstExample_ * layer(k).outputWidth());
  in.rows("/attribution/gamma_buffer", gammaBuffer_, firstExample_);
}

}  // namespace pk

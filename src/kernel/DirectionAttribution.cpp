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

DirectionAttribution::DirectionAttribution(const Network& model, const Partition& trainRows, bool keepGamma)
    : model_(model),
      firstExample_(trainRows.begin()),
      examples_(trainRows.localRows()),
      globalExamples_(trainRows.globalRows()),
      keepGamma_(keepGamma) {
  if (keepGamma_) {
    gamma_ = Matrix(examples_, model.layer(0).outputWidth());
    gammaBuffer_ = Matrix(examples_, model.layer(0).outputWidth());
  }
  for (int k = 0; k < model.layers(); ++k) {
    const Layer& layer = model.layer(k);
    const auto kernel = layerKernel(layer, model.outputs());
    if (k == 0) firstScale_ = kernel->signalScale();
    DirectionShape shape;
    shape.layer = k;
    shape.last = k + 1 == model.layers();
    shape.outputs = model.outputs();
    shape.examples = examples_;
    shape.firstExample = firstExample_;
    shape.globalExamples = globalExamples_;
    layers_.push_back(kernel->directions(shape));
    PK_ASSERT(layers_.back(), "layer kind '" + layer.kind() + "' provides no per-example directions");
  }
}

void DirectionAttribution::update(const StepRecord& step) {
  const DirectionRule& rule = step.rule;
  PK_ASSERT(rule.buffered, "DirectionAttribution: the optimizer keeps no per-example buffers");
  const double* p = rule.preconditioner ? rule.preconditioner->data() : nullptr;
  for (std::size_t k = 0; k < layers_.size(); ++k) layers_[k]->update(step.trainForward.h[k], step.trainU[k], rule, p);
  // The first layer's W part of e_i is s_1 u_0(x_i) x_i^T (a conv layer: s_1 sum_p u_{0,p}(x_i)
  // patch_p(x_i)^T, u_0 over positions): its gamma follows the same recursion.
  if (p || !keepGamma_) return;
  const Matrix& u0 = step.trainU[0];
  const double s = firstScale_;
  for (std::size_t e = 0; e < gamma_.size(); ++e) {
    const double g = s * u0.data()[e];
    double& b = gammaBuffer_.data()[e];
    b = rule.decay * b + rule.feed * g;
    gamma_.data()[e] = rule.direct * g + rule.through * b;
  }
}

double DirectionAttribution::contract(const FeatureView& queries, double alpha, Matrix* columns, Matrix& rowSums) {
  const std::int64_t outputs = model_.outputs();
  if (outputs == 1) return contractOneOutput(queries, alpha, columns, rowSums);
  std::int64_t widest = 1;
  for (const auto& layer : layers_) widest = std::max(widest, layer->rowsPerExample());
  const std::int64_t block = std::max<std::int64_t>(1, kProductValues / (widest * kQueryTile));
  std::vector<double> sums;
  double flops = 0.0;
  for (std::int64_t x0 = 0; x0 < queries.rows; x0 += kQueryTile) {
    const std::int64_t nx = std::min(kQueryTile, queries.rows - x0);
    for (const auto& layer : layers_) layer->prepareQueries(queries, x0, nx);
    for (std::int64_t i0 = 0; i0 < examples_; i0 += block) {
      const std::int64_t ni = std::min(block, examples_ - i0);
      sums.assign(static_cast<std::size_t>(ni * outputs * nx), 0.0);
      for (const auto& layer : layers_) flops += layer->addTileProducts(nx, i0, ni, sums, product_);
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
    for (const auto& layer : layers_) flops += layer->addOuterProducts(queries, x0, nx, sums, product_);
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
  for (const auto& layer : layers_) layer->addDirections(sum);
}

void DirectionAttribution::save(StateWriter& out) const {
  for (std::size_t k = 0; k < layers_.size(); ++k) layers_[k]->save(out, "/attribution/buffer_" + std::to_string(k));
  if (keepGamma_) out.rows("/attribution/gamma_buffer", gammaBuffer_, globalExamples_, firstExample_);
}

void DirectionAttribution::restore(StateReader& in) {
  for (std::size_t k = 0; k < layers_.size(); ++k) layers_[k]->restore(in, "/attribution/buffer_" + std::to_string(k));
  if (keepGamma_) in.rows("/attribution/gamma_buffer", gammaBuffer_, firstExample_);
}

}  // namespace pk

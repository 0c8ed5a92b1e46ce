#include "kernel/LayerTerm.hpp"

#include "core/Error.hpp"
#include "kernel/ConvTerms.hpp"
#include "kernel/DenseTerms.hpp"

namespace pk {

// The one place that maps a layer kind to its kernel terms: a new kind is one more branch.
std::unique_ptr<LayerKernel> layerKernel(const Layer& layer, std::int64_t outputs) {
  if (const auto* dense = dynamic_cast<const DenseLayer*>(&layer)) return denseKernel(*dense, outputs);
  if (const auto* conv = dynamic_cast<const ConvLayer*>(&layer)) return convKernel(*conv, outputs);
  if (const auto* pool = dynamic_cast<const PoolLayer*>(&layer)) return poolKernel(*pool);
  throw InputError("no kernel terms for layer kind '" + layer.kind() + "'");
}

std::vector<std::unique_ptr<LayerTerm>> layerTerms(const Network& model, const FeatureView& query,
                                                   const TrainingSide& train) {
  std::vector<std::unique_ptr<LayerTerm>> terms;
  const int layers = model.layers();
  for (int k = 0; k < layers; ++k)
    // A layer without parameters (pooling) has no share of the kernel, and no layer kernel of its own.
    if (!model.layer(k).parameters().empty())
      terms.push_back(layerKernel(model.layer(k), model.outputs())->term(k, k + 1 == layers, query, train));
  return terms;
}

}  // namespace pk

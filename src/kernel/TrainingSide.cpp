#include "kernel/TrainingSide.hpp"

#include "core/Error.hpp"
#include "kernel/LayerTerm.hpp"

namespace pk {

TrainingSide::TrainingSide(const Network& model, const OwnRows& own, bool withLossSignals)
    : rows_(own.rows.globalRows()), withLossSignals_(withLossSignals) {
  const int layers = model.layers();
  const std::int64_t outputs = model.outputs(), n = own.rows.localRows();
  PK_ASSERT(own.fwd.h[0].rows() == n, "TrainingSide: block rows differ from the partition");
  // Every rank calls the kinds in the same order, so their collective gathers match.
  for (int k = 0; k < layers; ++k)
    layers_.push_back(layerKernel(model.layer(k), outputs)->trainingSide(k, k + 1 == layers, own, withLossSignals));
  if (withLossSignals) {
    const Matrix noSignal(n, outputs);
    const Matrix& mine = own.u ? (*own.u)[static_cast<std::size_t>(layers) - 1] : noSignal;
    lossSignalArray_ = allgatherRows(own.rows, mine.data(), outputs);
    lossSignal_ = denseView(lossSignalArray_.data(), rows_, outputs);
  }
  // A dense network's side is its features: the attribution of optimizers with memory reads it as queries.
  hasFeatures_ = true;
  features_.rows = rows_;
  for (int k = 0; k < layers; ++k) {
    const LayerSide& side = layer(k);
    hasFeatures_ = hasFeatures_ && !side.h.empty() && (k + 1 == layers || !side.delta.empty());
    features_.h.push_back(side.h);
    if (k + 1 < layers) features_.delta.push_back(side.delta);
  }
  queries_ = features_;
  queries_.side = this;
  if (!hasFeatures_) features_ = FeatureView{};
}

std::int64_t TrainingSide::valuesPerExample() const {
  std::int64_t values = lossSignal_.cols;
  for (const auto& side : layers_)
    for (const auto& array : side.arrays) values += rows_ > 0 ? static_cast<std::int64_t>(array.size()) / rows_ : 0;
  return values;
}

std::int64_t TrainingSide::valuesPerExample(const Network& model, bool withLossSignals) {
  std::int64_t values = withLossSignals ? model.outputs() : 0;
  for (int k = 0; k < model.layers(); ++k)
    values += layerKernel(model.layer(k), model.outputs())->trainingValues(k + 1 == model.layers(), withLossSignals);
  return values;
}

}  // namespace pk

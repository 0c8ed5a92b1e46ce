#include "kernel/Features.hpp"

#include "core/Error.hpp"

namespace pk {

QueryFeatures::QueryFeatures(const Network& model, const double* w, const Matrix& x)
    : fwd_(model.forward(w, x)), delta_(model.outputSignals(w, fwd_)) {}

FeatureView QueryFeatures::view() const {
  return viewOf(fwd_, delta_);
}

FeatureView viewOf(const Forward& fwd, const std::vector<Matrix>& delta) {
  FeatureView v;
  v.rows = fwd.h[0].rows();
  const std::size_t layers = fwd.z.size();
  for (std::size_t k = 0; k < layers; ++k) {
    v.h.push_back(fwd.h[k].view());
    if (k + 1 < layers) v.delta.push_back(delta[k].view());
  }
  return v;
}

GatheredFeatures::GatheredFeatures(const Network& model, const Partition& rows, const Forward& fwd,
                                   const std::vector<Matrix>& delta) {
  const int layers = model.layers();
  const std::int64_t outputs = model.outputs();
  PK_ASSERT(fwd.h[0].rows() == rows.localRows(), "GatheredFeatures: block rows differ from the partition");
  const std::int64_t all = rows.globalRows();
  for (int k = 0; k < layers; ++k)
    arrays_.push_back(allgatherRows(rows, fwd.h[static_cast<std::size_t>(k)].data(), model.layer(k).inputWidth()));
  for (int k = 0; k + 1 < layers; ++k)
    arrays_.push_back(
        allgatherRows(rows, delta[static_cast<std::size_t>(k)].data(), outputs * model.layer(k).outputWidth()));
  view_.rows = all;
  for (int k = 0; k < layers; ++k)
    view_.h.push_back(denseView(arrays_[static_cast<std::size_t>(k)].data(), all, model.layer(k).inputWidth()));
  for (int k = 0; k + 1 < layers; ++k)
    view_.delta.push_back(
        denseView(arrays_[static_cast<std::size_t>(layers + k)].data(), all, outputs * model.layer(k).outputWidth()));
}

}  // namespace pk

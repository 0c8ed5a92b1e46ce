#include "kernel/Features.hpp"

#include <algorithm>
#include <numeric>

#include "core/Error.hpp"

namespace pk {

QueryFeatures::QueryFeatures(const Network& model, const double* w, const Matrix& x)
    : fwd_(model.forward(w, x)), delta_(model.outputSignals(w, fwd_)) {}

FeatureView QueryFeatures::view() const {
  return viewOf(fwd_, delta_, nullptr);
}

FeatureView viewOf(const Forward& fwd, const std::vector<Matrix>& delta, const std::vector<Matrix>* u) {
  FeatureView v;
  v.rows = fwd.h[0].rows();
  const std::size_t layers = fwd.z.size();
  for (std::size_t k = 0; k < layers; ++k) {
    v.h.push_back(fwd.h[k].view());
    if (k + 1 < layers) v.delta.push_back(delta[k].view());
    if (u) v.u.push_back((*u)[k].view());
  }
  return v;
}

namespace {
// [delta_k | u_k] per example; with one output u_k is l'/|B| times delta_k and is not sent.
std::int64_t signalWidth(const Network& model, int k, bool withLossSignals) {
  const std::int64_t outputs = model.outputs();
  return (outputs == 1 || !withLossSignals ? outputs : outputs + 1) * model.layer(k).outputWidth();
}
}  // namespace

std::vector<std::int64_t> GatheredFeatures::arrayWidths(const Network& model, bool withLossSignals) {
  std::vector<std::int64_t> widths;
  for (int k = 0; k < model.layers(); ++k) widths.push_back(model.layer(k).inputWidth());
  for (int k = 0; k + 1 < model.layers(); ++k) widths.push_back(signalWidth(model, k, withLossSignals));
  if (withLossSignals) widths.push_back(model.outputs());
  return widths;
}

std::int64_t GatheredFeatures::valuesPerExample(const Network& model) {
  const auto widths = arrayWidths(model);
  return std::accumulate(widths.begin(), widths.end(), std::int64_t{0});
}

GatheredFeatures::GatheredFeatures(const Network& model, const Partition& rows, const Forward& fwd,
                                   const std::vector<Matrix>& delta, const std::vector<Matrix>* u,
                                   bool withLossSignals) {
  const int layers = model.layers();
  const std::int64_t outputs = model.outputs();
  const std::int64_t n = rows.localRows();
  PK_ASSERT(fwd.h[0].rows() == n, "GatheredFeatures: block rows differ from the partition");
  // One allgather per array, straight into its final place: h_k are already contiguous;
  // [delta_k | u_k] is packed row by row first (u is zero without loss signals, and
  // left out for one output, where the kernel tile scaled by l'_i / |B| replaces it).
  const bool withHiddenU = outputs > 1 && withLossSignals;
  const std::vector<std::int64_t> widths = arrayWidths(model, withLossSignals);
  for (int k = 0; k < layers; ++k)
    arrays_.push_back(allgatherRows(rows, fwd.h[static_cast<std::size_t>(k)].data(), model.layer(k).inputWidth()));
  for (int k = 0; k + 1 < layers; ++k) {
    const std::int64_t signal = outputs * model.layer(k).outputWidth();
    const std::int64_t width = widths[static_cast<std::size_t>(layers + k)];
    std::vector<double> packed(static_cast<std::size_t>(n * width), 0.0);
    for (std::int64_t r = 0; r < n; ++r) {
      const double* d = delta[static_cast<std::size_t>(k)].row(r);
      std::copy(d, d + signal, &packed[static_cast<std::size_t>(r * width)]);
      if (u && withHiddenU) {
        const double* ur = (*u)[static_cast<std::size_t>(k)].row(r);
        std::copy(ur, ur + model.layer(k).outputWidth(), &packed[static_cast<std::size_t>(r * width + signal)]);
      }
    }
    arrays_.push_back(allgatherRows(rows, packed.data(), width));
  }
  if (withLossSignals) {
    const Matrix noSignal(n, outputs);
    arrays_.push_back(allgatherRows(rows, (u ? (*u)[static_cast<std::size_t>(layers) - 1] : noSignal).data(), outputs));
  }

  const std::int64_t all = rows.globalRows();
  view_.rows = all;
  std::size_t next = 0;
  for (int k = 0; k < layers; ++k, ++next) view_.h.push_back(denseView(arrays_[next].data(), all, widths[next]));
  for (int k = 0; k + 1 < layers; ++k, ++next) {
    const std::int64_t signal = outputs * model.layer(k).outputWidth();
    view_.delta.push_back({arrays_[next].data(), all, signal, widths[next]});
    if (withLossSignals)
      view_.u.push_back(withHiddenU
                            ? ConstView{arrays_[next].data() + signal, all, model.layer(k).outputWidth(), widths[next]}
                            : ConstView{});
  }
  if (withLossSignals) view_.u.push_back(denseView(arrays_[next].data(), all, outputs));
}

}  // namespace pk

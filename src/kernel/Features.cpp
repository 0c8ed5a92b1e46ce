#include "kernel/Features.hpp"

#include <algorithm>

#include "core/Error.hpp"

namespace pk {

QueryFeatures::QueryFeatures(const Mlp& model, const double* w, const Matrix& x)
    : fwd_(model.forward(w, x)), delta_(model.outputSignals(w, fwd_)) {}

FeatureView QueryFeatures::view() const {
  return viewOf(fwd_, delta_, nullptr);
}

FeatureView viewOf(const Forward& fwd, const std::vector<Matrix>& delta, const std::vector<Matrix>* u) {
  FeatureView v;
  v.rows = fwd.h[0].rows();
  const std::size_t layers = fwd.z.size();
  for (std::size_t k = 0; k < layers; ++k) {
    v.h.push_back({fwd.h[k].data(), fwd.h[k].cols()});
    if (k + 1 < layers) v.delta.push_back({delta[k].data(), delta[k].cols()});
    if (u) v.u.push_back({(*u)[k].data(), (*u)[k].cols()});
  }
  return v;
}

GatheredFeatures::GatheredFeatures(const Mlp& model, const Partition& rows, const Forward& fwd,
                                   const std::vector<Matrix>& delta, const std::vector<Matrix>* u) {
  const int layers = model.layers();
  const std::int64_t outputs = model.outputs();
  // Column layout of one packed row: h_0..h_{L-1}, then [delta_k | u_k] for k < L-1, then u_{L-1}.
  std::vector<std::int64_t> widths;
  for (int k = 0; k < layers; ++k) widths.push_back(model.width(k));
  for (int k = 0; k + 1 < layers; ++k) widths.push_back((outputs + 1) * model.width(k + 1));
  widths.push_back(outputs);
  std::int64_t total = 0;
  for (auto w : widths) total += w;

  const std::int64_t n = rows.localRows();
  PK_ASSERT(fwd.h[0].rows() == n, "GatheredFeatures: block rows differ from the partition");
  std::vector<double> packed(static_cast<std::size_t>(n * total), 0.0);
  std::int64_t column = 0;
  auto pack = [&](const Matrix* m, std::int64_t width) {
    if (m)
      for (std::int64_t r = 0; r < n; ++r) std::copy(m->row(r), m->row(r) + width, &packed[r * total + column]);
    column += width;  // without m (no u: tangent kernels only) the columns stay zero
  };
  for (int k = 0; k < layers; ++k) pack(&fwd.h[static_cast<std::size_t>(k)], model.width(k));
  for (int k = 0; k + 1 < layers; ++k) {
    pack(&delta[static_cast<std::size_t>(k)], outputs * model.width(k + 1));
    pack(u ? &(*u)[static_cast<std::size_t>(k)] : nullptr, model.width(k + 1));
  }
  pack(u ? &(*u)[static_cast<std::size_t>(layers) - 1] : nullptr, outputs);
  const std::vector<double> all = allgatherRows(rows, packed.data(), total);

  // Unpack into one contiguous array per column block, so that GEMMs see small leading dimensions.
  const std::int64_t nAll = rows.globalRows();
  column = 0;
  for (auto width : widths) {
    std::vector<double> block(static_cast<std::size_t>(nAll * width));
    for (std::int64_t r = 0; r < nAll; ++r)
      std::copy(&all[r * total + column], &all[r * total + column] + width, &block[r * width]);
    arrays_.push_back(std::move(block));
    column += width;
  }
  view_.rows = nAll;
  view_.deltaThenU = true;
  std::size_t next = 0;
  for (int k = 0; k < layers; ++k, ++next) view_.h.push_back({arrays_[next].data(), widths[next]});
  for (int k = 0; k + 1 < layers; ++k, ++next) {
    view_.delta.push_back({arrays_[next].data(), widths[next]});
    view_.u.push_back({arrays_[next].data() + outputs * model.width(k + 1), widths[next]});
  }
  view_.u.push_back({arrays_[next].data(), outputs});
}

}  // namespace pk

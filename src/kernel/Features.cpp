#include "kernel/Features.hpp"

#include <algorithm>

#include "core/Error.hpp"

namespace pk {

QueryFeatures::QueryFeatures(const Mlp& model, const double* w, const Matrix& x)
    : fwd_(model.forward(w, x)), delta_(model.outputSignals(w, fwd_)) {}

FeatureView QueryFeatures::view() const { return viewOf(fwd_, delta_, nullptr); }

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
  // Column layout of one packed row: h_0..h_{L-1}, delta_0..delta_{L-2}, u_0..u_{L-1}.
  std::vector<std::int64_t> widths;
  for (int k = 0; k < layers; ++k) widths.push_back(model.width(k));
  for (int k = 0; k + 1 < layers; ++k) widths.push_back(model.outputs() * model.width(k + 1));
  for (int k = 0; k < layers; ++k) widths.push_back(model.width(k + 1));
  std::int64_t total = 0;
  for (auto w : widths) total += w;

  const std::int64_t n = rows.localRows();
  PK_ASSERT(fwd.h[0].rows() == n, "GatheredFeatures: block rows differ from the partition");
  std::vector<double> packed(static_cast<std::size_t>(n * total), 0.0);
  std::int64_t column = 0;
  auto pack = [&](const Matrix& m) {
    for (std::int64_t r = 0; r < n; ++r) std::copy(m.row(r), m.row(r) + m.cols(), &packed[r * total + column]);
    column += m.cols();
  };
  for (int k = 0; k < layers; ++k) pack(fwd.h[static_cast<std::size_t>(k)]);
  for (int k = 0; k + 1 < layers; ++k) pack(delta[static_cast<std::size_t>(k)]);
  for (int k = 0; k < layers; ++k) {
    if (u) pack((*u)[static_cast<std::size_t>(k)]);
    else column += model.width(k + 1);
  }
  all_ = allgatherRows(rows, packed.data(), total);

  view_.rows = rows.globalRows();
  column = 0;
  std::size_t next = 0;
  auto block = [&]() {
    Block b{all_.data() + column, total};
    column += widths[next++];
    return b;
  };
  for (int k = 0; k < layers; ++k) view_.h.push_back(block());
  for (int k = 0; k + 1 < layers; ++k) view_.delta.push_back(block());
  for (int k = 0; k < layers; ++k) view_.u.push_back(block());
}

}  // namespace pk

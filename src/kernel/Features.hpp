#pragma once
// The per-example quantities from which the structured tangent kernel is
// built, for a block of examples at one parameter vector:
//   h[k]     inputs of layer k                      [n, in_k]
//   delta[k] df_c/dz_k for each output c            [n, C * out_k]  (k < L-1)
//   u[k]     sum_c seed_c df_c/dz_k (training side)  [n, out_k]
// with in_k and out_k layer k's inputWidth() and outputWidth() (model/Layer.hpp):
// every layer kind's terms read these. Layer L-1's delta is the identity and is
// never stored.
//
// A FeatureView holds views (core/MatrixView.hpp) into row-major storage with
// a leading dimension, so the training side of all N examples can live in one
// gathered buffer.
#include <cstdint>
#include <vector>

#include "core/Partition.hpp"
#include "model/Network.hpp"

namespace pk {

struct FeatureView {
  std::int64_t rows = 0;
  // u empty on the query side. On the gathered training side with one output, u[k] for
  // k < L-1 is an empty view: only u[L-1] = l'_i / |B| is needed (see TileAccumulator.hpp).
  std::vector<ConstView> h, delta, u;
};

/// Query-side features of n examples at one parameter vector (owns its storage).
class QueryFeatures {
 public:
  QueryFeatures(const Network& model, const double* w, const Matrix& x);
  const Forward& forward() const { return fwd_; }
  const std::vector<Matrix>& delta() const { return delta_; }
  FeatureView view() const;

 private:
  Forward fwd_;
  std::vector<Matrix> delta_;
};

/// Builds a view over already computed forward/backward results.
FeatureView viewOf(const Forward& fwd, const std::vector<Matrix>& delta, const std::vector<Matrix>* u);

/// All N training examples' features, gathered from every rank's block with one
/// MPI_Allgatherv per array, straight into per-layer storage: h_k [N, in_k],
/// [delta_k | u_k] [N, (C+1) out_k] for k < L-1 (delta_k alone, [N, out_k],
/// for one output), and u_{L-1} [N, C].
class GatheredFeatures {
 public:
  /// Collective. `u` may be null (then u is zero: tangent kernels only). Without
  /// loss signals only h_k and delta_k are gathered (query points: view().u is empty).
  GatheredFeatures(const Network& model, const Partition& rows, const Forward& fwd, const std::vector<Matrix>& delta,
                   const std::vector<Matrix>* u, bool withLossSignals = true);
  const FeatureView& view() const { return view_; }

  /// Width of each gathered array, in order: h_k (k < L), [delta_k | u_k] (k < L-1), u_{L-1}.
  static std::vector<std::int64_t> arrayWidths(const Network& model, bool withLossSignals = true);
  /// Doubles held per training example (every rank holds them for all N).
  static std::int64_t valuesPerExample(const Network& model);

 private:
  std::vector<std::vector<double>> arrays_;  // one contiguous array per layer and kind
  FeatureView view_;
};

}  // namespace pk

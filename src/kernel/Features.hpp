#pragma once
// The per-example quantities from which the structured tangent kernel is
// built, for a block of examples at one parameter vector:
//   h[k]     inputs of layer k                      [n, in_k]
//   delta[k] df_c/dz_k for each output c            [n, C * out_k]  (k < L-1)
// with in_k and out_k layer k's inputWidth() and outputWidth() (model/Layer.hpp):
// every layer kind's terms read these. Layer L-1's delta is the identity and is
// never stored.
//
// A FeatureView holds views (core/MatrixView.hpp) into row-major storage with
// a leading dimension. It is the query side of the tile loop (this rank's own
// query rows); the training side is what each layer kind chose to gather
// (kernel/TrainingSide.hpp), which for dense layers is these same features.
#include <cstdint>
#include <vector>

#include "core/Partition.hpp"
#include "model/Network.hpp"

namespace pk {

class TrainingSide;

struct FeatureView {
  std::int64_t rows = 0;
  std::vector<ConstView> h, delta;
  // Set when these rows are the training side's rows [sideRow, sideRow + rows) at the very
  // parameters it was built at (the left rule's training queries): a kind that gathered
  // something else than its features (conv: per-example gradients) reads its query values
  // there instead of forming them again, bit for bit the same. h and delta of such a kind
  // may then be empty.
  const TrainingSide* side = nullptr;
  std::int64_t sideRow = 0;
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
FeatureView viewOf(const Forward& fwd, const std::vector<Matrix>& delta);

/// h_k and delta_k of every row of a query set, gathered from every rank's block with
/// one MPI_Allgatherv per array: the query features the attribution of optimizers with
/// memory contracts with this rank's examples' directions (DirectionAttribution).
/// The training side of the tile loop is not this: each layer kind chooses its own
/// (kernel/TrainingSide.hpp).
class GatheredFeatures {
 public:
  /// Collective.
  GatheredFeatures(const Network& model, const Partition& rows, const Forward& fwd, const std::vector<Matrix>& delta);
  const FeatureView& view() const { return view_; }

 private:
  std::vector<std::vector<double>> arrays_;  // one contiguous array per layer and kind
  FeatureView view_;
};

}  // namespace pk

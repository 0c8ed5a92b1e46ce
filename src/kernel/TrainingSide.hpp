#pragma once
// The training side of the tile loop: what each layer kind holds of all N
// training examples, gathered once per step from every rank's own rows. The
// kind chooses (LayerKernel::trainingSide in kernel/LayerTerm.hpp):
//   dense    its input h_k [N, in_k] and output signals [delta_k | u_k]
//            [N, (C+1) out_k] (delta_k alone for one output, or when no
//            contributions are wanted), from which its terms form the
//            structured Gram products without any per-example gradient;
//   conv     its parameter gradients, materialised for this rank's own rows
//            once per step and then gathered: [G_1 .. G_C | U] [N, (C+1) P]
//            (G_c for output c's signals, U for the loss-weighted signals u,
//            which only contributions with C > 1 need), P = K C_in k^2 + K
//            values per signal instead of its input image and output signals;
//   pooling  nothing (it has no parameters).
// Beside the layers, the output's loss signals u_{L-1} = l'_i / |B| [N, C] are
// gathered once: the output layer's term and the tile loop's scaled kernel
// tile (one output) read them.
//
// Every rank holds the whole training side, 8 N valuesPerExample bytes, the
// same on every rank: docs/LIMITS.md (Memory) states the bound and
// docs/DECISIONS.md why it is gathered rather than passed round a ring.
#include <cstdint>
#include <vector>

#include "core/Matrix.hpp"
#include "core/MatrixView.hpp"
#include "core/Partition.hpp"
#include "kernel/Features.hpp"
#include "model/Network.hpp"

namespace pk {

/// This rank's own training rows at one parameter vector: what each kind builds its side from.
struct OwnRows {
  const Partition& rows;
  const Forward& fwd;                // h[k] [n, in_k]
  const std::vector<Matrix>& delta;  // output signals [n, C out_k] (k < L-1)
  const std::vector<Matrix>* u;      // loss signals [n, out_k], or null (then zero)
  // Per-example gradients of the C outputs [n, C P_k] of layers that form them, where the
  // trainer already did (StepRecord::trainGradients), or null: then they are formed here.
  const std::vector<Matrix>* gradients = nullptr;
};

/// One layer's part of the training side: all N rows of what its kind gathered.
struct LayerSide {
  std::vector<std::vector<double>> arrays;  // the storage, one row-major [N, width] array each
  // A kind that gathers its features (dense): its input and output signals (and loss
  // signals for C > 1 with contributions), views into `arrays`.
  ConstView h, delta, u;
  // A kind that gathers something else (conv: its gradients G and U), views into `arrays`.
  std::vector<ConstView> other;
};

class TrainingSide {
 public:
  /// Collective. `withLossSignals`: contributions are wanted, so every kind also gathers
  /// what they need (from `own.u`, zero when it is null), and u_{L-1} is gathered.
  TrainingSide(const Network& model, const OwnRows& own, bool withLossSignals);
  // Its query view points back at it.
  TrainingSide(const TrainingSide&) = delete;
  TrainingSide& operator=(const TrainingSide&) = delete;

  std::int64_t rows() const { return rows_; }
  bool withLossSignals() const { return withLossSignals_; }
  const LayerSide& layer(int k) const { return layers_[static_cast<std::size_t>(k)]; }
  /// u_{L-1} [N, C] (l'_i / |B| per output), or an empty view without loss signals.
  const ConstView& lossSignal() const { return lossSignal_; }
  /// h_k and delta_k of every layer when every kind gathered them (a dense network): then the
  /// training side also serves as the gathered query features of the training rows. Else null.
  const FeatureView* features() const { return hasFeatures_ ? &features_ : nullptr; }
  /// All N training rows as query rows at the side's parameters, for any network: the
  /// features of the kinds that gathered them, and FeatureView::side for the others
  /// (conv: their gradients are read here, not formed again).
  const FeatureView& asQueries() const { return queries_; }

  /// Doubles held per training example (every rank holds them for all N).
  std::int64_t valuesPerExample() const;
  /// The same, predicted from the kinds before anything is gathered (the memory estimate).
  static std::int64_t valuesPerExample(const Network& model, bool withLossSignals);

 private:
  std::int64_t rows_ = 0;
  bool withLossSignals_ = false;
  std::vector<LayerSide> layers_;
  std::vector<double> lossSignalArray_;
  ConstView lossSignal_;
  bool hasFeatures_ = false;
  FeatureView features_, queries_;
};

}  // namespace pk

#include "kernel/ConvTerms.hpp"

#include <algorithm>

#include "core/Blas.hpp"
#include "core/Error.hpp"
#include "kernel/ConvDirections.hpp"

namespace pk {

Matrix convGradients(const ConvLayer& layer, const ConstView& input, const ConstView& delta, std::int64_t signals) {
  Matrix gradients(input.rows, signals * layer.parameterCount());
  layer.exampleGradients(input, delta, signals, gradients.view());
  return gradients;
}

ConstView queryGradients(const ConvLayer& layer, int k, const FeatureView& queries, std::int64_t x0, std::int64_t nx,
                         std::int64_t outputs, Matrix& storage) {
  const auto kk = static_cast<std::size_t>(k);
  if (queries.side) {
    // The same function of the same rows gave these (gathered bit for bit): not formed again.
    const ConstView& all = queries.side->layer(k).other.at(0);
    PK_ASSERT(all.cols == outputs * layer.parameterCount() && queries.sideRow + x0 + nx <= all.rows,
              "queryGradients: the training side does not hold these rows");
    return all.rowBlock(queries.sideRow + x0, nx);
  }
  storage = convGradients(layer, queries.h[kk].rowBlock(x0, nx), queries.delta[kk].rowBlock(x0, nx), outputs);
  return storage.view();
}

namespace {

// A conv layer's share of a tile, from the materialised gradients of both sides.
class ConvTerm : public LayerTerm {
 public:
  // The query rows' gradients are materialised here, once per call of the tile loop (they
  // change with the query set and the Gauss node), unless the training side holds them; the
  // training rows' were gathered once per step.
  ConvTerm(const ConvLayer& layer, std::int64_t outputs, int k, const FeatureView& query, const LayerSide& train)
      : outputs_(outputs),
        per_(layer.parameterCount()),
        queryView_(queryGradients(layer, k, query, 0, query.rows, outputs, query_)),
        train_(train.other.at(0)),
        lossGradients_(train.other.at(1)) {}

  double addTo(const TileRange& t, TileScratch& /*scratch*/, const TileSums& sums) const override {
    double flops = 0.0;
    const std::int64_t width = outputs_ * per_;
    if (sums.kernel) {
      // kernel (column-major [nr, nj]) += sum_c G_c(x_i) . G_c(x): one GEMM over every output's gradient.
      blas::gemmNT(1.0, train_.rowBlock(t.j0, t.nj), queryView_.rowBlock(t.r0, t.nr), 1.0,
                   denseView(sums.kernel, t.nj, t.nr));
      flops += 2.0 * static_cast<double>(t.cells() * width);
    }
    for (std::int64_t o = 0; o < static_cast<std::int64_t>(sums.contrib.size()); ++o) {
      const ConstView queryOutput{queryView_.row(t.r0) + o * per_, t.nr, per_, queryView_.ld};
      PK_ASSERT(!lossGradients_.empty(), "ConvTerm: contributions need the training side's loss gradients");
      blas::gemmNT(1.0, lossGradients_.rowBlock(t.j0, t.nj), queryOutput, 1.0,
                   denseView(sums.contrib[static_cast<std::size_t>(o)], t.nj, t.nr));
      flops += 2.0 * static_cast<double>(t.cells() * per_);
    }
    return flops;
  }
  std::int64_t productValues(std::int64_t) const override { return 0; }

 private:
  std::int64_t outputs_, per_;
  Matrix query_;                                 // formed here, or empty when read from the training side
  ConstView queryView_, train_, lossGradients_;  // [N, C P] and [N, P] (or empty), in the gathered training side
};

// A layer without parameters adds nothing to a tile.
class NoTerm : public LayerTerm {
 public:
  double addTo(const TileRange&, TileScratch&, const TileSums&) const override { return 0.0; }
  std::int64_t productValues(std::int64_t) const override { return 0; }
};

class ConvKernel : public LayerKernel {
 public:
  ConvKernel(const ConvLayer& layer, std::int64_t outputs) : layer_(layer), outputs_(outputs) {}
  // Its gradients, not its features: [G_1 .. G_C | U] per example (U only for C > 1 with
  // contributions), formed from this rank's own rows once per step and gathered with one
  // allgather. P values per signal, where its input and output signals are C_in H W + C K H' W'.
  LayerSide trainingSide(int k, bool last, const OwnRows& own, bool withLossSignals) const override {
    PK_ASSERT(!last, "a conv layer is never the output layer");
    const auto kk = static_cast<std::size_t>(k);
    const std::int64_t n = own.rows.localRows(), all = own.rows.globalRows(), per = layer_.parameterCount();
    const std::int64_t width = trainingValues(last, withLossSignals), signals = outputs_ * per;
    Matrix mine(n, width);
    const ConstView input = own.fwd.h[kk].view();
    const Matrix* formed = own.gradients && kk < own.gradients->size() ? &(*own.gradients)[kk] : nullptr;
    if (formed && formed->size() > 0) {
      PK_ASSERT(formed->rows() == n && formed->cols() == signals, "trainingSide: the given gradients' shape");
      for (std::int64_t r = 0; r < n; ++r) std::copy_n(formed->row(r), signals, mine.row(r));
    } else {
      layer_.exampleGradients(input, own.delta[kk].view(), outputs_, {mine.data(), n, signals, width});
    }
    if (width > signals && own.u)
      layer_.exampleGradients(input, (*own.u)[kk].view(), 1, {mine.data() + signals, n, per, width});
    LayerSide side;
    side.arrays.push_back(allgatherRows(own.rows, mine.data(), width));
    const double* gathered = side.arrays[0].data();
    side.other.push_back({gathered, all, signals, width});
    side.other.push_back(width > signals ? ConstView{gathered + signals, all, per, width} : ConstView{});
    return side;
  }
  std::int64_t trainingValues(bool, bool withLossSignals) const override {
    return (outputs_ > 1 && withLossSignals ? outputs_ + 1 : outputs_) * layer_.parameterCount();
  }
  std::int64_t queryValues() const override { return outputs_ * layer_.parameterCount(); }
  std::unique_ptr<LayerTerm> term(int k, bool last, const FeatureView& query,
                                  const TrainingSide& train) const override {
    PK_ASSERT(!last, "a conv layer is never the output layer");
    return std::make_unique<ConvTerm>(layer_, outputs_, k, query, train.layer(k));
  }
  // A first conv layer's Gamma runs over its output positions (docs/THEORY.md, Superposition).
  bool supportsSuperposition() const override { return true; }
  double signalScale() const override { return layer_.scale(); }
  std::unique_ptr<LayerDirections> directions(const DirectionShape& shape) const override {
    return convDirections(layer_, shape);
  }

 private:
  const ConvLayer& layer_;
  std::int64_t outputs_;
};

class PoolKernel : public LayerKernel {
 public:
  // No parameters: nothing of the training rows is needed.
  LayerSide trainingSide(int, bool, const OwnRows&, bool) const override { return {}; }
  std::int64_t trainingValues(bool, bool) const override { return 0; }
  std::int64_t queryValues() const override { return 0; }
  std::unique_ptr<LayerTerm> term(int, bool, const FeatureView&, const TrainingSide&) const override {
    return std::make_unique<NoTerm>();
  }
  bool supportsSuperposition() const override { return false; }
  double signalScale() const override { return 1.0; }
  std::unique_ptr<LayerDirections> directions(const DirectionShape&) const override { return noDirections(); }
};

}  // namespace

std::unique_ptr<LayerKernel> convKernel(const ConvLayer& layer, std::int64_t outputs) {
  return std::make_unique<ConvKernel>(layer, outputs);
}

std::unique_ptr<LayerKernel> poolKernel(const PoolLayer&) {
  return std::make_unique<PoolKernel>();
}

}  // namespace pk

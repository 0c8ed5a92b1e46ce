#include "kernel/DenseTerms.hpp"

#include <algorithm>

#include "core/Blas.hpp"
#include "core/Error.hpp"
#include "kernel/DenseDirections.hpp"

namespace pk {

namespace {

// The shared first factor of a dense layer: s_k^2 h_k(x_i).h_k(x) for every cell
// (the +1 is added where it is used). Returns the flops.
double layerInputFactor(const ConstView& trainH, const ConstView& queryH, double s2, const TileRange& t,
                        std::vector<double>& factor) {
  blas::gemmNT(s2, trainH.rowBlock(t.j0, t.nj), queryH.rowBlock(t.r0, t.nr), 0.0, denseView(factor.data(), t.nj, t.nr));
  return 2.0 * static_cast<double>(t.cells() * trainH.cols);
}

// A dense layer followed by a nonlinearity: its output signals df_c/dz_k are per example.
class HiddenLayerTerm : public LayerTerm {
 public:
  HiddenLayerTerm(const DenseLayer& layer, std::int64_t outputs, int k, const FeatureView& query,
                  const LayerSide& train)
      : s2_(layer.scale() * layer.scale()),
        outputs_(outputs),
        width_(layer.outputWidth()),
        queryH_(query.h[k]),
        trainH_(train.h),
        queryDelta_(query.delta[k]),
        trainDelta_(train.delta),
        trainU_(train.u) {}

  double addTo(const TileRange& t, TileScratch& scratch, const TileSums& sums) const override {
    double flops = layerInputFactor(trainH_, queryH_, s2_, t, scratch.factor);
    const double* factor = scratch.factor.data();
    double* product = scratch.product.data();
    const std::int64_t cells = t.cells();
    if (sums.kernel) {
      blas::gemmNT(1.0, trainDelta_.rowBlock(t.j0, t.nj), queryDelta_.rowBlock(t.r0, t.nr), 0.0,
                   denseView(product, t.nj, t.nr));
      flops += 2.0 * static_cast<double>(cells * outputs_ * width_);
      for (std::int64_t e = 0; e < cells; ++e) sums.kernel[e] += product[e] * (factor[e] + 1.0);
    }
    if (!sums.contrib.empty()) flops += addContributions(t, factor, product, sums);
    return flops;
  }
  std::int64_t productValues(std::int64_t cells) const override { return cells * outputs_; }

 private:
  // All outputs in one GEMM: a query row's C signals are C consecutive rows of width `width_`.
  double addContributions(const TileRange& t, const double* factor, double* product, const TileSums& sums) const {
    PK_ASSERT(queryDelta_.ld == outputs_ * width_, "LayerTerm: query signals must be contiguous");
    const ConstView querySignals{queryDelta_.row(t.r0), t.nr * outputs_, width_, width_};
    blas::gemmNT(1.0, trainU_.rowBlock(t.j0, t.nj), querySignals, 0.0, denseView(product, t.nj, t.nr * outputs_));
    for (std::int64_t o = 0; o < outputs_; ++o) {
      double* acc = sums.contrib[static_cast<std::size_t>(o)];
      for (std::int64_t j = 0; j < t.nj; ++j) {
        const double* q = product + j * t.nr * outputs_;
        const std::int64_t col = j * t.nr;
        for (std::int64_t r = 0; r < t.nr; ++r) acc[col + r] += q[r * outputs_ + o] * (factor[col + r] + 1.0);
      }
    }
    return 2.0 * static_cast<double>(t.cells() * outputs_ * width_);
  }

  double s2_;
  std::int64_t outputs_, width_;
  ConstView queryH_, trainH_, queryDelta_, trainDelta_, trainU_;
};

// The last dense layer: df_c/dz_{L-1} is the identity, so the output trace is C and
// output c's contribution is u_{L-1}(x_i)_c = l'_ic / |B| times the factor.
class OutputLayerTerm : public LayerTerm {
 public:
  OutputLayerTerm(const DenseLayer& layer, std::int64_t outputs, int k, const FeatureView& query,
                  const TrainingSide& train)
      : s2_(layer.scale() * layer.scale()),
        outputs_(outputs),
        queryH_(query.h[k]),
        trainH_(train.layer(k).h),
        lossSignal_(train.lossSignal()) {}

  double addTo(const TileRange& t, TileScratch& scratch, const TileSums& sums) const override {
    const double flops = layerInputFactor(trainH_, queryH_, s2_, t, scratch.factor);
    const double* factor = scratch.factor.data();
    if (sums.kernel) {
      const double c = static_cast<double>(outputs_);
      for (std::int64_t e = 0; e < t.cells(); ++e) sums.kernel[e] += c * (factor[e] + 1.0);
    }
    for (std::int64_t o = 0; o < static_cast<std::int64_t>(sums.contrib.size()); ++o) {
      double* acc = sums.contrib[static_cast<std::size_t>(o)];
      for (std::int64_t j = 0; j < t.nj; ++j) {
        const double u = lossSignal_.row(t.j0 + j)[o];
        for (std::int64_t r = 0; r < t.nr; ++r) acc[j * t.nr + r] += u * (factor[j * t.nr + r] + 1.0);
      }
    }
    return flops;
  }
  std::int64_t productValues(std::int64_t) const override { return 0; }

 private:
  double s2_;
  std::int64_t outputs_;
  ConstView queryH_, trainH_, lossSignal_;
};

class DenseKernel : public LayerKernel {
 public:
  DenseKernel(const DenseLayer& layer, std::int64_t outputs) : layer_(layer), outputs_(outputs) {}

  // Its input h_k, and below the output layer its signals [delta_k | u_k] packed row by row
  // (u_k only for C > 1 with contributions: for one output the tile loop scales the kernel tile
  // by l'_i / |B| instead), one allgather each.
  LayerSide trainingSide(int k, bool last, const OwnRows& own, bool withLossSignals) const override {
    const auto kk = static_cast<std::size_t>(k);
    const std::int64_t n = own.rows.localRows(), all = own.rows.globalRows(), width = layer_.outputWidth();
    LayerSide side;
    side.arrays.push_back(allgatherRows(own.rows, own.fwd.h[kk].data(), layer_.inputWidth()));
    side.h = denseView(side.arrays[0].data(), all, layer_.inputWidth());
    if (last) return side;
    const bool withU = hiddenLossSignals(withLossSignals);
    const std::int64_t signal = outputs_ * width, packedWidth = signalValues(withLossSignals);
    std::vector<double> packed(static_cast<std::size_t>(n * packedWidth), 0.0);
    for (std::int64_t r = 0; r < n; ++r) {
      const double* d = own.delta[kk].row(r);
      std::copy(d, d + signal, &packed[static_cast<std::size_t>(r * packedWidth)]);
      if (own.u && withU) {
        const double* ur = (*own.u)[kk].row(r);
        std::copy(ur, ur + width, &packed[static_cast<std::size_t>(r * packedWidth + signal)]);
      }
    }
    side.arrays.push_back(allgatherRows(own.rows, packed.data(), packedWidth));
    side.delta = {side.arrays[1].data(), all, signal, packedWidth};
    if (withU) side.u = {side.arrays[1].data() + signal, all, width, packedWidth};
    return side;
  }
  std::int64_t trainingValues(bool last, bool withLossSignals) const override {
    return layer_.inputWidth() + (last ? 0 : signalValues(withLossSignals));
  }
  std::int64_t queryValues() const override { return 0; }
  std::unique_ptr<LayerTerm> term(int k, bool last, const FeatureView& query,
                                  const TrainingSide& train) const override {
    if (last) return std::make_unique<OutputLayerTerm>(layer_, outputs_, k, query, train);
    return std::make_unique<HiddenLayerTerm>(layer_, outputs_, k, query, train.layer(k));
  }
  bool supportsSuperposition() const override { return true; }
  double signalScale() const override { return layer_.scale(); }
  std::unique_ptr<LayerDirections> directions(const DirectionShape& shape) const override {
    return denseDirections(layer_, shape);
  }

 private:
  bool hiddenLossSignals(bool withLossSignals) const { return outputs_ > 1 && withLossSignals; }
  std::int64_t signalValues(bool withLossSignals) const {
    return (hiddenLossSignals(withLossSignals) ? outputs_ + 1 : outputs_) * layer_.outputWidth();
  }

  const DenseLayer& layer_;
  std::int64_t outputs_;
};

}  // namespace

std::unique_ptr<LayerKernel> denseKernel(const DenseLayer& layer, std::int64_t outputs) {
  return std::make_unique<DenseKernel>(layer, outputs);
}

}  // namespace pk

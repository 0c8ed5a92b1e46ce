#include "kernel/TileAccumulator.hpp"

#include <algorithm>
#include <memory>

#include "core/Error.hpp"

namespace pk {

namespace {

// 512 x 128 doubles = 512 KB per tile buffer: the working set of a layer stays in L2.
// Tall tiles because every step reads and writes the stored kernel blocks, which are
// column-major: a tile column is then up to 4 KB of consecutive memory (the whole column
// when a rank owns <= 512 rows), which the prefetcher streams. Tiles of 128 x 256 wrote
// 1 KB pieces 4 KB apart and made a step at N = 1024, hidden 64,64 about 20% slower.
constexpr std::int64_t kRowTile = 512;
constexpr std::int64_t kColTile = 128;

// What one call accumulates, and how: decided once, before the tile loop.
struct Plan {
  bool wantKernel = false;    // the kernel matrix is a target
  bool wantContrib = false;   // contributions or their row sums are targets
  bool scaledKernel = false;  // C = 1: the contribution tile is the kernel tile scaled per column
  bool kernelTile() const { return wantKernel || (wantContrib && scaledKernel); }
  bool contribTiles() const { return wantContrib && !scaledKernel; }
};

// Sizes the workspace (the product scratch as the largest need of the layers) and points the tile sums at it.
TileSums prepare(const Plan& plan, std::int64_t outputs, const std::vector<std::unique_ptr<LayerTerm>>& terms,
                 TileWorkspace& w) {
  const auto tileSize = static_cast<std::size_t>(kRowTile * kColTile);
  std::int64_t product = 0;
  for (const auto& term : terms) product = std::max(product, term->productValues(kRowTile * kColTile));
  w.layer.factor.resize(tileSize);
  if (w.layer.product.size() < static_cast<std::size_t>(product))
    w.layer.product.resize(static_cast<std::size_t>(product));
  w.kernelAcc.resize(tileSize);
  w.rowSum.resize(static_cast<std::size_t>(kRowTile));
  w.contribAcc.resize(plan.contribTiles() ? static_cast<std::size_t>(outputs) : 0);
  TileSums sums;
  if (plan.kernelTile()) sums.kernel = w.kernelAcc.data();
  for (auto& acc : w.contribAcc) {
    acc.resize(tileSize);
    sums.contrib.push_back(acc.data());
  }
  return sums;
}

void addToMatrix(const DenseRows::Local& target, const TileRange& t, double alpha, const double* acc) {
  double* a = target.data();
  const std::int64_t ld = target.ld();
  for (std::int64_t j = 0; j < t.nj; ++j)
    for (std::int64_t r = 0; r < t.nr; ++r) a[(t.r0 + r) + (t.j0 + j) * ld] += alpha * acc[j * t.nr + r];
}

// Column j of a contribution increment is acc[j] times scale(j): the kernel tile
// times l'_j / |B| for one output, the output's own contribution tile otherwise.
class ContributionTile {
 public:
  ContributionTile(const double* acc, const ConstView& lossSignal, bool scaled, std::int64_t j0)
      : acc_(acc), lossSignal_(lossSignal), scaled_(scaled), j0_(j0) {}
  double scale(std::int64_t j) const { return scaled_ ? lossSignal_.row(j0_ + j)[0] : 1.0; }

  void subtractFrom(const DenseRows::Local& target, const TileRange& t, double alpha) const {
    double* a = target.data();
    const std::int64_t ld = target.ld();
    for (std::int64_t j = 0; j < t.nj; ++j) {
      const double f = alpha * scale(j);
      for (std::int64_t r = 0; r < t.nr; ++r) a[(t.r0 + r) + (t.j0 + j) * ld] -= f * acc_[j * t.nr + r];
    }
  }

  // Row sums taken column by column: the tile is column-major, so this reads it in order
  // (a row at a time would stride by nr and miss the cache on every element).
  void subtractRowSums(Matrix& contribSum, std::int64_t output, const TileRange& t, double alpha,
                       std::vector<double>& rowSum) const {
    std::fill_n(rowSum.begin(), t.nr, 0.0);
    for (std::int64_t j = 0; j < t.nj; ++j) {
      const double f = scale(j);
      for (std::int64_t r = 0; r < t.nr; ++r) rowSum[r] += f * acc_[j * t.nr + r];
    }
    for (std::int64_t r = 0; r < t.nr; ++r) contribSum(t.r0 + r, output) -= alpha * rowSum[r];
  }

 private:
  const double* acc_;
  ConstView lossSignal_;
  bool scaled_;
  std::int64_t j0_;
};

// Each layer's share goes into its own tile first: added to its layer's matrix and
// to the tile's kernel sum (0 + x is exact, so the kernel is the same either way).
double addByLayer(const std::vector<std::unique_ptr<LayerTerm>>& terms, const TileRange& t, double alpha,
                  const TileSums& sums, const std::vector<std::unique_ptr<DenseRows::Local>>& layerLocal,
                  TileWorkspace& workspace) {
  double flops = 0.0;
  double* layer = workspace.layerAcc.data();
  for (std::size_t k = 0; k < terms.size(); ++k) {
    std::fill_n(layer, t.cells(), 0.0);
    flops += terms[k]->addTo(t, workspace.layer, TileSums{layer, sums.contrib});
    addToMatrix(*layerLocal[k], t, alpha, layer);
    for (std::int64_t e = 0; e < t.cells(); ++e) sums.kernel[e] += layer[e];
  }
  return flops;
}

}  // namespace

double accumulateTiles(const Network& model, const FeatureView& query, const TrainingSide& train, double alpha,
                       const TileTargets& targets, TileWorkspace& workspace) {
  const std::int64_t outputs = model.outputs();
  Plan plan;
  plan.wantKernel = targets.kernel != nullptr;
  plan.wantContrib = targets.contrib != nullptr || targets.contribSum != nullptr;
  // With one output the loss signal is a multiple of the output's own, u_k(x_i) = (l'_i / |B|) dz_k(x_i),
  // so the contribution of x_i is -(l'_i / |B|) times its kernel increment: the kernel's products
  // serve both, and only C > 1 needs products with u.
  plan.scaledKernel = outputs == 1;
  PK_ASSERT(!plan.wantContrib || train.withLossSignals(), "accumulateTiles: contributions need the loss signals");
  if (query.rows == 0 || train.rows() == 0 || (!plan.wantKernel && !plan.wantContrib)) return 0.0;

  const auto terms = layerTerms(model, query, train);
  const TileSums sums = prepare(plan, outputs, terms, workspace);
  std::unique_ptr<DenseRows::Local> kernelLocal;
  if (plan.wantKernel) kernelLocal = std::make_unique<DenseRows::Local>(targets.kernel->mat());
  std::vector<std::unique_ptr<DenseRows::Local>> layerLocal;
  if (targets.layerKernels) {
    PK_ASSERT(plan.wantKernel && targets.layerKernels->size() == terms.size(), "accumulateTiles: layer targets");
    for (auto& m : *targets.layerKernels) layerLocal.push_back(std::make_unique<DenseRows::Local>(m.mat()));
    workspace.layerAcc.resize(workspace.kernelAcc.size());
  }
  std::vector<std::unique_ptr<DenseRows::Local>> contribLocal;
  if (targets.contrib)
    for (auto& m : *targets.contrib) contribLocal.push_back(std::make_unique<DenseRows::Local>(m.mat()));
  const ConstView lossSignal = train.lossSignal();  // l'_i / |B| per output

  double flops = 0.0;
  TileRange t;
  for (t.r0 = 0; t.r0 < query.rows; t.r0 += kRowTile) {
    t.nr = std::min(kRowTile, query.rows - t.r0);
    for (t.j0 = 0; t.j0 < train.rows(); t.j0 += kColTile) {
      t.nj = std::min(kColTile, train.rows() - t.j0);
      if (sums.kernel) std::fill_n(sums.kernel, t.cells(), 0.0);
      for (double* acc : sums.contrib) std::fill_n(acc, t.cells(), 0.0);
      if (layerLocal.empty())
        for (const auto& term : terms) flops += term->addTo(t, workspace.layer, sums);
      else
        flops += addByLayer(terms, t, alpha, sums, layerLocal, workspace);

      if (plan.wantKernel) addToMatrix(*kernelLocal, t, alpha, sums.kernel);
      for (std::int64_t o = 0; plan.wantContrib && o < outputs; ++o) {
        const ContributionTile tile(plan.scaledKernel ? sums.kernel : sums.contrib[static_cast<std::size_t>(o)],
                                    lossSignal, plan.scaledKernel, t.j0);
        if (!contribLocal.empty()) tile.subtractFrom(*contribLocal[static_cast<std::size_t>(o)], t, alpha);
        if (targets.contribSum) tile.subtractRowSums(*targets.contribSum, o, t, alpha, workspace.rowSum);
      }
    }
  }
  return flops;
}

}  // namespace pk

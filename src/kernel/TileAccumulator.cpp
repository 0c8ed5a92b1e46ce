#include "kernel/TileAccumulator.hpp"

#include <algorithm>
#include <memory>

#include "core/Blas.hpp"
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
}  // namespace

double accumulateTiles(const Mlp& model, const FeatureView& query, const FeatureView& train, double alpha,
                       const TileTargets& targets, TileWorkspace& workspace) {
  const std::int64_t nq = query.rows;
  const std::int64_t nt = train.rows;
  const std::int64_t outputs = model.outputs();
  const int layers = model.layers();
  const bool wantKernel = targets.kernel != nullptr;
  const bool wantContrib = targets.contrib != nullptr || targets.contribSum != nullptr;
  PK_ASSERT(!wantContrib || !train.u.empty(), "accumulateTiles: contributions need the u features");
  if (nq == 0 || nt == 0 || (!wantKernel && !wantContrib)) return 0.0;
  // With one output the loss signal is a multiple of the output's own, u_k(x_i) = (l'_i / |B|) dz_k(x_i),
  // so the contribution of x_i is -(l'_i / |B|) times its kernel increment: the kernel's Gram products
  // serve both, and only C > 1 needs Gram products with u.
  const bool scaledKernel = outputs == 1;
  const bool needKernelTile = wantKernel || (wantContrib && scaledKernel);
  const bool needContribTiles = wantContrib && !scaledKernel;

  const std::size_t tileSize = static_cast<std::size_t>(kRowTile * kColTile);
  // `product` holds one tile per output. Every buffer is overwritten (GEMM with beta = 0)
  // or cleared per tile before it is read.
  auto& factor = workspace.factor;
  auto& kernelAcc = workspace.kernelAcc;
  auto& product = workspace.product;
  auto& contribAcc = workspace.contribAcc;
  auto& rowSum = workspace.rowSum;
  factor.resize(tileSize);
  kernelAcc.resize(tileSize);
  product.resize(tileSize * static_cast<std::size_t>(outputs));
  rowSum.resize(static_cast<std::size_t>(kRowTile));
  contribAcc.resize(needContribTiles ? static_cast<std::size_t>(outputs) : 0);
  for (auto& acc : contribAcc) acc.resize(tileSize);

  std::unique_ptr<DenseRows::Local> kernelLocal;
  if (wantKernel) kernelLocal = std::make_unique<DenseRows::Local>(targets.kernel->mat());
  std::vector<std::unique_ptr<DenseRows::Local>> contribLocal;
  if (targets.contrib)
    for (auto& m : *targets.contrib) contribLocal.push_back(std::make_unique<DenseRows::Local>(m.mat()));
  const Block lossSignal = train.u.empty() ? Block{} : train.u.back();  // l'_i / |B| per output

  double flops = 0.0;
  for (std::int64_t r0 = 0; r0 < nq; r0 += kRowTile) {
    const std::int64_t nr = std::min(kRowTile, nq - r0);
    for (std::int64_t j0 = 0; j0 < nt; j0 += kColTile) {
      const std::int64_t nj = std::min(kColTile, nt - j0);
      const std::int64_t cells = nr * nj;  // tiles are column-major [nr, nj], ld = nr
      if (needKernelTile) std::fill_n(kernelAcc.begin(), cells, 0.0);
      for (auto& acc : contribAcc) std::fill_n(acc.begin(), cells, 0.0);

      for (int k = 0; k < layers; ++k) {
        const std::int64_t in = model.width(k);
        const std::int64_t out = model.width(k + 1);
        const double s2 = model.scale(k) * model.scale(k);
        // factor' = s_k^2 h_k(x_i).h_k(x) (the +1 is added in the fused loops below)
        blas::gemmNT(nj, nr, in, s2, train.h[k].row(j0), train.h[k].ld, query.h[k].row(r0), query.h[k].ld, 0.0,
                     factor.data(), nr);
        flops += 2.0 * static_cast<double>(cells * in);
        if (k + 1 == layers) {
          // df_c/dz_{L-1} is the identity: the output trace is C, the contribution is u_L(x_i)_c.
          if (needKernelTile) {
            const double c = static_cast<double>(outputs);
            for (std::int64_t e = 0; e < cells; ++e) kernelAcc[e] += c * (factor[e] + 1.0);
          }
          for (std::int64_t o = 0; needContribTiles && o < outputs; ++o) {
            auto& acc = contribAcc[static_cast<std::size_t>(o)];
            for (std::int64_t j = 0; j < nj; ++j) {
              const double u = lossSignal.row(j0 + j)[o];
              for (std::int64_t r = 0; r < nr; ++r) acc[j * nr + r] += u * (factor[j * nr + r] + 1.0);
            }
          }
          continue;
        }
        if (needKernelTile) {
          blas::gemmNT(nj, nr, outputs * out, 1.0, train.delta[k].row(j0), train.delta[k].ld, query.delta[k].row(r0),
                       query.delta[k].ld, 0.0, product.data(), nr);
          flops += 2.0 * static_cast<double>(cells * outputs * out);
          for (std::int64_t e = 0; e < cells; ++e) kernelAcc[e] += product[e] * (factor[e] + 1.0);
        }
        if (needContribTiles) {
          // All outputs in one GEMM: the query rows' C signals are C consecutive rows of width `out`.
          PK_ASSERT(query.delta[k].ld == outputs * out, "accumulateTiles: query signals must be contiguous");
          blas::gemmNT(nj, nr * outputs, out, 1.0, train.u[k].row(j0), train.u[k].ld, query.delta[k].row(r0), out, 0.0,
                       product.data(), nr * outputs);
          flops += 2.0 * static_cast<double>(cells * outputs * out);
          for (std::int64_t o = 0; o < outputs; ++o) {
            auto& acc = contribAcc[static_cast<std::size_t>(o)];
            for (std::int64_t j = 0; j < nj; ++j) {
              const double* q = &product[static_cast<std::size_t>(j * nr * outputs)];
              const std::int64_t col = j * nr;
              for (std::int64_t r = 0; r < nr; ++r) acc[col + r] += q[r * outputs + o] * (factor[col + r] + 1.0);
            }
          }
        }
      }

      if (wantKernel) {
        double* a = kernelLocal->data();
        const std::int64_t ld = kernelLocal->ld();
        for (std::int64_t j = 0; j < nj; ++j)
          for (std::int64_t r = 0; r < nr; ++r) a[(r0 + r) + (j0 + j) * ld] += alpha * kernelAcc[j * nr + r];
      }
      for (std::int64_t o = 0; wantContrib && o < outputs; ++o) {
        // Column j of the increment is acc[j] times scale(j): the kernel tile times l'_j / |B|
        // for one output, the output's own contribution tile otherwise.
        const double* acc = scaledKernel ? kernelAcc.data() : contribAcc[static_cast<std::size_t>(o)].data();
        auto scale = [&](std::int64_t j) { return scaledKernel ? lossSignal.row(j0 + j)[0] : 1.0; };
        if (!contribLocal.empty()) {
          double* a = contribLocal[static_cast<std::size_t>(o)]->data();
          const std::int64_t ld = contribLocal[static_cast<std::size_t>(o)]->ld();
          for (std::int64_t j = 0; j < nj; ++j) {
            const double f = alpha * scale(j);
            for (std::int64_t r = 0; r < nr; ++r) a[(r0 + r) + (j0 + j) * ld] -= f * acc[j * nr + r];
          }
        }
        if (targets.contribSum) {
          // Row sums taken column by column: the tile is column-major, so this reads it in order
          // (a row at a time would stride by nr and miss the cache on every element).
          std::fill_n(rowSum.begin(), nr, 0.0);
          for (std::int64_t j = 0; j < nj; ++j) {
            const double f = scale(j);
            for (std::int64_t r = 0; r < nr; ++r) rowSum[r] += f * acc[j * nr + r];
          }
          for (std::int64_t r = 0; r < nr; ++r) (*targets.contribSum)(r0 + r, o) -= alpha * rowSum[r];
        }
      }
    }
  }
  return flops;
}

}  // namespace pk

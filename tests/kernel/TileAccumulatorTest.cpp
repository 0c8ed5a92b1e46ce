// The structured tangent kernel and contributions against the explicit-Jacobian
// kernel, for every activation x parameterization x loss, with the training side
// gathered with and without loss signals, and across every kind of tile edge.
#include <gtest/gtest.h>

#include <tuple>

#include "ModelCases.hpp"
#include "core/Partition.hpp"
#include "kernel/Features.hpp"
#include "kernel/TileAccumulator.hpp"
#include "kernel/TrainingSide.hpp"

namespace pk::test {
namespace {

class KernelTest : public ::testing::TestWithParam<std::tuple<Activation, Parameterization, Loss>> {};

TEST_P(KernelTest, StructuredKernelEqualsExplicitJacobianKernel) {
  const auto [a, p, loss] = GetParam();
  for (const auto& hidden : {std::vector<std::int64_t>{6, 5}, std::vector<std::int64_t>{}}) {
    Case c = makeCase(a, p, loss, hidden, 7);
    const Forward fwd = c.model.forward(c.w.data(), c.x);
    const auto delta = c.model.outputSignals(c.w.data(), fwd);
    Matrix seed = lossDerivative(loss, fwd.output(), c.y);
    const auto u = c.model.lossSignals(c.w.data(), fwd, seed);
    const std::int64_t n = c.x.rows(), outputs = c.model.outputs();

    // The structured accumulation on this rank alone (queries = training points).
    DenseRows kernel(MPI_COMM_SELF, n, n);
    std::vector<DenseRows> contrib;
    for (std::int64_t o = 0; o < outputs; ++o) contrib.emplace_back(MPI_COMM_SELF, n, n);
    Matrix sums(n, outputs);
    const double alpha = 0.7;
    const Partition self(MPI_COMM_SELF, n);
    const TrainingSide side(c.model, {self, fwd, delta, &u}, true);
    accumulateTiles(c.model, viewOf(fwd, delta), side, alpha, {&kernel, &contrib, &sums});
    // The training side gathered for kernels only (no loss signals: another layout for C > 1)
    // gives the same kernel; contributions from it are refused.
    DenseRows kernelOnly(MPI_COMM_SELF, n, n);
    const TrainingSide kernelSide(c.model, {self, fwd, delta, nullptr}, false);
    accumulateTiles(c.model, viewOf(fwd, delta), kernelSide, alpha, {&kernelOnly});
    EXPECT_ANY_THROW(accumulateTiles(c.model, viewOf(fwd, delta), kernelSide, alpha, {nullptr, &contrib}));
    std::vector<double> k1(static_cast<std::size_t>(n * n)), k2(k1.size());
    kernel.copyLocalRowMajor(k1.data());
    kernelOnly.copyLocalRowMajor(k2.data());
    for (std::size_t e = 0; e < k1.size(); ++e) EXPECT_NEAR(k1[e], k2[e], 1e-13 * std::max(1.0, std::abs(k1[e])));

    std::vector<Matrix> jac;
    for (std::int64_t r = 0; r < n; ++r) jac.push_back(c.model.jacobian(fwd, delta, r));
    std::vector<double> k(static_cast<std::size_t>(n * n));
    kernel.copyLocalRowMajor(k.data());
    for (std::int64_t x = 0; x < n; ++x) {
      std::vector<double> rowSum(static_cast<std::size_t>(outputs), 0.0);
      for (std::int64_t i = 0; i < n; ++i) {
        // Explicit C x C tangent block [grad f_c(x) . grad f_c'(x_i)].
        double trace = 0.0;
        std::vector<double> block(static_cast<std::size_t>(outputs * outputs), 0.0);
        for (std::int64_t o = 0; o < outputs; ++o)
          for (std::int64_t o2 = 0; o2 < outputs; ++o2) {
            double dot = 0.0;
            for (std::int64_t q = 0; q < c.model.parameterCount(); ++q) dot += jac[x](o, q) * jac[i](o2, q);
            block[o * outputs + o2] = dot;
            if (o == o2) trace += dot;
          }
        EXPECT_LT(std::abs(k[x * n + i] - alpha * trace), 1e-12 * std::max(1.0, std::abs(trace)));
        for (std::int64_t o = 0; o < outputs; ++o) {
          double expected = 0.0;
          for (std::int64_t o2 = 0; o2 < outputs; ++o2) expected -= alpha * block[o * outputs + o2] * seed(i, o2);
          std::vector<double> cm(static_cast<std::size_t>(n * n));
          contrib[o].copyLocalRowMajor(cm.data());
          EXPECT_LT(std::abs(cm[x * n + i] - expected), 1e-12 * std::max(1.0, std::abs(expected)));
          rowSum[o] += expected;
        }
      }
      for (std::int64_t o = 0; o < outputs; ++o)
        EXPECT_LT(std::abs(sums(x, o) - rowSum[o]), 1e-12 * std::max(1.0, std::abs(rowSum[o])));
    }
  }
}

// 1100 rows split into row tiles of 512, 512, 76 and column tiles of 128 x 8 + 76:
// every kind of tile edge, for one output (the scaled kernel tile) and three.
TEST(TileAccumulator, EveryCellIsRightAcrossTileEdges) {
  for (const Loss loss : {Loss::Logistic, Loss::Mse}) {
    Case c = makeCase(Activation::Tanh, Parameterization::Standard, loss, {3}, 1100);
    const Forward fwd = c.model.forward(c.w.data(), c.x);
    const auto delta = c.model.outputSignals(c.w.data(), fwd);
    const Matrix seed = lossDerivative(loss, fwd.output(), c.y);
    const auto u = c.model.lossSignals(c.w.data(), fwd, seed);
    const std::int64_t n = c.x.rows(), outputs = c.model.outputs(), params = c.model.parameterCount();

    DenseRows kernel(MPI_COMM_SELF, n, n);
    std::vector<DenseRows> contrib;
    for (std::int64_t o = 0; o < outputs; ++o) contrib.emplace_back(MPI_COMM_SELF, n, n);
    Matrix sums(n, outputs);
    const Partition self(MPI_COMM_SELF, n);
    const TrainingSide side(c.model, {self, fwd, delta, &u}, true);
    accumulateTiles(c.model, viewOf(fwd, delta), side, 1.0, {&kernel, &contrib, &sums});

    std::vector<Matrix> jac;
    for (std::int64_t r = 0; r < n; ++r) jac.push_back(c.model.jacobian(fwd, delta, r));
    std::vector<double> k(static_cast<std::size_t>(n * n));
    kernel.copyLocalRowMajor(k.data());
    std::vector<std::vector<double>> cm(static_cast<std::size_t>(outputs), k);
    for (std::int64_t o = 0; o < outputs; ++o) contrib[o].copyLocalRowMajor(cm[o].data());
    double worst = 0.0;
    for (std::int64_t x = 0; x < n; ++x) {
      std::vector<double> rowSum(static_cast<std::size_t>(outputs), 0.0);
      for (std::int64_t i = 0; i < n; ++i) {
        std::vector<double> block(static_cast<std::size_t>(outputs * outputs), 0.0);
        double trace = 0.0;
        for (std::int64_t o = 0; o < outputs; ++o)
          for (std::int64_t o2 = 0; o2 < outputs; ++o2) {
            double dot = 0.0;
            for (std::int64_t q = 0; q < params; ++q) dot += jac[x](o, q) * jac[i](o2, q);
            block[o * outputs + o2] = dot;
            if (o == o2) trace += dot;
          }
        worst = std::max(worst, relError(k[x * n + i], trace));
        for (std::int64_t o = 0; o < outputs; ++o) {
          double expected = 0.0;
          for (std::int64_t o2 = 0; o2 < outputs; ++o2) expected -= block[o * outputs + o2] * seed(i, o2);
          worst = std::max(worst, relError(cm[o][x * n + i], expected));
          rowSum[o] += expected;
        }
      }
      for (std::int64_t o = 0; o < outputs; ++o) worst = std::max(worst, relError(sums(x, o), rowSum[o]));
    }
    EXPECT_LT(worst, 1e-12) << "outputs " << outputs;
  }
}

INSTANTIATE_TEST_SUITE_P(AllModels, KernelTest,
                         ::testing::Combine(::testing::ValuesIn(kActivations), ::testing::ValuesIn(kParams),
                                            ::testing::ValuesIn(kLosses)));

}  // namespace
}  // namespace pk::test

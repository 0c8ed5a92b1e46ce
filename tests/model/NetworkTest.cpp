// Finite-difference checks of every gradient (the Jacobian of f and the loss
// gradient) for every activation x parameterization x loss (float64, central
// differences).
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "ModelCases.hpp"
#include "TestSupport.hpp"
#include "model/LayerList.hpp"

namespace pk::test {
namespace {

// relu' jumps at 0: the finite-difference step must not cross a kink. Pre-activations
// here are O(1) and the step is 1e-6, so a crossing is (and is checked to be) absent.
class GradientTest : public ::testing::TestWithParam<std::tuple<Activation, Parameterization, Loss>> {};

TEST_P(GradientTest, JacobianMatchesFiniteDifferences) {
  const auto [a, p, loss] = GetParam();
  Case c = makeCase(a, p, loss, {6, 5});
  const Forward fwd = c.model.forward(c.w.data(), c.x);
  const auto delta = c.model.outputSignals(c.w.data(), fwd);
  const double h = 1e-6;
  for (std::int64_t r = 0; r < c.x.rows(); ++r) {
    const Matrix jac = c.model.jacobian(fwd, delta, r);
    for (std::int64_t q = 0; q < c.model.parameterCount(); ++q) {
      auto wp = c.w, wm = c.w;
      wp[q] += h;
      wm[q] -= h;
      const Matrix fp = c.model.forward(wp.data(), c.x).output();
      const Matrix fm = c.model.forward(wm.data(), c.x).output();
      for (std::int64_t o = 0; o < c.model.outputs(); ++o) {
        const double fd = (fp(r, o) - fm(r, o)) / (2 * h);
        ASSERT_LT(relError(jac(o, q), fd), 1e-7) << "example " << r << " output " << o << " parameter " << q;
      }
    }
  }
}

TEST_P(GradientTest, LossGradientMatchesFiniteDifferences) {
  const auto [a, p, loss] = GetParam();
  Case c = makeCase(a, p, loss, {6, 5});
  auto lossAt = [&](const std::vector<double>& w) {
    return lossSum(loss, c.model.forward(w.data(), c.x).output(), c.y);
  };
  const Forward fwd = c.model.forward(c.w.data(), c.x);
  const Matrix seed = lossDerivative(loss, fwd.output(), c.y);
  const auto u = c.model.lossSignals(c.w.data(), fwd, seed);
  std::vector<double> grad(c.w.size(), 0.0);
  c.model.accumulateGradient(fwd, u, grad.data());
  const double h = 1e-6;
  for (std::size_t q = 0; q < c.w.size(); ++q) {
    auto wp = c.w, wm = c.w;
    wp[q] += h;
    wm[q] -= h;
    const double fd = (lossAt(wp) - lossAt(wm)) / (2 * h);
    ASSERT_LT(relError(grad[q], fd), 1e-7) << "parameter " << q;
  }
  // The same signals from the output signals (the trainer's way when the kernel engine runs).
  const auto uOf = c.model.lossSignalsOf(c.model.outputSignals(c.w.data(), fwd), seed);
  ASSERT_EQ(uOf.size(), u.size());
  for (std::size_t k = 0; k < u.size(); ++k)
    for (std::size_t e = 0; e < u[k].size(); ++e)
      ASSERT_NEAR(uOf[k].data()[e], u[k].data()[e], 1e-14 * (1.0 + std::abs(u[k].data()[e]))) << "layer " << k;
  // l' itself against differences of l in f.
  Matrix f = fwd.output();
  for (std::int64_t r = 0; r < f.rows(); ++r)
    for (std::int64_t o = 0; o < f.cols(); ++o) {
      Matrix fp = f, fm = f;
      fp(r, o) += h;
      fm(r, o) -= h;
      const double fd = (lossSum(loss, fp, c.y) - lossSum(loss, fm, c.y)) / (2 * h);
      ASSERT_LT(relError(seed(r, o), fd), 1e-7);
    }
}

INSTANTIATE_TEST_SUITE_P(AllModels, GradientTest,
                         ::testing::Combine(::testing::ValuesIn(kActivations), ::testing::ValuesIn(kParams),
                                            ::testing::ValuesIn(kLosses)));

}  // namespace
}  // namespace pk::test

namespace pk::test {
namespace {

TEST(LayerList, ParsesNormalisesAndNamesTheKnownKinds) {
  EXPECT_EQ(layersText(parseLayers(" Dense:16, DENSE:8 ")), "dense:16,dense:8");
  EXPECT_TRUE(parseLayers("none").empty());
  EXPECT_TRUE(parseLayers("").empty());
  EXPECT_EQ(layersText({}), "");
  EXPECT_EQ(parseLayers("dense:16,dense:8"), denseLayers({16, 8}));
  EXPECT_EQ(*hiddenWidths(parseLayers("dense:3")), (std::vector<std::int64_t>{3}));
  expectInputError([] { parseLayers("dense:8,pool:4"); },
                   "unknown layer kind 'pool' in --layers (known: dense, conv, avgpool, maxpool)");
  expectInputError([] { parseLayers("dense:0"); }, "'dense:0': H must be an integer in 1..1000000");
  expectInputError([] { parseLayers("dense"); }, "expected dense:H");
  expectInputError([] { parseLayers("dense:4:2"); }, "expected dense:H");
  expectInputError([] { parseLayers("dense:4,,dense:2"); }, "an empty entry");
  expectInputError([] { parseLayers("dense:x"); }, "H must be an integer");
}

// w stacks each layer's W (row-major [out, in]) then b, layer after layer, as
// the parameters() of the matching torch.nn.Sequential.
TEST(Network, ParameterBlocksTileTheFlatVectorInLayerOrder) {
  Architecture arch;
  arch.inputs = 3;
  arch.layers = parseLayers("dense:5,dense:4");
  arch.outputs = 2;
  const Network model(arch);
  ASSERT_EQ(model.layers(), 3);
  const std::vector<std::vector<std::int64_t>> shapes = {{5, 3}, {5}, {4, 5}, {4}, {2, 4}, {2}};
  std::int64_t next = 0;
  std::size_t b = 0;
  for (int k = 0; k < model.layers(); ++k) {
    EXPECT_EQ(model.layer(k).kind(), "dense");
    for (const auto& block : model.layer(k).parameters()) {
      ASSERT_LT(b, shapes.size());
      EXPECT_EQ(block.name, b % 2 == 0 ? "W" : "b");
      EXPECT_EQ(block.shape, shapes[b]) << "block " << b;
      EXPECT_EQ(block.offset, next) << "block " << b;
      next += block.size();
      ++b;
    }
  }
  EXPECT_EQ(b, shapes.size());
  EXPECT_EQ(next, model.parameterCount());
  EXPECT_EQ(model.layer(0).description(), "dense:5");
  EXPECT_EQ(model.layer(2).description(), "dense:2");
}

// A CNN with both pooling kinds and C = 3 outputs: the loss signals formed from the output
// signals (the trainer's way under the kernel engine) are the backpropagated ones.
TEST(Network, LossSignalsOfOutputSignalsAreTheBackpropagatedOnes) {
  Architecture arch;
  arch.inputs = 2 * 9 * 9;
  arch.inputShape = {2, 9, 9};
  arch.layers = parseLayers("conv:3:3,maxpool:2,conv:4:2:p1,avgpool:2,dense:5");
  arch.outputs = 3;
  const Network model(arch);
  Rng rng(5);
  const auto w = model.initialParameters(rng);
  Matrix x(4, arch.inputs), seed(4, 3);
  for (auto& v : x.values()) v = rng.normal();
  for (auto& v : seed.values()) v = rng.normal();
  const Forward fwd = model.forward(w.data(), x);
  const auto u = model.lossSignals(w.data(), fwd, seed);
  const auto uOf = model.lossSignalsOf(model.outputSignals(w.data(), fwd), seed);
  ASSERT_EQ(uOf.size(), u.size());
  for (std::size_t k = 0; k < u.size(); ++k) {
    ASSERT_EQ(uOf[k].rows(), u[k].rows());
    ASSERT_EQ(uOf[k].cols(), u[k].cols());
    for (std::size_t e = 0; e < u[k].size(); ++e)
      ASSERT_NEAR(uOf[k].data()[e], u[k].data()[e], 1e-14 * (1.0 + std::abs(u[k].data()[e]))) << "layer " << k;
  }
}

// The initial biases are zero and the weights are drawn layer by layer in w's order.
TEST(Network, InitialisationDrawsTheWeightsInParameterOrder) {
  Architecture arch;
  arch.inputs = 3;
  arch.layers = parseLayers("dense:4");
  arch.outputs = 2;
  const Network model(arch);
  Rng rng(11), reference(11);
  const auto w = model.initialParameters(rng);
  for (int k = 0; k < model.layers(); ++k) {
    const auto& blocks = model.layer(k).parameters();
    const double stddev = 1.0 / std::sqrt(static_cast<double>(model.layer(k).inputWidth()));
    for (std::int64_t p = blocks[0].offset; p < blocks[0].offset + blocks[0].size(); ++p)
      EXPECT_EQ(w[static_cast<std::size_t>(p)], stddev * reference.normal());
    for (std::int64_t p = blocks[1].offset; p < blocks[1].offset + blocks[1].size(); ++p)
      EXPECT_EQ(w[static_cast<std::size_t>(p)], 0.0);
  }
}

}  // namespace
}  // namespace pk::test

// What each layer kind gathers for the training side, on every rank count the
// suite runs: a conv layer holds its per-example parameter gradients, P_conv
// values per output signal (plus its loss-weighted gradient when contributions
// with C > 1 need it), equal to its block of the explicit Jacobian, and not its
// input image and output signals; pooling holds nothing; a dense layer holds
// its input and output signals; the size the memory estimate predicts from the
// kinds is the size actually held.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "ModelCases.hpp"
#include "TestSupport.hpp"
#include "core/Partition.hpp"
#include "core/Rng.hpp"
#include "kernel/TrainingSide.hpp"
#include "model/LayerList.hpp"
#include "model/Network.hpp"

namespace pk::test {
namespace {

Network imageNetwork(const std::string& layers, std::int64_t outputs) {
  Architecture arch;
  arch.inputs = 784;
  arch.inputShape = {1, 28, 28};
  arch.layers = parseLayers(layers);
  arch.outputs = outputs;
  arch.activation = Activation::Tanh;
  return Network(arch);
}

TEST(TrainingSide, ConvLayersGatherTheirPerExampleGradients) {
  const std::int64_t n = 7;
  for (const std::int64_t outputs : {1, 3}) {
    const Network net = imageNetwork("conv:8:3,avgpool:2,conv:16:3,avgpool:2,dense:32", outputs);
    Rng rng(11);
    std::vector<double> w = net.initialParameters(rng);
    for (auto& v : w) v += 0.05 * rng.normal();
    Matrix x(n, 784), seed(n, outputs);
    for (auto& v : x.values()) v = rng.uniform();
    for (auto& v : seed.values()) v = rng.normal();
    // This rank's rows of the same data on every rank.
    const Partition rows(MPI_COMM_WORLD, n);
    Matrix mine(rows.localRows(), 784), mySeed(rows.localRows(), outputs);
    for (std::int64_t r = 0; r < rows.localRows(); ++r) {
      std::copy_n(x.row(rows.begin() + r), 784, mine.row(r));
      std::copy_n(seed.row(rows.begin() + r), outputs, mySeed.row(r));
    }
    const Forward fwd = net.forward(w.data(), mine);
    const auto delta = net.outputSignals(w.data(), fwd);
    const auto u = net.lossSignals(w.data(), fwd, mySeed);

    for (const bool withLoss : {false, true}) {
      const TrainingSide side(net, {rows, fwd, delta, &u}, withLoss);
      ASSERT_EQ(side.rows(), n);
      const bool withU = withLoss && outputs > 1;
      // conv:8:3 has 8 x 9 + 8 = 80 parameters, conv:16:3 16 x 72 + 16 = 1168: per signal, that many values.
      const std::int64_t convValues = (withU ? outputs + 1 : outputs) * (80 + 1168);
      // dense:32 holds its input (16 x 5 x 5) and signals, the output layer its input, and u_{L-1} its C.
      const std::int64_t dense = 400 + (withU ? outputs + 1 : outputs) * 32 + 32 + (withLoss ? outputs : 0);
      EXPECT_EQ(side.valuesPerExample(), convValues + dense) << outputs << " outputs, loss signals " << withLoss;
      EXPECT_EQ(TrainingSide::valuesPerExample(net, withLoss), side.valuesPerExample());
      // Far below the features the conv layers would otherwise gather (input images and output signals).
      const std::int64_t features = 784 + 8 * 13 * 13 + (withU ? outputs + 1 : outputs) * (8 * 26 * 26 + 16 * 11 * 11);
      EXPECT_LT(4 * convValues, features);
      EXPECT_TRUE(side.layer(1).arrays.empty() && side.layer(3).arrays.empty()) << "pooling gathers nothing";
      EXPECT_EQ(side.features(), nullptr) << "a CNN's training side is not its features";

      // Every example's gradient, on every rank, equals its block of the explicit Jacobian.
      const Forward all = net.forward(w.data(), x);
      const auto allDelta = net.outputSignals(w.data(), all);
      double worst = 0.0;
      for (const int k : {0, 2}) {
        const Layer& layer = net.layer(k);
        const std::int64_t first = layer.parameters()[0].offset, per = layer.parameterCount();
        const ConstView g = side.layer(k).other.at(0);
        const ConstView lossGradient = side.layer(k).other.at(1);
        ASSERT_EQ(g.cols, outputs * per);
        ASSERT_EQ(lossGradient.empty(), !withU);
        for (std::int64_t i = 0; i < n; ++i) {
          const Matrix jac = net.jacobian(all, allDelta, i);
          for (std::int64_t c = 0; c < outputs; ++c)
            for (std::int64_t p = 0; p < per; ++p)
              worst = std::max(worst, relError(g.row(i)[c * per + p], jac(c, first + p)));
          if (!withU) continue;
          // U = sum_c seed_c G_c.
          for (std::int64_t p = 0; p < per; ++p) {
            double expected = 0.0;
            for (std::int64_t c = 0; c < outputs; ++c) expected += seed(i, c) * jac(c, first + p);
            worst = std::max(worst, relError(lossGradient.row(i)[p], expected));
          }
        }
      }
      EXPECT_LT(worst, 1e-12) << outputs << " outputs";
    }
  }
}

TEST(TrainingSide, DenseLayersGatherTheirFeaturesAndServeAsQueries) {
  const Network net = imageNetwork("dense:6,dense:5", 3);
  const std::int64_t n = 5;
  Rng rng(2);
  const std::vector<double> w = net.initialParameters(rng);
  const Partition rows(MPI_COMM_WORLD, n);
  Matrix x(rows.localRows(), 784), seed(rows.localRows(), 3);
  for (auto& v : x.values()) v = rng.normal();
  for (auto& v : seed.values()) v = rng.normal();
  const Forward fwd = net.forward(w.data(), x);
  const auto delta = net.outputSignals(w.data(), fwd);
  const auto u = net.lossSignals(w.data(), fwd, seed);
  for (const bool withLoss : {false, true}) {
    const TrainingSide side(net, {rows, fwd, delta, &u}, withLoss);
    const std::int64_t signals = withLoss ? 4 : 3;
    EXPECT_EQ(side.valuesPerExample(), 784 + signals * 6 + 6 + signals * 5 + 5 + (withLoss ? 3 : 0));
    EXPECT_EQ(TrainingSide::valuesPerExample(net, withLoss), side.valuesPerExample());
    ASSERT_NE(side.features(), nullptr);
    // This rank's rows sit at their global place in the gathered features.
    for (std::int64_t r = 0; r < rows.localRows(); ++r)
      for (std::int64_t j = 0; j < 6 * 3; ++j)
        EXPECT_EQ(side.features()->delta[0].row(rows.begin() + r)[j], delta[0].row(r)[j]);
    EXPECT_EQ(side.lossSignal().empty(), !withLoss);
  }
}

}  // namespace
}  // namespace pk::test

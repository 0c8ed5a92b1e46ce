// Exact attribution for every optimizer (docs/THEORY.md, Optimizers): the
// kernel machine reproduces the network to round-off under gauss:5 for every
// optimizer x loss with weight decay and SGD batches; the left rule's
// residual is first order; the superposition identity with its decay part
// holds for momentum, and its span residual is round-off; every dataset is
// the same on one rank and after a restart from a checkpoint.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "TestSupport.hpp"
#include "io/H5.hpp"

namespace pk::test {
namespace {

double summaryValue(const std::string& file, const std::string& group, const std::string& name) {
  h5::Id f = h5::openFile(file, MPI_COMM_WORLD);
  h5::Id g(H5Gopen2(f, group.c_str(), H5P_DEFAULT));
  return h5::doubleAttribute(g, name);
}

TrainArguments optimizerCase(const std::string& optimizer, const std::string& loss, const std::string& out) {
  TrainArguments s = smallSettings(out);
  s.data = loss == "mse" ? "builtin:regression" : loss == "logistic" ? "builtin:moons" : "builtin:blobs";
  s.optimizer = optimizer;
  s.lr = optimizer == "adam" || optimizer == "adamw" ? 0.01 : 0.05;
  s.weightDecay = 0.01;
  s.batchSize = 9;
  return s;
}

TEST(Attribution, GaussRuleIsExactForEveryOptimizerAndLoss) {
  for (const std::string optimizer : {"sgd", "momentum", "adam", "adamw"})
    for (const std::string loss : {"mse", "logistic", "softmax"}) {
      TrainArguments s = optimizerCase(optimizer, loss, tempPath("gauss.h5"));
      s.pathRule = "gauss:5";
      s.lrSchedule = "step:7:0.5";
      s.warmup = 3;
      train(s);
      EXPECT_LT(summaryValue(s.out, "/summary", "rel_residual_train"), 1e-11) << optimizer << " " << loss;
      EXPECT_LT(summaryValue(s.out, "/summary", "rel_residual_test"), 1e-11) << optimizer << " " << loss;
      // Every row's contributions add up to the kernel machine less its bias.
      const auto contrib = readAll(s.out, "/kernel/contrib/test");
      const auto km = readAll(s.out, "/predict/test/kernel_machine");
      const auto bias = readAll(s.out, "/predict/test/bias");
      const std::size_t n = 37, outputs = km.size() / 11;
      for (std::size_t x = 0; x < 11; ++x)
        for (std::size_t o = 0; o < outputs; ++o) {
          double sum = 0.0;
          for (std::size_t i = 0; i < n; ++i) sum += contrib[(x * n + i) * outputs + o];
          EXPECT_NEAR(sum, km[x * outputs + o] - bias[x * outputs + o], 1e-12 * std::max(1.0, std::abs(sum)));
        }
    }
}

// First order needs a run long against the optimizer's memory and a small lr x steps.
TEST(Attribution, LeftRuleResidualHalvesWithTheLearningRate) {
  for (const auto& [optimizer, lrTimesSteps] : {std::pair<std::string, double>{"momentum", 0.1}, {"adam", 0.02}}) {
    std::vector<double> residual;
    for (int halvings = 0; halvings < 2; ++halvings) {
      TrainArguments s = optimizerCase(optimizer, "mse", tempPath("left.h5"));
      s.batchSize = 0;
      s.steps = 200 << halvings;
      s.lr = lrTimesSteps / static_cast<double>(s.steps);
      train(s);
      residual.push_back(summaryValue(s.out, "/summary", "max_abs_residual_test"));
    }
    EXPECT_NEAR(residual[0] / residual[1], 2.0, 0.2) << optimizer << ": " << residual[0] << " vs " << residual[1];
  }
}

// W_1^S - W_1^0 = sum_i Gamma_i x_i^T + decay for sgd and momentum (with Nesterov), any step size.
TEST(Attribution, SuperpositionWithDecayForMomentum) {
  for (const bool nesterov : {false, true}) {
    TrainArguments s = optimizerCase("momentum", "logistic", tempPath("superposition.h5"));
    s.nesterov = nesterov;
    s.lr = 0.3;
    train(s);
    const auto gamma = readAll(s.out, "/superposition/Gamma");  // [N, H_1]
    const auto decay = readAll(s.out, "/superposition/decay");  // [H_1, D]
    const auto x = readAll(s.out, "/data/train/X");             // [N, D]
    const auto w0 = readAll(s.out, "/params/initial/layer_0/W");
    const auto wS = readAll(s.out, "/params/final/layer_0/W");
    const std::size_t n = 37, d = 3, h = 8;
    double worst = 0.0;
    for (std::size_t j = 0; j < h; ++j)
      for (std::size_t c = 0; c < d; ++c) {
        double superposed = decay[j * d + c];
        for (std::size_t i = 0; i < n; ++i) superposed += gamma[i * h + j] * x[i * d + c];
        worst = std::max(worst, std::abs(wS[j * d + c] - w0[j * d + c] - superposed));
      }
    EXPECT_LT(worst, 1e-12) << (nesterov ? "nesterov" : "momentum");
    EXPECT_LT(summaryValue(s.out, "/superposition", "span_residual"), 1e-12);
  }
}

TEST(Attribution, SameOnOneRankAndAfterARestart) {
  for (const std::string optimizer : {"momentum", "adam"}) {
    TrainArguments s = optimizerCase(optimizer, "softmax", tempPath("whole.h5"));
    s.pathRule = "gauss:2";
    s.steps = 16;
    s.lrSchedule = "cosine";
    s.checkpoint = tempPath("ck.h5");
    s.checkpointEvery = 7;
    s.keepCheckpoint = true;
    train(s);
    TrainArguments single = s;
    single.out = tempPath("single.h5");
    single.checkpointEvery = 0;
    trainOnRankZeroAlone(single);
    TrainArguments resumed = s;
    resumed.out = tempPath("resumed.h5");
    resumed.restart = s.checkpoint;
    resumed.checkpoint = tempPath("ck2.h5");
    train(resumed);
    for (const auto& name : kernelAndPredictionDatasets(true)) {
      if (optimizer == "adam" && name == "/superposition/Gamma") continue;  // not defined for Adam
      const auto a = readAll(s.out, name);
      EXPECT_LT(relativeDifference(a, readAll(single.out, name)), 1e-12) << optimizer << " " << name;
      const auto b = readAll(resumed.out, name);
      ASSERT_EQ(a.size(), b.size()) << name;
      EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0) << optimizer << " " << name;
    }
  }
}

}  // namespace
}  // namespace pk::test

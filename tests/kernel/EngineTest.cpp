// The identities of docs/THEORY.md on the accumulated path kernel.
#include <gtest/gtest.h>

#include <cmath>

#include "TestSupport.hpp"
#include "data/Builtin.hpp"
#include "io/H5.hpp"
#include "kernel/PathKernelEngine.hpp"
#include "run/Run.hpp"
#include "train/Trainer.hpp"

namespace pk {
namespace {

using test::readAll;

double summary(const std::string& file, const std::string& name) {
  h5::Id f = h5::openFile(file, MPI_COMM_WORLD);
  h5::Id group(H5Gopen2(f, "/summary", H5P_DEFAULT));
  return h5::doubleAttribute(group, name);
}

TEST(Engine, ContributionRowsSumToTheKernelMachineMinusBias) {
  for (const std::string loss : {"mse", "softmax"}) {
    TrainArguments s = test::smallSettings(test::tempPath("sum.h5"));
    if (loss == "softmax") {
      s.data = "builtin:blobs";
      s.loss = "softmax";
    }
    s.weightDecay = 0.01;
    s.batchSize = 9;
    test::train(s);
    for (const std::string set : {"train", "test"}) {
      const auto contrib = readAll(s.out, "/kernel/contrib/" + set);
      const auto network = readAll(s.out, "/predict/" + set + "/network");
      const auto initial = readAll(s.out, "/predict/" + set + "/initial");
      const auto bias = readAll(s.out, "/predict/" + set + "/bias");
      const auto km = readAll(s.out, "/predict/" + set + "/kernel_machine");
      const std::size_t points = network.size();  // n * C
      const std::size_t n = 37;
      ASSERT_EQ(contrib.size(), points * n);
      const std::size_t outputs = points / (set == "train" ? 37 : 11);
      for (std::size_t x = 0; x < points / outputs; ++x)
        for (std::size_t o = 0; o < outputs; ++o) {
          double sum = 0.0;
          for (std::size_t i = 0; i < n; ++i) sum += contrib[(x * n + i) * outputs + o];
          const std::size_t e = x * outputs + o;
          const double r = network[e] - km[e];
          const double regulariser = bias[e] - initial[e];
          // sum_i C(x, i) = f_S - f_0 - R - r
          EXPECT_NEAR(sum, network[e] - initial[e] - regulariser - r, 1e-12 * std::max(1.0, std::abs(sum)))
              << loss << " " << set << " point " << x;
        }
    }
  }
}

// The left rule's residual is first order in the step: halving eps (doubling the steps) halves it.
TEST(Engine, LeftRuleResidualHalvesWithTheLearningRate) {
  for (const std::string loss : {"mse", "logistic"}) {
    std::vector<double> residual;
    for (int halvings = 0; halvings < 2; ++halvings) {
      TrainArguments s = test::smallSettings(test::tempPath("left.h5"));
      if (loss == "logistic") {
        s.data = "builtin:moons";
        s.loss = "logistic";
      }
      s.lr = 0.2 / (1 << halvings);
      s.steps = 40 << halvings;
      test::train(s);
      residual.push_back(summary(s.out, "max_abs_residual_test"));
    }
    EXPECT_NEAR(residual[0] / residual[1], 2.0, 0.2) << loss << ": " << residual[0] << " vs " << residual[1];
  }
}

TEST(Engine, GaussRuleIsExactToRoundOff) {
  for (const auto& [rule, bound] : {std::pair<std::string, double>{"gauss:3", 1e-10}, {"gauss:5", 1e-13}}) {
    TrainArguments s = test::smallSettings(test::tempPath("gauss.h5"));
    s.data = test::sourceDir() + "/data/digits2.h5";
    s.loss = "logistic";
    s.hidden = "16,16";
    s.lr = 0.1;
    s.steps = 60;
    s.pathRule = rule;
    s.skipTrainKernels = true;
    test::train(s);
    EXPECT_LT(summary(s.out, "rel_residual_train"), bound) << rule;
    EXPECT_LT(summary(s.out, "rel_residual_test"), bound) << rule;
  }
}

// W_1^S - W_1^0 = sum_i Gamma_i x_i^T - lambda sum_s eps_s W_1^s, exactly, for the stored W_1.
TEST(Engine, SuperpositionIdentityHolds) {
  for (const auto param : {Parameterization::Standard, Parameterization::Ntk})
    for (const std::int64_t batch : {0, 8}) {
      BuiltinSpec spec;
      spec.name = "moons";
      spec.nTrain = 29;
      spec.nTest = 5;
      spec.inputs = 3;
      const Dataset data = makeBuiltin(spec, MPI_COMM_WORLD);
      Architecture arch;
      arch.inputs = 3;
      arch.layers = denseLayers({7, 5});
      arch.activation = Activation::Softplus;
      arch.parameterization = param;
      const Network model(arch);
      TrainOptions options;
      options.lr = 0.3;
      options.batchSize = batch;
      options.weightDecay = 0.05;
      Trainer trainer(model, Loss::Logistic, data, options, MPI_COMM_WORLD);
      PathKernelEngine engine(model, data, EngineOptions{}, MPI_COMM_WORLD);
      trainer.subscribe(engine);
      engine.begin(trainer.state().w.data());
      const std::size_t w1 = static_cast<std::size_t>(7 * 3);
      std::vector<double> decaySum(w1, 0.0);
      for (int s = 0; s < 25; ++s) {
        for (std::size_t p = 0; p < w1; ++p) decaySum[p] += options.lr * trainer.state().w[p];
        trainer.step();
      }
      // sum_i Gamma_i x_i^T over this rank's rows, then over all ranks.
      std::vector<double> superposed(w1, 0.0);
      const Matrix& gamma = engine.gamma();
      for (std::int64_t i = 0; i < gamma.rows(); ++i)
        for (std::int64_t j = 0; j < 7; ++j)
          for (std::int64_t d = 0; d < 3; ++d)
            superposed[static_cast<std::size_t>(j * 3 + d)] += gamma(i, j) * data.train.x(i, d);
      MPI_Allreduce(MPI_IN_PLACE, superposed.data(), static_cast<int>(w1), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
      for (std::size_t p = 0; p < w1; ++p) {
        const double change = trainer.state().w[p] - trainer.state().initialW[p];
        EXPECT_NEAR(change, superposed[p] - options.weightDecay * decaySum[p], 1e-12)
            << toString(param) << " batch " << batch << " entry " << p;
      }
    }
}

TEST(Engine, SkippingTrainKernelsKeepsEveryPrediction) {
  TrainArguments s = test::smallSettings(test::tempPath("skip.h5"));
  s.skipTrainKernels = true;
  test::train(s);
  TrainArguments full = s;
  full.out = test::tempPath("full.h5");
  full.skipTrainKernels = false;
  test::train(full);
  h5::Id file = h5::openFile(s.out, MPI_COMM_WORLD);
  EXPECT_FALSE(h5::exists(file, "/kernel/path/train"));
  EXPECT_TRUE(h5::exists(file, "/kernel/path/test"));
  for (const std::string name : {"/predict/train/kernel_machine", "/predict/test/kernel_machine"})
    EXPECT_LT(test::relativeDifference(readAll(s.out, name), readAll(full.out, name)), 1e-13) << name;
}

}  // namespace
}  // namespace pk

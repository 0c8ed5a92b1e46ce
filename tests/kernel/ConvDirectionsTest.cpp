// Momentum, Adam and AdamW on convolutional networks (docs/THEORY.md,
// Optimizers; kernel/ConvDirections.hpp): every step the per-example
// directions of all examples plus the weight-decay direction make the update;
// under gauss:5 with tanh the kernel machine reproduces the network to
// round-off and the contributions sum to it, with average and with max
// pooling, one and three outputs, the same on one rank; the superposition of
// a first conv layer holds with its decay part (sgd, momentum); and a CNN run
// restarted from a checkpoint is bit-identical at the same rank count and
// agrees to 1e-12 at another.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "DirectionCheck.hpp"
#include "TestSupport.hpp"
#include "core/Partition.hpp"
#include "core/Rng.hpp"
#include "io/DataFile.hpp"
#include "io/H5.hpp"
#include "kernel/DirectionAttribution.hpp"
#include "model/ConvLayer.hpp"
#include "model/LayerList.hpp"
#include "model/Network.hpp"
#include "train/Trainer.hpp"

namespace pk::test {
namespace {

constexpr std::int64_t kTrain = 10, kTest = 4;

// n images of 2 x 7 x 6 with random pixels, targets [n, outputs] of an mse task.
void writeImages(const std::string& path, std::int64_t outputs) {
  Rng rng(11);
  auto values = [&](std::int64_t count, double scale) {
    std::vector<double> v(static_cast<std::size_t>(count));
    for (auto& e : v) e = scale * rng.normal();
    return v;
  };
  const auto trainX = values(kTrain * 84, 0.5), testX = values(kTest * 84, 0.5);
  const auto trainY = values(kTrain * outputs, 1.0), testY = values(kTest * outputs, 1.0);
  h5::Id file = h5::createFile(path, MPI_COMM_WORLD);
  const auto n = static_cast<hsize_t>(kTrain), m = static_cast<hsize_t>(kTest), c = static_cast<hsize_t>(outputs);
  h5::writeReplicated(file, "/train/X", {n, 2, 7, 6}, trainX.data());
  h5::writeReplicated(file, "/test/X", {m, 2, 7, 6}, testX.data());
  h5::writeReplicated(file, "/train/y", outputs == 1 ? std::vector<hsize_t>{n} : std::vector<hsize_t>{n, c},
                      trainY.data());
  h5::writeReplicated(file, "/test/y", outputs == 1 ? std::vector<hsize_t>{m} : std::vector<hsize_t>{m, c},
                      testY.data());
}

TrainArguments cnnCase(const std::string& optimizer, const std::string& layers, std::int64_t outputs,
                       const std::string& out) {
  const std::string data = tempPath("images.h5");
  writeImages(data, outputs);
  TrainArguments s = smallSettings(out);
  s.data = data;
  s.hidden = "";
  s.layers = layers;
  s.loss = "mse";
  s.activation = "tanh";
  s.optimizer = optimizer;
  s.lr = optimizer == "adam" || optimizer == "adamw" ? 0.002 : 0.02;
  s.weightDecay = 0.01;
  s.batchSize = 0;
  s.steps = 16;
  return s;
}

double attribute(const std::string& file, const std::string& group, const std::string& name) {
  h5::Id f = h5::openFile(file, MPI_COMM_WORLD);
  h5::Id g(H5Gopen2(f, group.c_str(), H5P_DEFAULT));
  return h5::doubleAttribute(g, name);
}

bool hasDataset(const std::string& file, const std::string& path) {
  h5::Id f = h5::openFile(file, MPI_COMM_WORLD);
  return h5::exists(f, path);
}

std::vector<OptimizerSettings> optimizersWithMemory() {
  std::vector<OptimizerSettings> all(4);
  all[0].kind = all[1].kind = OptimizerKind::Momentum;
  all[1].nesterov = true;
  all[2].kind = OptimizerKind::Adam;
  all[3].kind = OptimizerKind::AdamW;
  all[0].momentum = 0.8;
  all[2].beta1 = all[3].beta1 = 0.85;
  all[2].beta2 = all[3].beta2 = 0.99;
  return all;
}

TEST(ConvDirections, PerExampleDirectionsAndDecayMakeTheUpdate) {
  for (const std::int64_t outputs : {1, 3})
    for (const auto& settings : optimizersWithMemory()) {
      const std::string path = tempPath("images.h5");
      writeImages(path, outputs);
      const Dataset data = readDataFile(path, MPI_COMM_WORLD);
      Architecture arch;
      arch.inputs = 84;
      arch.inputShape = {2, 7, 6};
      arch.layers = parseLayers("conv:3:3:p1,maxpool:2,conv:2:2,avgpool:2,dense:4");
      arch.outputs = outputs;
      arch.parameterization = outputs == 1 ? Parameterization::Standard : Parameterization::Ntk;
      const Network model(arch);
      TrainOptions options;
      options.lr = 0.02;
      options.batchSize = 4;
      options.weightDecay = 0.02;
      options.optimizer = settings;
      options.steps = 8;
      Trainer trainer(model, Loss::Mse, data, options, MPI_COMM_WORLD);
      DirectionCheck check(model, Partition(MPI_COMM_WORLD, kTrain));
      trainer.subscribe(check);
      for (int s = 0; s < 8; ++s) trainer.step();
      EXPECT_LT(check.worst, 1e-13) << outputs << " outputs, " << toString(settings.kind)
                                    << (settings.nesterov ? " nesterov" : "");
    }
}

// Contributions sum to the prediction change to round-off, and agree with one rank.
TEST(ConvDirections, GaussRuleIsExactForEveryOptimizer) {
  // Max pooling is exact only where its choices never switch along the path: there the
  // steps are ten times smaller (at the larger ones sgd itself leaves a residual of 1e-4).
  struct Case {
    const char* layers;
    std::int64_t outputs;
    double lrFactor;
  };
  for (const std::string optimizer : {"momentum", "adam", "adamw"})
    for (const Case c :
         {Case{"conv:3:3:p1,avgpool:2,dense:5", 1, 1.0}, Case{"conv:3:3:p1,avgpool:2,dense:5", 3, 1.0},
          Case{"conv:3:2:s2,maxpool:2,dense:4", 1, 0.1}, Case{"conv:3:2:s2,maxpool:2,dense:4", 3, 0.1}}) {
      TrainArguments s = cnnCase(optimizer, c.layers, c.outputs, tempPath("gauss.h5"));
      s.pathRule = "gauss:5";
      s.lr *= c.lrFactor;
      train(s);
      const std::string what = optimizer + " " + c.layers + " C=" + std::to_string(c.outputs);
      EXPECT_LE(attribute(s.out, "/summary", "rel_residual_train"), 1e-10) << what;
      EXPECT_LE(attribute(s.out, "/summary", "rel_residual_test"), 1e-10) << what;
      const auto contrib = readAll(s.out, "/kernel/contrib/test");
      const auto network = readAll(s.out, "/predict/test/network");
      const auto initial = readAll(s.out, "/predict/test/initial");
      const auto bias = readAll(s.out, "/predict/test/bias");
      const auto outputs = static_cast<std::size_t>(c.outputs);
      double worst = 0.0, change = 0.0;
      for (std::size_t e = 0; e < network.size(); ++e) {
        const std::size_t x = e / outputs, o = e % outputs;
        double sum = 0.0;
        for (std::size_t i = 0; i < kTrain; ++i) sum += contrib[(x * kTrain + i) * outputs + o];
        // f_S - f_0 = R + sum_i C(x, i), R = bias - f_0.
        worst = std::max(worst, std::abs(network[e] - bias[e] - sum));
        change = std::max(change, std::abs(network[e] - initial[e]));
      }
      EXPECT_LE(worst, 1e-10 * change) << what;
      TrainArguments single = s;
      single.out = tempPath("single.h5");
      trainOnRankZeroAlone(single);
      for (const auto& name : kernelAndPredictionDatasets(true)) {
        if (name == "/superposition/Gamma") continue;  // not kept without --superposition
        EXPECT_LT(relativeDifference(readAll(s.out, name), readAll(single.out, name)), 1e-12) << what << " " << name;
      }
    }
}

// Under the left rule the training rows' query side is the step's own (gathered) features,
// the test rows' a forward pass of their own: with the training points as the test set
// both give the same contributions.
TEST(ConvDirections, LeftRuleTrainingRowsEqualTheSamePointsAsTestRows) {
  for (const std::string optimizer : {"momentum", "adam"})
    for (const std::int64_t outputs : {1, 3}) {
      TrainArguments s = cnnCase(optimizer, "conv:3:3:p1,maxpool:2,conv:2:2,dense:4", outputs, tempPath("left.h5"));
      {
        // The test set := the training set.
        const auto x = readAll(s.data, "/train/X"), y = readAll(s.data, "/train/y");
        const std::string data = tempPath("same.h5");
        h5::Id file = h5::createFile(data, MPI_COMM_WORLD);
        const auto n = static_cast<hsize_t>(kTrain), c = static_cast<hsize_t>(outputs);
        const auto ys = outputs == 1 ? std::vector<hsize_t>{n} : std::vector<hsize_t>{n, c};
        for (const char* set : {"/train", "/test"}) {
          h5::writeReplicated(file, std::string(set) + "/X", {n, 2, 7, 6}, x.data());
          h5::writeReplicated(file, std::string(set) + "/y", ys, y.data());
        }
        s.data = data;
      }
      s.batchSize = 4;
      train(s);
      const std::string what = optimizer + " C=" + std::to_string(outputs);
      const auto train = readAll(s.out, "/kernel/contrib/train"), test = readAll(s.out, "/kernel/contrib/test");
      EXPECT_GT(*std::max_element(test.begin(), test.end()), 0.0) << what;
      EXPECT_LT(relativeDifference(train, test), 1e-12) << what;
      EXPECT_LT(relativeDifference(readAll(s.out, "/predict/train/kernel_machine"),
                                   readAll(s.out, "/predict/test/kernel_machine")),
                1e-12)
          << what;
    }
}

// W_1^S - W_1^0 = sum_i sum_p Gamma_{i,p} patch_p(x_i)^T + decay for a first conv layer.
TEST(ConvDirections, SuperpositionOfAFirstConvLayer) {
  for (const std::string optimizer : {"sgd", "momentum", "adam"})
    for (const std::string param : {"standard", "ntk"}) {
      const std::string layers = "conv:3:3:s2:p1,avgpool:2,dense:4";
      TrainArguments s = cnnCase(optimizer, layers, 1, tempPath("superposition.h5"));
      s.param = param;
      s.lr = optimizer == "adam" ? 0.01 : 0.2;  // the identity holds for any step size
      s.superposition = true;
      train(s);
      const std::string what = optimizer + " " + param;
      EXPECT_LT(attribute(s.out, "/superposition", "span_residual"), 1e-12) << what;
      if (optimizer == "adam") {
        EXPECT_FALSE(hasDataset(s.out, "/superposition/Gamma")) << "adam writes no Gamma";
        continue;
      }
      // conv:3:3:s2:p1 on 2 x 7 x 6: 3 filters over 4 x 3 positions, patches of 2 x 3 x 3.
      EXPECT_EQ(shapeOf(s.out, "/superposition/Gamma"), (std::vector<unsigned long long>{kTrain, 3, 4, 3})) << what;
      EXPECT_EQ(shapeOf(s.out, "/superposition/decay"), (std::vector<unsigned long long>{3, 2, 3, 3})) << what;
      const auto gamma = readAll(s.out, "/superposition/Gamma");
      const auto decay = readAll(s.out, "/superposition/decay");
      const auto w0 = readAll(s.out, "/params/initial/layer_0/W");
      const auto wS = readAll(s.out, "/params/final/layer_0/W");
      Matrix x(kTrain, 84);
      x.values() = readAll(s.data, "/train/X");
      Architecture arch;
      arch.inputs = 84;
      arch.inputShape = {2, 7, 6};
      arch.layers = parseLayers(layers);
      const Network net(arch);
      const auto& conv = dynamic_cast<const ConvLayer&>(net.layer(0));
      const std::int64_t filters = 3, positions = 12, q = 18;
      std::vector<double> superposed = decay;
      Matrix patches;
      for (std::int64_t i = 0; i < kTrain; ++i) {
        conv.patches(x, i, patches);
        for (std::int64_t k = 0; k < filters; ++k)
          for (std::int64_t p = 0; p < positions; ++p)
            for (std::int64_t l = 0; l < q; ++l)
              superposed[static_cast<std::size_t>(k * q + l)] +=
                  gamma[static_cast<std::size_t>((i * filters + k) * positions + p)] * patches(p, l);
      }
      double worst = 0.0, moved = 0.0;
      for (std::size_t e = 0; e < w0.size(); ++e) {
        worst = std::max(worst, std::abs(wS[e] - w0[e] - superposed[e]));
        moved = std::max(moved, std::abs(wS[e] - w0[e]));
      }
      EXPECT_GT(moved, 1e-3) << what;
      EXPECT_LT(worst, 1e-13) << what;
      // Without --superposition the decay part is still written, Gamma (large) is not.
      TrainArguments without = s;
      without.superposition = false;
      without.out = tempPath("without.h5");
      train(without);
      EXPECT_FALSE(hasDataset(without.out, "/superposition/Gamma")) << what;
      EXPECT_EQ(readAll(without.out, "/superposition/decay"), decay) << what;
    }
}

TEST(ConvDirections, RestartIsBitIdenticalAndAgreesAtAnotherRankCount) {
  for (const std::string optimizer : {"momentum", "adam"}) {
    TrainArguments s = cnnCase(optimizer, "conv:3:3:p1,maxpool:2,conv:2:2,dense:4", 3, tempPath("whole.h5"));
    s.pathRule = "gauss:2";
    s.batchSize = 4;
    s.lrSchedule = "cosine";
    s.superposition = true;
    s.checkpoint = tempPath("ck.h5");
    s.checkpointEvery = 7;
    s.keepCheckpoint = true;
    train(s);
    TrainArguments resumed = s;
    resumed.out = tempPath("resumed.h5");
    resumed.restart = s.checkpoint;
    resumed.checkpoint = tempPath("ck2.h5");
    resumed.checkpointEvery = 0;
    train(resumed);
    // The checkpoint of this rank count, continued on rank 0 alone.
    TrainArguments other = resumed;
    other.out = tempPath("other.h5");
    other.checkpoint = tempPath("ck3.h5");
    trainOnRankZeroAlone(other);
    for (const auto& name : kernelAndPredictionDatasets(true)) {
      if (optimizer == "adam" && name == "/superposition/Gamma") continue;  // not defined for Adam
      const auto a = readAll(s.out, name), b = readAll(resumed.out, name);
      ASSERT_EQ(a.size(), b.size()) << name;
      EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0) << optimizer << " " << name;
      EXPECT_LT(relativeDifference(readAll(other.out, name), a), 1e-12) << optimizer << " " << name;
    }
  }
}

}  // namespace
}  // namespace pk::test

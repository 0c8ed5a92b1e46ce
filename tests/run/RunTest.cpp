// Distributed training: the loss goes down, results do not depend on the
// number of ranks, runs are reproducible, SGD batches cover every example.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>

#include "TestSupport.hpp"
#include "data/Builtin.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"
#include "run/RunFile.hpp"

namespace pk {
namespace {

using test::readAll;

TrainArguments lossCase(const std::string& data, const std::string& loss, const std::string& out) {
  TrainArguments s = test::smallSettings(out);
  s.data = data;
  s.loss = loss;
  s.hidden = "16";
  s.steps = 60;
  s.lr = 0.2;
  s.nTrain = 64;
  s.nTest = 16;
  s.inputs = 2;
  return s;
}

TEST(Training, LowersTheLossOnEveryBuiltinAndShippedSet) {
  const std::string dir = test::sourceDir() + "/data/";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"builtin:regression", "mse"}, {"builtin:regression2", "mse"},   {"builtin:moons", "logistic"},
      {"builtin:blobs", "softmax"},  {dir + "digits2.h5", "logistic"}, {dir + "digits10.h5", "softmax"},
      {dir + "diabetes.h5", "mse"}};
  for (const auto& [data, loss] : cases) {
    const std::string out = test::tempPath("loss.h5");
    TrainArguments s = lossCase(data, loss, out);
    if (data.find("digits10") != std::string::npos) s.steps = 20;  // 1347 x 1347 kernels: keep it short
    test::train(s);
    const auto history = readAll(out, "/history/loss");
    ASSERT_EQ(history.size(), static_cast<std::size_t>(s.steps + 1));
    EXPECT_LT(history.back(), 0.8 * history.front()) << data;
  }
}

TEST(Training, SameAnswersOnAnyRankCountAndBitIdenticalRepeats) {
  for (const std::string batch : {"0", "7"}) {
    TrainArguments s = test::smallSettings(test::tempPath("world.h5"));
    s.batchSize = std::stoll(batch);
    s.weightDecay = 1e-3;
    s.pathRule = "gauss:2";
    s.tangentKernels = true;
    test::train(s);
    TrainArguments again = s;
    again.out = test::tempPath("again.h5");
    test::train(again);
    TrainArguments single = s;
    single.out = test::tempPath("single.h5");
    test::trainOnRankZeroAlone(single);
    auto names = test::kernelAndPredictionDatasets(true);
    names.push_back("/kernel/tangent/initial/train");
    names.push_back("/kernel/tangent/final/test");
    for (const auto& name : names) {
      const auto a = readAll(s.out, name);
      const auto b = readAll(single.out, name);
      const auto c = readAll(again.out, name);
      EXPECT_LT(test::relativeDifference(a, b), 1e-12) << name << " batch " << batch;
      ASSERT_EQ(a.size(), c.size());
      EXPECT_EQ(std::memcmp(a.data(), c.data(), a.size() * sizeof(double)), 0) << name << " not bit-identical";
    }
  }
}

TEST(Training, SgdBatchesCoverEveryExampleOncePerEpoch) {
  TrainArguments s = test::smallSettings(test::tempPath("sgd.h5"));
  s.batchSize = 10;  // N = 37: batches of 10, 10, 10, 7 per epoch
  s.steps = 12;
  test::train(s);
  EXPECT_EQ(test::shapeOf(s.out, "/history/batches"), (std::vector<unsigned long long>{12, 10}));
  const auto batches = readAll(s.out, "/history/batches");
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::multiset<long long> seen;
    for (int step = 4 * epoch; step < 4 * epoch + 4; ++step)
      for (int k = 0; k < 10; ++k) {
        const double v = batches[static_cast<std::size_t>(step * 10 + k)];
        if (v >= 0)
          seen.insert(static_cast<long long>(v));
        else
          EXPECT_EQ(step % 4, 3) << "padding only in the last, short batch";
      }
    ASSERT_EQ(seen.size(), 37u);
    for (long long i = 0; i < 37; ++i) EXPECT_EQ(seen.count(i), 1u) << "epoch " << epoch << " example " << i;
  }
}

TEST(Training, OutputFileHasEveryDatasetWithItsShapeAndReadsBack) {
  TrainArguments s = test::smallSettings(test::tempPath("layout.h5"));
  s.data = "builtin:blobs";
  s.loss = "softmax";
  s.kernelCoef = true;
  s.tangentKernels = true;
  test::train(s);
  using Shape = std::vector<unsigned long long>;
  const unsigned long long n = 37, m = 11, c = 3;
  const std::vector<std::pair<std::string, Shape>> expected = {{"/data/train/X", {n, 3}},
                                                               {"/data/train/y", {n}},
                                                               {"/data/test/X", {m, 3}},
                                                               {"/params/initial/layer_0/W", {8, 3}},
                                                               {"/params/initial/layer_0/b", {8}},
                                                               {"/params/final/layer_2/W", {c, 6}},
                                                               {"/history/loss", {21}},
                                                               {"/history/lr", {20}},
                                                               {"/kernel/path/train", {n, n}},
                                                               {"/kernel/path/test", {m, n}},
                                                               {"/kernel/contrib/train", {n, n, c}},
                                                               {"/kernel/contrib/test", {m, n, c}},
                                                               {"/kernel/tangent/initial/train", {n, n}},
                                                               {"/kernel/tangent/final/test", {m, n}},
                                                               {"/predict/train/network", {n, c}},
                                                               {"/predict/test/initial", {m, c}},
                                                               {"/predict/test/bias", {m, c}},
                                                               {"/predict/test/kernel_machine", {m, c}},
                                                               {"/superposition/Gamma", {n, 8}}};
  for (const auto& [name, shape] : expected) EXPECT_EQ(test::shapeOf(s.out, name), shape) << name;
  {
    h5::Id file = openResultFile(s.out, kRunFormat, kRunFormatVersion, MPI_COMM_WORLD);
    EXPECT_EQ(h5::intAttribute(file, "complete"), 1);
    h5::Id config(H5Gopen2(file, "/config", H5P_DEFAULT));
    EXPECT_EQ(h5::stringAttribute(config, "path_rule"), "left");
    EXPECT_EQ(h5::intArrayAttribute(config, "hidden"), (std::vector<std::int64_t>{8, 6}));
    EXPECT_EQ(h5::stringAttribute(config, "layers"), "dense:8,dense:6");
    EXPECT_EQ(h5::intAttribute(config, "batch_size"), 0);
    h5::Id summary(H5Gopen2(file, "/summary", H5P_DEFAULT));
    EXPECT_GE(h5::doubleAttribute(summary, "max_abs_residual_test"), 0.0);
  }
  EXPECT_EQ(test::shellOnRoot("h5dump " + s.out + " > /dev/null"), 0);
  EXPECT_FALSE(h5::exists(h5::openFile(s.out, MPI_COMM_WORLD), "/kernel/coef/train")) << "C > 1: no coefficients";
}

TEST(Training, AutoLossIsTheOneTheDataNames) {
  const std::vector<std::pair<std::string, std::string>> cases = {{"builtin:regression", "mse"},
                                                                  {"builtin:moons", "logistic"},
                                                                  {"builtin:blobs", "softmax"},
                                                                  {test::sourceDir() + "/data/digits2.h5", "logistic"},
                                                                  {test::sourceDir() + "/data/diabetes.h5", "mse"}};
  for (const auto& [data, loss] : cases) {
    TrainArguments s = test::smallSettings(test::tempPath("auto.h5"));
    s.data = data;
    s.steps = 2;
    ASSERT_EQ(s.loss, "auto");
    test::train(s);
    h5::Id file = openResultFile(s.out, kRunFormat, kRunFormatVersion, MPI_COMM_WORLD);
    h5::Id config(H5Gopen2(file, "/config", H5P_DEFAULT));
    EXPECT_EQ(h5::stringAttribute(config, "loss"), loss) << data;
  }
}

TEST(Training, FewerExamplesThanRanksWork) {
  TrainArguments s = test::smallSettings(test::tempPath("tiny.h5"));
  s.nTrain = 2;
  s.nTest = 1;
  test::train(s);
  EXPECT_EQ(test::shapeOf(s.out, "/kernel/path/train"), (std::vector<unsigned long long>{2, 2}));
}

}  // namespace
}  // namespace pk

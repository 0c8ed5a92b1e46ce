// The test loss and the accuracies along the path (/history): each [S+1],
// equal at w_0 and w_S to the values recomputed from the stored predictions
// f_0 = /predict/*/initial and f_S = /predict/*/network; absent where they do not apply.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "TestSupport.hpp"
#include "io/H5.hpp"
#include "run/Metrics.hpp"

namespace pk {
namespace {

using test::readAll;

bool hasDataset(const std::string& file, const std::string& name) {
  h5::Id f = h5::openFile(file, MPI_COMM_WORLD);
  return h5::exists(f, name);
}

// Mean loss and fraction of correct predictions of outputs f [n, C] against labels y [n].
std::pair<double, double> score(Loss loss, const std::vector<double>& f, const std::vector<double>& y) {
  const std::size_t n = y.size(), c = f.size() / n;
  double total = 0.0, correct = 0.0;
  for (std::size_t r = 0; r < n; ++r) {
    const double* fr = f.data() + r * c;
    if (loss == Loss::Logistic) total += std::log1p(std::exp(fr[0])) - y[r] * fr[0];
    if (loss == Loss::Softmax) {
      double z = 0.0;
      for (std::size_t k = 0; k < c; ++k) z += std::exp(fr[k]);
      total += std::log(z) - fr[static_cast<std::size_t>(y[r])];
    }
    if (loss == Loss::Mse) total += 0.5 * (fr[0] - y[r]) * (fr[0] - y[r]);
    correct += predictedClass(loss, fr, static_cast<std::int64_t>(c)) == static_cast<std::int64_t>(y[r]) ? 1 : 0;
  }
  return {total / static_cast<double>(n), correct / static_cast<double>(n)};
}

void checkRun(const std::string& data, const std::string& lossName, Loss loss) {
  const std::string file = test::tempPath("metrics.h5");
  TrainArguments s = test::smallSettings(file);
  s.data = data;
  s.loss = lossName;
  s.lr = 0.2;
  s.steps = 15;
  test::train(s);
  const std::size_t points = static_cast<std::size_t>(s.steps + 1);
  const auto testLoss = readAll(file, "/history/test_loss");
  ASSERT_EQ(testLoss.size(), points) << data;
  const auto yTest = readAll(file, "/data/test/y"), yTrain = readAll(file, "/data/train/y");
  const bool classes = loss != Loss::Mse;
  for (const auto& [at, index] :
       {std::make_pair(std::string("initial"), std::size_t{0}), std::make_pair(std::string("network"), points - 1)}) {
    const auto test = score(loss, readAll(file, "/predict/test/" + at), yTest);
    EXPECT_NEAR(testLoss[index], test.first, 1e-12 * std::max(1.0, test.first)) << data << " " << at;
    if (!classes) continue;
    const auto train = score(loss, readAll(file, "/predict/train/" + at), yTrain);
    EXPECT_EQ(readAll(file, "/history/train_accuracy").at(index), train.second) << data << " " << at;
    EXPECT_EQ(readAll(file, "/history/test_accuracy").at(index), test.second) << data << " " << at;
  }
  EXPECT_EQ(hasDataset(file, "/history/train_accuracy"), classes);
  EXPECT_EQ(hasDataset(file, "/history/test_accuracy"), classes);
}

TEST(Metrics, TestLossAndAccuracyAtEveryStepMatchThePredictions) {
  checkRun("builtin:regression", "mse", Loss::Mse);
  checkRun("builtin:moons", "logistic", Loss::Logistic);
  checkRun("builtin:blobs", "softmax", Loss::Softmax);
}

TEST(Metrics, NoTestSplitNoTestHistory) {
  const std::string file = test::tempPath("notest.h5");
  TrainArguments s = test::smallSettings(file);
  s.data = "builtin:moons";
  s.loss = "logistic";
  s.nTest = 0;
  test::train(s);
  EXPECT_FALSE(hasDataset(file, "/history/test_loss"));
  EXPECT_FALSE(hasDataset(file, "/history/test_accuracy"));
  EXPECT_EQ(readAll(file, "/history/train_accuracy").size(), static_cast<std::size_t>(s.steps + 1));
}

TEST(Metrics, PredictedClass) {
  const double logit[1] = {-0.5}, logits[3] = {0.1, 2.0, 2.0};
  EXPECT_EQ(predictedClass(Loss::Logistic, logit, 1), 0);
  EXPECT_EQ(predictedClass(Loss::Softmax, logits, 3), 1);  // the first on ties
  EXPECT_EQ(predictedClass(Loss::Mse, logit, 1), -1);
}

}  // namespace
}  // namespace pk

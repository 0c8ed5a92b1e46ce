// Retraining reproduces `pathkernel train` on a data file that holds only the
// kept examples: every optimizer, full batch and SGD, one and several outputs.
#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "io/H5.hpp"
#include "results/RunReader.hpp"
#include "validate/FullRetrain.hpp"
#include "validate/LossWeights.hpp"
#include "validate/Retrainer.hpp"

namespace pk::test {
namespace {

using validation::QueryPoint;

struct OptimizerCase {
  const char* data;
  const char* optimizer;
  std::int64_t batch;
};

TrainArguments caseSettings(const OptimizerCase& c, const std::string& out) {
  TrainArguments s = smallSettings(out);
  s.data = c.data;
  s.optimizer = c.optimizer;
  s.batchSize = c.batch;
  s.weightDecay = 1e-3;
  s.lr = std::string(c.optimizer).rfind("adam", 0) == 0 ? 0.01 : 0.05;
  s.steps = 15;
  return s;
}

// A data file with the run's test split and the training rows whose keep[i] is 1, in their order.
void writeReducedData(const std::string& run, const std::vector<std::int64_t>& keep, const std::string& path) {
  const auto x = readAll(run, "/data/train/X");
  const auto y = readAll(run, "/data/train/y");
  const auto shapeX = shapeOf(run, "/data/train/X");
  const std::size_t n = shapeX[0], d = shapeX[1], cols = y.size() / n;
  std::vector<double> keptX, keptY;
  for (std::size_t i = 0; i < n; ++i) {
    if (keep[i] == 0) continue;
    keptX.insert(keptX.end(), x.begin() + static_cast<std::ptrdiff_t>(i * d),
                 x.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
    keptY.insert(keptY.end(), y.begin() + static_cast<std::ptrdiff_t>(i * cols),
                 y.begin() + static_cast<std::ptrdiff_t>((i + 1) * cols));
  }
  const hsize_t kept = keptX.size() / d;
  h5::Id file = h5::createFile(path, MPI_COMM_WORLD);
  h5::writeReplicated(file, "/train/X", {kept, d}, keptX.data());
  h5::writeReplicated(file, "/train/y", {kept}, keptY.data());
  const auto testX = readAll(run, "/data/test/X");
  const auto testY = readAll(run, "/data/test/y");
  h5::writeReplicated(file, "/test/X", {testX.size() / d, d}, testX.data());
  h5::writeReplicated(file, "/test/y", {testY.size()}, testY.data());
  h5::closeFile(file, MPI_COMM_WORLD);
}

std::vector<QueryPoint> testQueries(const std::string& run) {
  const auto rows = static_cast<std::int64_t>(shapeOf(run, "/data/test/X")[0]);
  return validation::allRows("test", rows);
}

TEST(Retrainer, EqualsTrainOnTheReducedDataFile) {
  const OptimizerCase cases[] = {{"builtin:moons", "sgd", 8},
                                 {"builtin:regression", "momentum", 0},
                                 {"builtin:moons", "adam", 10},
                                 {"builtin:blobs", "adamw", 0}};
  for (const auto& c : cases) {
    const TrainArguments s = caseSettings(c, tempPath("run.h5"));
    train(s);
    std::vector<std::int64_t> keep(static_cast<std::size_t>(s.nTrain), 1);
    for (std::size_t i = 2; i < keep.size(); i += 5) keep[i] = 0;
    const std::string reduced = tempPath("reduced.h5");
    writeReducedData(s.out, keep, reduced);
    TrainArguments again = s;
    again.data = reduced;
    again.loss = s.data == std::string("builtin:blobs")   ? "softmax"
                 : s.data == std::string("builtin:moons") ? "logistic"
                                                          : "mse";
    again.classes = s.data == std::string("builtin:blobs") ? 3 : 0;
    again.out = tempPath("again.h5");
    train(again);

    const RunReader run(s.out, MPI_COMM_WORLD);
    const validation::Retrainer retrainer(validation::retrainSettings(run, ""), validation::readInitialParameters(run),
                                          testQueries(s.out), MPI_COMM_WORLD);
    const Matrix outputs = retrainer.retrain(keep);
    const auto expected = readAll(again.out, "/predict/test/network");
    EXPECT_LT(relativeDifference(outputs.values(), expected), 1e-12) << c.data << " " << c.optimizer;
    // The full set retrained reproduces the run itself.
    const Matrix full = retrainer.retrain(std::vector<std::int64_t>(keep.size(), 1));
    EXPECT_LT(relativeDifference(full.values(), readAll(s.out, "/predict/test/network")), 1e-12) << c.optimizer;
  }
}

TEST(Retrainer, LossWeightsSumTheLossDerivativesAlongThePath) {
  // Full batch, plain gradient descent, mse: A_i = sum_s eps (f_s(x_i) - y_i) / N; at lr -> one step,
  // A_i = eps (f_0(x_i) - y_i) / N with f_0 from the run's /predict/train/initial.
  TrainArguments s = smallSettings(tempPath("one.h5"));
  s.steps = 1;
  train(s);
  const RunReader run(s.out, MPI_COMM_WORLD);
  const auto full = validation::retrainFullRun(
      validation::retrainSettings(run, ""), validation::readInitialParameters(run), testQueries(s.out), MPI_COMM_WORLD);
  const auto f0 = readAll(s.out, "/predict/train/initial");
  const auto y = readAll(s.out, "/data/train/y");
  std::vector<double> expected;
  for (std::size_t i = 0; i < y.size(); ++i) expected.push_back(s.lr * (f0[i] - y[i]) / static_cast<double>(y.size()));
  EXPECT_LT(relativeDifference(full.lossWeights.values(), expected), 1e-12);
  EXPECT_LT(relativeDifference(full.outputs.values(), readAll(s.out, "/predict/test/network")), 1e-12);
}

}  // namespace
}  // namespace pk::test

// New query points after training: a run made without a test set, replayed
// with points T, holds for T exactly the rows (1e-12) of the same run made with
// T as its test set, for gradient descent under gauss:3, SGD with weight decay
// under the left rule, and Adam; also when the run was made on another rank
// count than the replay. predict gives the run's network outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "TestSupport.hpp"
#include "explain/Explanation.hpp"
#include "explain/Predict.hpp"
#include "io/H5.hpp"
#include "krr/KrrRun.hpp"
#include "replay/Replay.hpp"

namespace pk::test {
namespace {

// The test split of a run on built-in data, as a queries file (/X, /y).
void writeQueries(const std::string& run, const std::string& queries) {
  const auto x = readAll(run, "/data/test/X");
  const auto y = readAll(run, "/data/test/y");
  const auto shape = shapeOf(run, "/data/test/X");
  h5::Id file = h5::createFile(queries, MPI_COMM_WORLD);
  h5::writeReplicated(file, "/X", {shape[0], shape[1]}, x.data());
  h5::writeReplicated(file, "/y", {shape[0]}, y.data());
}

ReplaySettings replayOf(const std::string& run, const std::string& queries, const std::string& out) {
  ReplaySettings r;
  r.run = run;
  r.queries = queries;
  r.out = out;
  return r;
}

// A run on built-in data with a test split, the same run without it, and
// its replay with the test points as new points.
struct TwinRuns {
  std::string withTest, trainOnly, replayed;
};

TwinRuns twinRuns(bool tangentKernels) {
  TrainArguments s = smallSettings(tempPath("with_test.h5"));
  s.data = "builtin:moons";
  s.tangentKernels = tangentKernels;
  train(s);
  TrainArguments trainOnly = s;
  trainOnly.nTest = 0;
  trainOnly.out = tempPath("train_only.h5");
  train(trainOnly);
  const std::string queries = tempPath("queries.h5"), replayed = tempPath("replayed.h5");
  writeQueries(s.out, queries);
  runReplay(replayOf(trainOnly.out, queries, replayed), MPI_COMM_WORLD, nullptr);
  return {s.out, trainOnly.out, replayed};
}

void expectSameRows(const std::string& run, const std::string& replayed, const std::string& what) {
  for (const std::string name : {"/kernel/path/", "/kernel/contrib/", "/kernel/tangent/initial/",
                                 "/kernel/tangent/final/", "/snapshots/tangent/", "/predict/network/",
                                 "/predict/initial/", "/predict/bias/", "/predict/kernel_machine/"}) {
    const bool predict = name.rfind("/predict/", 0) == 0;
    const std::string base = predict ? "/predict/" : name;
    const std::string leaf = predict ? "/" + name.substr(9, name.size() - 10) : "";
    const auto expected = readAll(run, base + "test" + leaf);
    const auto actual = readAll(replayed, base + "query" + leaf);
    EXPECT_EQ(expected.size(), actual.size()) << what << " " << name;
    EXPECT_LT(relativeDifference(actual, expected), 1e-12) << what << " " << name;
  }
}

TEST(Replay, NewPointsGetTheRowsOfARunWithThemAsItsTestSet) {
  struct Case {
    std::string what, optimizer, rule;
    std::int64_t batch;
    double decay;
  };
  for (const Case& c : {Case{"gd gauss:3", "sgd", "gauss:3", 0, 0.0}, Case{"sgd left decay", "sgd", "left", 8, 1e-2},
                        Case{"adam gauss:2", "adam", "gauss:2", 8, 1e-3}}) {
    TrainArguments s = smallSettings(tempPath("with_test.h5"));
    s.data = "builtin:moons";
    s.optimizer = c.optimizer;
    s.lr = c.optimizer == "adam" ? 0.01 : 0.1;
    s.pathRule = c.rule;
    s.batchSize = c.batch;
    s.weightDecay = c.decay;
    s.tangentKernels = true;
    s.snapshots = "0,5,20";
    train(s);
    TrainArguments trainOnly = s;
    trainOnly.nTest = 0;
    trainOnly.out = tempPath("train_only.h5");
    // Made on one rank, replayed on all: the path does not depend on the rank count.
    trainOnRankZeroAlone(trainOnly);
    const std::string queries = tempPath("queries.h5");
    writeQueries(s.out, queries);
    const std::string replayed = tempPath("replayed.h5");
    const RunReport report = runReplay(replayOf(trainOnly.out, queries, replayed), MPI_COMM_WORLD, nullptr);
    EXPECT_EQ(report.steps, s.steps);
    expectSameRows(s.out, replayed, c.what);
  }
}

// explain reads a queries file's points as it reads a run's test points: the
// same explanation of query:j as of test:j, true labels included (built-in
// data, whose training labels are in the run file, not in the queries file).
TEST(Replay, ExplainOnQueriesEqualsExplainOnTheTestPoints) {
  const TwinRuns runs = twinRuns(false);
  const RunReader withTest(runs.withTest, MPI_COMM_WORLD), withQueries(runs.replayed, MPI_COMM_WORLD);
  const explain::QuerySets testSets = explain::querySetsOf(withTest), querySets = explain::querySetsOf(withQueries);
  ASSERT_EQ(querySets.queryRows, testSets.testRows);
  ASSERT_TRUE(querySets.query.available && querySets.train.available) << querySets.query.note << querySets.train.note;
  const auto points = explain::resolveQueries(explain::parseQuerySelections({"query:all"}), querySets);
  ASSERT_EQ(static_cast<std::int64_t>(points.size()), testSets.testRows);
  for (const auto& point : points) {
    const auto a = explain::explainQuery(withTest, {"test", point.row}, -1, 3, testSets);
    const auto b = explain::explainQuery(withQueries, point, -1, 3, querySets);
    EXPECT_EQ(a.target, b.target) << point.label();
    EXPECT_NEAR(a.network, b.network, 1e-12 * std::abs(a.network)) << point.label();
    ASSERT_EQ(a.proponents.size(), b.proponents.size());
    for (std::size_t k = 0; k < a.proponents.size(); ++k) {
      EXPECT_EQ(a.proponents[k].index, b.proponents[k].index) << point.label();
      EXPECT_EQ(a.proponents[k].label, b.proponents[k].label) << point.label();
      EXPECT_NEAR(a.proponents[k].contribution, b.proponents[k].contribution,
                  1e-12 * std::abs(a.proponents[k].contribution));
    }
  }
}

// A replay keeps the snapshots it is asked for, also when the run kept none:
// those of a run made with the points as its test set and those snapshots.
TEST(Replay, SnapshotsOfItsOwnChoosing) {
  TrainArguments s = smallSettings(tempPath("with_test.h5"));
  s.data = "builtin:moons";
  s.snapshots = "log:4";
  train(s);
  TrainArguments trainOnly = s;
  trainOnly.nTest = 0;
  trainOnly.snapshots = "";
  trainOnly.out = tempPath("train_only.h5");
  train(trainOnly);
  const std::string queries = tempPath("queries.h5"), replayed = tempPath("replayed.h5");
  writeQueries(s.out, queries);
  ReplaySettings r = replayOf(trainOnly.out, queries, replayed);
  r.snapshots = "log:4";
  runReplay(r, MPI_COMM_WORLD, nullptr);
  EXPECT_EQ(readAll(replayed, "/snapshots/steps"), readAll(s.out, "/snapshots/steps"));
  EXPECT_LT(
      relativeDifference(readAll(replayed, "/snapshots/tangent/query"), readAll(s.out, "/snapshots/tangent/test")),
      1e-12);
}

// A replay stopped at a checkpoint and restarted writes the same file as one straight through.
TEST(Replay, RestartsFromItsCheckpointBitIdentically) {
  TrainArguments s = smallSettings(tempPath("with_test.h5"));
  s.data = "builtin:moons";
  s.optimizer = "momentum";
  s.batchSize = 8;
  train(s);
  const std::string queries = tempPath("queries.h5");
  writeQueries(s.out, queries);
  const std::string straight = tempPath("straight.h5");
  runReplay(replayOf(s.out, queries, straight), MPI_COMM_WORLD, nullptr);
  ReplaySettings first = replayOf(s.out, queries, tempPath("first.h5"));
  first.checkpoint = tempPath("replay.ckpt");
  first.checkpointEvery = 7;
  first.keepCheckpoint = true;
  runReplay(first, MPI_COMM_WORLD, nullptr);
  ReplaySettings resumed = replayOf(s.out, queries, tempPath("resumed.h5"));
  resumed.restart = first.checkpoint;
  runReplay(resumed, MPI_COMM_WORLD, nullptr);
  for (const std::string name : {"/kernel/path/query", "/kernel/contrib/query", "/predict/query/kernel_machine"}) {
    const auto a = readAll(straight, name), b = readAll(resumed.out, name);
    ASSERT_EQ(a.size(), b.size()) << name;
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0) << name;
  }
}

// krr --queries scores a replay's points as krr scores the same points as test points.
TEST(Replay, KernelRidgeOnQueriesEqualsKernelRidgeOnTheTestPoints) {
  const TwinRuns runs = twinRuns(true);
  const std::vector<KernelChoice> kernels = {KernelKind::Path, KernelKind::TangentFinal, KernelKind::Rbf};
  KrrSettings withTest, withQueries;
  withTest.run = runs.withTest;
  withQueries.run = runs.trainOnly;
  withQueries.queries = runs.replayed;
  SolverOptions options;
  options.rtol = 1e-13;
  const auto a =
      runKernelRidge(loadKrrProblem(withTest, kernels, MPI_COMM_WORLD), kernels, {1e-3}, 0.0, options, MPI_COMM_WORLD);
  const auto b = runKernelRidge(loadKrrProblem(withQueries, kernels, MPI_COMM_WORLD), kernels, {1e-3}, 0.0, options,
                                MPI_COMM_WORLD);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].test.count, b[k].test.count);
    EXPECT_NEAR(a[k].test.accuracy, b[k].test.accuracy, 1e-12) << toString(a[k].kernel);
    EXPECT_NEAR(a[k].test.logloss, b[k].test.logloss, 1e-9) << toString(a[k].kernel);
  }
}

TEST(Replay, PredictGivesTheNetworksOutputs) {
  TrainArguments s = smallSettings(tempPath("run.h5"));
  s.data = "builtin:blobs";
  train(s);
  const std::string queries = tempPath("queries.h5");
  writeQueries(s.out, queries);
  const explain::Predictions p = explain::predict(s.out, queries, MPI_COMM_WORLD);
  const std::string out = tempPath("predictions.h5");
  explain::writePredictions(out, s.out, queries, p, MPI_COMM_WORLD);
  EXPECT_LT(relativeDifference(readAll(out, "/predict/query/network"), readAll(s.out, "/predict/test/network")), 1e-13);
  EXPECT_LT(relativeDifference(readAll(out, "/predict/query/initial"), readAll(s.out, "/predict/test/initial")), 1e-13);
  const auto probability = readAll(out, "/predict/query/probability");
  for (std::size_t r = 0; r < probability.size() / 3; ++r)
    EXPECT_NEAR(probability[3 * r] + probability[3 * r + 1] + probability[3 * r + 2], 1.0, 1e-14);
}

}  // namespace
}  // namespace pk::test

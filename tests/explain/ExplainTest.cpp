// pathkernel explain: a prediction is the sum of its parts, per output class,
// with and without the train x train blocks; bad input is refused alike on
// every rank.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "explain/Aggregate.hpp"
#include "explain/Explanation.hpp"
#include "explain/QuerySpec.hpp"
#include "explain/Report.hpp"
#include "run/RunReader.hpp"
#include "io/H5.hpp"

namespace pk::test {
namespace {

using explain::QueryPoint;

// sum_i C(x, i) + b(x) + r(x) == f_S(x) for every output, from the raw datasets
// and from the explanation; the top-k sums match the sorted contributions.
void checkQuery(const std::string& file, const RunReader& run, const QueryPoint& q, std::int64_t outputs) {
  const std::int64_t n = run.trainRows();
  const auto contrib = readAll(file, "/kernel/contrib/" + q.set);
  const auto network = readAll(file, "/predict/" + q.set + "/network");
  const auto km = readAll(file, "/predict/" + q.set + "/kernel_machine");
  const auto labels = run.labels();
  for (std::int64_t c = 0; c < outputs; ++c) {
    const auto full = explain::explainQuery(run, q, c, n, labels);
    double sum = 0.0;
    std::vector<double> column;
    for (std::int64_t i = 0; i < n; ++i)
      column.push_back(contrib[static_cast<std::size_t>((q.row * n + i) * outputs + c)]);
    sum = std::accumulate(column.begin(), column.end(), 0.0);
    const double f = network[static_cast<std::size_t>(q.row * outputs + c)];
    const double scale = std::max(1.0, std::abs(f));
    EXPECT_NEAR(sum, full.contributionSum, 1e-12 * scale);
    EXPECT_NEAR(f, full.network, 0.0);
    EXPECT_NEAR(full.residual, f - km[static_cast<std::size_t>(q.row * outputs + c)], 1e-15 * scale);
    EXPECT_NEAR(sum + full.bias + full.residual, f, 1e-12 * scale) << q.label() << " output " << c;
    // With every example listed, proponents and opponents together are all of them.
    EXPECT_NEAR(full.proponentSum + full.opponentSum, full.contributionSum, 1e-12 * scale);
    if (std::abs(full.change) > 1e-12) {
      EXPECT_NEAR(full.topShare, full.allShare, 1e-12);
    }
    // Top 3: the three largest positive and the three most negative contributions.
    const auto top = explain::explainQuery(run, q, c, 3, labels);
    std::vector<double> sorted = column;
    std::sort(sorted.begin(), sorted.end());
    double pos = 0.0, neg = 0.0;
    for (std::size_t k = 0; k < 3 && k < sorted.size(); ++k) {
      if (sorted[sorted.size() - 1 - k] > 0) pos += sorted[sorted.size() - 1 - k];
      if (sorted[k] < 0) neg += sorted[k];
    }
    EXPECT_NEAR(top.proponentSum, pos, 1e-12 * scale);
    EXPECT_NEAR(top.opponentSum, neg, 1e-12 * scale);
    if (top.change != 0.0) {
      EXPECT_NEAR(top.topShare, (pos + neg) / top.change, 1e-12);
    }
    for (std::size_t k = 1; k < top.proponents.size(); ++k)
      EXPECT_GE(top.proponents[k - 1].contribution, top.proponents[k].contribution);
    for (const auto& in : top.proponents)
      EXPECT_NEAR(in.coefficient * in.pathKernel, in.contribution, 1e-12 * std::abs(in.contribution));
  }
}

TEST(Explain, ContributionsBiasAndResidualAddUpToTheNetwork) {
  const std::string file = tempPath("run.h5");
  TrainArguments s = smallSettings(file);
  s.pathRule = "left";
  train(s);
  const RunReader run(file, MPI_COMM_WORLD);
  for (const QueryPoint& q : {QueryPoint{"test", 0}, QueryPoint{"test", 10}, QueryPoint{"train", 5}})
    checkQuery(file, run, q, 1);
  // The default output for C = 1 is output 0.
  EXPECT_EQ(explain::explainQuery(run, {"test", 2}, -1, 4, run.labels()).output, 0);
  // Labels of built-in data come from the run file.
  const auto labels = run.labels();
  ASSERT_TRUE(labels.available);
  const auto y = readAll(file, "/data/train/y");
  EXPECT_EQ(labels.of(7, 0), y[7]);
}

TEST(Explain, SoftmaxPerClass) {
  const std::string file = tempPath("softmax.h5");
  TrainArguments s = smallSettings(file);
  s.data = "builtin:blobs";
  s.loss = "softmax";
  s.pathRule = "gauss:2";
  train(s);
  const RunReader run(file, MPI_COMM_WORLD);
  ASSERT_GT(run.outputs(), 1);
  checkQuery(file, run, {"test", 3}, run.outputs());
  checkQuery(file, run, {"train", 0}, run.outputs());
  // Default: the network's predicted class.
  const auto network = readAll(file, "/predict/test/network");
  const auto first = network.begin() + 3 * run.outputs();
  const auto predicted = std::max_element(first, first + run.outputs()) - first;
  EXPECT_EQ(explain::explainQuery(run, {"test", 3}, -1, 2, run.labels()).output, predicted);
}

TEST(Explain, WithoutTrainKernelsTestQueriesWorkTrainQueriesAreRefused) {
  const std::string file = tempPath("skip.h5");
  TrainArguments s = smallSettings(file);
  s.skipTrainKernels = true;
  train(s);
  const RunReader run(file, MPI_COMM_WORLD);
  EXPECT_FALSE(run.hasKernels("train"));
  checkQuery(file, run, {"test", 4}, 1);
  try {
    explain::explainQuery(run, {"train", 1}, -1, 3, run.labels());
    ADD_FAILURE() << "a train query on a run without train kernels was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--skip-train-kernels"), std::string::npos) << e.what();
  }
  const auto aggregate = explain::aggregateInfluence(run, -1, 3, run.labels());
  EXPECT_FALSE(aggregate.hasSelf);
  EXPECT_NE(aggregate.selfNote.find("--skip-train-kernels"), std::string::npos);
}

TEST(Explain, AggregateSumsOverTestRowsAndReadsTheDiagonal) {
  const std::string file = tempPath("aggregate.h5");
  train(smallSettings(file));
  const RunReader run(file, MPI_COMM_WORLD);
  const std::int64_t n = run.trainRows(), m = run.rows("test");
  // Blocks of 2 rows: several collective reads, uneven across ranks.
  const auto a = explain::aggregateInfluence(run, -1, n, run.labels(), 2);
  const auto contrib = readAll(file, "/kernel/contrib/test");
  std::vector<double> total(static_cast<std::size_t>(n), 0.0);
  for (std::int64_t x = 0; x < m; ++x)
    for (std::int64_t i = 0; i < n; ++i)
      total[static_cast<std::size_t>(i)] += contrib[static_cast<std::size_t>(x * n + i)];
  ASSERT_EQ(a.mostPositive.size() + a.mostNegative.size(),
            static_cast<std::size_t>(std::count_if(total.begin(), total.end(), [](double t) { return t != 0.0; })));
  for (const auto& in : a.mostPositive) EXPECT_NEAR(in.contribution, total[static_cast<std::size_t>(in.index)], 1e-12);
  for (const auto& in : a.mostNegative) EXPECT_NEAR(in.contribution, total[static_cast<std::size_t>(in.index)], 1e-12);
  ASSERT_TRUE(a.hasSelf);
  const auto self = readAll(file, "/kernel/contrib/train");
  ASSERT_EQ(a.selfLargest.size(), static_cast<std::size_t>(n));
  for (const auto& in : a.selfLargest) EXPECT_EQ(in.contribution, self[static_cast<std::size_t>(in.index * (n + 1))]);
  for (std::size_t k = 1; k < a.selfLargest.size(); ++k)
    EXPECT_GE(std::abs(a.selfLargest[k - 1].contribution), std::abs(a.selfLargest[k].contribution));
}

template <typename F>
void expectInputError(F&& f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no InputError (expected one mentioning '" << fragment << "')";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Explain, BadInputIsAnInputErrorOnEveryRank) {
  const std::string file = tempPath("bad.h5");
  train(smallSettings(file));
  expectInputError([&] { RunReader(file + ".missing", MPI_COMM_WORLD); }, "no such file");
  expectInputError([&] { RunReader(sourceDir() + "/data/digits2.h5", MPI_COMM_WORLD); }, "is not a pathkernel-run file");
  const RunReader run(file, MPI_COMM_WORLD);
  expectInputError([&] { explain::explainQuery(run, {"test", 11}, -1, 3, run.labels()); }, "out of range");
  expectInputError([&] { explain::explainQuery(run, {"train", 37}, -1, 3, run.labels()); }, "out of range");
  for (const char* bad : {"test", "test:", "test:x", "valid:3", "test:5-2", "test:1,", "test:-1", "train:1-"})
    expectInputError([&] { explain::parseQueries({bad}); }, "--query");
  expectInputError([&] { explain::parseFormat("xml"); }, "--format");
  const auto points = explain::parseQueries({"test:0-2,train:5", "test:7"});
  ASSERT_EQ(points.size(), 5u);
  EXPECT_EQ(points[3].label(), "train:5");
  EXPECT_EQ(points[4].row, 7);
}

}  // namespace
}  // namespace pk::test

// pathkernel explain: a prediction is the sum of its parts, per output class,
// with and without the train x train blocks; proponents and opponents are
// ranked by their score toward the predicted class; aggregates sum the scores
// over the chosen points; bad input is refused alike on every rank.
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
#include "io/H5.hpp"
#include "results/RunReader.hpp"

namespace pk::test {
namespace {

using explain::QueryPoint;

// The score of every training example for query row q toward class (or output) k, from the raw datasets.
std::vector<double> expectedScores(Loss loss, const std::vector<double>& contrib, std::int64_t q, std::int64_t n,
                                   std::int64_t outputs, std::int64_t k) {
  std::vector<double> score(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const double* c = contrib.data() + (q * n + i) * outputs;
    double mean = 0.0;
    for (std::int64_t o = 0; o < outputs; ++o) mean += c[o] / static_cast<double>(outputs);
    score[static_cast<std::size_t>(i)] =
        loss == Loss::Logistic ? (k == 1 ? c[0] : -c[0]) : (loss == Loss::Softmax ? c[k] - mean : c[k]);
  }
  return score;
}

// sum_i C(x, i) + b(x) + r(x) == f_S(x) for every output (or class), from the raw datasets
// and from the explanation; the listed examples are those of the largest and most negative scores.
void checkQuery(const std::string& file, const RunReader& run, const QueryPoint& q) {
  const std::int64_t n = run.trainRows(), outputs = run.outputs();
  const std::int64_t classes = run.loss() == Loss::Logistic ? 2 : outputs;
  const auto contrib = readAll(file, "/kernel/contrib/" + q.set);
  const auto network = readAll(file, "/predict/" + q.set + "/network");
  const auto km = readAll(file, "/predict/" + q.set + "/kernel_machine");
  const auto sets = explain::querySetsOf(run);
  for (std::int64_t k = 0; k < classes; ++k) {
    const auto full = explain::explainQuery(run, q, k, n, sets);
    const std::int64_t c = full.output;
    EXPECT_EQ(c, run.loss() == Loss::Logistic ? 0 : k);
    double sum = 0.0;
    for (std::int64_t i = 0; i < n; ++i) sum += contrib[static_cast<std::size_t>((q.row * n + i) * outputs + c)];
    const double f = network[static_cast<std::size_t>(q.row * outputs + c)];
    const double scale = std::max(1.0, std::abs(f));
    EXPECT_NEAR(sum, full.contributionSum, 1e-12 * scale);
    EXPECT_EQ(f, full.network);
    EXPECT_NEAR(full.residual, f - km[static_cast<std::size_t>(q.row * outputs + c)], 1e-15 * scale);
    EXPECT_NEAR(sum + full.bias + full.residual, f, 1e-12 * scale) << q.label() << " output " << c;

    // Top 3 by score: the three largest positive and the three most negative scores.
    const auto score = expectedScores(run.loss(), contrib, q.row, n, outputs, k);
    const auto top = explain::explainQuery(run, q, k, 3, sets);
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) { return score[a] > score[b]; });
    ASSERT_FALSE(top.proponents.empty());
    for (std::size_t r = 0; r < top.proponents.size(); ++r) {
      EXPECT_EQ(top.proponents[r].index, order[r]);
      EXPECT_NEAR(top.proponents[r].score, score[static_cast<std::size_t>(order[r])], 1e-15 * scale);
      EXPECT_GT(top.proponents[r].score, 0.0);
    }
    for (std::size_t r = 0; r < top.opponents.size(); ++r) {
      EXPECT_EQ(top.opponents[r].index, order[order.size() - 1 - r]);
      EXPECT_LT(top.opponents[r].score, 0.0);
    }
    for (const auto& in : top.proponents) {
      EXPECT_EQ(in.contribution, contrib[static_cast<std::size_t>((q.row * n + in.index) * outputs + c)]);
      if (outputs == 1)
        EXPECT_NEAR(in.coefficient * in.pathKernel, in.contribution, 1e-12 * std::abs(in.contribution));
      else
        EXPECT_TRUE(std::isnan(in.coefficient)) << "a_i is not defined for C > 1";
    }
  }
}

TEST(Explain, ContributionsBiasAndResidualAddUpToTheNetwork) {
  const std::string file = tempPath("run.h5");
  TrainArguments s = smallSettings(file);
  s.pathRule = "left";
  train(s);
  const RunReader run(file, MPI_COMM_WORLD);
  for (const QueryPoint& q : {QueryPoint{"test", 0}, QueryPoint{"test", 10}, QueryPoint{"train", 5}})
    checkQuery(file, run, q);
  const auto sets = explain::querySetsOf(run);
  // mse: output 0 by default, the score is C itself, the query's target is shown, no class.
  const auto e = explain::explainQuery(run, {"test", 2}, -1, 4, sets);
  EXPECT_EQ(e.output, 0);
  EXPECT_EQ(e.rule.predicted, -1);
  EXPECT_TRUE(e.probabilities.empty());
  ASSERT_EQ(e.target.size(), 1u);
  EXPECT_EQ(e.target[0], readAll(file, "/data/test/y")[2]);
  for (const auto& in : e.proponents) EXPECT_EQ(in.score, in.contribution);
  // Labels of built-in data come from the run file.
  ASSERT_TRUE(sets.train.available);
  EXPECT_EQ(sets.train.of(7, 0), readAll(file, "/data/train/y")[7]);
}

TEST(Explain, LogisticScoresPointTowardThePredictedClass) {
  const std::string file = tempPath("logistic.h5");
  TrainArguments s = smallSettings(file);
  s.data = "builtin:moons";
  s.loss = "logistic";
  s.steps = 30;
  s.lr = 0.3;
  train(s);
  const RunReader run(file, MPI_COMM_WORLD);
  checkQuery(file, run, {"test", 1});
  const auto sets = explain::querySetsOf(run);
  const auto network = readAll(file, "/predict/test/network");
  const auto labels = readAll(file, "/data/test/y");
  bool sawClassZero = false;
  for (std::int64_t row = 0; row < run.rows("test"); ++row) {
    const auto e = explain::explainQuery(run, {"test", row}, -1, 5, sets);
    const double f = network[static_cast<std::size_t>(row)];
    EXPECT_EQ(e.rule.predicted, f > 0 ? 1 : 0);
    EXPECT_EQ(e.rule.toward, e.rule.predicted);
    EXPECT_EQ(e.target.at(0), labels[static_cast<std::size_t>(row)]);
    EXPECT_NEAR(e.probabilities.at(1), 1.0 / (1.0 + std::exp(-f)), 1e-15);
    // A proponent of class 0 lowers the logit: its contribution is negative.
    for (const auto& in : e.proponents) EXPECT_EQ(in.score, f > 0 ? in.contribution : -in.contribution);
    sawClassZero = sawClassZero || f <= 0;
  }
  EXPECT_TRUE(sawClassZero) << "the test set should hold a point predicted as class 0";
}

TEST(Explain, SoftmaxScoresAreContributionsAboveTheMeanOverClasses) {
  const std::string file = tempPath("softmax.h5");
  TrainArguments s = smallSettings(file);
  s.data = "builtin:blobs";
  s.loss = "softmax";
  s.pathRule = "gauss:2";
  train(s);
  const RunReader run(file, MPI_COMM_WORLD);
  ASSERT_GT(run.outputs(), 1);
  checkQuery(file, run, {"test", 3});
  checkQuery(file, run, {"train", 0});
  // Default: the network's predicted class, with its softmax probability.
  const auto network = readAll(file, "/predict/test/network");
  const auto first = network.begin() + 3 * run.outputs();
  const auto predicted = std::max_element(first, first + run.outputs()) - first;
  const auto e = explain::explainQuery(run, {"test", 3}, -1, 2, explain::querySetsOf(run));
  EXPECT_EQ(e.output, predicted);
  EXPECT_EQ(e.rule.predicted, predicted);
  double z = 0.0;
  for (auto it = first; it != first + run.outputs(); ++it) z += std::exp(*it - first[predicted]);
  EXPECT_NEAR(e.probabilities.at(static_cast<std::size_t>(predicted)), 1.0 / z, 1e-15);
}

TEST(Explain, WithoutTrainKernelsTestQueriesWorkTrainQueriesAreRefused) {
  const std::string file = tempPath("skip.h5");
  TrainArguments s = smallSettings(file);
  s.skipTrainKernels = true;
  train(s);
  const RunReader run(file, MPI_COMM_WORLD);
  const auto sets = explain::querySetsOf(run);
  EXPECT_FALSE(run.hasKernels("train"));
  checkQuery(file, run, {"test", 4});
  try {
    explain::explainQuery(run, {"train", 1}, -1, 3, sets);
    ADD_FAILURE() << "a train query on a run without train kernels was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--skip-train-kernels"), std::string::npos) << e.what();
  }
  const auto points = explain::resolveQueries(explain::parseQuerySelections({"test:all"}), sets);
  const auto aggregate = explain::aggregateInfluence(run, points, "test:all", -1, 3, sets);
  EXPECT_FALSE(aggregate.hasSelf);
  EXPECT_NE(aggregate.selfNote.find("--skip-train-kernels"), std::string::npos);
}

// T_i = sum over the chosen points of score(x, i), from the raw datasets.
std::vector<double> expectedTotals(const std::string& file, const RunReader& run,
                                   const std::vector<QueryPoint>& points) {
  const std::int64_t n = run.trainRows(), outputs = run.outputs();
  std::vector<double> total(static_cast<std::size_t>(n), 0.0);
  for (const std::string set : {"train", "test"}) {
    const auto contrib = readAll(file, "/kernel/contrib/" + set);
    const auto network = readAll(file, "/predict/" + set + "/network");
    for (const auto& p : points) {
      if (p.set != set) continue;
      const double* f = network.data() + p.row * outputs;
      const std::int64_t k = run.loss() == Loss::Logistic ? (f[0] > 0 ? 1 : 0) : std::max_element(f, f + outputs) - f;
      const auto score = expectedScores(run.loss(), contrib, p.row, n, outputs, k);
      for (std::int64_t i = 0; i < n; ++i) total[static_cast<std::size_t>(i)] += score[static_cast<std::size_t>(i)];
    }
  }
  return total;
}

void checkAggregate(const std::string& file, const RunReader& run, const std::string& query) {
  const std::int64_t n = run.trainRows();
  const auto sets = explain::querySetsOf(run);
  const auto points = explain::resolveQueries(explain::parseQuerySelections({query}), sets);
  // Blocks of 2 rows: several collective reads, uneven across ranks.
  const auto a = explain::aggregateInfluence(run, points, query, -1, n, sets, 2);
  // A point selected twice counts once.
  std::vector<QueryPoint> unique;
  for (const auto& p : points)
    if (std::none_of(unique.begin(), unique.end(), [&](const QueryPoint& u) { return u.label() == p.label(); }))
      unique.push_back(p);
  const auto total = expectedTotals(file, run, unique);
  EXPECT_EQ(a.points, static_cast<std::int64_t>(unique.size())) << query;
  ASSERT_EQ(a.mostPositive.size() + a.mostNegative.size(),
            static_cast<std::size_t>(std::count_if(total.begin(), total.end(), [](double t) { return t != 0.0; })));
  for (const auto* list : {&a.mostPositive, &a.mostNegative})
    for (const auto& in : *list) EXPECT_NEAR(in.score, total[static_cast<std::size_t>(in.index)], 1e-12) << query;
}

TEST(Explain, AggregateSumsScoresOverTheChosenPointsAndReadsTheDiagonal) {
  const std::string file = tempPath("aggregate.h5");
  TrainArguments s = smallSettings(file);
  s.data = "builtin:moons";
  s.loss = "logistic";
  train(s);
  const RunReader run(file, MPI_COMM_WORLD);
  for (const char* query : {"test:all", "test:1,4,6-9", "test:label=1", "train:0-5,test:3,train:label=0"})
    checkAggregate(file, run, query);
  const std::int64_t n = run.trainRows();
  const auto sets = explain::querySetsOf(run);
  const auto a = explain::aggregateInfluence(
      run, explain::resolveQueries(explain::parseQuerySelections({"test:all"}), sets), "test:all", -1, n, sets);
  ASSERT_TRUE(a.hasSelf);
  const auto self = readAll(file, "/kernel/contrib/train");
  const auto network = readAll(file, "/predict/train/network");
  ASSERT_EQ(a.selfLargest.size(), static_cast<std::size_t>(n));
  for (const auto& in : a.selfLargest) {
    const double c = self[static_cast<std::size_t>(in.index * (n + 1))];
    EXPECT_EQ(in.contribution, c);
    EXPECT_EQ(in.score, network[static_cast<std::size_t>(in.index)] > 0 ? c : -c);
  }
  for (std::size_t k = 1; k < a.selfLargest.size(); ++k)
    EXPECT_GE(std::abs(a.selfLargest[k - 1].score), std::abs(a.selfLargest[k].score));
}

TEST(Explain, BadInputIsAnInputErrorOnEveryRank) {
  const std::string file = tempPath("bad.h5");
  train(smallSettings(file));
  expectInputError([&] { RunReader(file + ".missing", MPI_COMM_WORLD); }, "no such file");
  expectInputError([&] { RunReader(sourceDir() + "/data/digits2.h5", MPI_COMM_WORLD); },
                   "is not a pathkernel-run file");
  const RunReader run(file, MPI_COMM_WORLD);
  const auto sets = explain::querySetsOf(run);
  expectInputError([&] { explain::explainQuery(run, {"test", 11}, -1, 3, sets); }, "out of range");
  expectInputError([&] { explain::explainQuery(run, {"train", 37}, -1, 3, sets); }, "out of range");
  expectInputError([&] { explain::explainQuery(run, {"test", 1}, 1, 3, sets); }, "--class 1 is out of range");
  expectInputError([&] { explain::resolveQueries(explain::parseQuerySelections({"test:9-11"}), sets); },
                   "out of range");
  // label= selects classes: a regression run has none.
  expectInputError([&] { explain::resolveQueries(explain::parseQuerySelections({"test:label=1"}), sets); },
                   "the run's loss is mse");
  expectInputError([&] { explain::parseFormat("xml"); }, "--format");
}

}  // namespace
}  // namespace pk::test

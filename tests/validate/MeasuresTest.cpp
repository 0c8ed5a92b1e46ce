// The numbers of a validation study recomputed here from its stored arrays
// alone (scores, keep masks, retrained outputs), with Spearman and Pearson
// written out independently: top-k sets and changes, flips, LDS, LOO.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "TestSupport.hpp"
#include "validate/Correlation.hpp"
#include "validate/Validation.hpp"

namespace pk::test {
namespace {

// Ranks by counting (ties share the mean rank): another way than the library's sort.
std::vector<double> ranksByCounting(const std::vector<double>& v) {
  std::vector<double> r;
  for (double a : v) {
    double below = 0, equal = 0;
    for (double b : v) {
      below += b < a ? 1 : 0;
      equal += b == a ? 1 : 0;
    }
    r.push_back(below + (equal + 1) / 2);
  }
  return r;
}

double pearsonHere(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    sx += x[k];
    sy += y[k];
  }
  for (std::size_t k = 0; k < x.size(); ++k) {
    sxx += (x[k] - sx / n) * (x[k] - sx / n);
    syy += (y[k] - sy / n) * (y[k] - sy / n);
    sxy += (x[k] - sx / n) * (y[k] - sy / n);
  }
  return sxy / std::sqrt(sxx * syy);
}

double spearmanHere(const std::vector<double>& x, const std::vector<double>& y) {
  return pearsonHere(ranksByCounting(x), ranksByCounting(y));
}

TEST(Correlation, KnownValuesAndTies) {
  EXPECT_NEAR(validation::pearson({1, 2, 3, 4}, {2, 4, 6, 8.5}), pearsonHere({1, 2, 3, 4}, {2, 4, 6, 8.5}), 1e-15);
  EXPECT_NEAR(validation::pearson({1, 2, 3}, {3, 2, 1}), -1.0, 1e-15);
  EXPECT_EQ(validation::averageRanks({3, 1, 3, 2}), (std::vector<double>{3.5, 1, 3.5, 2}));
  EXPECT_NEAR(validation::spearman({1, 2, 2, 5, 7}, {0.1, 0.5, 0.3, 0.3, 9}),
              spearmanHere({1, 2, 2, 5, 7}, {0.1, 0.5, 0.3, 0.3, 9}), 1e-15);
  EXPECT_TRUE(std::isnan(validation::pearson({1, 1, 1}, {1, 2, 3})));
  EXPECT_NEAR(validation::pearson({1, NAN, 3, 4}, {1, 5, 3, 5}), pearsonHere({1, 3, 4}, {1, 3, 5}), 1e-15);
}

// A small run with tangent kernels, and a study of it through the library.
std::string studyOf(const std::string& data, std::int64_t batch) {
  TrainArguments t = smallSettings(tempPath("run.h5"));
  t.data = data;
  t.batchSize = batch;
  t.tangentKernels = true;
  t.steps = 12;
  train(t);
  validation::ValidateArguments a;
  a.run = t.out;
  a.out = tempPath("study.h5");
  a.topk = "2,5";
  a.ldsSubsets = 7;
  a.loo = 5;
  a.queries = "test:0-5";
  validation::runValidation(validation::resolveValidateSettings(a), MPI_COMM_WORLD, nullptr);
  return a.out;
}

const std::vector<std::string> kScores = {"path", "tangent-initial", "tangent-final", "random"};

// The study's arrays as stored, and the scored output recomputed from them.
struct Stored {
  std::string loss;
  std::int64_t q = 0, n = 0, c = 0, j = 0;
  std::vector<double> out, keep, reference, direction, cls;
  std::vector<std::vector<double>> score;  // per score [Q, N]

  explicit Stored(const std::string& file, const std::string& lossName) : loss(lossName) {
    out = readAll(file, "/retrain/output");
    const auto shape = shapeOf(file, "/retrain/output");
    j = static_cast<std::int64_t>(shape[0]);
    q = static_cast<std::int64_t>(shape[1]);
    c = static_cast<std::int64_t>(shape[2]);
    keep = readAll(file, "/retrain/keep");
    n = static_cast<std::int64_t>(keep.size()) / j;
    reference = readAll(file, "/reference/output");
    direction = readAll(file, "/reference/direction");
    cls = readAll(file, "/reference/class");
    for (const auto& name : kScores) score.push_back(readAll(file, "/scores/" + name));
  }
  const double* outputs(std::int64_t jj, std::int64_t qq) const { return out.data() + (jj * q + qq) * c; }
  double g(std::int64_t jj, std::int64_t qq) const {
    const double* f = outputs(jj, qq);
    if (loss != "softmax") return f[0];
    const double mean = std::accumulate(f, f + c, 0.0) / static_cast<double>(c);
    return f[static_cast<std::size_t>(cls[static_cast<std::size_t>(qq)])] - mean;
  }
  std::int64_t classOf(std::int64_t jj, std::int64_t qq) const {
    const double* f = outputs(jj, qq);
    return loss == "logistic" ? (f[0] > 0 ? 1 : 0) : std::max_element(f, f + c) - f;
  }
  double s(std::size_t sc, std::int64_t qq, std::int64_t i) const {
    return score[sc][static_cast<std::size_t>(qq * n + i)];
  }
  std::vector<std::int64_t> removed(std::int64_t jj) const {
    std::vector<std::int64_t> r;
    for (std::int64_t i = 0; i < n; ++i)
      if (keep[static_cast<std::size_t>(jj * n + i)] == 0) r.push_back(i);
    return r;
  }
};

void expectClose(double a, double b, const std::string& what) {
  EXPECT_NEAR(a, b, 1e-12 * std::max(1.0, std::abs(b))) << what;
}

double meanOf(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double sampleSd(const std::vector<double>& v) {
  double ss = 0;
  for (double x : v) ss += (x - meanOf(v)) * (x - meanOf(v));
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

void checkTopk(const std::string& file, const Stored& st) {
  const auto ks = readAll(file, "/topk/k");
  const auto retrain = readAll(file, "/topk/retrain");
  const auto actual = readAll(file, "/topk/actual"), predicted = readAll(file, "/topk/predicted");
  const auto actualMean = readAll(file, "/summary/topk_actual_mean");
  const auto flipped = st.loss == "mse" ? std::vector<double>() : readAll(file, "/topk/flipped");
  for (std::size_t sc = 0; sc < kScores.size(); ++sc)
    for (std::size_t k = 0; k < ks.size(); ++k) {
      std::vector<double> toward;
      for (std::int64_t qq = 0; qq < st.q; ++qq) {
        const std::size_t at = (sc * ks.size() + k) * static_cast<std::size_t>(st.q) + static_cast<std::size_t>(qq);
        const auto jj = static_cast<std::int64_t>(retrain[at]);
        std::vector<std::int64_t> order(static_cast<std::size_t>(st.n));
        std::iota(order.begin(), order.end(), 0);
        const double sign = st.direction[static_cast<std::size_t>(qq)];
        std::stable_sort(order.begin(), order.end(),
                         [&](auto a, auto b) { return sign * st.s(sc, qq, a) > sign * st.s(sc, qq, b); });
        order.resize(static_cast<std::size_t>(ks[k]));
        std::sort(order.begin(), order.end());
        EXPECT_EQ(st.removed(jj), order) << kScores[sc] << " k " << ks[k] << " query " << qq;
        double sum = 0;
        for (auto i : order) sum += st.s(sc, qq, i);
        expectClose(predicted[at], -sum, "top-k predicted");
        expectClose(actual[at], st.g(jj, qq) - st.reference[static_cast<std::size_t>(qq)], "top-k actual");
        if (!flipped.empty()) {
          EXPECT_EQ(flipped[at], st.classOf(jj, qq) != st.cls[static_cast<std::size_t>(qq)] ? 1.0 : 0.0);
        }
        toward.push_back(sign * actual[at]);
      }
      expectClose(actualMean[sc * ks.size() + k], meanOf(toward), "top-k mean toward the prediction");
    }
}

void checkLds(const std::string& file, const Stored& st) {
  const auto retrain = readAll(file, "/lds/retrain");
  const auto spearman = readAll(file, "/lds/spearman");
  const auto mean = readAll(file, "/summary/lds_mean"), sd = readAll(file, "/summary/lds_sd");
  for (std::size_t sc = 0; sc < kScores.size(); ++sc) {
    std::vector<double> perQuery;
    for (std::int64_t qq = 0; qq < st.q; ++qq) {
      std::vector<double> predicted, actual;
      for (double jj : retrain) {
        double kept = 0;
        for (std::int64_t i = 0; i < st.n; ++i)
          if (st.keep[static_cast<std::size_t>(static_cast<std::int64_t>(jj) * st.n + i)] != 0) kept += st.s(sc, qq, i);
        predicted.push_back(kept);
        actual.push_back(st.g(static_cast<std::int64_t>(jj), qq));
      }
      perQuery.push_back(spearmanHere(predicted, actual));
      expectClose(spearman[sc * static_cast<std::size_t>(st.q) + static_cast<std::size_t>(qq)], perQuery.back(), "LDS");
    }
    expectClose(mean[sc], meanOf(perQuery), "LDS mean");
    expectClose(sd[sc], sampleSd(perQuery), "LDS sd");
  }
}

void checkLoo(const std::string& file, const Stored& st) {
  const auto examples = readAll(file, "/loo/example"), retrain = readAll(file, "/loo/retrain");
  const auto pearson = readAll(file, "/loo/pearson"), mean = readAll(file, "/summary/loo_mean");
  for (std::size_t k = 0; k < examples.size(); ++k)
    EXPECT_EQ(st.removed(static_cast<std::int64_t>(retrain[k])),
              std::vector<std::int64_t>{static_cast<std::int64_t>(examples[k])});
  for (std::size_t sc = 0; sc < kScores.size(); ++sc) {
    std::vector<double> perQuery;
    for (std::int64_t qq = 0; qq < st.q; ++qq) {
      std::vector<double> actual, predicted;
      for (std::size_t k = 0; k < examples.size(); ++k) {
        actual.push_back(st.g(static_cast<std::int64_t>(retrain[k]), qq) - st.reference[static_cast<std::size_t>(qq)]);
        predicted.push_back(-st.s(sc, qq, static_cast<std::int64_t>(examples[k])));
      }
      perQuery.push_back(pearsonHere(actual, predicted));
      expectClose(pearson[sc * static_cast<std::size_t>(st.q) + static_cast<std::size_t>(qq)], perQuery.back(), "LOO");
    }
    expectClose(mean[sc], meanOf(perQuery), "LOO mean");
  }
}

TEST(Validation, MeasuresRecomputedFromTheStoredArrays) {
  const std::pair<const char*, const char*> cases[] = {
      {"builtin:moons", "logistic"}, {"builtin:blobs", "softmax"}, {"builtin:regression", "mse"}};
  for (const auto& [data, loss] : cases) {
    const std::string file = studyOf(data, std::string(loss) == "mse" ? 8 : 0);
    const Stored st(file, loss);
    checkTopk(file, st);
    checkLds(file, st);
    checkLoo(file, st);
    // The path score is the run's contribution on the scored output.
    EXPECT_EQ(st.score[0].size(), static_cast<std::size_t>(st.q * st.n)) << data;
  }
}

}  // namespace
}  // namespace pk::test

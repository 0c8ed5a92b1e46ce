#include "explain/Explanation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/Error.hpp"

namespace pk::explain {

std::vector<std::int64_t> strongest(const std::vector<double>& score, std::int64_t top, bool negative) {
  std::vector<std::int64_t> order;
  for (std::size_t i = 0; i < score.size(); ++i)
    if (negative ? score[i] < 0.0 : score[i] > 0.0) order.push_back(static_cast<std::int64_t>(i));
  const auto keep = static_cast<std::size_t>(std::min<std::int64_t>(top, static_cast<std::int64_t>(order.size())));
  // Ties broken by the smaller index, so the listing is deterministic.
  auto stronger = [&](std::int64_t a, std::int64_t b) {
    const double sa = score[static_cast<std::size_t>(a)], sb = score[static_cast<std::size_t>(b)];
    if (sa != sb) return negative ? sa < sb : sa > sb;
    return a < b;
  };
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(), stronger);
  order.resize(keep);
  return order;
}

namespace {

// The query's own label (classification) or targets (mse), empty when unknown.
std::vector<double> targetOf(const QueryPoint& query, const QuerySets& sets) {
  const Labels& labels = sets.labels(query.set);
  std::vector<double> target;
  if (!labels.available) return target;
  for (std::int64_t c = 0; c < labels.cols; ++c) target.push_back(labels.of(query.row, c));
  return target;
}

void setPrediction(QueryExplanation& e, const QueryRows& rows) {
  const auto c = static_cast<std::size_t>(e.output);
  e.network = rows.network[c];
  e.initial = rows.initial[c];
  e.bias = rows.bias[c];
  e.kernelMachine = rows.kernelMachine[c];
  e.residual = e.network - e.kernelMachine;
  e.change = e.network - e.initial;
}

}  // namespace

QueryExplanation explainRows(const QueryPoint& query, const QueryRows& rows, Loss loss, std::int64_t requested,
                             std::int64_t top, const QuerySets& sets) {
  QueryExplanation e;
  e.query = query;
  e.outputs = static_cast<std::int64_t>(rows.network.size());
  e.rule = scoreRule(loss, rows.network.data(), e.outputs, requested);
  e.output = e.rule.column;
  e.target = targetOf(query, sets);
  e.probabilities = classProbabilities(loss, rows.network.data(), e.outputs);
  e.classNames = sets.classNames;
  setPrediction(e, rows);

  const std::size_t n = rows.path.size(), outputs = static_cast<std::size_t>(e.outputs);
  std::vector<double> score(n), contrib(n);
  for (std::size_t i = 0; i < n; ++i) {
    score[i] = e.rule.score(rows.contrib.data() + i * outputs);
    contrib[i] = rows.contrib[i * outputs + static_cast<std::size_t>(e.output)];
  }
  e.contributionSum = std::accumulate(contrib.begin(), contrib.end(), 0.0);
  for (const double v : contrib) (v > 0.0 ? e.towardSum : e.againstSum) += v;
  auto describe = [&](std::int64_t i) {
    const auto k = static_cast<std::size_t>(i);
    Influence in;
    in.index = i;
    in.label = sets.train.of(i, e.output);
    in.score = score[k];
    in.contribution = contrib[k];
    in.pathKernel = rows.path[k];
    // For C > 1, K^p is the trace over outputs: C / K^p is no coefficient of one output.
    in.coefficient = e.outputs == 1 && in.pathKernel != 0.0 ? in.contribution / in.pathKernel : std::nan("");
    return in;
  };
  for (std::int64_t i : strongest(score, top, false)) {
    e.proponents.push_back(describe(i));
    e.proponentSum += e.proponents.back().contribution;
  }
  for (std::int64_t i : strongest(score, top, true)) {
    e.opponents.push_back(describe(i));
    e.opponentSum += e.opponents.back().contribution;
  }
  e.topShare = e.change != 0.0 ? (e.proponentSum + e.opponentSum) / e.change : std::nan("");
  e.allShare = e.change != 0.0 ? e.contributionSum / e.change : std::nan("");
  return e;
}

QueryExplanation explainQuery(const RunReader& run, const QueryPoint& query, std::int64_t requested, std::int64_t top,
                              const QuerySets& sets) {
  const std::int64_t rows = run.rows(query.set);
  PK_REQUIRE(rows > 0, "query " + query.label() + ": the run has no " + query.set + " points");
  PK_REQUIRE(query.row < rows, "query " + query.label() + " is out of range: the run has " + std::to_string(rows) +
                                   " " + query.set + " points (rows 0.." + std::to_string(rows - 1) + ")");
  PK_REQUIRE(run.hasKernels(query.set),
             "query " + query.label() + ": the run file has no /kernel/contrib/" + query.set +
                 (query.set == "train" ? " (the run was made with --skip-train-kernels); only test points can be "
                                         "explained, or train again without --skip-train-kernels"
                                       : ""));
  QueryRows r;
  r.network = run.predictions(query.set, "network", query.row, 1);
  r.initial = run.predictions(query.set, "initial", query.row, 1);
  r.bias = run.predictions(query.set, "bias", query.row, 1);
  r.kernelMachine = run.predictions(query.set, "kernel_machine", query.row, 1);
  r.contrib = run.contributions(query.set, query.row, 1);
  r.path = run.pathKernel(query.set, query.row, 1);
  const std::int64_t outputs = static_cast<std::int64_t>(r.network.size());
  PK_REQUIRE(r.contrib.size() == r.path.size() * static_cast<std::size_t>(outputs) &&
                 static_cast<std::int64_t>(r.path.size()) == run.trainRows(),
             "'" + run.path() + "': the kernel datasets do not have the shapes of docs/FORMAT.md");
  return explainRows(query, r, run.loss(), requested, top, sets);
}

}  // namespace pk::explain

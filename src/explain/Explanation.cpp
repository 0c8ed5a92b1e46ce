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

std::int64_t argmax(const double* values, std::int64_t n) {
  return static_cast<std::int64_t>(std::max_element(values, values + n) - values);
}

QueryExplanation explainRows(const QueryPoint& query, const QueryRows& rows, std::int64_t outputs, std::int64_t output,
                             std::int64_t top, const Labels& labels, bool softmax) {
  QueryExplanation e;
  e.query = query;
  e.outputs = outputs;
  e.output = output >= 0 ? output : (softmax ? argmax(rows.network.data(), outputs) : 0);
  const auto c = static_cast<std::size_t>(e.output);
  e.network = rows.network[c];
  e.initial = rows.initial[c];
  e.bias = rows.bias[c];
  e.kernelMachine = rows.kernelMachine[c];
  e.residual = e.network - e.kernelMachine;
  e.change = e.network - e.initial;

  const std::size_t n = rows.path.size();
  std::vector<double> contrib(n);
  for (std::size_t i = 0; i < n; ++i) contrib[i] = rows.contrib[i * static_cast<std::size_t>(outputs) + c];
  e.contributionSum = std::accumulate(contrib.begin(), contrib.end(), 0.0);
  auto describe = [&](std::int64_t i) {
    Influence in;
    in.index = i;
    in.label = labels.of(i, e.output);
    in.contribution = contrib[static_cast<std::size_t>(i)];
    in.pathKernel = rows.path[static_cast<std::size_t>(i)];
    in.coefficient = in.pathKernel != 0.0 ? in.contribution / in.pathKernel : std::nan("");
    return in;
  };
  for (std::int64_t i : strongest(contrib, top, false)) {
    e.proponents.push_back(describe(i));
    e.proponentSum += e.proponents.back().contribution;
  }
  for (std::int64_t i : strongest(contrib, top, true)) {
    e.opponents.push_back(describe(i));
    e.opponentSum += e.opponents.back().contribution;
  }
  e.topShare = e.change != 0.0 ? (e.proponentSum + e.opponentSum) / e.change : std::nan("");
  e.allShare = e.change != 0.0 ? e.contributionSum / e.change : std::nan("");
  return e;
}

QueryExplanation explainQuery(const RunReader& run, const QueryPoint& query, std::int64_t output, std::int64_t top,
                              const Labels& labels) {
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
  return explainRows(query, r, outputs, output, top, labels, run.loss() == Loss::Softmax);
}

}  // namespace pk::explain

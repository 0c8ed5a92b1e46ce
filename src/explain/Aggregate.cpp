#include "explain/Aggregate.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "explain/ReportText.hpp"

namespace pk::explain {

namespace {

constexpr std::int64_t kBlockValues = 1 << 22;  // about 32 MB of float64 per block

struct RowRun {
  std::int64_t first = 0, count = 0;
};

// This rank's share of `rows` (sorted, unique) as runs of consecutive rows, each at most `block` long.
std::vector<RowRun> localRuns(const std::vector<std::int64_t>& rows, std::int64_t block, MPI_Comm comm) {
  const Partition share(comm, static_cast<std::int64_t>(rows.size()));
  std::vector<RowRun> runs;
  for (std::int64_t k = share.begin(); k < share.end(); ++k) {
    const std::int64_t row = rows[static_cast<std::size_t>(k)];
    if (runs.empty() || runs.back().first + runs.back().count != row || runs.back().count == block)
      runs.push_back({row, 0});
    ++runs.back().count;
  }
  return runs;
}

// Adds score(x, i) over this rank's share of the points of one set to `total`.
void addSet(const RunReader& run, const std::string& set, const std::vector<std::int64_t>& rows, std::int64_t requested,
            std::int64_t blockRows, std::vector<double>& total) {
  const std::int64_t n = run.trainRows(), outputs = run.outputs();
  const std::int64_t block =
      blockRows > 0 ? blockRows : std::max<std::int64_t>(1, kBlockValues / std::max<std::int64_t>(1, n * outputs));
  const auto runs = localRuns(rows, block, run.comm());
  std::int64_t reads = static_cast<std::int64_t>(runs.size()), maxReads = 0;
  PK_MPI(MPI_Allreduce(&reads, &maxReads, 1, MPI_INT64_T, MPI_MAX, run.comm()));
  // Every rank makes the same number of (collective) reads; some read nothing.
  for (std::int64_t b = 0; b < maxReads; ++b) {
    const RowRun piece = b < reads ? runs[static_cast<std::size_t>(b)] : RowRun{0, 0};
    const auto contrib = run.contributions(set, piece.first, piece.count);
    const auto network = run.predictions(set, "network", piece.first, piece.count);
    for (std::int64_t r = 0; r < piece.count; ++r) {
      const ScoreRule rule = scoreRule(run.loss(), network.data() + r * outputs, outputs, requested);
      const double* row = contrib.data() + r * n * outputs;
      for (std::int64_t i = 0; i < n; ++i) total[static_cast<std::size_t>(i)] += rule.score(row + i * outputs);
    }
  }
}

// T_i = sum over the points of score(x, i), summed over all ranks.
std::vector<double> totalScores(const RunReader& run, const std::map<std::string, std::vector<std::int64_t>>& bySet,
                                std::int64_t requested, std::int64_t blockRows) {
  std::vector<double> total(static_cast<std::size_t>(run.trainRows()), 0.0);
  for (const auto& [set, rows] : bySet) addSet(run, set, rows, requested, blockRows, total);
  PK_MPI(MPI_Allreduce(MPI_IN_PLACE, total.data(), static_cast<int>(total.size()), MPI_DOUBLE, MPI_SUM, run.comm()));
  return total;
}

void selfInfluence(const RunReader& run, std::int64_t requested, std::int64_t top, const QuerySets& sets,
                   AggregateInfluence& result) {
  if (!run.hasKernels("train")) {
    result.selfNote =
        "self-influence C(x_i, i) unavailable: the run has no /kernel/contrib/train "
        "(it was made with --skip-train-kernels)";
    return;
  }
  const std::int64_t n = run.trainRows(), outputs = run.outputs();
  const auto contrib = run.trainDiagonal("contrib");
  const auto path = run.trainDiagonal("path");
  const auto network = run.predictions("train", "network", 0, n);
  std::vector<double> self(static_cast<std::size_t>(n)), magnitude(self.size());
  std::vector<ScoreRule> rules;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    rules.push_back(scoreRule(run.loss(), network.data() + i * outputs, outputs, requested));
    self[k] = rules.back().score(contrib.data() + i * outputs);
    magnitude[k] = std::abs(self[k]);
  }
  for (std::int64_t i : strongest(magnitude, top, false)) {
    const auto k = static_cast<std::size_t>(i);
    Influence in;
    in.index = i;
    in.label = sets.train.of(i, rules[k].column);
    in.score = self[k];
    in.contribution = contrib[static_cast<std::size_t>(i * outputs + rules[k].column)];
    in.pathKernel = path[k];
    in.coefficient = outputs == 1 && path[k] != 0.0 ? in.contribution / path[k] : std::nan("");
    result.selfLargest.push_back(in);
  }
  result.hasSelf = true;
}

std::string towardText(Loss loss, std::int64_t requested, const std::vector<std::string>& names) {
  if (requested >= 0 && loss == Loss::Mse) return "output " + std::to_string(requested);
  if (requested >= 0) return "class " + text::named(static_cast<double>(requested), names, "?");
  return loss == Loss::Mse ? "output 0" : "each point's predicted class";
}

}  // namespace

AggregateInfluence aggregateInfluence(const RunReader& run, const std::vector<QueryPoint>& points,
                                      const std::string& over, std::int64_t requested, std::int64_t top,
                                      const QuerySets& sets, std::int64_t blockRows) {
  std::map<std::string, std::vector<std::int64_t>> bySet;
  {
    std::map<std::string, std::set<std::int64_t>> unique;
    for (const auto& p : points) unique[p.set].insert(p.row);
    for (const auto& [set, rows] : unique) bySet[set].assign(rows.begin(), rows.end());
  }
  AggregateInfluence result;
  for (const auto& [set, rows] : bySet) {
    PK_REQUIRE(run.hasKernels(set), "--aggregate over " + set + " points needs /kernel/contrib/" + set + "; '" +
                                        run.path() + "' has none" +
                                        (set == "train" ? " (it was made with --skip-train-kernels)" : ""));
    result.points += static_cast<std::int64_t>(rows.size());
  }
  PK_REQUIRE(result.points > 0, "--aggregate: no query points (the run has no test points; give --query train:all)");
  result.over = over;
  result.classNames = sets.classNames;
  result.toward = towardText(run.loss(), requested, sets.classNames);
  result.scoreFormula = scoreDefinition(run.loss());
  result.hasCoefficient = run.outputs() == 1;
  const auto total = totalScores(run, bySet, requested, blockRows);
  auto describe = [&](std::int64_t i) {
    Influence in;
    in.index = i;
    in.label = sets.train.of(i, std::max<std::int64_t>(requested, 0));
    in.score = in.contribution = total[static_cast<std::size_t>(i)];
    in.pathKernel = in.coefficient = std::nan("");
    return in;
  };
  for (std::int64_t i : strongest(total, top, false)) result.mostPositive.push_back(describe(i));
  for (std::int64_t i : strongest(total, top, true)) result.mostNegative.push_back(describe(i));
  for (double t : total) (t > 0 ? result.totalPositive : result.totalNegative) += t;
  selfInfluence(run, requested, top, sets, result);
  return result;
}

}  // namespace pk::explain

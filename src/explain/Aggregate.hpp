#pragma once
// Influence of each training example over a set of query points (--aggregate,
// over the points --query selects, all test points by default): the total
// score T_i = sum over the points x of score(x, i) (explain/Score.hpp), and the
// self-influence score(x_i, i) on the training rows. The points' rows are
// split among the ranks and read in blocks; the totals are summed across ranks.
#include <cstdint>
#include <string>
#include <vector>

#include "explain/Explanation.hpp"
#include "results/RunReader.hpp"

namespace pk::explain {

struct AggregateInfluence {
  std::int64_t points = 0;                            // query points aggregated (each counted once)
  std::string over;                                   // which points, as selected ("all test points", "test:label=3")
  std::string toward;                                 // "each point's predicted class", "class 2 (Shirt)", "output 0"
  std::string scoreFormula;                           // what score(x, i) is
  std::vector<Influence> mostPositive, mostNegative;  // by T_i (score and contribution = T_i; no kernel)
  double totalPositive = 0.0, totalNegative = 0.0;    // sums over all N of the positive / negative totals
  bool hasCoefficient = true;                         // a_i is shown (C = 1 only)
  bool hasSelf = false;
  std::string selfNote;                 // why self-influence is missing
  std::vector<Influence> selfLargest;   // by |score(x_i, i)|, with C(x_i, i), K^p(x_i, x_i) and a_i(x_i)
  std::vector<std::string> classNames;  // the data file's names of the classes, or none
};

/// Collective. Aggregates over `points` (every rank passes the same list;
/// duplicates count once); `over` describes them. `requested` is --class (-1:
/// each point's predicted class, or output 0 for mse). `blockRows` bounds the
/// rows a rank reads at once (0: about 32 MB).
AggregateInfluence aggregateInfluence(const RunReader& run, const std::vector<QueryPoint>& points,
                                      const std::string& over, std::int64_t requested, std::int64_t top,
                                      const QuerySets& sets, std::int64_t blockRows = 0);

}  // namespace pk::explain

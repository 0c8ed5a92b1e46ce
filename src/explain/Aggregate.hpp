#pragma once
// Influence of each training example over a whole query set: the total
// contribution T_i = sum over test rows x of C(x, i), and the self-influence
// C(x_i, i) on the training rows. The test rows are streamed in blocks, each
// rank reading its own share, and the totals are summed across ranks.
#include <cstdint>
#include <string>
#include <vector>

#include "explain/Explanation.hpp"
#include "run/RunReader.hpp"

namespace pk::explain {

struct AggregateInfluence {
  std::int64_t testRows = 0;
  std::string output;                                 // "class K", or "each point's predicted class"
  std::vector<Influence> mostPositive, mostNegative;  // by total contribution (pathKernel = NaN)
  double totalPositive = 0.0, totalNegative = 0.0;    // sums over all N of the positive / negative totals
  bool hasSelf = false;
  std::string selfNote;                // why self-influence is missing
  std::vector<Influence> selfLargest;  // by |C(x_i, i)|, with K^p(x_i, x_i) and a_i(x_i)
};

/// Collective. `output` < 0: each point's network-predicted class (softmax) or output 0.
/// `blockRows` bounds the rows a rank reads at once.
AggregateInfluence aggregateInfluence(const RunReader& run, std::int64_t output, std::int64_t top, const Labels& labels,
                                      std::int64_t blockRows = 0);

}  // namespace pk::explain

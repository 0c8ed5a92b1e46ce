#pragma once
// One prediction explained by training examples (docs/THEORY.md):
//   f_S(x) = sum_i C(x, i) + b(x) + r(x),   b(x) = f_0(x) + R(x),
// with the training examples that support the prediction most (proponents,
// the largest positive scores) and oppose it most (opponents, the most
// negative scores; explain/Score.hpp), their contributions C(x, i), the path
// kernel K^p(x, x_i) and, for one output, a_i(x) = C(x, i) / K^p(x, x_i).
#include <cstdint>
#include <string>
#include <vector>

#include "explain/QuerySpec.hpp"
#include "explain/Score.hpp"
#include "results/RunReader.hpp"

namespace pk::explain {

/// One training example's part in a prediction.
struct Influence {
  std::int64_t index = 0;     // training example i (input order)
  double label = 0.0;         // y*_i (for y [N, C]: column `output`), NaN if unknown
  double score = 0.0;         // its score toward the class or output explained
  double contribution = 0.0;  // C(x, i) for the output shown
  double pathKernel = 0.0;    // K^p(x, x_i) (trace over outputs when C > 1); NaN if not applicable
  double coefficient = 0.0;   // C / K^p for C = 1; NaN where K^p = 0, for C > 1, or not applicable
};

struct QueryExplanation {
  QueryPoint query;
  ScoreRule rule;                       // the class or output explained, and the score
  std::int64_t output = 0;              // the output whose values are shown (rule.column)
  std::int64_t outputs = 1;             // C
  std::vector<double> target;           // the query's true label, or its targets (mse); empty if unknown
  std::vector<double> probabilities;    // of each class (sigmoid or softmax of f_S); empty for mse
  std::vector<std::string> classNames;  // the data file's names of the classes, or none
  double network = 0.0, kernelMachine = 0.0, residual = 0.0, bias = 0.0, initial = 0.0;
  double change = 0.0;                           // f_S - f_0
  double contributionSum = 0.0;                  // sum over all N training examples
  double towardSum = 0.0, againstSum = 0.0;      // the sums of its positive and of its negative terms
  std::vector<Influence> proponents, opponents;  // up to `top` each, strongest first
  double proponentSum = 0.0, opponentSum = 0.0;  // their contributions C(x, i)
  double topShare = 0.0;                         // (proponentSum + opponentSum) / change, NaN if change = 0
  double allShare = 0.0;                         // contributionSum / change
};

/// The rows a query needs, as read from the run file.
struct QueryRows {
  std::vector<double> network, initial, bias, kernelMachine;  // [C]
  std::vector<double> contrib;                                // [N, C]
  std::vector<double> path;                                   // [N]
};

/// Not collective. The explanation of one query toward class (or output)
/// `requested` (-1: the predicted class, or output 0 for mse).
QueryExplanation explainRows(const QueryPoint& query, const QueryRows& rows, Loss loss, std::int64_t requested,
                             std::int64_t top, const QuerySets& sets);

/// Collective. Checks and reads the query's rows, then explains it. Throws
/// InputError for a row out of range or kernels the run did not keep.
QueryExplanation explainQuery(const RunReader& run, const QueryPoint& query, std::int64_t requested, std::int64_t top,
                              const QuerySets& sets);

/// The largest (descending) `top` entries of `score` with a positive value, or
/// with `negative` the most negative ones. Not collective.
std::vector<std::int64_t> strongest(const std::vector<double>& score, std::int64_t top, bool negative);

}  // namespace pk::explain

#pragma once
// One prediction explained by training examples (docs/THEORY.md):
//   f_S(x) = sum_i C(x, i) + b(x) + r(x),   b(x) = f_0(x) + R(x),
// with the largest positive contributions (proponents), the most negative
// (opponents), the path kernel K^p(x, x_i) and a_i(x) = C(x, i) / K^p(x, x_i).
#include <cstdint>
#include <string>
#include <vector>

#include "explain/QuerySpec.hpp"
#include "run/RunReader.hpp"

namespace pk::explain {

/// One training example's part in a prediction.
struct Influence {
  std::int64_t index = 0;     // training example i (input order)
  double label = 0.0;         // y*_i (for y [N, C]: column `output`), NaN if unknown
  double contribution = 0.0;  // C(x, i) for the chosen output
  double pathKernel = 0.0;    // K^p(x, x_i) (trace over outputs when C > 1); NaN if not applicable
  double coefficient = 0.0;   // C / K^p, NaN where K^p = 0
};

struct QueryExplanation {
  QueryPoint query;
  std::int64_t output = 0;   // the output (class) explained
  std::int64_t outputs = 1;  // C
  double network = 0.0, kernelMachine = 0.0, residual = 0.0, bias = 0.0, initial = 0.0;
  double change = 0.0;                           // f_S - f_0
  double contributionSum = 0.0;                  // sum over all N training examples
  std::vector<Influence> proponents, opponents;  // up to `top` each, strongest first
  double proponentSum = 0.0, opponentSum = 0.0;  // their contributions
  double topShare = 0.0;                         // (proponentSum + opponentSum) / change, NaN if change = 0
  double allShare = 0.0;                         // contributionSum / change
};

/// The rows a query needs, as read from the run file.
struct QueryRows {
  std::vector<double> network, initial, bias, kernelMachine;  // [C]
  std::vector<double> contrib;                                // [N, C]
  std::vector<double> path;                                   // [N]
};

/// Not collective. The explanation of one query for output `output` (-1: the
/// network's predicted class for softmax, output 0 otherwise).
QueryExplanation explainRows(const QueryPoint& query, const QueryRows& rows, std::int64_t outputs, std::int64_t output,
                             std::int64_t top, const Labels& labels, bool softmax);

/// Collective. Checks and reads the query's rows, then explains it. Throws
/// InputError for a row out of range or kernels the run did not keep.
QueryExplanation explainQuery(const RunReader& run, const QueryPoint& query, std::int64_t output, std::int64_t top,
                              const Labels& labels);

/// The largest (descending) `top` entries of `score` with a positive value, or
/// with `negative` the most negative ones. Not collective.
std::vector<std::int64_t> strongest(const std::vector<double>& score, std::int64_t top, bool negative);

/// Index of the largest entry (the predicted class). Not collective.
std::int64_t argmax(const double* values, std::int64_t n);

}  // namespace pk::explain

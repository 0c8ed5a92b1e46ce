#pragma once
// Proponents and opponents are ranked by a score of each training example
// toward the class the network predicts (or the class or output asked for),
// not by the raw contribution to one logit (README: Explaining a prediction):
//   logistic  s C(x, i), s = +1 toward class 1 (f_S(x) > 0), -1 toward class 0
//   softmax   C_k(x, i) - mean_c C_c(x, i), k the predicted class or --class
//   mse       C_k(x, i) of output k (--class, default 0)
// For softmax, raising every logit alike changes no probability, so only a
// contribution's part above the mean over classes supports class k.
// analysis/pkplot.py ranks examples by the same scores.
#include <cstdint>
#include <string>
#include <vector>

#include "model/Loss.hpp"

namespace pk::explain {

struct ScoreRule {
  Loss loss = Loss::Mse;
  std::int64_t outputs = 1;     // C
  std::int64_t predicted = -1;  // the network's predicted class; -1 for mse
  std::int64_t toward = 0;      // the class (classification) or output (mse) explained
  std::int64_t column = 0;      // the output whose f_S, b and C(x, i) are shown: 0 for logistic, else `toward`
  double sign = 1.0;            // logistic: +1 toward class 1, -1 toward class 0

  /// The score of one training example from its contributions to every output ([outputs] values).
  double score(const double* contribution) const;
  /// A short column header naming the score ("score=-C", "score=C_k-mean").
  std::string header() const;
  /// What the score is, in one line.
  std::string formula() const;
};

/// Not collective. The rule for a query whose network output is `network`
/// ([outputs]); `requested` is --class (-1: the predicted class, or output 0 for
/// mse). Throws InputError when `requested` is no class or output of the run.
ScoreRule scoreRule(Loss loss, const double* network, std::int64_t outputs, std::int64_t requested);

/// Not collective. Throws InputError unless `requested` (--class) is -1 or a
/// class (classification: logistic 0 or 1, softmax 0..C-1) or output (mse) of the run.
void requireClass(Loss loss, std::int64_t outputs, std::int64_t requested);

/// The score's definition for every query of a run with this loss, in one line.
std::string scoreDefinition(Loss loss);

/// Not collective. The probability of each class from the network's output:
/// [1 - p, p] with p = sigmoid(f) for logistic, softmax(f) for softmax; empty for mse.
std::vector<double> classProbabilities(Loss loss, const double* network, std::int64_t outputs);

}  // namespace pk::explain

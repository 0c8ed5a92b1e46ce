#pragma once
// A validation study, fixed before anything is retrained: the queries and the
// run's predictions at them, the output that is scored, the scores S(x, i) of
// every score kind, and the reduced training sets to retrain on (the top-k
// removals of every score, k and query; the LDS subsets; the leave-one-out
// sets), each distinct set once. Every rank holds the study whole and alike;
// its definition does not depend on the number of ranks.
#include <cstdint>
#include <string>
#include <vector>

#include "core/Matrix.hpp"
#include "model/Loss.hpp"
#include "validate/QueryList.hpp"
#include "validate/ValidateSettings.hpp"

namespace pk::validation {

struct Study {
  // What was asked.
  std::string runPath;
  Loss loss = Loss::Mse;
  std::int64_t outputs = 1;    // C
  std::int64_t trainRows = 0;  // N
  std::vector<QueryPoint> queries;
  std::vector<ScoreKind> scores;
  std::vector<std::int64_t> topk;
  double ldsFraction = 0.5;
  std::uint64_t seed = 1;

  // The run at the queries.
  Matrix network, initial;                   // f_S, f_0: [Q, C]
  std::vector<std::int64_t> predictedClass;  // [Q]: the run's class (classification), -1 for mse
  std::vector<double> reference;             // the scored output of f_S: [Q]
  std::vector<double> direction;             // +1 or -1: the sign "toward the prediction" [Q]

  // Scores on the scored output, one [Q, N] matrix per score kind (in `scores` order).
  std::vector<Matrix> score;
  Matrix lossWeights;  // A_i = sum_s eps_s c_{i,s} [N, C]; empty without a tangent score

  // The retrainings: the examples each removes (sorted), and which serves what.
  std::vector<std::vector<std::int64_t>> removed;  // [J]
  std::vector<std::int64_t> topkRetrain;           // [S, k, Q]: the top-k removal of score s at query q
  std::vector<std::int64_t> ldsRetrain;            // [M]
  std::vector<std::int64_t> looExamples;           // [K]: the example each leave-one-out set removes
  std::vector<std::int64_t> looRetrain;            // [K]

  std::int64_t queryCount() const { return static_cast<std::int64_t>(queries.size()); }
  std::int64_t retrainings() const { return static_cast<std::int64_t>(removed.size()); }
  /// The scored output of network outputs f (C values) at query q: f itself for
  /// one output, the predicted class's logit minus the mean logit for softmax.
  double scoredOutput(std::int64_t q, const double* f) const;
  /// Whether outputs f at query q predict another class than the run (classification only).
  bool flipped(std::int64_t q, const double* f) const;
  /// Keep mask [N] of retraining j: 1 for the examples it trains on.
  std::vector<std::int64_t> keepMask(std::int64_t j) const;
  /// SHA-256 of what defines the study: the settings, the run's predictions at
  /// the queries and the sets retrained (not the run's path, and not the score
  /// values, which may differ in the last bits between machines: the sets they
  /// chose are compared instead). Shares of one study have the same identity.
  std::string identity() const;
};

/// What the retrainings gave: the network's outputs at the queries.
struct Results {
  enum Status : std::int64_t { Pending = 0, Done = 1, Diverged = 2 };
  std::vector<double> output;        // [J, Q, C]; NaN unless done
  std::vector<std::int64_t> status;  // [J]

  Results() = default;
  Results(std::int64_t retrainings, std::int64_t queries, std::int64_t outputs);
  std::int64_t pending() const;
};

/// The class outputs f predict: 1 if f > 0 (logistic), argmax (softmax), -1 for mse.
std::int64_t predictedClassOf(Loss loss, const double* f, std::int64_t outputs);

}  // namespace pk::validation

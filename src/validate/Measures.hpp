#pragma once
// What a study measures, from its scores and the retrained outputs alone
// (docs/FORMAT.md, 9.1): for every score, top-k removal (actual
// against predicted change of the scored output, and flipped predictions),
// the linear datamodeling score (Spearman over the LDS subsets, per query)
// and the leave-one-out correlation (Pearson over the sampled examples, per
// query). Not collective: every rank can compute it alike.
#include <cstdint>
#include <vector>

#include "validate/Correlation.hpp"
#include "validate/Study.hpp"

namespace pk::validation {

struct Measures {
  std::vector<double> topkActual;         // [S, k, Q]: g(retrained) - g(f_S)
  std::vector<double> topkPredicted;      // [S, k, Q]: -sum of the removed examples' scores
  std::vector<std::int64_t> topkFlipped;  // [S, k, Q]: 1 flipped, 0 not, -1 diverged; empty for mse
  std::vector<double> ldsSpearman;        // [S, Q]
  std::vector<double> looActual;          // [K, Q]: g(retrained) - g(f_S)
  std::vector<double> looPearson;         // [S, Q]
  std::vector<Spread> lds, loo;           // [S]: over the queries
  // [S, k]: means over the queries of the changes toward the prediction (times the query's direction;
  // removing what pushed toward the prediction makes them negative), and the fraction flipped.
  std::vector<double> topkActualMean, topkPredictedMean, topkFlipFraction;
};

/// Needs every retraining done (or diverged).
Measures measure(const Study& study, const Results& results);

/// g(outputs of retraining j at query q), NaN unless it is done.
double scoredAfter(const Study& study, const Results& results, std::int64_t j, std::int64_t q);

}  // namespace pk::validation

#pragma once
// From a run file and the settings to a Study: the queries and scores asked
// for (or the defaults), every check that needs the run, the run's
// predictions at the queries, the scores and the retrainings.
#include <vector>

#include "core/Matrix.hpp"
#include "results/RunReader.hpp"
#include "validate/Study.hpp"
#include "validate/ValidateSettings.hpp"

namespace pk::validation {

/// The queries and scores of a study, resolved against the run.
struct StudyRequest {
  std::vector<QueryPoint> queries;
  std::vector<ScoreKind> scores;
  bool needsLossWeights() const;
};

/// Collective. The queries (default: every test point, or every training point
/// when the run has no test split) and scores (default: path, the tangent
/// baselines when the run has them, random), and one InputError for the first
/// setting the run cannot serve: a query out of range or without kernels, a
/// tangent score on a run trained without --tangent-kernels, more examples
/// removed than a reduced set can lose, a mse run with several outputs.
StudyRequest resolveRequest(const RunReader& run, const ValidateSettings& settings);

/// Collective. The whole study; lossWeights is A [N, C] (empty when no tangent score is asked for).
Study defineStudy(const RunReader& run, const ValidateSettings& settings, const StudyRequest& request,
                  Matrix lossWeights);

}  // namespace pk::validation

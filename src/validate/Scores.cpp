#include "validate/Scores.hpp"

#include "core/Error.hpp"
#include "core/Rng.hpp"

namespace pk::validation {

namespace {

// Per-output values ([C]) on the scored output: the scored output is linear in
// the logits, so a contribution to every logit projects as the logits do.
double project(const Study& study, std::int64_t q, const double* perOutput) {
  return study.scoredOutput(q, perOutput);
}

Matrix pathScores(const RunReader& run, const Study& study) {
  const std::int64_t n = study.trainRows, outputs = study.outputs;
  Matrix s(study.queryCount(), n);
  for (std::int64_t q = 0; q < study.queryCount(); ++q) {
    const QueryPoint& point = study.queries[static_cast<std::size_t>(q)];
    const std::vector<double> row = run.contributions(point.set, point.row, 1);  // [N, C]
    for (std::int64_t i = 0; i < n; ++i) s(q, i) = project(study, q, row.data() + i * outputs);
  }
  return s;
}

// -K^g(x, x_i) A_i: the change of the output that example i would cause under
// gradient flow with the tangent kernel frozen at w_0 or w_S.
Matrix tangentScores(const RunReader& run, const Study& study, const char* which) {
  const std::int64_t n = study.trainRows;
  Matrix s(study.queryCount(), n);
  for (std::int64_t q = 0; q < study.queryCount(); ++q) {
    const QueryPoint& point = study.queries[static_cast<std::size_t>(q)];
    const std::vector<double> kernel =
        run.rowsOf("/kernel/tangent/" + std::string(which) + "/" + point.set, point.row, 1);  // [N]
    for (std::int64_t i = 0; i < n; ++i)
      s(q, i) = -kernel[static_cast<std::size_t>(i)] * project(study, q, study.lossWeights.row(i));
  }
  return s;
}

Matrix randomScores(const Study& study) {
  // Its own stream of the study's seed (LDS subsets and the LOO sample use others).
  Rng rng(study.seed * 3 + 0);
  Matrix s(study.queryCount(), study.trainRows);
  for (auto& v : s.values()) v = rng.normal();
  return s;
}

}  // namespace

Matrix scoresOf(ScoreKind kind, const RunReader& run, const Study& study) {
  switch (kind) {
    case ScoreKind::Path:
      return pathScores(run, study);
    case ScoreKind::TangentInitial:
      return tangentScores(run, study, "initial");
    case ScoreKind::TangentFinal:
      return tangentScores(run, study, "final");
    case ScoreKind::Random:
      return randomScores(study);
  }
  PK_ASSERT(false, "unknown score kind");
  return {};
}

}  // namespace pk::validation

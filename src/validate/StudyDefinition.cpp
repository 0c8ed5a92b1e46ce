#include "validate/StudyDefinition.hpp"

#include <algorithm>

#include "core/Error.hpp"
#include "validate/Retrainings.hpp"
#include "validate/Scores.hpp"

namespace pk::validation {

namespace {

std::vector<ScoreKind> defaultScores(const RunReader& run) {
  if (run.settings().tangentKernels)
    return {ScoreKind::Path, ScoreKind::TangentInitial, ScoreKind::TangentFinal, ScoreKind::Random};
  return {ScoreKind::Path, ScoreKind::Random};
}

// SET:misclassified and SET:correct become the points whose predicted class differs from (equals) the label.
std::vector<QueryPoint> resolveOutcomes(const RunReader& run, const std::vector<QueryPoint>& given,
                                        const std::string& dataOverride) {
  std::vector<QueryPoint> points;
  for (const auto& q : given) {
    if (!q.outcome()) {
      points.push_back(q);
      continue;
    }
    PK_REQUIRE(run.loss() != Loss::Mse, "--queries " + q.label() + " compares classes, but the run's loss is mse");
    const std::int64_t rows = run.rows(q.set), c = run.outputs();
    PK_REQUIRE(rows > 0, "--queries " + q.label() + ": the run has no " + q.set + " points");
    const Labels labels = run.labels(q.set, dataOverride);
    PK_REQUIRE(labels.available,
               "--queries " + q.label() + " needs the labels of the " + q.set + " points: " + labels.note);
    const std::vector<double> f = run.predictions(q.set, "network", 0, rows);
    const std::size_t before = points.size();
    for (std::int64_t row = 0; row < rows; ++row) {
      const bool right = static_cast<double>(predictedClassOf(run.loss(), f.data() + row * c, c)) == labels.of(row, 0);
      if (right == (q.row == QueryPoint::kCorrect)) points.push_back({q.set, row});
    }
    PK_REQUIRE(points.size() > before, "--queries " + q.label() + ": every " + q.set + " point is " +
                                           (q.row == QueryPoint::kCorrect ? "misclassified" : "classified correctly"));
  }
  // A point selected twice (test:3 and test:misclassified) is followed once.
  std::vector<QueryPoint> unique;
  for (const auto& p : points)
    if (std::none_of(unique.begin(), unique.end(),
                     [&](const QueryPoint& u) { return u.set == p.set && u.row == p.row; }))
      unique.push_back(p);
  return unique;
}

void requireQueries(const RunReader& run, const StudyRequest& request) {
  for (const auto& q : request.queries) {
    const std::int64_t rows = run.rows(q.set);
    PK_REQUIRE(q.row < rows, "--queries " + q.label() + " is out of range: the run has " + std::to_string(rows) + " " +
                                 q.set + " points" +
                                 (rows > 0 ? " (" + q.set + ":0-" + std::to_string(rows - 1) + ")" : ""));
    const bool contributions = run.has("/kernel/contrib/" + q.set);
    PK_REQUIRE(contributions || q.set != "train", "--queries " + q.label() +
                                                      ": the run was trained with --skip-train-kernels, so it has no "
                                                      "contributions to training points; follow test points instead");
    PK_REQUIRE(contributions, "'" + run.path() + "' has no /kernel/contrib/" + q.set);
  }
}

void requireScores(const RunReader& run, const StudyRequest& request) {
  for (auto kind : request.scores) {
    if (!needsTangentKernels(kind)) continue;
    PK_REQUIRE(run.settings().tangentKernels,
               "--scores " + toString(kind) + " needs the tangent kernels, but '" + run.path() +
                   "' was trained without --tangent-kernels (train again with it, or leave out the tangent scores)");
    const std::string which = kind == ScoreKind::TangentInitial ? "initial" : "final";
    for (const auto& q : request.queries)
      PK_REQUIRE(
          run.has("/kernel/tangent/" + which + "/" + q.set),
          "'" + run.path() + "' has no /kernel/tangent/" + which + "/" + q.set + " for --scores " + toString(kind));
  }
}

void requireSizes(const RunReader& run, const ValidateSettings& s) {
  const std::int64_t n = run.trainRows();
  PK_REQUIRE(n >= 2, "validation removes training examples, but the run has only N = " + std::to_string(n));
  const std::int64_t k = s.topk.empty() ? 0 : s.topk.back();
  PK_REQUIRE(k <= n - 1, "--topk " + std::to_string(k) +
                             " removes more examples than a reduced set can lose: the run "
                             "has N = " +
                             std::to_string(n) + " training examples, so k must be at most " + std::to_string(n - 1));
  PK_REQUIRE(s.loo <= n, "--loo " + std::to_string(s.loo) +
                             " samples more examples than the run has (N = " + std::to_string(n) + ")");
  PK_REQUIRE(run.loss() != Loss::Mse || run.outputs() == 1,
             "validate follows one output: this mse run has " + std::to_string(run.outputs()) + " outputs");
}

// The run's f_S and f_0 at the queries, [Q, C].
Matrix predictionsAt(const RunReader& run, const std::vector<QueryPoint>& queries, const std::string& what) {
  const std::int64_t c = run.outputs();
  Matrix m(static_cast<std::int64_t>(queries.size()), c);
  for (const std::string set : {"train", "test"}) {
    if (run.rows(set) == 0) continue;
    const auto all = run.predictions(set, what, 0, run.rows(set));
    for (std::size_t q = 0; q < queries.size(); ++q)
      if (queries[q].set == set) std::copy_n(all.begin() + queries[q].row * c, c, m.row(static_cast<std::int64_t>(q)));
  }
  return m;
}

void setReference(Study& study, const RunReader& run) {
  study.network = predictionsAt(run, study.queries, "network");
  study.initial = predictionsAt(run, study.queries, "initial");
  for (std::int64_t q = 0; q < study.queryCount(); ++q) {
    const double* f = study.network.row(q);
    study.predictedClass.push_back(predictedClassOf(study.loss, f, study.outputs));
    const double g = study.scoredOutput(q, f);
    study.reference.push_back(g);
    // Toward the prediction: the direction the run moved the output (mse), the predicted class (logistic);
    // softmax scores the predicted class's margin, which is positive toward it.
    double toward = 1.0;
    if (study.loss == Loss::Mse) toward = g >= study.initial(q, 0) ? 1.0 : -1.0;
    if (study.loss == Loss::Logistic) toward = f[0] > 0 ? 1.0 : -1.0;
    study.direction.push_back(toward);
  }
}

}  // namespace

bool StudyRequest::needsLossWeights() const {
  return std::any_of(scores.begin(), scores.end(), needsTangentKernels);
}

StudyRequest resolveRequest(const RunReader& run, const ValidateSettings& s) {
  StudyRequest request;
  request.queries = resolveOutcomes(run, s.queries, s.data);
  if (request.queries.empty())
    request.queries = run.rows("test") > 0 ? allRows("test", run.rows("test")) : allRows("train", run.trainRows());
  request.scores = s.scores.empty() ? defaultScores(run) : s.scores;
  requireSizes(run, s);
  requireQueries(run, request);
  requireScores(run, request);
  return request;
}

Study defineStudy(const RunReader& run, const ValidateSettings& s, const StudyRequest& request, Matrix lossWeights) {
  Study study;
  study.runPath = run.path();
  study.loss = run.loss();
  study.outputs = run.outputs();
  study.trainRows = run.trainRows();
  study.queries = request.queries;
  study.scores = request.scores;
  study.topk = s.topk;
  study.ldsFraction = s.ldsFraction;
  study.seed = s.seed;
  study.lossWeights = std::move(lossWeights);
  setReference(study, run);
  for (auto kind : study.scores) study.score.push_back(scoresOf(kind, run, study));
  planRetrainings(study, s.ldsSubsets, s.loo);
  return study;
}

}  // namespace pk::validation

#include "validate/Measures.hpp"

#include <cmath>

#include "core/Error.hpp"

namespace pk::validation {

namespace {

double removedSum(const Study& study, std::size_t s, std::int64_t j, std::int64_t q) {
  double sum = 0.0;
  for (auto i : study.removed[static_cast<std::size_t>(j)]) sum += study.score[s](q, i);
  return sum;
}

void measureTopk(const Study& study, const Results& results, Measures& m) {
  const std::int64_t nq = study.queryCount(), nk = static_cast<std::int64_t>(study.topk.size());
  const bool classes = study.loss != Loss::Mse;
  for (std::size_t s = 0; s < study.scores.size(); ++s)
    for (std::int64_t k = 0; k < nk; ++k) {
      std::vector<double> a, p, towardA, towardP, flips;
      for (std::int64_t q = 0; q < nq; ++q) {
        const std::int64_t j = study.topkRetrain[(s * static_cast<std::size_t>(nk) + k) * nq + q];
        const double sign = study.direction[static_cast<std::size_t>(q)];
        a.push_back(scoredAfter(study, results, j, q) - study.reference[static_cast<std::size_t>(q)]);
        p.push_back(-removedSum(study, s, j, q));
        towardA.push_back(sign * a.back());
        towardP.push_back(sign * p.back());
        if (!classes) continue;
        const bool done = results.status[static_cast<std::size_t>(j)] == Results::Done;
        const double* f = results.output.data() + (j * nq + q) * study.outputs;
        m.topkFlipped.push_back(done ? (study.flipped(q, f) ? 1 : 0) : -1);
        if (done) flips.push_back(m.topkFlipped.back());
      }
      m.topkActual.insert(m.topkActual.end(), a.begin(), a.end());
      m.topkPredicted.insert(m.topkPredicted.end(), p.begin(), p.end());
      // Averaged toward the prediction: queries whose outputs move in opposite directions do not cancel.
      m.topkActualMean.push_back(spreadOf(towardA).mean);
      m.topkPredictedMean.push_back(spreadOf(towardP).mean);
      m.topkFlipFraction.push_back(classes ? spreadOf(flips).mean : std::nan(""));
    }
}

void measureLds(const Study& study, const Results& results, Measures& m) {
  const std::int64_t nq = study.queryCount();
  for (std::size_t s = 0; s < study.scores.size(); ++s) {
    std::vector<double> perQuery;
    for (std::int64_t q = 0; q < nq; ++q) {
      double total = 0.0;
      for (std::int64_t i = 0; i < study.trainRows; ++i) total += study.score[s](q, i);
      std::vector<double> predicted, actual;
      for (auto j : study.ldsRetrain) {
        predicted.push_back(total - removedSum(study, s, j, q));  // the kept examples' scores
        actual.push_back(scoredAfter(study, results, j, q));
      }
      perQuery.push_back(spearman(predicted, actual));
    }
    m.ldsSpearman.insert(m.ldsSpearman.end(), perQuery.begin(), perQuery.end());
    m.lds.push_back(spreadOf(perQuery));
  }
}

void measureLoo(const Study& study, const Results& results, Measures& m) {
  const std::int64_t nq = study.queryCount();
  for (std::size_t k = 0; k < study.looRetrain.size(); ++k)
    for (std::int64_t q = 0; q < nq; ++q)
      m.looActual.push_back(scoredAfter(study, results, study.looRetrain[k], q) -
                            study.reference[static_cast<std::size_t>(q)]);
  for (std::size_t s = 0; s < study.scores.size(); ++s) {
    std::vector<double> perQuery;
    for (std::int64_t q = 0; q < nq; ++q) {
      std::vector<double> actual, predicted;
      for (std::size_t k = 0; k < study.looRetrain.size(); ++k) {
        actual.push_back(m.looActual[k * static_cast<std::size_t>(nq) + static_cast<std::size_t>(q)]);
        predicted.push_back(-study.score[s](q, study.looExamples[k]));
      }
      perQuery.push_back(pearson(actual, predicted));
    }
    m.looPearson.insert(m.looPearson.end(), perQuery.begin(), perQuery.end());
    m.loo.push_back(spreadOf(perQuery));
  }
}

}  // namespace

double scoredAfter(const Study& study, const Results& results, std::int64_t j, std::int64_t q) {
  if (results.status[static_cast<std::size_t>(j)] != Results::Done) return std::nan("");
  return study.scoredOutput(q, results.output.data() + (j * study.queryCount() + q) * study.outputs);
}

Measures measure(const Study& study, const Results& results) {
  PK_ASSERT(results.pending() == 0, "measures of a study with retrainings to do");
  Measures m;
  measureTopk(study, results, m);
  measureLds(study, results, m);
  measureLoo(study, results, m);
  return m;
}

}  // namespace pk::validation

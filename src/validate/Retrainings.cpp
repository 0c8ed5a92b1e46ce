#include "validate/Retrainings.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "core/Rng.hpp"

namespace pk::validation {

namespace {

// Each distinct removed set gets the next retraining index, in the order first asked for.
class SetIndex {
 public:
  explicit SetIndex(Study& study) : study_(study) {}
  std::int64_t add(std::vector<std::int64_t> removed) {
    std::sort(removed.begin(), removed.end());
    const auto found = index_.find(removed);
    if (found != index_.end()) return found->second;
    const std::int64_t j = study_.retrainings();
    index_.emplace(removed, j);
    study_.removed.push_back(std::move(removed));
    return j;
  }

 private:
  Study& study_;
  std::map<std::vector<std::int64_t>, std::int64_t> index_;
};

// Training examples by score toward the prediction at query q, largest first; ties by index.
std::vector<std::int64_t> rankToward(const Study& study, const Matrix& score, std::int64_t q) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(study.trainRows));
  std::iota(order.begin(), order.end(), 0);
  const double sign = study.direction[static_cast<std::size_t>(q)];
  std::stable_sort(order.begin(), order.end(),
                   [&](std::int64_t a, std::int64_t b) { return sign * score(q, a) > sign * score(q, b); });
  return order;
}

void planTopk(Study& study, SetIndex& sets) {
  const std::int64_t nq = study.queryCount(), nk = static_cast<std::int64_t>(study.topk.size());
  study.topkRetrain.assign(static_cast<std::size_t>(static_cast<std::int64_t>(study.scores.size()) * nk * nq), -1);
  for (std::size_t s = 0; s < study.scores.size(); ++s) {
    std::vector<std::vector<std::int64_t>> ranked;
    for (std::int64_t q = 0; q < nq; ++q) ranked.push_back(rankToward(study, study.score[s], q));
    for (std::int64_t k = 0; k < nk; ++k)
      for (std::int64_t q = 0; q < nq; ++q) {
        const auto& order = ranked[static_cast<std::size_t>(q)];
        const auto count = static_cast<std::ptrdiff_t>(study.topk[static_cast<std::size_t>(k)]);
        study.topkRetrain[(s * static_cast<std::size_t>(nk) + static_cast<std::size_t>(k)) * nq + q] =
            sets.add({order.begin(), order.begin() + count});
      }
  }
}

void planLds(Study& study, SetIndex& sets, std::int64_t subsets) {
  Rng rng(study.seed * 3 + 1);
  const std::int64_t kept = ldsKept(study.ldsFraction, study.trainRows);
  for (std::int64_t m = 0; m < subsets; ++m) {
    const auto order = rng.permutation(study.trainRows);
    study.ldsRetrain.push_back(sets.add({order.begin() + kept, order.end()}));
  }
}

void planLoo(Study& study, SetIndex& sets, std::int64_t examples) {
  Rng rng(study.seed * 3 + 2);
  const auto order = rng.permutation(study.trainRows);
  for (std::int64_t k = 0; k < examples; ++k) {
    const std::int64_t i = order[static_cast<std::size_t>(k)];
    study.looExamples.push_back(i);
    study.looRetrain.push_back(sets.add({i}));
  }
}

}  // namespace

std::int64_t ldsKept(double fraction, std::int64_t trainRows) {
  const auto kept = static_cast<std::int64_t>(std::llround(fraction * static_cast<double>(trainRows)));
  return std::clamp<std::int64_t>(kept, 1, trainRows - 1);
}

void planRetrainings(Study& study, std::int64_t ldsSubsets, std::int64_t looExamples) {
  study.removed.clear();
  study.ldsRetrain.clear();
  study.looExamples.clear();
  study.looRetrain.clear();
  SetIndex sets(study);
  planTopk(study, sets);
  planLds(study, sets, ldsSubsets);
  planLoo(study, sets, looExamples);
}

}  // namespace pk::validation

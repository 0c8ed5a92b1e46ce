#pragma once
// Which training sets a study retrains on (docs/FORMAT.md, 9.1): for
// every score, k and query the k examples with the largest score toward the
// prediction removed; M random subsets keeping a fraction alpha; K sampled
// examples left out one at a time. A set asked for twice (two scores choosing
// the same examples) is retrained once.
#include <cstdint>

#include "validate/Study.hpp"

namespace pk::validation {

/// The number of examples each LDS subset keeps: alpha N rounded, at least 1 and at most N - 1.
std::int64_t ldsKept(double fraction, std::int64_t trainRows);

/// Fills the study's removed sets and the maps of top-k, LDS and LOO to them.
/// Needs the study's scores, directions, topk, fraction and seed. Not collective.
void planRetrainings(Study& study, std::int64_t ldsSubsets, std::int64_t looExamples);

}  // namespace pk::validation

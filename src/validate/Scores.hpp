#pragma once
// The attribution scores S(x, i) of a study, each on the scored output
// (docs/FORMAT.md, 9.1): the run's contributions C(x, i) (`path`),
// the tangent-kernel baselines -K^g(x, x_i) A_i at w_0 and w_S, and seeded
// random numbers. For softmax every score is taken on the predicted class's
// logit minus the mean logit.
#include "core/Matrix.hpp"
#include "results/RunReader.hpp"
#include "validate/Study.hpp"

namespace pk::validation {

/// Collective (reads the run's rows): the [Q, N] scores of `kind` for the
/// study's queries. The study's queries, loss, outputs, predicted classes,
/// seed and (for the tangent scores) loss weights must be set.
Matrix scoresOf(ScoreKind kind, const RunReader& run, const Study& study);

}  // namespace pk::validation

#include "validate/LossWeights.hpp"

#include "core/Error.hpp"

namespace pk::validation {

void LossWeightSums::observe(const StepRecord& step) {
  // u_{L-1} = seed: the output layer's pre-activation is f itself (docs/THEORY.md, delta_L = I).
  const Matrix& seeds = step.trainU.back();
  PK_ASSERT(seeds.rows() == sums_.rows() && seeds.cols() == sums_.cols(), "loss signals of another shape");
  for (std::size_t k = 0; k < seeds.size(); ++k) sums_.values()[k] += step.lr * seeds.values()[k];
}

}  // namespace pk::validation

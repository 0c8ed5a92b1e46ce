#pragma once
// A training observer that checks the exact attribution of an optimizer's
// update: every training example's direction d_{i,s}, summed over the ranks,
// plus the decay direction, must equal the step's own direction -dw / lr.
// `worst` is the largest relative difference over the steps seen.
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/Partition.hpp"
#include "kernel/DirectionAttribution.hpp"
#include "model/Network.hpp"
#include "train/StepRecord.hpp"

namespace pk::test {

class DirectionCheck : public StepObserver {
 public:
  DirectionCheck(const Network& model, const Partition& rows) : model_(model), attribution_(model, rows) {}
  void observe(const StepRecord& step) override {
    std::vector<double> sum(step.w.size(), 0.0);
    if (step.rule.buffered) {
      attribution_.update(step);
      attribution_.addDirections(sum);
    } else {
      // sgd: d_i = e_i, whose sum is the data gradient G.
      model_.accumulateGradient(step.trainForward, step.trainU, sum.data());
    }
    MPI_Allreduce(MPI_IN_PLACE, sum.data(), static_cast<int>(sum.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    double diff = 0.0, scale = 0.0;
    for (std::size_t p = 0; p < sum.size(); ++p) {
      const double direction = -step.dw[p] / step.lr;
      diff = std::max(diff, std::abs(sum[p] + step.decayDirection[p] - direction));
      scale = std::max(scale, std::abs(direction));
    }
    worst = std::max(worst, diff / scale);
  }
  double worst = 0.0;

 private:
  const Network& model_;
  DirectionAttribution attribution_;
};

}  // namespace pk::test

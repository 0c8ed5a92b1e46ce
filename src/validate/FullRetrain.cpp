#include "validate/FullRetrain.hpp"

#include <algorithm>
#include <cmath>

#include "core/Error.hpp"
#include "validate/LossWeights.hpp"
#include "validate/Retrainer.hpp"

namespace pk::validation {

namespace {

// Runs `work` on rank 0 only; an InputError there is thrown on every rank, so none waits.
template <typename Work>
void onRankZero(MPI_Comm world, Work&& work) {
  int rank = 0;
  PK_MPI(MPI_Comm_rank(world, &rank));
  std::string problem;
  if (rank == 0) {
    try {
      work();
    } catch (const InputError& e) {
      problem = e.what();
      if (problem.empty()) problem = "input error";
    }
  }
  int length = static_cast<int>(problem.size());
  PK_MPI(MPI_Bcast(&length, 1, MPI_INT, 0, world));
  problem.resize(static_cast<std::size_t>(length));
  PK_MPI(MPI_Bcast(problem.data(), length, MPI_CHAR, 0, world));
  if (!problem.empty()) throw InputError(problem);
}

void broadcast(Matrix& m, std::int64_t rows, std::int64_t cols, MPI_Comm world) {
  if (m.rows() != rows || m.cols() != cols) m = Matrix(rows, cols);
  PK_MPI(MPI_Bcast(m.data(), static_cast<int>(m.size()), MPI_DOUBLE, 0, world));
}

}  // namespace

FullRetrain retrainFullRun(const TrainSettings& settings, const std::vector<double>& initialW,
                           const std::vector<QueryPoint>& queries, MPI_Comm world) {
  FullRetrain full;
  std::int64_t shape[2] = {0, 0};  // N, C
  onRankZero(world, [&] {
    const Retrainer retrainer(settings, initialW, queries, MPI_COMM_SELF);
    LossWeightSums sums(retrainer.trainRows(), retrainer.model().outputs());
    full.outputs =
        retrainer.retrain(std::vector<std::int64_t>(static_cast<std::size_t>(retrainer.trainRows()), 1), &sums);
    full.lossWeights = sums.sums();
    shape[0] = retrainer.trainRows();
    shape[1] = retrainer.model().outputs();
  });
  PK_MPI(MPI_Bcast(shape, 2, MPI_INT64_T, 0, world));
  broadcast(full.lossWeights, shape[0], shape[1], world);
  broadcast(full.outputs, static_cast<std::int64_t>(queries.size()), shape[1], world);
  return full;
}

double maxAbsDifference(const Matrix& a, const Matrix& b) {
  double most = 0.0;
  for (std::size_t k = 0; k < a.size() && k < b.size(); ++k) {
    const double difference = std::abs(a.values()[k] - b.values()[k]);
    if (std::isnan(difference)) return difference;  // a diverged retraining is never "close"
    most = std::max(most, difference);
  }
  return most;
}

}  // namespace pk::validation

#include "explain/Aggregate.hpp"

#include <algorithm>
#include <cmath>

#include "core/Error.hpp"
#include "core/Partition.hpp"

namespace pk::explain {

namespace {

constexpr std::int64_t kBlockValues = 1 << 22;  // about 32 MB of float64 per block

std::int64_t chosenOutput(const RunReader& run, std::int64_t output, const double* network) {
  if (output >= 0) return output;
  return run.loss() == Loss::Softmax ? argmax(network, run.outputs()) : 0;
}

// T_i = sum_x C(x, i) over this rank's test rows, in blocks, then over all ranks.
std::vector<double> totalContributions(const RunReader& run, std::int64_t output, std::int64_t blockRows) {
  const std::int64_t n = run.trainRows(), outputs = run.outputs();
  std::vector<double> total(static_cast<std::size_t>(n), 0.0);
  const Partition rows(run.comm(), run.rows("test"));
  const std::int64_t block =
      blockRows > 0 ? blockRows : std::max<std::int64_t>(1, kBlockValues / std::max<std::int64_t>(1, n * outputs));
  std::int64_t blocks = (rows.localRows() + block - 1) / block, maxBlocks = 0;
  PK_MPI(MPI_Allreduce(&blocks, &maxBlocks, 1, MPI_INT64_T, MPI_MAX, run.comm()));
  // Every rank makes the same number of (collective) reads; some read nothing.
  for (std::int64_t b = 0; b < maxBlocks; ++b) {
    const std::int64_t first = std::min(rows.begin() + b * block, rows.end());
    const std::int64_t count = std::min(block, rows.end() - first);
    const auto contrib = run.contributions("test", first, count);
    const auto network = run.predictions("test", "network", first, count);
    for (std::int64_t r = 0; r < count; ++r) {
      const std::int64_t c = chosenOutput(run, output, network.data() + r * outputs);
      const double* row = contrib.data() + r * n * outputs;
      for (std::int64_t i = 0; i < n; ++i) total[static_cast<std::size_t>(i)] += row[i * outputs + c];
    }
  }
  PK_MPI(MPI_Allreduce(MPI_IN_PLACE, total.data(), static_cast<int>(n), MPI_DOUBLE, MPI_SUM, run.comm()));
  return total;
}

void selfInfluence(const RunReader& run, std::int64_t output, std::int64_t top, const Labels& labels,
                   AggregateInfluence& result) {
  if (!run.hasKernels("train")) {
    result.selfNote =
        "self-influence C(x_i, i) unavailable: the run has no /kernel/contrib/train "
        "(it was made with --skip-train-kernels)";
    return;
  }
  const std::int64_t n = run.trainRows(), outputs = run.outputs();
  const auto contrib = run.trainDiagonal("contrib");
  const auto path = run.trainDiagonal("path");
  const auto network = run.predictions("train", "network", 0, n);
  std::vector<double> self(static_cast<std::size_t>(n)), magnitude(self.size());
  std::vector<std::int64_t> classOf(self.size());
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    classOf[k] = chosenOutput(run, output, network.data() + i * outputs);
    self[k] = contrib[static_cast<std::size_t>(i * outputs + classOf[k])];
    magnitude[k] = std::abs(self[k]);
  }
  for (std::int64_t i : strongest(magnitude, top, false)) {
    const auto k = static_cast<std::size_t>(i);
    Influence in;
    in.index = i;
    in.label = labels.of(i, classOf[k]);
    in.contribution = self[k];
    in.pathKernel = path[k];
    in.coefficient = path[k] != 0.0 ? self[k] / path[k] : std::nan("");
    result.selfLargest.push_back(in);
  }
  result.hasSelf = true;
}

}  // namespace

AggregateInfluence aggregateInfluence(const RunReader& run, std::int64_t output, std::int64_t top, const Labels& labels,
                                      std::int64_t blockRows) {
  AggregateInfluence result;
  result.testRows = run.rows("test");
  result.output = output >= 0 ? "output " + std::to_string(output)
                              : (run.loss() == Loss::Softmax ? "each point's predicted class" : "output 0");
  PK_REQUIRE(run.hasKernels("test"), "--aggregate needs test points with /kernel/contrib/test; '" + run.path() +
                                         "' has " + std::to_string(result.testRows) +
                                         " test points and no such dataset");
  const auto total = totalContributions(run, output, blockRows);
  auto describe = [&](std::int64_t i) {
    Influence in;
    in.index = i;
    in.label = labels.of(i, std::max<std::int64_t>(output, 0));
    in.contribution = total[static_cast<std::size_t>(i)];
    in.pathKernel = in.coefficient = std::nan("");
    return in;
  };
  for (std::int64_t i : strongest(total, top, false)) result.mostPositive.push_back(describe(i));
  for (std::int64_t i : strongest(total, top, true)) result.mostNegative.push_back(describe(i));
  for (double t : total) (t > 0 ? result.totalPositive : result.totalNegative) += t;
  selfInfluence(run, output, top, labels, result);
  return result;
}

}  // namespace pk::explain

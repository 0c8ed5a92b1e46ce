#include "run/MemoryEstimate.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

#include "core/Error.hpp"
#include "core/Text.hpp"
#include "kernel/LayerTerm.hpp"
#include "kernel/TrainingSide.hpp"

namespace pk {

namespace {

constexpr double kDouble = 8.0;

// MemAvailable of /proc/meminfo in bytes; infinity when unknown.
double nodeAvailable() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kb = 0.0;
  std::string unit;
  while (meminfo >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024.0;
  return std::numeric_limits<double>::infinity();
}

// The control group's limit less its usage (cgroup v2, then v1); infinity when there is none.
double groupAvailable() {
  auto read = [](const char* path) {
    std::ifstream in(path);
    std::string text;
    in >> text;
    if (!in || text.empty() || text == "max") return std::numeric_limits<double>::infinity();
    return std::strtod(text.c_str(), nullptr);
  };
  double limit = read("/sys/fs/cgroup/memory.max");
  double used = read("/sys/fs/cgroup/memory.current");
  if (!std::isfinite(limit)) {
    limit = read("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    used = read("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  }
  // v1 reports "no limit" as a huge number.
  if (!std::isfinite(limit) || limit > 1e18) return std::numeric_limits<double>::infinity();
  return std::max(0.0, limit - (std::isfinite(used) ? used : 0.0));
}

}  // namespace

std::string formatBytes(double bytes) {
  return bytes >= 1e9 ? formatNumber("%.3g", bytes / 1e9) + " GB" : formatNumber("%.3g", bytes / 1e6) + " MB";
}

namespace {

// Doubles per example of this rank's rows held during a step: the trainer's record of its
// training rows (h_k, z_k, delta_k for every output, u_k, and a conv layer's per-example
// gradients of every output) and, beside it, one query block's features (h_k, z_k, delta_k)
// with what the kinds form from them (a conv layer's gradients). Large for image layers
// (every layer's input and output images), small for MLPs.
double recordValues(const Network& model) {
  double values = 0.0;
  const double c = static_cast<double>(model.outputs());
  for (int k = 0; k < model.layers(); ++k) {
    const Layer& layer = model.layer(k);
    const bool last = k + 1 == model.layers();
    values += static_cast<double>(layer.inputWidth()) + 2.0 * static_cast<double>(layer.outputWidth()) +
              (last ? 0.0 : c * static_cast<double>(layer.outputWidth())) +
              (layer.hasExampleGradients() ? c * static_cast<double>(layer.parameterCount()) : 0.0);
  }
  return values;
}

double queryBlockValues(const Network& model) {
  double values = 0.0;
  const double c = static_cast<double>(model.outputs());
  for (int k = 0; k < model.layers(); ++k) {
    const Layer& layer = model.layer(k);
    const bool last = k + 1 == model.layers();
    values += static_cast<double>(layer.inputWidth() + layer.outputWidth()) +
              (last ? 0.0 : c * static_cast<double>(layer.outputWidth())) +
              static_cast<double>(layerKernel(layer, model.outputs())->queryValues());
  }
  return values;
}

// Doubles per example of a layer's features h_k and delta_k (every output's), all layers.
double featureValues(const Network& model) {
  double values = 0.0;
  for (int k = 0; k < model.layers(); ++k)
    values += static_cast<double>(model.layer(k).inputWidth()) +
              (k + 1 < model.layers() ? static_cast<double>(model.outputs() * model.layer(k).outputWidth()) : 0.0);
  return values;
}

// The estimate with `keptRows` kernel rows (train and test points together) and `m` test points
// spread over `ranks`.
MemoryEstimate estimateWithRows(const RunPlan& plan, double ranks, double keptRows, double m) {
  const TrainSettings& s = plan.settings;
  const double n = static_cast<double>(plan.data.train.globalRows);
  const double c = static_cast<double>(plan.model.outputs());
  // Accumulated during the run: K^p and C per output, and K^g at w_0 and w_S when asked.
  const double snapshots = static_cast<double>(s.snapshots.resolve(s.training.steps).size());
  const double layers = s.layerKernels ? static_cast<double>(plan.model.parameterLayers()) : 0.0;
  const double matrices = 1.0 + c + (s.tangentKernels ? 2.0 : 0.0) + snapshots + layers;
  MemoryEstimate e;
  const double rowsPerRank = std::ceil(keptRows / ranks);
  e.kernelBytes = kDouble * rowsPerRank * n * matrices;
  const bool directions = s.training.optimizer.kind != OptimizerKind::Sgd;
  const double parameters = static_cast<double>(plan.model.parameterCount());
  // With memory: two per-example buffers for the owned examples, and the features (h_k, delta_k)
  // of all rows of a query set, gathered to be contracted with them (kernel/DirectionAttribution.hpp).
  if (directions)
    e.directionBytes =
        2.0 * kDouble * std::ceil(n / ranks) * parameters + kDouble * std::max(n, m) * featureValues(plan.model);
  // Writing copies one matrix's rows (C interleaved for the contributions); contributions
  // held as column blocks become rows first, through a transpose per output.
  e.writeBytes = kDouble * rowsPerRank * n * (directions ? c + 1.0 : std::max(1.0, c));
  // Every rank holds the training side of all N examples: what each layer kind gathers
  // (kernel/TrainingSide.hpp), with loss signals unless the optimizer's directions give the contributions.
  e.trainingSideValues = TrainingSide::valuesPerExample(plan.model, !directions);
  e.trainingSideBytes = kDouble * n * static_cast<double>(e.trainingSideValues);
  const double queryRows = std::max(n, m);
  e.activationBytes = kDouble * (std::ceil(n / ranks) * recordValues(plan.model) +
                                 std::ceil(queryRows / ranks) * queryBlockValues(plan.model));
  e.dataBytes = kDouble * std::ceil((n + m) / ranks) * static_cast<double>(plan.data.inputs + plan.data.targetCols);
  // Files: the kernel rows (a checkpoint holds K^g at w_0 only), predictions, Gamma, parameters, histories.
  const double steps = static_cast<double>(s.training.steps);
  const double batch = static_cast<double>(s.training.batchSize);
  // Gamma [N, the first layer's outputs]: sgd and momentum, a dense first layer or --superposition.
  const Layer& first = plan.model.layer(0);
  const bool gamma =
      !first.parameters().empty() &&
      (s.training.optimizer.kind == OptimizerKind::Sgd || s.training.optimizer.kind == OptimizerKind::Momentum) &&
      (first.kind() == "dense" || s.superposition);
  const double common = (n + m) * c * 4.0 + (gamma ? n * static_cast<double>(first.outputWidth()) : 0.0) +
                        2.0 * static_cast<double>(plan.model.parameterCount()) + steps * (2.0 + batch);
  const double coef = s.kernelCoef && c == 1.0 ? 1.0 : 0.0;
  // With memory a checkpoint also holds every example's direction buffer (N x P) and the optimizer's moments.
  const double optimizerState = directions ? n * parameters + 3.0 * parameters : 0.0;
  e.checkpointBytes = kDouble * (keptRows * n * (matrices - (s.tangentKernels ? 1.0 : 0.0)) + common + optimizerState);
  e.runFileBytes = kDouble * (keptRows * n * (matrices + coef) + common);
  return e;
}

double keptRowsOf(const RunPlan& plan) {
  const double n = static_cast<double>(plan.data.train.globalRows);
  return (plan.settings.skipTrainKernels ? 0.0 : n) + static_cast<double>(plan.data.test.globalRows);
}

// The smallest integer in [low, high] at which fits() holds, fits() being monotone; 0 if none.
template <class Fits>
std::int64_t smallestFitting(std::int64_t low, std::int64_t high, Fits fits) {
  if (!fits(high)) return 0;
  while (low < high) {
    const std::int64_t mid = low + (high - low) / 2;
    if (fits(mid))
      high = mid;
    else
      low = mid + 1;
  }
  return low;
}

}  // namespace

MemoryEstimate estimateMemory(const RunPlan& plan, int ranks) {
  return estimateWithRows(plan, static_cast<double>(ranks), keptRowsOf(plan),
                          static_cast<double>(plan.data.test.globalRows));
}

MemoryFit whatFits(const RunPlan& plan, int ranks, double available) {
  MemoryFit fit;
  // Kernel rows, activations, directions and data shrink with the ranks; the training side does not.
  constexpr std::int64_t kMostRanks = std::int64_t{1} << 24;
  const double rows = keptRowsOf(plan), m = static_cast<double>(plan.data.test.globalRows);
  fit.ranks = smallestFitting(1, kMostRanks, [&](std::int64_t r) {
    return estimateWithRows(plan, static_cast<double>(r), rows, m).perRank() <= available;
  });
  // The query points whose rows fit on these ranks when no train x train rows are kept.
  const double r = static_cast<double>(ranks);
  fit.withoutTrainRows = estimateWithRows(plan, r, m, m).perRank();
  constexpr std::int64_t kMostRows = std::int64_t{1} << 40;
  const std::int64_t tooMany = smallestFitting(1, kMostRows, [&](std::int64_t q) {
    return estimateWithRows(plan, r, static_cast<double>(q), static_cast<double>(q)).perRank() > available;
  });
  fit.queryRows = tooMany == 0 ? kMostRows : tooMany - 1;
  return fit;
}

std::string memoryRefusal(const RunPlan& plan, int ranks, const MemoryEstimate& e, double available) {
  const TrainSettings& s = plan.settings;
  const MemoryFit fit = whatFits(plan, ranks, available);
  std::string text = "this run needs about " + formatBytes(e.perRank()) + " per rank (kernel rows " +
                     formatBytes(e.kernelBytes) + ", training side " + formatBytes(e.trainingSideBytes) +
                     ", activations " + formatBytes(e.activationBytes) + ", per-example directions " +
                     formatBytes(e.directionBytes) + ") but only " + formatBytes(available) +
                     " is available to each rank: ";
  if (fit.ranks > 0)
    text += "use more ranks (" + std::to_string(fit.ranks) + " ranks with " + formatBytes(available) +
            " each, on more nodes)";
  else
    text += "more ranks do not help (every rank gathers the training side of all N examples, " +
            formatBytes(e.trainingSideBytes) + ")";
  if (!s.skipTrainKernels) text += ", --skip-train-kernels (then " + formatBytes(fit.withoutTrainRows) + " per rank)";
  if (s.tangentKernels) text += ", no --tangent-kernels";
  if (fit.queryRows > 0)
    text += ", or fewer query points: the kernel rows of " + std::to_string(fit.queryRows) + " points fit on " +
            std::to_string(ranks) + (ranks == 1 ? " rank" : " ranks") +
            " (train on the training split alone with --skip-train-kernels, then pathkernel replay --queries "
            "POINTS.h5 with at most that many points; docs/LIMITS.md)";
  else
    text += "; no query point fits on " + std::to_string(ranks) + (ranks == 1 ? " rank" : " ranks");
  return text;
}

double availableBytesPerRank(MPI_Comm comm) {
  MPI_Comm node = MPI_COMM_NULL;
  PK_MPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  int ranksOnNode = 1;
  const int status = MPI_Comm_size(node, &ranksOnNode);
  MPI_Comm_free(&node);
  PK_MPI(status);
  double perRank = std::min(nodeAvailable(), groupAvailable()) / ranksOnNode;
  PK_MPI(MPI_Allreduce(MPI_IN_PLACE, &perRank, 1, MPI_DOUBLE, MPI_MIN, comm));
  return perRank;
}

void requireMemory(const RunPlan& plan, int ranks, const MemoryEstimate& e, double available) {
  if (e.perRank() > available) throw InputError(memoryRefusal(plan, ranks, e, available));
}

}  // namespace pk

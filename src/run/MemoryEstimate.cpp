#include "run/MemoryEstimate.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

#include "core/Error.hpp"
#include "core/Text.hpp"
#include "kernel/Features.hpp"

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

MemoryEstimate estimateMemory(const RunPlan& plan, int ranks) {
  const TrainSettings& s = plan.settings;
  const double n = static_cast<double>(plan.data.train.globalRows);
  const double m = static_cast<double>(plan.data.test.globalRows);
  const double c = static_cast<double>(plan.model.outputs());
  const double keptRows = (s.skipTrainKernels ? 0.0 : n) + m;
  // Accumulated during the run: K^p and C per output, and K^g at w_0 and w_S when asked.
  const double snapshots = static_cast<double>(s.snapshots.resolve(s.training.steps).size());
  const double layers = s.layerKernels ? static_cast<double>(plan.model.parameterLayers()) : 0.0;
  const double matrices = 1.0 + c + (s.tangentKernels ? 2.0 : 0.0) + snapshots + layers;
  MemoryEstimate e;
  const double rowsPerRank = std::ceil(keptRows / ranks);
  e.kernelBytes = kDouble * rowsPerRank * n * matrices;
  const bool directions = s.training.optimizer.kind != OptimizerKind::Sgd;
  const double parameters = static_cast<double>(plan.model.parameterCount());
  if (directions) e.directionBytes = 2.0 * kDouble * std::ceil(n / ranks) * parameters;
  // Writing copies one matrix's rows (C interleaved for the contributions); contributions
  // held as column blocks become rows first, through a transpose per output.
  e.writeBytes = kDouble * rowsPerRank * n * (directions ? c + 1.0 : std::max(1.0, c));
  e.featureBytes = kDouble * n * static_cast<double>(GatheredFeatures::valuesPerExample(plan.model));
  e.dataBytes = kDouble * std::ceil((n + m) / ranks) * static_cast<double>(plan.data.inputs + plan.data.targetCols);
  // Files: the kernel rows (a checkpoint holds K^g at w_0 only), predictions, Gamma, parameters, histories.
  const double steps = static_cast<double>(s.training.steps);
  const double batch = static_cast<double>(s.training.batchSize);
  const double common = (n + m) * c * 4.0 + n * static_cast<double>(plan.model.layer(0).outputWidth()) +
                        2.0 * static_cast<double>(plan.model.parameterCount()) + steps * (2.0 + batch);
  const double coef = s.kernelCoef && c == 1.0 ? 1.0 : 0.0;
  // With memory a checkpoint also holds every example's direction buffer (N x P) and the optimizer's moments.
  const double optimizerState = directions ? n * parameters + 3.0 * parameters : 0.0;
  e.checkpointBytes = kDouble * (keptRows * n * (matrices - (s.tangentKernels ? 1.0 : 0.0)) + common + optimizerState);
  e.runFileBytes = kDouble * (keptRows * n * (matrices + coef) + common);
  return e;
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

void requireMemory(const MemoryEstimate& e, double available) {
  PK_REQUIRE(e.perRank() <= available,
             "this run needs about " + formatBytes(e.perRank()) + " per rank (kernel rows " +
                 formatBytes(e.kernelBytes) + ", gathered features " + formatBytes(e.featureBytes) +
                 ", per-example directions " + formatBytes(e.directionBytes) + ") but only " + formatBytes(available) +
                 " is available to each rank: use more ranks (on more nodes), --skip-train-kernels, no "
                 "--tangent-kernels, or fewer test points");
}

}  // namespace pk

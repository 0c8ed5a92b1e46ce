#include "dynamics/DynamicsAnalysis.hpp"

#include <mpi.h>

#include <cmath>

#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "dynamics/AlignmentTargets.hpp"
#include "dynamics/KernelMetrics.hpp"
#include "dynamics/Spectrum.hpp"
#include "dynamics/StoredKernel.hpp"
#include "io/H5.hpp"

namespace pk::dynamics {

namespace {

const char* const kSnapshots = "/snapshots/tangent/train";
const char* const kPath = "/kernel/path/train";
const char* const kLayers = "/kernel/path_layer/train";
const char* const kTangentInitial = "/kernel/tangent/initial/train";
const char* const kTangentFinal = "/kernel/tangent/final/train";

// A measured matrix the later ones are compared with.
struct Anchor {
  const DenseRows* matrix = nullptr;
  double norm = 0.0;
  double distanceTo(const DenseRows& other, double otherNorm) const {
    return matrix ? cosineDistance(*matrix, norm, other, otherNorm) : kNotApplicable;
  }
};

struct Context {
  const RunReader& run;
  const DynamicsRequest& request;
  AlignmentTargets targets;
  DynamicsResult& result;
};

// Everything measured of one matrix alone (of K; the spectrum of its symmetric
// part); `started` is when reading it began.
MatrixMetrics measure(const DenseRows& k, Context& c, double started) {
  MatrixMetrics m;
  m.trace = trace(k);
  m.frobenius = std::sqrt(frobeniusInner(k, k));
  m.participation = participationRatio(m.trace, m.frobenius);
  m.alignment = centredAlignment(k, c.targets);
  {
    const SymmetricPart s = symmetricPart(k);
    m.asymmetry = s.asymmetry;
    if (c.request.eigen > 0) {
      const double before = MPI_Wtime();
      Eigenpairs pairs = largestEigenpairs(s.matrix, c.request.eigen, c.request.eigenvectors);
      m.eigenSeconds = MPI_Wtime() - before;
      m.eigenvalues = std::move(pairs.values);
      m.eigenvectors = std::move(pairs.vectors);
      m.eigenIterations = pairs.iterations;
      m.eigenError = pairs.maxError;
      c.result.eigenType = pairs.type;
      c.result.eigenTolerance = pairs.tolerance;
    }
  }
  m.seconds = MPI_Wtime() - started;
  return m;
}

// t_s = sum_{r<s} eps_r for every snapshot step, and T.
void readTimes(const RunReader& run, DynamicsResult& r) {
  const auto steps = static_cast<std::int64_t>(h5::shape(run.file(), "/history/lr").at(0));
  const auto lr = run.rowsOf("/history/lr", 0, steps);
  std::vector<double> t(lr.size() + 1, 0.0);
  for (std::size_t s = 0; s < lr.size(); ++s) t[s + 1] = t[s] + lr[s];
  r.totalSteps = steps;
  r.totalTime = t.back();
  if (!run.has("/snapshots/steps")) return;
  const auto count = static_cast<std::int64_t>(h5::shape(run.file(), "/snapshots/steps").at(0));
  for (const double s : run.rowsOf("/snapshots/steps", 0, count)) {
    const auto step = static_cast<std::int64_t>(s);
    PK_REQUIRE(step >= 0 && step <= steps, "'" + run.path() + "' has a snapshot step beyond its /history/lr");
    r.steps.push_back(step);
    r.times.push_back(t[static_cast<std::size_t>(step)]);
  }
}

// Snapshot j: a slice of /snapshots, or K^g at w_0 (j = 0) and w_S (j = 1) for a run that kept no snapshots.
DenseRows readSnapshot(const Context& c, std::int64_t j) {
  if (c.request.tangentEnds) return readKernel(c.run, j == 0 ? kTangentInitial : kTangentFinal);
  return readKernelSlice(c.run, kSnapshots, j);
}

void measureSnapshots(Context& c, Anchor& first, Anchor& last, DenseRows& firstKernel, DenseRows& lastKernel) {
  const auto k = static_cast<std::int64_t>(c.result.steps.size());
  double started = MPI_Wtime();
  firstKernel = readSnapshot(c, 0);
  first = {&firstKernel, std::sqrt(frobeniusInner(firstKernel, firstKernel))};
  if (k > 1) lastKernel = readSnapshot(c, k - 1);
  const DenseRows& lastOne = k > 1 ? lastKernel : firstKernel;
  last = {&lastOne, std::sqrt(frobeniusInner(lastOne, lastOne))};
  DenseRows held, previousHeld;  // the current and the previous snapshot between the first and the last
  Anchor previous;
  for (std::int64_t j = 0; j < k; ++j) {
    if (j > 0) started = MPI_Wtime();
    if (j > 0 && j < k - 1) held = readSnapshot(c, j);
    const DenseRows& current = j == 0 ? firstKernel : j == k - 1 ? lastOne : held;
    MatrixMetrics m = measure(current, c, started);
    m.distanceFirst = first.distanceTo(current, m.frobenius);
    m.distanceLast = last.distanceTo(current, m.frobenius);
    const auto at = static_cast<std::size_t>(j);
    if (j > 0) m.velocity = previous.distanceTo(current, m.frobenius) / (c.result.times[at] - c.result.times[at - 1]);
    m.seconds = MPI_Wtime() - started;
    c.result.snapshots.push_back(std::move(m));
    if (&current == &held) {
      previousHeld = std::move(held);
      previous = {&previousHeld, c.result.snapshots.back().frobenius};
    } else {
      previous = {&current, c.result.snapshots.back().frobenius};
    }
  }
}

// K^p and each layer kernel, with their distances to the first and last snapshot.
void measurePathAndLayers(Context& c, const Anchor& first, const Anchor& last) {
  auto measureWithDistances = [&](const DenseRows& k, double started) {
    MatrixMetrics m = measure(k, c, started);
    m.distanceFirst = first.distanceTo(k, m.frobenius);
    m.distanceLast = last.distanceTo(k, m.frobenius);
    m.seconds = MPI_Wtime() - started;
    return m;
  };
  if (c.request.path) {
    const double started = MPI_Wtime();
    c.result.path.push_back(measureWithDistances(readKernel(c.run, kPath), started));
  }
  if (!c.request.layers) return;
  const auto layers = static_cast<std::int64_t>(h5::shape(c.run.file(), kLayers).at(0));
  for (std::int64_t l = 0; l < layers; ++l) {
    const double started = MPI_Wtime();
    c.result.layers.push_back(measureWithDistances(readKernelSlice(c.run, kLayers, l), started));
  }
}

}  // namespace

DynamicsRequest resolveRequest(const RunReader& run, const KernelSelection& selection, std::int64_t eigen,
                               bool eigenvectors) {
  const std::string name = "'" + run.path() + "'";
  run.requireRunFile("dynamics");
  const std::string skipped = name + " keeps no train x train kernels: it was trained with --skip-train-kernels";
  DynamicsRequest r;
  r.snapshots = selection.snapshots;
  r.path = selection.path;
  r.layers = selection.layers && (!selection.all || run.has(kLayers));
  // Without --snapshots, the tangent kernels at w_0 and w_S (--tangent-kernels) are two snapshots already.
  const bool stored = run.has("/snapshots/steps");
  r.tangentEnds = r.snapshots && !stored && run.has(kTangentInitial) && run.has(kTangentFinal);
  PK_REQUIRE(!r.snapshots || stored || r.tangentEnds,
             name +
                 " has no kernel snapshots: train with --snapshots 0,10,100 or --snapshots log:K to keep the "
                 "tangent kernel during training, or with --tangent-kernels for its first and last" +
                 (selection.all ? " (or measure the path kernel alone with --kernels path)" : ""));
  PK_REQUIRE(!r.snapshots || r.tangentEnds || run.has(kSnapshots), skipped);
  PK_REQUIRE(!r.path || run.has(kPath), skipped);
  PK_REQUIRE(!r.layers || run.has(kLayers),
             run.has("/kernel/path_layer") ? skipped
                                           : name + " has no layer kernels: train with --layer-kernels to keep them");
  const std::int64_t n = run.trainRows();
  PK_REQUIRE(eigen <= n, "--eigen " + std::to_string(eigen) + " is larger than N = " + std::to_string(n) +
                             ", the size of the train x train kernels");
  r.eigen = eigen;
  r.eigenvectors = eigenvectors;
  return r;
}

DynamicsResult analyseDynamics(const RunReader& run, const DynamicsRequest& request) {
  DynamicsResult result;
  result.runPath = run.path();
  result.nTrain = run.trainRows();
  result.loss = run.loss();
  result.eigenCount = request.eigen;
  const Partition rows(run.comm(), result.nTrain);
  result.firstRow = rows.begin();
  result.localRows = rows.localRows();
  readTimes(run, result);
  result.tangentEnds = request.tangentEnds;
  if (request.tangentEnds) {
    result.steps = {0, result.totalSteps};
    result.times = {0.0, result.totalTime};
  }
  if (!request.snapshots) {
    result.steps.clear();
    result.times.clear();
  }
  Context c{run, request, alignmentTargets(run.labels(), run.loss(), run.outputs()), result};
  result.targets = c.targets.description;
  Anchor first, last;
  DenseRows firstKernel, lastKernel;
  if (request.snapshots) measureSnapshots(c, first, last, firstKernel, lastKernel);
  measurePathAndLayers(c, first, last);
  return result;
}

double memoryPerRank(const RunReader& run, const DynamicsRequest& request, int ranks) {
  const auto n = static_cast<double>(run.trainRows());
  const double rowsPerRank = std::ceil(n / ranks);
  // The first, last, previous and current snapshot and the rows being read; K^p or a layer and its rows otherwise.
  const double blocks = request.snapshots ? 5.0 : 2.0;
  auto slices = [&](const char* dataset) { return static_cast<double>(h5::shape(run.file(), dataset).at(0)); };
  const double matrices = (request.snapshots ? (request.tangentEnds ? 2.0 : slices("/snapshots/steps")) : 0.0) +
                          (request.path ? 1.0 : 0.0) + (request.layers ? slices(kLayers) : 0.0);
  // Every matrix's eigenvectors are kept until the file is written.
  const double vectors = request.eigenvectors ? matrices * static_cast<double>(request.eigen) : 0.0;
  return 8.0 * rowsPerRank * (n * blocks + vectors);
}

}  // namespace pk::dynamics

// pathkernel dynamics on real run files: every metric of every matrix (the
// snapshots, K^p under gauss:2, which is not symmetric, and its layers)
// against the dense formulas on the whole matrices read back from the file;
// the same numbers on rank 0 alone; the output file; and bad input.
// Tolerances: relative 1e-10 for quantities with a scale (trace, norm,
// participation, eigenvalues relative to the largest); absolute 1e-10 for
// the dimensionless ones in [-1, 2] (distances, alignment).
#include <gtest/gtest.h>
#include <mpi.h>
#include <petscsys.h>

#include <cmath>
#include <functional>
#include <vector>

#include "DenseReference.hpp"
#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "dynamics/DynamicsAnalysis.hpp"
#include "dynamics/DynamicsFile.hpp"
#include "dynamics/DynamicsSettings.hpp"
#include "dynamics/Spectrum.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"

namespace pk::test {
namespace {

using dense::Square;
constexpr std::int64_t kEigen = 4;

TrainArguments snapshotRun(const std::string& out) {
  TrainArguments t = smallSettings(out);
  t.snapshots = "log:4";
  t.layerKernels = true;
  t.pathRule = "gauss:2";
  return t;
}

// Matrix j of a stack [k, n, n] read whole.
Square slice(const std::vector<double>& stack, std::int64_t n, std::int64_t j) {
  return Square(stack.begin() + j * n * n, stack.begin() + (j + 1) * n * n);
}

double relative(double got, double want) {
  return std::abs(got - want) / std::abs(want);
}

// The metrics of one matrix alone, and its eigenpairs, against the dense formulas.
void expectMatrix(const dynamics::MatrixMetrics& m, const Square& k, std::int64_t n, const Matrix& targets,
                  const dynamics::DynamicsResult& r) {
  // The metrics of K as stored; the spectrum of its symmetric part.
  EXPECT_NEAR(m.asymmetry, dense::asymmetry(k, n), 1e-10);
  EXPECT_LT(relative(m.trace, dense::trace(k, n)), 1e-10);
  EXPECT_LT(relative(m.frobenius, std::sqrt(dense::inner(k, k))), 1e-10);
  EXPECT_LT(relative(m.participation, dense::trace(k, n) * dense::trace(k, n) / dense::inner(k, k)), 1e-10);
  EXPECT_NEAR(m.alignment, dense::alignment(k, targets), 1e-10);
  const Square s = dense::symmetricPart(k, n);
  Matrix vectors;
  const auto values = dense::largestEigenvalues(s, n, kEigen, &vectors);
  ASSERT_EQ(m.eigenvalues.size(), static_cast<std::size_t>(kEigen));
  const auto got = dense::gather(m.eigenvectors, n);
  for (std::int64_t e = 0; e < kEigen; ++e) {
    EXPECT_LT(std::abs(m.eigenvalues[static_cast<std::size_t>(e)] - values[static_cast<std::size_t>(e)]) / values[0],
              1e-10);
    double dot = 0.0;
    for (std::int64_t i = 0; i < n; ++i) dot += got[static_cast<std::size_t>(i * kEigen + e)] * vectors(i, e);
    EXPECT_NEAR(std::abs(dot), 1.0, 1e-8) << "eigenvector " << e;
  }
  EXPECT_EQ(r.firstRow + r.localRows <= n, true);
}

dynamics::DynamicsResult analyse(const std::string& path, MPI_Comm comm, const std::string& kernels = "all") {
  const RunReader run(path, comm);
  return dynamics::analyseDynamics(
      run, dynamics::resolveRequest(run, dynamics::parseKernelSelection(kernels), kEigen, true));
}

TEST(Dynamics, EveryMetricOfARunEqualsItsDenseFormula) {
  const std::string path = tempPath("run.h5");
  const TrainArguments t = snapshotRun(path);
  train(t);
  const auto r = analyse(path, MPI_COMM_WORLD);
  const std::int64_t n = t.nTrain;
  const auto steps = readAll(path, "/snapshots/steps");
  const auto lr = readAll(path, "/history/lr");
  const auto snapshots = readAll(path, "/snapshots/tangent/train");
  const auto layers = readAll(path, "/kernel/path_layer/train");
  const Square pathKernel = readAll(path, "/kernel/path/train");
  Matrix y(n, 1);
  y.values() = readAll(path, "/data/train/y");
  const auto k = static_cast<std::int64_t>(steps.size());
  ASSERT_EQ(r.snapshots.size(), static_cast<std::size_t>(k));
  ASSERT_EQ(r.path.size(), 1u);
  ASSERT_EQ(r.layers.size(), 3u);  // hidden 8,6: three layers
  const Square first = slice(snapshots, n, 0);
  const Square last = slice(snapshots, n, k - 1);
  for (std::int64_t j = 0; j < k; ++j) {
    const auto& m = r.snapshots[static_cast<std::size_t>(j)];
    const Square s = slice(snapshots, n, j);
    expectMatrix(m, slice(snapshots, n, j), n, y, r);
    EXPECT_EQ(r.steps[static_cast<std::size_t>(j)], static_cast<std::int64_t>(steps[static_cast<std::size_t>(j)]));
    EXPECT_NEAR(m.distanceFirst, dense::distance(s, first), 1e-10);
    EXPECT_NEAR(m.distanceLast, dense::distance(s, last), 1e-10);
    if (j == 0) {
      EXPECT_TRUE(std::isnan(m.velocity));
      continue;
    }
    double elapsed = 0.0;
    for (auto step = static_cast<std::size_t>(steps[j - 1]); step < static_cast<std::size_t>(steps[j]); ++step)
      elapsed += lr[step];
    const Square previous = slice(snapshots, n, j - 1);
    EXPECT_NEAR(m.velocity * elapsed, dense::distance(previous, s), 1e-10);
  }
  expectMatrix(r.path[0], pathKernel, n, y, r);
  EXPECT_GT(r.path[0].asymmetry, 1e-6);  // gauss:2: K^p is not symmetric
  EXPECT_NEAR(r.path[0].distanceFirst, dense::distance(pathKernel, first), 1e-10);
  EXPECT_NEAR(r.path[0].distanceLast, dense::distance(pathKernel, last), 1e-10);
  for (std::size_t l = 0; l < r.layers.size(); ++l) {
    const Square layer = slice(layers, n, static_cast<std::int64_t>(l));
    expectMatrix(r.layers[l], layer, n, y, r);
    EXPECT_NEAR(r.layers[l].distanceFirst, dense::distance(layer, first), 1e-10);
    EXPECT_NEAR(r.layers[l].distanceLast, dense::distance(layer, last), 1e-10);
    EXPECT_TRUE(std::isnan(r.layers[l].velocity));
  }
}

// Every number of `a` equal to `b`'s to `tolerance` (relative where a number has a scale).
void expectSameSeries(const std::vector<dynamics::MatrixMetrics>& a, const std::vector<dynamics::MatrixMetrics>& b,
                      double tolerance) {
  ASSERT_EQ(a.size(), b.size());
  const auto same = [&](double x, double y, double scale) {
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
    return std::abs(x - y) <= tolerance * scale;
  };
  for (std::size_t j = 0; j < a.size(); ++j) {
    const auto &x = a[j], &y = b[j];
    EXPECT_TRUE(same(x.trace, y.trace, std::abs(y.trace)) && same(x.frobenius, y.frobenius, y.frobenius));
    EXPECT_TRUE(same(x.distanceFirst, y.distanceFirst, 1.0) && same(x.distanceLast, y.distanceLast, 1.0));
    EXPECT_TRUE(same(x.velocity, y.velocity, 1.0) && same(x.alignment, y.alignment, 1.0));
    EXPECT_TRUE(same(x.participation, y.participation, y.participation) && same(x.asymmetry, y.asymmetry, 1.0));
    for (std::size_t e = 0; e < x.eigenvalues.size(); ++e)
      EXPECT_TRUE(same(x.eigenvalues[e], y.eigenvalues[e], std::abs(y.eigenvalues[0]))) << "matrix " << j;
  }
}

TEST(Dynamics, TheSameOnRankZeroAlone) {
  const std::string path = tempPath("run.h5");
  train(snapshotRun(path));
  const auto all = analyse(path, MPI_COMM_WORLD);
  if (rank() == 0) {
    const auto alone = analyse(path, MPI_COMM_SELF);
    expectSameSeries(all.snapshots, alone.snapshots, 1e-12);
    expectSameSeries(all.path, alone.path, 1e-12);
    expectSameSeries(all.layers, alone.layers, 1e-12);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(Dynamics, TheFileHoldsEveryNumber) {
  const std::string path = tempPath("run.h5");
  train(snapshotRun(path));
  const auto r = analyse(path, MPI_COMM_WORLD);
  dynamics::DynamicsSettings s;
  s.run = path;
  s.eigen = kEigen;
  s.eigenvectors = true;
  const std::string out = dynamics::dynamicsOutputPath(s);
  dynamics::writeDynamicsFile(out, s, r, MPI_COMM_WORLD);
  {
    const h5::Id file =
        openResultFile(out, dynamics::kDynamicsFormat, dynamics::kDynamicsFormatVersion, MPI_COMM_WORLD);
    EXPECT_EQ(h5::intAttribute(file, "complete"), 1);
  }
  EXPECT_EQ(shapeOf(out, "/snapshots/eigenvectors"),
            (std::vector<unsigned long long>{r.steps.size(), static_cast<unsigned long long>(r.nTrain), kEigen}));
  EXPECT_EQ(readAll(out, "/path/trace"), std::vector<double>{r.path[0].trace});
  EXPECT_EQ(readAll(out, "/snapshots/time"), r.times);
  const auto vectors = readAll(out, "/path_layer/eigenvectors");
  const auto mine = dense::gather(r.layers[1].eigenvectors, r.nTrain);
  EXPECT_EQ(std::vector<double>(vectors.begin() + r.nTrain * kEigen, vectors.begin() + 2 * r.nTrain * kEigen), mine);
  const auto velocity = readAll(out, "/snapshots/velocity");
  EXPECT_TRUE(std::isnan(velocity[0]));
  EXPECT_EQ(velocity[1], r.snapshots[1].velocity);
}

TEST(Dynamics, BadInputIsOneClearMessage) {
  const std::string path = tempPath("plain.h5");
  TrainArguments t = smallSettings(path);
  t.steps = 3;
  train(t);
  const RunReader run(path, MPI_COMM_WORLD);
  const auto all = dynamics::parseKernelSelection("all");
  expectInputError([&] { dynamics::resolveRequest(run, all, 0, false); }, "has no kernel snapshots");
  expectInputError([&] { dynamics::resolveRequest(run, dynamics::parseKernelSelection("layers"), 0, false); },
                   "train with --layer-kernels");
  expectInputError([&] { dynamics::resolveRequest(run, dynamics::parseKernelSelection("path"), 38, false); },
                   "--eigen 38 is larger than N = 37");
  const auto pathOnly = dynamics::resolveRequest(run, dynamics::parseKernelSelection("path"), 37, false);
  EXPECT_EQ(dynamics::analyseDynamics(run, pathOnly).path.at(0).eigenvalues.size(), 37u);

  PK_PETSC(PetscOptionsSetValue(nullptr, "-eps_type", "nonsense"));
  expectInputError([] { dynamics::requireKnownEigensolver(); }, "unknown -eps_type 'nonsense'");
  PK_PETSC(PetscOptionsClearValue(nullptr, "-eps_type"));
  EXPECT_NO_THROW(dynamics::requireKnownEigensolver());

  expectInputError([] { dynamics::parseKernelSelection("snapshots,paths"); }, "unknown kernel 'paths'");
  dynamics::DynamicsSettings parsed;
  const char* unknown[] = {"dynamics", "--run", "r.h5", "--eigne", "3"};
  expectInputError([&] { dynamics::parseDynamicsSettings(5, unknown, parsed, false); }, "--eigne");
  const char* petsc[] = {"dynamics", "--run", "r.h5", "--eigen", "3", "-eps_type", "lanczos", "-eps_monitor"};
  EXPECT_TRUE(dynamics::parseDynamicsSettings(8, petsc, parsed, false));
  EXPECT_EQ(parsed.petscOptions, "-eps_type lanczos -eps_monitor");
  EXPECT_EQ(dynamics::dynamicsOutputPath(parsed), "r.dynamics.h5");
  parsed.eigen = 0;
  parsed.eigenvectors = true;
  parsed.format = "xml";
  EXPECT_EQ(dynamics::validate(parsed).size(), 2u);
}

}  // namespace
}  // namespace pk::test

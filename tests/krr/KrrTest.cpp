// Kernel ridge regression with PETSc: the KSP solution against a dense LAPACK
// solve computed redundantly on every rank (so the check is the same at any
// rank count), failure reporting for an indefinite kernel, and bad inputs.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <vector>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "io/H5.hpp"
#include "krr/KernelRidge.hpp"
#include "krr/KernelSource.hpp"
#include "krr/KrrProblem.hpp"
#include "krr/KrrReport.hpp"
#include "krr/KrrRun.hpp"
#include "krr/KrrSettings.hpp"

extern "C" void dgesv_(const int* n, const int* nrhs, double* a, const int* lda, int* ipiv, double* b, const int* ldb,
                       int* info);

namespace pk::test {
namespace {

// Solves (K + lambda I) X = B densely; K [n, n] and B [n, c] row-major; returns X row-major.
std::vector<double> denseRidge(std::vector<double> k, int n, double lambda, const std::vector<double>& b, int c) {
  for (int i = 0; i < n; ++i) k[static_cast<std::size_t>(i * n + i)] += lambda;  // symmetric: row = column major
  std::vector<double> x(static_cast<std::size_t>(n * c));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < c; ++j) x[static_cast<std::size_t>(j * n + i)] = b[static_cast<std::size_t>(i * c + j)];
  std::vector<int> pivots(static_cast<std::size_t>(n));
  int info = 0;
  dgesv_(&n, &c, k.data(), &n, pivots.data(), x.data(), &n, &info);
  EXPECT_EQ(info, 0);
  std::vector<double> out(x.size());
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < c; ++j) out[static_cast<std::size_t>(i * c + j)] = x[static_cast<std::size_t>(j * n + i)];
  return out;
}

Matrix inputs(std::int64_t rows, std::int64_t d, double phase) {
  Matrix x(rows, d);
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t c = 0; c < d; ++c)
      x(i, c) = std::sin(0.7 * static_cast<double>(i) + 1.3 * static_cast<double>(c) + phase);
  return x;
}

Matrix localRows(const Matrix& all, std::int64_t first, std::int64_t rows) {
  Matrix m(rows, all.cols());
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < all.cols(); ++c) m(r, c) = all(first + r, c);
  return m;
}

std::vector<double> gather(const Matrix& local, std::int64_t globalRows) {
  return allgatherRows(Partition(MPI_COMM_WORLD, globalRows), local.data(), local.cols());
}

TEST(KrrTest, KspSolutionEqualsDenseSolveAtAnyRankCount) {
  const std::int64_t n = 23, m = 7, d = 3, outputs = 2;
  const double lambda = 1e-2, h = 1.1;
  const Matrix x = inputs(n, d, 0.0), xTest = inputs(m, d, 0.4);
  DenseRows k(MPI_COMM_WORLD, n, n), kTest(MPI_COMM_WORLD, m, n);
  fillRbf(k, localRows(x, k.firstRow(), k.localRows()), x, h);
  fillRbf(kTest, localRows(xTest, kTest.firstRow(), kTest.localRows()), x, h);
  const Matrix y = inputs(n, outputs, 2.0);

  SolverOptions options;
  options.rtol = 1e-14;
  const RidgeSolution s = solveKernelRidge(k, kTest, localRows(y, k.firstRow(), k.localRows()), lambda, options);
  ASSERT_TRUE(s.ok) << s.status;
  EXPECT_EQ(s.kspType, "cg");
  EXPECT_EQ(s.pcType, "jacobi");

  // The reference, the same on every rank: the full kernels and LAPACK.
  std::vector<double> full(static_cast<std::size_t>(n * n)), fullTest(static_cast<std::size_t>(m * n));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double d2 = 0;
      for (std::int64_t c = 0; c < d; ++c) d2 += (x(i, c) - x(j, c)) * (x(i, c) - x(j, c));
      full[static_cast<std::size_t>(i * n + j)] = std::exp(-d2 / (2 * h * h));
    }
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double d2 = 0;
      for (std::int64_t c = 0; c < d; ++c) d2 += (xTest(i, c) - x(j, c)) * (xTest(i, c) - x(j, c));
      fullTest[static_cast<std::size_t>(i * n + j)] = std::exp(-d2 / (2 * h * h));
    }
  const auto alpha = denseRidge(full, static_cast<int>(n), lambda, y.values(), static_cast<int>(outputs));
  std::vector<double> predicted(static_cast<std::size_t>(m * outputs), 0.0);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t c = 0; c < outputs; ++c)
      for (std::int64_t j = 0; j < n; ++j)
        predicted[static_cast<std::size_t>(i * outputs + c)] +=
            fullTest[static_cast<std::size_t>(i * n + j)] * alpha[static_cast<std::size_t>(j * outputs + c)];

  EXPECT_LT(relativeDifference(gather(s.alpha, n), alpha), 1e-10);
  EXPECT_LT(relativeDifference(gather(s.testPrediction, m), predicted), 1e-10);
  EXPECT_LT(s.relResidual, 1e-12);
  // The kernel's diagonal is restored exactly after the ridge solve.
  std::vector<double> rows(static_cast<std::size_t>(k.localRows() * n));
  k.copyLocalRowMajor(rows.data());
  for (std::int64_t r = 0; r < k.localRows(); ++r)
    EXPECT_EQ(rows[static_cast<std::size_t>(r * n + k.firstRow() + r)], 1.0);
}

TEST(KrrTest, RunFileKernelsMatchDenseSolveAndFileIsWritten) {
  const std::string run = tempPath("run.h5");
  TrainArguments t = smallSettings(run);
  t.tangentKernels = true;
  t.pathRule = "gauss:2";
  train(t);

  KrrSettings s;
  s.run = run;
  s.out = tempPath("krr.h5");
  const std::vector<KernelChoice> kernels{KernelKind::Path, KernelKind::TangentFinal, KernelKind::Rbf};
  const KrrProblem p = loadKrrProblem(s, kernels, MPI_COMM_WORLD);
  ASSERT_EQ(p.nTrain, t.nTrain);
  SolverOptions options;
  options.rtol = 1e-14;
  const double lambda = 0.1;
  const auto rows = runKernelRidge(p, kernels, {lambda}, 0.0, options, MPI_COMM_WORLD);
  ASSERT_EQ(rows.size(), 3u);

  const auto n = static_cast<int>(t.nTrain);
  const auto y = readAll(run, "/data/train/y");
  for (std::size_t k = 0; k < 2; ++k) {
    auto kernel = readAll(run, k == 0 ? "/kernel/path/train" : "/kernel/tangent/final/train");
    std::vector<double> sym(kernel.size());
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        sym[static_cast<std::size_t>(i * n + j)] =
            0.5 * (kernel[static_cast<std::size_t>(i * n + j)] + kernel[static_cast<std::size_t>(j * n + i)]);
    ASSERT_TRUE(rows[k].solution.ok) << rows[k].solution.status;
    EXPECT_LT(relativeDifference(gather(rows[k].solution.alpha, n), denseRidge(sym, n, lambda, y, 1)), 1e-10);
  }
  EXPECT_TRUE(rows[2].solution.ok);
  EXPECT_GT(rows[0].test.count, 0);

  const KrrReference reference = scoreReference(p, MPI_COMM_WORLD);
  writeKrrFile(s.out, s, p, rows, reference, MPI_COMM_WORLD);
  h5::Id file = h5::openFile(s.out, MPI_COMM_WORLD);
  EXPECT_EQ(h5::stringAttribute(file, "format"), "pathkernel-krr");
  EXPECT_EQ(h5::intAttribute(file, "format_version"), 1);
  EXPECT_EQ(h5::intAttribute(file, "complete"), 1);
  EXPECT_EQ(readAll(s.out, "/solve/path/0/alpha"), gather(rows[0].solution.alpha, n));
}

TEST(KrrTest, IndefiniteKernelIsReportedNotSolved) {
  // tridiag(-2, 1, -2): unit diagonal, eigenvalues 1 - 4 cos(k pi/(n+1)), many negative.
  const std::int64_t n = 20;
  DenseRows k(MPI_COMM_WORLD, n, n);
  std::vector<double> rows(static_cast<std::size_t>(k.localRows() * n), 0.0);
  for (std::int64_t r = 0; r < k.localRows(); ++r) {
    const std::int64_t i = k.firstRow() + r;
    rows[static_cast<std::size_t>(r * n + i)] = 1.0;
    if (i > 0) rows[static_cast<std::size_t>(r * n + i - 1)] = -2.0;
    if (i + 1 < n) rows[static_cast<std::size_t>(r * n + i + 1)] = -2.0;
  }
  k.setLocalRowMajor(rows.data());
  const RidgeSolution s = solveKernelRidge(k, DenseRows(), Matrix(k.localRows(), 1, 1.0), 0.0, SolverOptions());
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.status, "converged");
}

TEST(KrrTest, BadInputsThrowInputError) {
  EXPECT_THROW(parseKernelList("path,gaussian"), InputError);
  EXPECT_THROW(parseRidgeList("1e-3,-1"), InputError);
  EXPECT_THROW(parseRidgeList("abc"), InputError);
  EXPECT_EQ(parseRidgeList("1e-6,1e-3,1").size(), 3u);
  KrrSettings parsed;
  const char* unknown[] = {"krr", "--run", "r.h5", "--kernal", "path"};
  EXPECT_THROW(parseKrrSettings(5, unknown, parsed, false), InputError);
  const char* petsc[] = {"krr", "--run", "r.h5", "-ksp_type", "gmres", "-log_view"};
  EXPECT_TRUE(parseKrrSettings(6, petsc, parsed, false));
  EXPECT_EQ(parsed.petscOptions, "-ksp_type gmres -log_view");
  KrrSettings same;
  same.run = same.out = "r.h5";
  EXPECT_FALSE(validate(same).empty());

  KrrSettings s;
  s.run = tempPath("missing.h5");
  EXPECT_THROW(loadKrrProblem(s, {KernelKind::Path}, MPI_COMM_WORLD), InputError);
  s.run = sourceDir() + "/data/digits2.h5";
  EXPECT_THROW(loadKrrProblem(s, {KernelKind::Path}, MPI_COMM_WORLD), InputError);
  s.run = tempPath("run.h5");
  TrainArguments t = smallSettings(s.run);
  t.steps = 2;
  train(t);
  EXPECT_THROW(loadKrrProblem(s, {KernelKind::Path, KernelKind::TangentInitial}, MPI_COMM_WORLD), InputError);
  EXPECT_NO_THROW(loadKrrProblem(s, {KernelKind::Path, KernelKind::Rbf}, MPI_COMM_WORLD));
}

}  // namespace
}  // namespace pk::test

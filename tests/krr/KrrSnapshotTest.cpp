// krr --kernel snapshot:J: the tangent kernel of the J-th snapshot, solved
// like every stored kernel (symmetrised, PETSc KSP) and checked against a
// dense solve; the test block is the snapshot's too; bad J are refused.
#include <gtest/gtest.h>
#include <mpi.h>

#include <vector>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "krr/KrrProblem.hpp"
#include "krr/KrrRun.hpp"
#include "krr/KrrSettings.hpp"

extern "C" void dgesv_(const int* n, const int* nrhs, double* a, const int* lda, int* ipiv, double* b, const int* ldb,
                       int* info);

namespace pk::test {
namespace {

// (K + lambda I) x = b for a symmetric K [n, n] (row-major) and one right-hand side.
std::vector<double> denseSolve(std::vector<double> k, int n, double lambda, std::vector<double> b) {
  for (int i = 0; i < n; ++i) k[static_cast<std::size_t>(i * n + i)] += lambda;
  std::vector<int> pivots(static_cast<std::size_t>(n));
  const int one = 1;
  int info = 0;
  dgesv_(&n, &one, k.data(), &n, pivots.data(), b.data(), &n, &info);
  EXPECT_EQ(info, 0);
  return b;
}

TEST(KrrSnapshot, SnapshotKernelMatchesDenseSolve) {
  const std::string run = tempPath("run.h5");
  TrainArguments t = smallSettings(run);
  t.snapshots = "0,5,20";
  train(t);
  KrrSettings s;
  s.run = run;
  const std::vector<KernelChoice> kernels = parseKernelList("snapshot:1");
  ASSERT_EQ(kernels.size(), 1u);
  EXPECT_EQ(toString(kernels[0]), "snapshot:1");
  const KrrProblem p = loadKrrProblem(s, kernels, MPI_COMM_WORLD);
  SolverOptions options;
  options.rtol = 1e-14;
  const double lambda = 0.1;
  const auto rows = runKernelRidge(p, kernels, {lambda}, 0.0, options, MPI_COMM_WORLD);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_TRUE(rows[0].solution.ok) << rows[0].solution.status;
  EXPECT_NE(rows[0].description.find("s = 5 of 20 steps"), std::string::npos) << rows[0].description;

  const auto n = static_cast<int>(t.nTrain), m = static_cast<int>(t.nTest);
  const auto stack = readAll(run, "/snapshots/tangent/train");
  std::vector<double> sym(static_cast<std::size_t>(n * n));
  const std::size_t offset = static_cast<std::size_t>(n * n);  // slice 1
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      sym[static_cast<std::size_t>(i * n + j)] = 0.5 * (stack[offset + static_cast<std::size_t>(i * n + j)] +
                                                        stack[offset + static_cast<std::size_t>(j * n + i)]);
  const auto alpha = denseSolve(sym, n, lambda, readAll(run, "/data/train/y"));
  const Partition split(MPI_COMM_WORLD, n), testSplit(MPI_COMM_WORLD, m);
  EXPECT_LT(relativeDifference(allgatherRows(split, rows[0].solution.alpha.data(), 1), alpha), 1e-10);
  // Test predictions use the snapshot's test rows, slice 1 of /snapshots/tangent/test.
  const auto testStack = readAll(run, "/snapshots/tangent/test");
  std::vector<double> predicted(static_cast<std::size_t>(m), 0.0);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j)
      predicted[static_cast<std::size_t>(i)] +=
          testStack[static_cast<std::size_t>(m * n + i * n + j)] * alpha[static_cast<std::size_t>(j)];
  EXPECT_LT(relativeDifference(allgatherRows(testSplit, rows[0].solution.testPrediction.data(), 1), predicted), 1e-10);
}

TEST(KrrSnapshot, BadSnapshotsAreRefused) {
  EXPECT_EQ(parseKernelList("snapshot:2,path,snapshot:2,snapshot:0").size(), 3u);
  for (const char* bad : {"snapshot:", "snapshot:-1", "snapshot:x", "snapshots:1"})
    EXPECT_THROW(parseKernelList(bad), InputError) << bad;
  KrrSettings s;
  s.run = tempPath("run.h5");
  TrainArguments t = smallSettings(s.run);
  t.steps = 4;
  t.snapshots = "0,4";
  train(t);
  EXPECT_THROW(loadKrrProblem(s, {KernelChoice(KernelKind::Snapshot, 2)}, MPI_COMM_WORLD), InputError);
  EXPECT_NO_THROW(loadKrrProblem(s, {KernelChoice(KernelKind::Snapshot, 1)}, MPI_COMM_WORLD));
  s.run = tempPath("plain.h5");
  train(smallSettings(s.run));
  EXPECT_THROW(loadKrrProblem(s, {KernelChoice(KernelKind::Snapshot, 0)}, MPI_COMM_WORLD), InputError);
}

}  // namespace
}  // namespace pk::test

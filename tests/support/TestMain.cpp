// One test main for every rank count: MPI then PETSc once, the default
// printer only on rank 0, and each test's result allreduced so that a failure
// on any rank fails the run.
#include <gtest/gtest.h>
#include <mpi.h>

#include "TestSupport.hpp"
#include "core/BlasCore.hpp"
#include "core/Environment.hpp"

namespace {

class RankAgreement : public ::testing::EmptyTestEventListener {
 public:
  void OnTestEnd(const ::testing::TestInfo& info) override {
    int failed = info.result()->Failed() ? 1 : 0;
    int anyFailed = 0;
    MPI_Allreduce(&failed, &anyFailed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (anyFailed && !failed && rank == 0) ADD_FAILURE() << "failed on another rank";
  }
};

}  // namespace

int main(int argc, char** argv) {
  // As the program does: the build's OpenBLAS core, before anything else (the suite runs faster).
  pk::blas::preferBuildCore(argv);
  ::testing::InitGoogleTest(&argc, argv);
  pk::Environment env(&argc, &argv);
  auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
  if (env.rank() != 0) {
    // Other ranks print only their failures.
    delete listeners.Release(listeners.default_result_printer());
    class FailurePrinter : public ::testing::EmptyTestEventListener {
      void OnTestPartResult(const ::testing::TestPartResult& r) override {
        if (r.failed()) {
          int rank = 0;
          MPI_Comm_rank(MPI_COMM_WORLD, &rank);
          fprintf(stderr, "[rank %d] %s:%d: %s\n", rank, r.file_name() ? r.file_name() : "?", r.line_number(),
                  r.summary());
        }
      }
    };
    listeners.Append(new FailurePrinter);
  }
  listeners.Append(new RankAgreement);
  const int local = RUN_ALL_TESTS();
  pk::test::removeTempFolders();
  int global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return global;
}

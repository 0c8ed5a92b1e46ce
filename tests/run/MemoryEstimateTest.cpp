// The start-up estimate of the files a run writes: within a fifth of the real
// checkpoint and run file, for gradient descent and for Adam, whose checkpoint
// also holds every example's direction buffer.
#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.hpp"
#include "run/MemoryEstimate.hpp"
#include "run/TrainingRun.hpp"

namespace pk::test {
namespace {

TEST(MemoryEstimate, FileSizesAreWithinAFifthOfTheFilesWritten) {
  for (const char* optimizer : {"sgd", "adam"}) {
    TrainArguments a = smallSettings(tempPath(std::string("estimate_") + optimizer + ".h5"));
    a.data = "builtin:regression";
    a.nTrain = 200;
    a.nTest = 50;
    a.hidden = "16,16";
    a.steps = 20;
    a.optimizer = optimizer;
    a.lr = 0.01;
    a.checkpoint = a.out + ".ckpt";
    a.checkpointEvery = 10;
    a.keepCheckpoint = true;
    const MemoryEstimate e = estimateMemory(planRun(resolveSettings(a), MPI_COMM_WORLD), size());
    train(a);
    const auto checkpoint = static_cast<double>(std::filesystem::file_size(a.checkpoint));
    const auto runFile = static_cast<double>(std::filesystem::file_size(a.out));
    EXPECT_NEAR(e.checkpointBytes / checkpoint, 1.0, 0.2)
        << optimizer << ": estimated " << e.checkpointBytes << " bytes, written " << checkpoint;
    EXPECT_NEAR(e.runFileBytes / runFile, 1.0, 0.2)
        << optimizer << ": estimated " << e.runFileBytes << " bytes, written " << runFile;
  }
}

// What a refusal offers must fit: the fewest ranks at which the run fits, and not one fewer;
// query rows that fit without the train x train rows, and not one more.
TEST(MemoryEstimate, WhatFitsIsTheSmallestRankCountAndTheLargestQuerySet) {
  TrainArguments a = smallSettings(tempPath("fits.h5"));
  a.data = "builtin:regression";
  a.nTrain = 300;
  a.nTest = 40;
  a.hidden = "8";
  a.optimizer = "adam";
  const RunPlan plan = planRun(resolveSettings(a), MPI_COMM_WORLD);
  const MemoryEstimate here = estimateMemory(plan, size());
  const double available = here.perRank() / 3.0;
  const MemoryFit fit = whatFits(plan, size(), available);
  ASSERT_GT(fit.ranks, size());
  EXPECT_LE(estimateMemory(plan, static_cast<int>(fit.ranks)).perRank(), available);
  EXPECT_GT(estimateMemory(plan, static_cast<int>(fit.ranks) - 1).perRank(), available);
  ASSERT_GT(fit.queryRows, 0);
  EXPECT_LT(fit.queryRows, a.nTrain + a.nTest);
  // The same plan with only queryRows test points and no train x train rows fits; one more does not.
  for (const std::int64_t extra : {0, 1}) {
    TrainArguments q = a;
    q.nTest = fit.queryRows + extra;
    q.skipTrainKernels = true;
    const RunPlan query = planRun(resolveSettings(q), MPI_COMM_WORLD);
    const double need = estimateMemory(query, size()).perRank();
    if (extra == 0)
      EXPECT_LE(need, available) << "queryRows " << fit.queryRows;
    else
      EXPECT_GT(need, available) << "queryRows + 1 = " << q.nTest;
  }
  const std::string text = memoryRefusal(plan, size(), here, available);
  EXPECT_NE(text.find(std::to_string(fit.ranks) + " ranks with"), std::string::npos) << text;
  EXPECT_NE(text.find("the kernel rows of " + std::to_string(fit.queryRows) + " points"), std::string::npos) << text;
  EXPECT_NE(text.find("--skip-train-kernels (then"), std::string::npos) << text;
}

}  // namespace
}  // namespace pk::test

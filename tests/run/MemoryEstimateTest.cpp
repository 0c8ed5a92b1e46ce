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

}  // namespace
}  // namespace pk::test

// The theorem as a measurement: the left rule's residual is first order in the
// learning rate at fixed lr * steps, the Gauss rule is smaller, and the table
// file is written whole.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "TestSupport.hpp"
#include "converge/Convergence.hpp"
#include "io/H5.hpp"

namespace pk::test {
namespace {

TEST(Converge, LeftRuleResidualIsFirstOrderInTheLearningRate) {
  const std::string folder = tempPath("runs");
  shellOnRoot("mkdir -p '" + folder + "'");
  TrainArguments s = smallSettings(folder + "/unused.h5");
  s.hidden = "6";
  s.nTrain = 16;
  s.nTest = 6;
  s.lr = 0.05;
  s.steps = 20;
  const TrainSettings settings = resolveSettings(s);
  const auto table = measureConvergence(settings, 2, 2, folder, MPI_COMM_WORLD, nullptr);
  ASSERT_EQ(table.levels.size(), 3u);
  EXPECT_EQ(table.levels[2].steps, 80);
  EXPECT_DOUBLE_EQ(table.levels[2].lr, 0.0125);
  EXPECT_GT(table.orderTrain, 0.8);
  EXPECT_LT(table.orderTrain, 1.2);
  EXPECT_GT(table.orderTest, 0.8);
  EXPECT_LT(table.orderTest, 1.2);
  ASSERT_EQ(table.gaussMaxAbs.size(), 2u);
  EXPECT_LT(table.gaussMaxAbs[1], table.levels[0].maxAbsTrain);
  const std::string out = folder + "/converge.h5";
  writeConvergenceFile(out, table, settings, MPI_COMM_WORLD);
  EXPECT_EQ(readAll(out, "/lr").size(), 3u);
  EXPECT_EQ(readAll(out, "/gauss_max_abs_residual"), table.gaussMaxAbs);
  {
    h5::Id file = h5::openFile(out, MPI_COMM_WORLD);
    EXPECT_EQ(h5::intAttribute(file, "complete"), 1);
  }
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
  EXPECT_NEAR(fittedOrder({1, 2, 4}, {3, 6, 12}), 1.0, 1e-14);
  shellOnRoot("rm -f '" + folder + "'/*.h5 && rmdir '" + folder + "'");
}

// With a warm-up and a step schedule every level follows the same learning-rate
// profile over the training time: after the warm-up the same rate (relative to
// the level's lr) at the same t; during it, the same ramp to one base step.
TEST(Converge, SchedulesKeepTheirProfileAsTheStepsDouble) {
  const std::string folder = tempPath("runs");
  shellOnRoot("mkdir -p '" + folder + "'");
  TrainArguments s = smallSettings(folder + "/unused.h5");
  s.hidden = "4";
  s.lr = 0.05;
  s.steps = 12;
  s.warmup = 4;
  s.lrSchedule = "step:5:0.5";
  measureConvergence(resolveSettings(s), 2, 0, folder, MPI_COMM_WORLD, nullptr);
  const auto base = readAll(folder + "/left_0.h5", "/history/lr");
  for (int k = 1; k <= 2; ++k) {
    const auto lr = readAll(folder + "/left_" + std::to_string(k) + ".h5", "/history/lr");
    ASSERT_EQ(lr.size(), base.size() << k);
    for (std::size_t step = 0; step < base.size(); ++step) {  // eps at t = step eps_0 of the base level
      const double scaled = lr[step << k] * std::ldexp(1.0, k);
      if (step >= static_cast<std::size_t>(s.warmup))
        EXPECT_DOUBLE_EQ(scaled, base[step]) << "level " << k << " step " << step;
      else
        EXPECT_NEAR(scaled, base[step], s.lr / static_cast<double>(s.warmup)) << "level " << k << " step " << step;
    }
  }
  shellOnRoot("rm -f '" + folder + "'/*.h5 && rmdir '" + folder + "'");
}

}  // namespace
}  // namespace pk::test

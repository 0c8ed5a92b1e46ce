// What the run keeps of the kernel's making (docs/THEORY.md, Kernel dynamics):
// the snapshots are the tangent kernel at their steps, the layer shares sum to
// the path kernel, and the snapshot steps resolve as documented.
#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "settings/SnapshotSteps.hpp"

namespace pk {
namespace {

using test::readAll;
using test::relativeDifference;

// Slice j of a stack [k, n, N] read whole.
std::vector<double> slice(const std::vector<double>& stack, std::size_t k, std::size_t j) {
  const std::size_t size = stack.size() / k;
  return std::vector<double>(stack.begin() + static_cast<std::ptrdiff_t>(j * size),
                             stack.begin() + static_cast<std::ptrdiff_t>((j + 1) * size));
}

// Minibatches, weight decay, momentum, the gauss rule and (softmax) C > 1: the
// snapshot of step s is K^g at w_s whatever moved the weights there.
TrainArguments snapshotRun(const std::string& loss, const std::string& out, std::int64_t steps) {
  TrainArguments s = test::smallSettings(out);
  if (loss == "softmax") {
    s.data = "builtin:blobs";
    s.loss = "softmax";
  }
  s.steps = steps;
  s.batchSize = 9;
  s.weightDecay = 0.01;
  s.optimizer = "momentum";
  s.pathRule = "gauss:2";
  s.tangentKernels = true;
  return s;
}

TEST(Snapshots, AreTheTangentKernelAtTheirSteps) {
  for (const std::string loss : {"mse", "softmax"}) {
    TrainArguments whole = snapshotRun(loss, test::tempPath("whole.h5"), 10);
    whole.snapshots = "0,4,10";
    test::train(whole);
    // The run stopped at step 4 ends where the snapshot of step 4 was taken.
    const TrainArguments upTo4 = snapshotRun(loss, test::tempPath("four.h5"), 4);
    test::train(upTo4);
    EXPECT_EQ(readAll(whole.out, "/snapshots/steps"), (std::vector<double>{0, 4, 10}));
    for (const std::string set : {"train", "test"}) {
      const auto stack = readAll(whole.out, "/snapshots/tangent/" + set);
      EXPECT_EQ(test::shapeOf(whole.out, "/snapshots/tangent/" + set).at(0), 3u);
      EXPECT_LT(relativeDifference(slice(stack, 3, 0), readAll(whole.out, "/kernel/tangent/initial/" + set)), 1e-13)
          << loss << " " << set;
      EXPECT_LT(relativeDifference(slice(stack, 3, 1), readAll(upTo4.out, "/kernel/tangent/final/" + set)), 1e-12)
          << loss << " " << set;
      EXPECT_LT(relativeDifference(slice(stack, 3, 2), readAll(whole.out, "/kernel/tangent/final/" + set)), 1e-13)
          << loss << " " << set;
    }
  }
}

TEST(LayerKernels, SumToThePathKernel) {
  for (const std::string loss : {"mse", "softmax"}) {
    TrainArguments s = snapshotRun(loss, test::tempPath("layers.h5"), 12);
    s.layerKernels = true;
    test::train(s);
    for (const std::string set : {"train", "test"}) {
      const auto path = readAll(s.out, "/kernel/path/" + set);
      const auto layers = readAll(s.out, "/kernel/path_layer/" + set);
      const std::size_t count = test::shapeOf(s.out, "/kernel/path_layer/" + set).at(0);
      ASSERT_EQ(count, 3u);  // hidden 8,6: three layers
      std::vector<double> sum(path.size(), 0.0);
      for (std::size_t l = 0; l < count; ++l) {
        const auto share = slice(layers, count, l);
        for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += share[i];
        EXPECT_GT(relativeDifference(share, path), 1e-3) << "layer " << l << " is not a share but the whole";
      }
      EXPECT_LT(relativeDifference(sum, path), 1e-12) << loss << " " << set;
    }
  }
}

TEST(SnapshotSteps, ResolveListsAndLogSpacing) {
  EXPECT_EQ(SnapshotSteps::parse("log:4").resolve(1000), (std::vector<std::int64_t>{0, 10, 100, 1000}));
  // Rounded log-spaced steps that coincide are kept once.
  EXPECT_EQ(SnapshotSteps::parse("log:6").resolve(3), (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(SnapshotSteps::parse("100,0,10,10").resolve(100), (std::vector<std::int64_t>{0, 10, 100}));
  EXPECT_TRUE(SnapshotSteps::parse("").resolve(100).empty());
  EXPECT_THROW(SnapshotSteps::parse("0,10,100").resolve(50), InputError);
  for (const std::string bad : {"log:1", "log:", "0,,3", "1,2,", "-1", "ten", "log:x"})
    EXPECT_THROW(SnapshotSteps::parse(bad), InputError) << bad;
}

}  // namespace
}  // namespace pk

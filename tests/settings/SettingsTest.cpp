// Settings are parsed once: every problem is reported together, and the typed
// settings a run file records read back through RunReader as the ones it ran.
#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "results/RunReader.hpp"
#include "settings/Settings.hpp"

namespace pk::test {
namespace {

TEST(Settings, EveryProblemIsReportedAtOnce) {
  TrainArguments a;
  a.hidden = "8,,";
  a.activation = "sigmoid";
  a.lr = -1;
  a.pathRule = "gauss:9";
  const auto problems = validate(a);
  EXPECT_EQ(problems.size(), 4u);
  try {
    resolveSettings(a);
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    const std::string message = e.what();
    for (const char* part : {"--hidden", "sigmoid", "--lr", "gauss:9"})
      EXPECT_NE(message.find(part), std::string::npos);
  }
}

TEST(Settings, LayersOrTheirHiddenShorthandButNotBoth) {
  TrainArguments a;
  a.layers = "dense:6,dense:3";
  EXPECT_EQ(resolveSettings(a).layers, denseLayers({6, 3}));
  a.given = {"layers"};
  a.layers = "none";
  EXPECT_TRUE(resolveSettings(a).layers.empty());
  a.hidden = "5";
  a.given = {"hidden"};
  a.layers.clear();
  EXPECT_EQ(resolveSettings(a).layers, denseLayers({5}));
  a.layers = "dense:5";
  a.given = {"hidden", "layers"};
  expectInputError([&] { resolveSettings(a); }, "--hidden and --layers given together");
}

TEST(Settings, TheRunFileRecordsTheTypedSettingsItRan) {
  TrainArguments a = smallSettings(tempPath("typed.h5"));
  a.data = "builtin:moons";
  a.hidden = "5,4";
  a.activation = "gelu";
  a.param = "ntk";
  a.batchSize = 8;
  a.weightDecay = 0.003;
  a.pathRule = "gauss:2";
  a.tangentKernels = true;
  train(a);
  const TrainSettings ran = resolveSettings(a);
  const RunReader run(a.out, MPI_COMM_WORLD);
  const TrainSettings& read = run.settings();
  EXPECT_EQ(read.layers, denseLayers({5, 4}));
  EXPECT_EQ(read.activation, Activation::Gelu);
  EXPECT_EQ(read.parameterization, Parameterization::Ntk);
  EXPECT_EQ(*read.loss, Loss::Logistic);  // auto, resolved from the data
  EXPECT_EQ(read.pathRule, ran.pathRule);
  EXPECT_EQ(read.training.lr, ran.training.lr);
  EXPECT_EQ(read.training.steps, ran.training.steps);
  EXPECT_EQ(read.training.batchSize, 8);
  EXPECT_EQ(read.training.weightDecay, 0.003);
  EXPECT_EQ(read.training.seed, ran.training.seed);
  EXPECT_TRUE(read.tangentKernels);
  EXPECT_EQ(read.builtin.nTrain, ran.builtin.nTrain);
  EXPECT_EQ(read.checkpoint, ran.checkpoint);
}

}  // namespace
}  // namespace pk::test

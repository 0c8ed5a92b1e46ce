// The trainer on its own: observers see every step with the values the
// update used, and save/restore through the state interface continues a run
// exactly (the checkpoint file is one implementation of that interface).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "data/Builtin.hpp"
#include "model/LayerList.hpp"
#include "train/Trainer.hpp"

namespace pk::test {
namespace {

// A state store in memory: replicated items only (the trainer's whole state).
class MemoryState : public StateWriter, public StateReader {
 public:
  void replicated(const std::string& name, const std::vector<double>& v) override { doubles_[name] = v; }
  void replicated(const std::string& name, const std::vector<std::int64_t>& v) override { ints_[name] = v; }
  void rows(const std::string&, const Matrix&, std::int64_t, std::int64_t) override { FAIL(); }
  void matrix(const std::string&, const DenseRows&) override { FAIL(); }
  void perOutput(const std::string&, const std::vector<DenseRows>&) override { FAIL(); }
  void slices(const std::string&, const std::vector<DenseRows>&) override { FAIL(); }
  bool has(const std::string& name) override { return doubles_.count(name) + ints_.count(name) > 0; }
  std::vector<double> replicatedDoubles(const std::string& name) override { return doubles_.at(name); }
  std::vector<std::int64_t> replicatedInts(const std::string& name) override { return ints_.at(name); }
  void rows(const std::string&, Matrix&, std::int64_t) override { FAIL(); }
  void matrix(const std::string&, DenseRows&) override { FAIL(); }
  void perOutput(const std::string&, std::vector<DenseRows>&) override { FAIL(); }
  void slices(const std::string&, std::vector<DenseRows>&) override { FAIL(); }

  std::map<std::string, std::vector<double>> doubles_;
  std::map<std::string, std::vector<std::int64_t>> ints_;
};

// Records what each step reported and checks the update it announced.
class Recorder : public StepObserver {
 public:
  void observe(const StepRecord& s) override {
    steps.push_back(s.step);
    lrs.push_back(s.lr);
    // dw = -lr (G + lambda w): the weight-decay part is known, so G = -dw/lr - lambda w.
    EXPECT_EQ(s.dw.size(), s.w.size());
    EXPECT_EQ(s.trainU.size(), s.trainDelta.size());
  }
  std::vector<std::int64_t> steps;
  std::vector<double> lrs;
};

struct Fixture {
  Dataset data;
  Network model;
  TrainOptions options;
};

Fixture makeFixture() {
  BuiltinSpec spec;
  spec.name = "moons";
  spec.nTrain = 23;
  spec.nTest = 0;
  spec.inputs = 2;
  Architecture arch;
  arch.inputs = 2;
  arch.layers = denseLayers({5});
  TrainOptions options;
  options.lr = 0.2;
  options.batchSize = 6;
  options.weightDecay = 0.01;
  options.seed = 4;
  return {makeBuiltin(spec, MPI_COMM_WORLD), Network(arch), options};
}

TEST(Trainer, ObserversSeeEveryStepInOrder) {
  const Fixture f = makeFixture();
  Trainer trainer(f.model, Loss::Logistic, f.data, f.options, MPI_COMM_WORLD);
  Recorder recorder;
  trainer.subscribe(recorder);
  for (int k = 0; k < 5; ++k) trainer.step();
  EXPECT_EQ(recorder.steps, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(recorder.lrs, std::vector<double>(5, 0.2));
  EXPECT_EQ(trainer.state().batchHistory.size(), 5u * 6u);
}

// Observed, a step takes the loss signals from the output signals and a conv layer's gradient
// from the per-example gradients it keeps for the observers: the same parameters as an
// unobserved run (which backpropagates the loss and forms the gradient at once), to rounding.
TEST(Trainer, ObservedCnnStepsMoveTheParametersAsUnobservedOnes) {
  for (const auto& [set, loss, outputs] :
       {std::tuple<const char*, Loss, std::int64_t>{"regression", Loss::Mse, 1}, {"blobs", Loss::Softmax, 3}}) {
    BuiltinSpec spec;
    spec.name = set;
    spec.nTrain = 17;
    spec.nTest = 0;
    spec.inputs = 2 * 6 * 6;
    const Dataset data = makeBuiltin(spec, MPI_COMM_WORLD);
    Architecture arch;
    arch.inputs = spec.inputs;
    arch.inputShape = {2, 6, 6};
    arch.layers = parseLayers("conv:3:3,maxpool:2,conv:2:2:p1,dense:4");
    arch.outputs = outputs;
    const Network model(arch);
    TrainOptions options;
    options.lr = 0.1;
    options.batchSize = 5;
    options.seed = 8;
    Trainer plain(model, loss, data, options, MPI_COMM_WORLD), observed(model, loss, data, options, MPI_COMM_WORLD);
    Recorder recorder;
    observed.subscribe(recorder);
    for (int k = 0; k < 6; ++k) {
      plain.step();
      observed.step();
    }
    const auto& a = plain.state().w;
    const auto& b = observed.state().w;
    ASSERT_EQ(a.size(), b.size());
    double moved = 0.0;
    for (std::size_t p = 0; p < a.size(); ++p) {
      EXPECT_NEAR(b[p], a[p], 1e-12 * (1.0 + std::abs(a[p]))) << set << ", parameter " << p;
      moved = std::max(moved, std::abs(a[p] - plain.state().initialW[p]));
    }
    EXPECT_GT(moved, 1e-3) << set << ": the steps must move the parameters for the comparison to mean anything";
  }
}

// An observer that reads only the outputs and seeds (Metrics, validate's loss-weight sums) costs
// no output signals: the record's are empty, and the steps are bit for bit those of no observer.
TEST(Trainer, ObserversThatReadNoSignalsGetNoneAndChangeNoBit) {
  class SeedsOnly : public StepObserver {
   public:
    void observe(const StepRecord& s) override {
      EXPECT_TRUE(s.trainDelta.empty());
      EXPECT_TRUE(s.trainGradients.empty());
      EXPECT_FALSE(s.trainU.empty());
      ++steps;
    }
    bool readsSignals() const override { return false; }
    int steps = 0;
  };
  const Fixture f = makeFixture();
  Trainer plain(f.model, Loss::Logistic, f.data, f.options, MPI_COMM_WORLD);
  Trainer watched(f.model, Loss::Logistic, f.data, f.options, MPI_COMM_WORLD);
  SeedsOnly seeds;
  watched.subscribe(seeds);
  for (int k = 0; k < 5; ++k) {
    plain.step();
    watched.step();
  }
  EXPECT_EQ(seeds.steps, 5);
  EXPECT_EQ(watched.state().w, plain.state().w);
}

TEST(Trainer, RestoredStateContinuesBitIdentically) {
  const Fixture f = makeFixture();
  Trainer straight(f.model, Loss::Logistic, f.data, f.options, MPI_COMM_WORLD);
  for (int k = 0; k < 9; ++k) straight.step();

  Trainer first(f.model, Loss::Logistic, f.data, f.options, MPI_COMM_WORLD);
  for (int k = 0; k < 4; ++k) first.step();
  MemoryState state;
  first.save(state);
  TrainOptions other = f.options;
  other.seed = 99;  // the restored state, not the seed, decides what follows
  Trainer resumed(f.model, Loss::Logistic, f.data, other, MPI_COMM_WORLD);
  resumed.restore(state);
  EXPECT_EQ(resumed.state().step, 4);
  for (int k = 0; k < 5; ++k) resumed.step();
  EXPECT_EQ(resumed.state().w, straight.state().w);
  EXPECT_EQ(resumed.state().batchHistory, straight.state().batchHistory);
  EXPECT_EQ(resumed.state().lossHistory, straight.state().lossHistory);

  MemoryState damaged = state;
  damaged.doubles_["/state/w"].pop_back();
  Trainer refused(f.model, Loss::Logistic, f.data, f.options, MPI_COMM_WORLD);
  EXPECT_THROW(refused.restore(damaged), InputError);
}

TEST(Trainer, StartsFromAGivenW0AndDrawsTheSameBatches) {
  const Fixture f = makeFixture();
  Trainer seeded(f.model, Loss::Logistic, f.data, f.options, MPI_COMM_WORLD);
  Trainer given(f.model, Loss::Logistic, f.data, f.options, MPI_COMM_WORLD);
  std::vector<double> w0 = seeded.state().w;
  given.startFrom(w0);
  for (int k = 0; k < 6; ++k) {
    seeded.step();
    given.step();
  }
  EXPECT_EQ(given.state().w, seeded.state().w);
  EXPECT_EQ(given.state().batchHistory, seeded.state().batchHistory);
  Trainer shifted(f.model, Loss::Logistic, f.data, f.options, MPI_COMM_WORLD);
  w0[0] += 0.5;
  shifted.startFrom(w0);
  EXPECT_EQ(shifted.state().initialW, w0);
  w0.pop_back();
  EXPECT_THROW(shifted.startFrom(w0), InputError);
}

}  // namespace
}  // namespace pk::test

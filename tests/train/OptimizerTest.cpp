// The update rules and schedules against a plain reference written from the
// formulas of docs/THEORY.md (Optimizers), and the attribution identity: at
// every step the per-example directions of all examples plus the weight-decay
// direction make the update, dw_s = -eps_s (sum_i d_{i,s} + d_{lambda,s}).
#include <gtest/gtest.h>

#include <cmath>

#include "DirectionCheck.hpp"
#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "core/Rng.hpp"
#include "data/Builtin.hpp"
#include "kernel/DirectionAttribution.hpp"
#include "train/Optimizer.hpp"
#include "train/Trainer.hpp"

namespace pk::test {
namespace {

// The formulas, one step at a time, for one parameter.
struct Reference {
  OptimizerSettings o;
  double b = 0, m = 0, v = 0;
  int t = 0;
  double step(double g, double w, double lr, double lambda) {
    ++t;
    switch (o.kind) {
      case OptimizerKind::Sgd:
        return -lr * (g + lambda * w);
      case OptimizerKind::Momentum:
        b = o.momentum * b + g + lambda * w;
        return o.nesterov ? -lr * (g + lambda * w + o.momentum * b) : -lr * b;
      case OptimizerKind::Adam:
      case OptimizerKind::AdamW: {
        const bool decoupled = o.kind == OptimizerKind::AdamW;
        const double gg = decoupled ? g : g + lambda * w;
        m = o.beta1 * m + (1 - o.beta1) * gg;
        v = o.beta2 * v + (1 - o.beta2) * gg * gg;
        const double p = 1.0 / ((1 - std::pow(o.beta1, t)) * (std::sqrt(v / (1 - std::pow(o.beta2, t))) + o.adamEps));
        return -lr * (p * m + (decoupled ? lambda * w : 0.0));
      }
    }
    return 0.0;
  }
};

std::vector<OptimizerSettings> everyOptimizer() {
  std::vector<OptimizerSettings> all(5);
  all[1].kind = all[2].kind = OptimizerKind::Momentum;
  all[2].nesterov = true;
  all[3].kind = OptimizerKind::Adam;
  all[4].kind = OptimizerKind::AdamW;
  all[1].momentum = 0.8;
  all[3].beta1 = all[4].beta1 = 0.85;
  all[3].beta2 = all[4].beta2 = 0.99;
  return all;
}

TEST(Optimizer, UpdatesFollowTheFormulas) {
  for (const auto& settings : everyOptimizer()) {
    const std::int64_t parameters = 4;
    Optimizer optimizer(settings, parameters);
    std::vector<Reference> reference(parameters, Reference{settings});
    Rng rng(5);
    std::vector<double> w(parameters);
    for (auto& v : w) v = rng.normal();
    for (int s = 0; s < 30; ++s) {
      std::vector<double> g(parameters);
      for (auto& v : g) v = rng.normal();
      const double lr = 0.01 * (1 + s % 3), lambda = 0.05;
      const auto dw = optimizer.update(g, w, lr, lambda);
      for (std::int64_t p = 0; p < parameters; ++p) {
        const double expected = reference[p].step(g[p], w[p], lr, lambda);
        EXPECT_NEAR(dw[p], expected, 1e-15 * std::max(1.0, std::abs(expected)))
            << toString(settings.kind) << " step " << s;
        w[p] += dw[p];
      }
    }
  }
}

TEST(Optimizer, SchedulesFollowTheirFormulas) {
  const double lr = 0.3;
  const std::int64_t steps = 50;
  for (std::int64_t s = 0; s < steps; ++s) {
    EXPECT_EQ(LrSchedule::parse("constant").rate(lr, s, steps, 0), lr);
    const double warm = std::min(1.0, (s + 1) / 10.0);
    EXPECT_NEAR(LrSchedule::parse("constant").rate(lr, s, steps, 10), lr * warm, 1e-16);
    EXPECT_NEAR(LrSchedule::parse("step:7:0.5").rate(lr, s, steps, 10), lr * warm * std::pow(0.5, s / 7), 1e-16);
    EXPECT_NEAR(LrSchedule::parse("cosine").rate(lr, s, steps, 0), lr * (1 + std::cos(M_PI * s / steps)) / 2, 1e-16);
  }
  EXPECT_EQ(LrSchedule::parse("step:7:0.5").name(), "step:7:0.5");
  for (const char* bad : {"linear", "step:0:0.5", "step:3", "step:3:-1", "step:x:1", "step:3:1:2"})
    EXPECT_THROW(LrSchedule::parse(bad), InputError) << bad;
}

TEST(Optimizer, PerExampleDirectionsAndDecayMakeTheUpdate) {
  for (const std::string name : {"regression", "moons", "blobs"})
    for (const auto& settings : everyOptimizer()) {
      BuiltinSpec spec;
      spec.name = name;
      spec.nTrain = 23;
      spec.nTest = 0;
      spec.inputs = 3;
      const Dataset data = makeBuiltin(spec, MPI_COMM_WORLD);
      Architecture arch;
      arch.inputs = 3;
      arch.layers = denseLayers({5, 4});
      arch.outputs = name == "blobs" ? 3 : 1;
      const Network model(arch);
      TrainOptions options;
      options.lr = 0.05;
      options.batchSize = 6;
      options.weightDecay = 0.02;
      options.optimizer = settings;
      options.schedule = LrSchedule::parse("cosine");
      options.steps = 12;
      const Loss loss = name == "regression" ? Loss::Mse : name == "moons" ? Loss::Logistic : Loss::Softmax;
      Trainer trainer(model, loss, data, options, MPI_COMM_WORLD);
      DirectionCheck check(model, Partition(MPI_COMM_WORLD, spec.nTrain));
      trainer.subscribe(check);
      for (int s = 0; s < 12; ++s) trainer.step();
      EXPECT_LT(check.worst, 1e-13) << name << " " << toString(settings.kind) << (settings.nesterov ? " nesterov" : "");
    }
}

}  // namespace
}  // namespace pk::test

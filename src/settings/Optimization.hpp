#pragma once
// The settings of gradient descent as values: the optimizer and its constants,
// the learning-rate schedule and the rest of a training run's options. They
// are read by the trainer and stored in every run file, so they live below
// both: a reader of results needs them without the training code.
#include <cstdint>
#include <string>

namespace pk {

enum class OptimizerKind { Sgd, Momentum, Adam, AdamW };
OptimizerKind parseOptimizer(const std::string& name);
std::string toString(OptimizerKind kind);

struct OptimizerSettings {
  OptimizerKind kind = OptimizerKind::Sgd;
  double momentum = 0.9;  // mu
  bool nesterov = false;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double adamEps = 1e-8;
};

/// eps_s = lr * min(1, (s+1)/W) * m(s): m = 1 (constant), G^floor(s/K) (step:K:G),
/// (1 + cos(pi s / S)) / 2 (cosine).
class LrSchedule {
 public:
  enum class Kind { Constant, Step, Cosine };
  LrSchedule() = default;
  /// "constant", "step:K:G" (K >= 1 steps, G > 0) or "cosine"; throws InputError otherwise.
  static LrSchedule parse(const std::string& text);
  /// The form parse() reads and the run file stores.
  std::string name() const;
  /// eps_s for step s of a run of `steps` steps with base rate lr and `warmup` steps of warm-up.
  double rate(double lr, std::int64_t s, std::int64_t steps, std::int64_t warmup) const;
  /// The same profile over `factor` times as many steps (step:K:G -> step:factor K:G).
  LrSchedule stretched(std::int64_t factor) const {
    LrSchedule s = *this;
    s.every_ *= factor;
    return s;
  }

 private:
  Kind kind_ = Kind::Constant;
  std::int64_t every_ = 1;  // K
  double factor_ = 1.0;     // G
};

struct TrainOptions {
  double lr = 0.01;  // the base rate; eps_s follows from it by the schedule
  std::int64_t steps = 0;
  std::int64_t batchSize = 0;  // 0 or >= N: full batch
  double weightDecay = 0.0;
  std::uint64_t seed = 1;
  OptimizerSettings optimizer;
  LrSchedule schedule;
  std::int64_t warmup = 0;  // W: steps of linear warm-up
};

}  // namespace pk

#include "settings/Optimization.hpp"

#include <cmath>
#include <sstream>

#include "core/Error.hpp"
#include "core/NameTable.hpp"
#include "core/Text.hpp"

namespace pk {

namespace {

constexpr NameTable<OptimizerKind, 4> kOptimizerNames = {{OptimizerKind::Sgd, "sgd"},
                                                         {OptimizerKind::Momentum, "momentum"},
                                                         {OptimizerKind::Adam, "adam"},
                                                         {OptimizerKind::AdamW, "adamw"}};

[[noreturn]] void badSchedule(const std::string& text) {
  throw InputError("unknown --lr-schedule '" + text +
                   "' (allowed: constant, step:K:G with K >= 1 steps and factor G > 0, cosine)");
}

}  // namespace

OptimizerKind parseOptimizer(const std::string& name) {
  if (const auto* found = findByName(kOptimizerNames, name)) return *found;
  throw InputError("unknown optimizer '" + name + "' (allowed: " + nameList(kOptimizerNames) + ")");
}

std::string toString(OptimizerKind kind) {
  return nameOf(kOptimizerNames, kind);
}

LrSchedule LrSchedule::parse(const std::string& text) {
  LrSchedule s;
  if (text == "constant") return s;
  if (text == "cosine") {
    s.kind_ = Kind::Cosine;
    return s;
  }
  if (text.rfind("step:", 0) != 0) badSchedule(text);
  std::stringstream parts(text.substr(5));
  std::string every, factor;
  if (!std::getline(parts, every, ':') || !std::getline(parts, factor) || every.empty() || factor.empty())
    badSchedule(text);
  std::size_t usedEvery = 0, usedFactor = 0;
  try {
    s.every_ = std::stoll(every, &usedEvery);
    s.factor_ = std::stod(factor, &usedFactor);
  } catch (const std::exception&) {
    badSchedule(text);
  }
  if (usedEvery != every.size() || usedFactor != factor.size() || s.every_ < 1 || !(s.factor_ > 0) ||
      !std::isfinite(s.factor_))
    badSchedule(text);
  s.kind_ = Kind::Step;
  return s;
}

std::string LrSchedule::name() const {
  switch (kind_) {
    case Kind::Constant:
      return "constant";
    case Kind::Cosine:
      return "cosine";
    case Kind::Step:
      return "step:" + std::to_string(every_) + ":" + shortestNumber(factor_);
  }
  return "?";
}

double LrSchedule::rate(double lr, std::int64_t s, std::int64_t steps, std::int64_t warmup) const {
  const double warm = warmup > 0 ? std::min(1.0, static_cast<double>(s + 1) / static_cast<double>(warmup)) : 1.0;
  double m = 1.0;
  if (kind_ == Kind::Step) m = std::pow(factor_, static_cast<double>(s / every_));
  if (kind_ == Kind::Cosine) m = 0.5 * (1.0 + std::cos(M_PI * static_cast<double>(s) / static_cast<double>(steps)));
  // Constant without warm-up is exactly lr, as before schedules existed.
  return kind_ == Kind::Constant && warmup == 0 ? lr : lr * warm * m;
}

}  // namespace pk

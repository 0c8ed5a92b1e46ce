#pragma once
// The path rule: where the query side of a step's kernel term is evaluated.
// `left` takes it at w_s (the paper's discrete rule); `gauss:q` averages it
// over the segment w_s + t dw_s with q-point Gauss-Legendre on [0, 1], which
// makes the decomposition exact to round-off for smooth activations.
#include <string>

namespace pk {

class PathRule {
 public:
  static constexpr int kMaxGaussPoints = 8;

  PathRule() = default;
  static PathRule left() { return PathRule(0); }
  static PathRule gauss(int points);
  /// "left" or "gauss:q", q = 1..8; throws InputError otherwise.
  static PathRule parse(const std::string& text);

  bool isLeft() const { return gaussPoints_ == 0; }
  /// q of gauss:q, 0 for left.
  int gaussPoints() const { return gaussPoints_; }
  /// "left" or "gauss:q": the form parse() reads and the run file stores.
  std::string name() const;
  bool operator==(const PathRule& other) const { return gaussPoints_ == other.gaussPoints_; }

 private:
  explicit PathRule(int points) : gaussPoints_(points) {}
  int gaussPoints_ = 0;
};

}  // namespace pk

#pragma once
// The project's random generator, fully specified so that runs are
// reproducible on any machine and rank count, and its state can be
// checkpointed: xoshiro256** seeded through splitmix64, normals by the
// Box-Muller transform (both values of a pair are used, in order).
#include <array>
#include <cstdint>
#include <vector>

namespace pk {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 1);

  std::uint64_t next();
  /// Uniform in [0, 1) with 53 random bits.
  double uniform();
  /// Standard normal.
  double normal();
  /// Uniform integer in [0, n) without modulo bias.
  std::uint64_t below(std::uint64_t n);
  /// Fisher-Yates permutation of 0..n-1.
  std::vector<std::int64_t> permutation(std::int64_t n);

  /// The full state: 4 words of xoshiro, the cached normal flag and value bits.
  std::array<std::uint64_t, 6> state() const;
  void setState(const std::array<std::uint64_t, 6>& state);

 private:
  std::array<std::uint64_t, 4> s_{};
  bool hasCachedNormal_ = false;
  double cachedNormal_ = 0.0;
};

}  // namespace pk

#include "core/Rng.hpp"

#include <cmath>
#include <cstring>

namespace pk {

namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}
}  // namespace

Rng::Rng(std::uint64_t seed) {
  for (auto& word : s_) word = splitmix64(seed);
}

std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

double Rng::normal() {
  if (hasCachedNormal_) {
    hasCachedNormal_ = false;
    return cachedNormal_;
  }
  // 1 - uniform() is in (0, 1], so the logarithm is finite.
  const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
  const double angle = 2.0 * M_PI * uniform();
  cachedNormal_ = radius * std::sin(angle);
  hasCachedNormal_ = true;
  return radius * std::cos(angle);
}

std::uint64_t Rng::below(std::uint64_t n) {
  // Rejection sampling: accept only values from a whole number of copies of [0, n).
  const std::uint64_t limit = -n % n;  // = 2^64 mod n
  for (;;) {
    const std::uint64_t r = next();
    if (r >= limit) return r % n;
  }
}

std::vector<std::int64_t> Rng::permutation(std::int64_t n) {
  std::vector<std::int64_t> perm(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) perm[static_cast<std::size_t>(i)] = i;
  for (std::int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<std::int64_t>(below(static_cast<std::uint64_t>(i + 1)));
    std::swap(perm[static_cast<std::size_t>(i)], perm[static_cast<std::size_t>(j)]);
  }
  return perm;
}

std::array<std::uint64_t, 6> Rng::state() const {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &cachedNormal_, sizeof bits);
  return {s_[0], s_[1], s_[2], s_[3], hasCachedNormal_ ? 1ULL : 0ULL, bits};
}

void Rng::setState(const std::array<std::uint64_t, 6>& state) {
  for (int k = 0; k < 4; ++k) s_[static_cast<std::size_t>(k)] = state[static_cast<std::size_t>(k)];
  hasCachedNormal_ = state[4] != 0;
  std::memcpy(&cachedNormal_, &state[5], sizeof cachedNormal_);
}

}  // namespace pk

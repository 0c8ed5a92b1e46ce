// The project's generator: normals with unit variance, permutations that are permutations.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/Rng.hpp"

namespace pk::test {
namespace {

TEST(Rng, NormalsHaveUnitVarianceAndPermutationsArePermutations) {
  Rng rng(3);
  double sum = 0, sq = 0;
  const int n = 200000;
  for (int k = 0; k < n; ++k) {
    const double v = rng.normal();
    sum += v;
    sq += v * v;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sq / n, 1.0, 0.01);
  auto perm = rng.permutation(1000);
  std::sort(perm.begin(), perm.end());
  for (std::int64_t k = 0; k < 1000; ++k) ASSERT_EQ(perm[static_cast<std::size_t>(k)], k);
}

}  // namespace
}  // namespace pk::test

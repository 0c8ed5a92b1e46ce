// The path rule's names: left and gauss:1..8 parse and print back; anything else is refused.
#include <gtest/gtest.h>

#include "core/Error.hpp"
#include "settings/PathRule.hpp"

namespace pk::test {
namespace {

TEST(PathRule, NamesRoundTripAndBadNamesAreRefused) {
  EXPECT_TRUE(PathRule::parse("left").isLeft());
  for (int q = 1; q <= PathRule::kMaxGaussPoints; ++q) {
    const PathRule rule = PathRule::parse("gauss:" + std::to_string(q));
    EXPECT_EQ(rule.gaussPoints(), q);
    EXPECT_EQ(rule.name(), "gauss:" + std::to_string(q));
  }
  for (const char* bad : {"", "right", "gauss", "gauss:", "gauss:0", "gauss:9", "gauss:12", "gauss:3x", "Left"})
    EXPECT_THROW(PathRule::parse(bad), InputError) << bad;
}

}  // namespace
}  // namespace pk::test

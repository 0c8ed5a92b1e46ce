// The rows a data file keeps of an image set: the chosen classes renumbered in
// the order given, a stratified sample of the asked size (n / k per class, one
// more for the first n % k classes), rows in source order, the same rows for
// the same seed, and a clear refusal of a class that is absent or too small.
#include <gtest/gtest.h>

#include <algorithm>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "data/ImageSample.hpp"

namespace pk::test {
namespace {

// 100 labels: class c at every row r with r % 5 == c (classes 0..4, 20 each).
std::vector<std::uint8_t> labels() {
  std::vector<std::uint8_t> l;
  for (int r = 0; r < 100; ++r) l.push_back(static_cast<std::uint8_t>(r % 5));
  return l;
}

TEST(ImageSample, StratifiedCountsGiveTheRemainderToTheFirstClasses) {
  EXPECT_EQ(stratifiedCounts(7, 3), (std::vector<std::int64_t>{3, 2, 2}));
  EXPECT_EQ(stratifiedCounts(9, 3), (std::vector<std::int64_t>{3, 3, 3}));
  EXPECT_EQ(stratifiedCounts(2, 3), (std::vector<std::int64_t>{1, 1, 0}));
}

TEST(ImageSample, KeepsTheClassesRenumberedInTheOrderGiven) {
  const ClassSample all = sampleClasses(labels(), {3, 1}, 0, 1, "labels");
  ASSERT_EQ(all.rows.size(), 40u);
  EXPECT_TRUE(std::is_sorted(all.rows.begin(), all.rows.end()));
  for (std::size_t k = 0; k < all.rows.size(); ++k)
    EXPECT_EQ(all.labels[k], all.rows[k] % 5 == 3 ? 0 : 1) << "row " << all.rows[k];
}

TEST(ImageSample, AStratifiedSampleDependsOnTheSeedOnly) {
  const auto source = labels();
  const ClassSample a = sampleClasses(source, {4, 0, 2}, 7, 5, "labels");
  ASSERT_EQ(a.rows.size(), 7u);
  EXPECT_TRUE(std::is_sorted(a.rows.begin(), a.rows.end()));
  std::vector<std::int64_t> perClass(3, 0);
  for (std::size_t k = 0; k < a.rows.size(); ++k) {
    ++perClass[static_cast<std::size_t>(a.labels[k])];
    EXPECT_EQ(source[static_cast<std::size_t>(a.rows[k])], std::vector<int>({4, 0, 2})[a.labels[k]]);
  }
  EXPECT_EQ(perClass, (std::vector<std::int64_t>{3, 2, 2}));
  EXPECT_EQ(sampleClasses(source, {4, 0, 2}, 7, 5, "labels").rows, a.rows);
  EXPECT_NE(sampleClasses(source, {4, 0, 2}, 7, 6, "labels").rows, a.rows);
}

TEST(ImageSample, RefusesAnAbsentClassAndASampleLargerThanAClass) {
  expectInputError([] { sampleClasses(labels(), {1, 7}, 0, 1, "'l.idx'"); }, "class 7 does not occur in 'l.idx'");
  expectInputError(
      [] {
        sampleClasses(labels(), {1, 2}, 42, 1, "'l.idx'");
      },
      "class 1 has 20 examples in 'l.idx', but the sample needs 21");
  EXPECT_EQ(sampleClasses(labels(), {1, 2}, 40, 1, "l").rows.size(), 40u);
}

}  // namespace
}  // namespace pk::test

// --query: items, ranges, several rows after one SET: prefix, label= and all.
#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "explain/QuerySpec.hpp"

namespace pk::test {
namespace {

using explain::QuerySelection;

std::string labels(const std::vector<explain::QueryPoint>& points) {
  std::string text;
  for (const auto& p : points) text += (text.empty() ? "" : " ") + p.label();
  return text;
}

explain::QuerySets fourClasses() {
  explain::QuerySets sets;
  sets.trainRows = 6;
  sets.testRows = 5;
  sets.classification = true;
  sets.train.available = sets.test.available = true;
  sets.train.values = {0, 1, 2, 3, 1, 1};
  sets.test.values = {3, 3, 0, 1, 3};
  return sets;
}

TEST(QuerySpec, RowsRangesAndListsAfterOneSetPrefix) {
  EXPECT_EQ(labels(explain::parseQueries({"test:0-2,train:5", "test:7"})), "test:0 test:1 test:2 train:5 test:7");
  EXPECT_EQ(labels(explain::parseQueries({"test:11,14"})), "test:11 test:14");
  EXPECT_EQ(labels(explain::parseQueries({"test:11,test:14"})), "test:11 test:14");
  EXPECT_EQ(labels(explain::parseQueries({"test:1,3-4,train:2,0"})), "test:1 test:3 test:4 train:2 train:0");
}

TEST(QuerySpec, LabelAndAllSelectPointsOfTheRun) {
  const auto sets = fourClasses();
  auto resolve = [&](const std::string& text) {
    return labels(explain::resolveQueries(explain::parseQuerySelections({text}), sets));
  };
  EXPECT_EQ(resolve("test:label=3"), "test:0 test:1 test:4");
  EXPECT_EQ(resolve("train:label=1,test:2"), "train:1 train:4 train:5 test:2");
  EXPECT_EQ(resolve("test:all"), "test:0 test:1 test:2 test:3 test:4");
  EXPECT_EQ(explain::parseQuerySelections({"test:label=3"})[0].text(), "test:label=3");
  EXPECT_EQ(explain::parseQuerySelections({"train:2-4"})[0].text(), "train:2-4");
}

TEST(QuerySpec, MalformedItemsAndImpossibleSelectionsAreRefused) {
  for (const char* bad : {"test", "test:", "test:x", "valid:3", "test:5-2", "test:1,", "test:-1", "train:1-", "11,14",
                          "test:label=", "test:label=x", "test:all=2"})
    expectInputError([&] { explain::parseQuerySelections({bad}); }, "--query");
  auto sets = fourClasses();
  expectInputError([&] { explain::resolveQueries(explain::parseQuerySelections({"test:label=2"}), sets); },
                   "no test point has label 2");
  expectInputError([&] { explain::resolveQueries(explain::parseQuerySelections({"test:3-5"}), sets); }, "out of range");
  expectInputError([&] { explain::parseQueries({"test:label=2"}); }, "needs the run");
  sets.test.available = false;
  sets.test.note = "the data file was not found";
  expectInputError([&] { explain::resolveQueries(explain::parseQuerySelections({"test:label=2"}), sets); },
                   "the data file was not found");
}

}  // namespace
}  // namespace pk::test

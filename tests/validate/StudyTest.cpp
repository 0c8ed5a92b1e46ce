// A study is the same whatever the ranks, the groups and the array shares:
// groups of one rank and one group of every rank agree to 1e-12; shares merged
// equal the single job; bad settings are refused on every rank alike.
#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "validate/Validation.hpp"

namespace pk::test {
namespace {

using validation::ValidateArguments;

// A small SGD run with tangent kernels (shared by the tests of this file).
const std::string& sharedRun() {
  static std::string path;
  if (path.empty()) {
    TrainArguments t = smallSettings(tempPath("run.h5"));
    t.data = "builtin:moons";
    t.batchSize = 10;
    t.tangentKernels = true;
    t.steps = 12;
    train(t);
    path = t.out;
  }
  return path;
}

ValidateArguments studyArguments(const std::string& out) {
  ValidateArguments a;
  a.run = sharedRun();
  a.out = out;
  a.topk = "3";
  a.ldsSubsets = 5;
  a.loo = 4;
  a.queries = "test:0-3,train:7";
  a.checkpointSeconds = 0;
  return a;
}

validation::ValidationReport runStudy(const ValidateArguments& a) {
  return validation::runValidation(validation::resolveValidateSettings(a), MPI_COMM_WORLD, nullptr);
}

const char* const kCompared[] = {
    "/retrain/output",          "/retrain/keep", "/scores/path", "/scores/tangent-final", "/topk/actual",
    "/topk/predicted",          "/lds/spearman", "/loo/pearson", "/loo/actual",           "/summary/lds_mean",
    "/summary/topk_actual_mean"};

void expectSameStudy(const std::string& a, const std::string& b) {
  for (const char* name : kCompared) EXPECT_LT(relativeDifference(readAll(a, name), readAll(b, name)), 1e-12) << name;
}

TEST(Validation, GroupsOfOneRankAndOneGroupOfAllAgree) {
  ValidateArguments one = studyArguments(tempPath("groups1.h5"));
  runStudy(one);
  ValidateArguments all = studyArguments(tempPath("groupsR.h5"));
  all.groupSize = size();
  runStudy(all);
  expectSameStudy(one.out, all.out);
  // Every rank count defines the same study: the sets chosen do not depend on R.
  EXPECT_EQ(readAll(one.out, "/retrain/status"), std::vector<double>(shapeOf(one.out, "/retrain/status")[0], 1.0));
}

TEST(Validation, MergedSharesEqualTheSingleJob) {
  ValidateArguments whole = studyArguments(tempPath("whole.h5"));
  runStudy(whole);
  std::vector<std::string> shares;
  for (int k = 0; k < 2; ++k) {
    ValidateArguments part = studyArguments(tempPath("share" + std::to_string(k) + ".h5"));
    part.share = std::to_string(k) + "/2";
    const auto report = runStudy(part);
    EXPECT_FALSE(report.measured);
    shares.push_back(part.out);
  }
  ValidateArguments merge;
  merge.merge = shares;
  merge.out = tempPath("merged.h5");
  validation::mergeValidation(validation::resolveValidateSettings(merge), MPI_COMM_WORLD);
  expectSameStudy(whole.out, merge.out);
  // One share alone is refused, naming the one missing.
  merge.merge = {shares[1]};
  merge.out = tempPath("incomplete.h5");
  try {
    validation::mergeValidation(validation::resolveValidateSettings(merge), MPI_COMM_WORLD);
    ADD_FAILURE() << "an incomplete merge was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing share(s) 0/2"), std::string::npos) << e.what();
  }
}

TEST(Validation, RefusesWhatTheRunCannotServe) {
  auto refused = [](ValidateArguments a, const std::string& expected) {
    expectInputError([&] { runStudy(a); }, expected);
  };
  ValidateArguments a = studyArguments(tempPath("bad.h5"));
  a.groupSize = size() + 1;
  refused(a, "does not divide");
  a = studyArguments(tempPath("bad.h5"));
  a.topk = "37";
  refused(a, "k must be at most 36");
  a.topk = "3";
  a.queries = "test:11";
  refused(a, "out of range");
}

}  // namespace
}  // namespace pk::test

// Which BLAS runs: the library serving cblas_dgemm is named, its DGEMM rate is
// measured, and the build's OpenBLAS core is in force when the program asked for it.
#include <gtest/gtest.h>
#include <strings.h>

#include <cstdlib>
#include <string>

#include "TestSupport.hpp"
#include "core/BlasCore.hpp"
#include "pk/Version.hpp"

namespace pk::test {
namespace {

TEST(BlasCore, NamesTheLibraryAndMeasuresDgemm) {
  const blas::BlasDescription d = blas::describe();
  EXPECT_FALSE(d.vendor.empty());
  EXPECT_FALSE(d.library.empty());
  EXPECT_GT(blas::measureDgemmGflops(128), 0.0);
  const std::string line = blas::summary(12.34);
  EXPECT_NE(line.find("DGEMM 12.3 GFLOP/s"), std::string::npos) << line;
  EXPECT_EQ(line.rfind(d.vendor, 0), 0u) << line;
}

TEST(BlasCore, UnknownCoresAreNeverAskedFor) {
  EXPECT_FALSE(blas::cpuRunsCore("NoSuchCore"));
  EXPECT_FALSE(blas::cpuRunsCore(""));
}

TEST(BlasCore, TheBuildsCoreIsInForceWhenTheProgramAskedForIt) {
  // The test main asks as the program does; where it did, OpenBLAS runs that core.
  const char* asked = std::getenv("OPENBLAS_CORETYPE");
  const blas::BlasDescription d = blas::describe();
  if (std::getenv("PK_OPENBLAS_CORETYPE_FROM_BUILD") && asked && strcasecmp(asked, kBlasBetterCore) == 0) {
    EXPECT_EQ(strcasecmp(d.core.c_str(), kBlasBetterCore), 0) << d.core;
    EXPECT_NE(d.coreWhy.find("chosen by the build"), std::string::npos) << d.coreWhy;
  } else if (asked && !d.core.empty()) {
    EXPECT_EQ(strcasecmp(d.core.c_str(), asked), 0) << d.core << " but OPENBLAS_CORETYPE=" << asked;
  }
  // A core the build recorded is one this CPU can run, or it was not asked for.
  if (std::getenv("PK_OPENBLAS_CORETYPE_FROM_BUILD")) {
    EXPECT_TRUE(blas::cpuRunsCore(kBlasBetterCore));
  }
}

}  // namespace
}  // namespace pk::test

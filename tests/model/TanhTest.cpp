// The network's own tanh (src/model/Tanh.hpp) against a long-double reference: within
// 2 units in the last place everywhere, exact at its special values, odd, and the same
// bits from the vectorised loop as from one value at a time.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "model/Tanh.hpp"

namespace pk {
namespace {

// |value - reference| in units of the last place of the reference, rounded to double.
double ulpError(double value, long double reference) {
  const double rounded = static_cast<double>(reference);
  const double ulp = std::nextafter(std::fabs(rounded), std::numeric_limits<double>::infinity()) - std::fabs(rounded);
  return static_cast<double>(std::fabs(static_cast<long double>(value) - reference) / ulp);
}

std::vector<double> samplePoints() {
  std::vector<double> x;
  std::mt19937_64 engine(2024);
  std::uniform_real_distribution<double> wide(-25.0, 25.0), unit(-1.0, 1.0);
  for (int k = 0; k < 200000; ++k) x.push_back(wide(engine));
  for (int k = 0; k < 200000; ++k) x.push_back(unit(engine));
  for (int k = 0; k < 20000; ++k) x.push_back(1e-8 * unit(engine));
  // Both sides of the switch between the two formulas, and of the cap.
  for (double edge : {0.625, 22.0, 19.0})
    for (double v = edge, below = edge; v < edge + 1e-12;
         v = std::nextafter(v, 30.0), below = std::nextafter(below, 0.0)) {
      x.push_back(v);
      x.push_back(-below);
    }
  return x;
}

TEST(TanhAccuracy, WithinTwoUnitsInTheLastPlaceOfALongDoubleReference) {
  const std::vector<double> x = samplePoints();
  double worst = 0.0, worstAt = 0.0;
  for (double v : x) {
    const double error = ulpError(tanhOf(v), std::tanh(static_cast<long double>(v)));
    if (error > worst) worst = error, worstAt = v;
  }
  EXPECT_LE(worst, 2.0) << "at x = " << worstAt;
}

TEST(TanhAccuracy, SpecialValues) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(tanhOf(0.0), 0.0);
  EXPECT_TRUE(std::signbit(tanhOf(-0.0)));
  EXPECT_EQ(tanhOf(inf), 1.0);
  EXPECT_EQ(tanhOf(-inf), -1.0);
  EXPECT_EQ(tanhOf(30.0), 1.0);
  EXPECT_EQ(tanhOf(-1e300), -1.0);
  EXPECT_TRUE(std::isnan(tanhOf(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(tanhOf(1e-300), 1e-300);  // tanh x = x to double precision near 0
  EXPECT_EQ(tanhOf(std::numeric_limits<double>::denorm_min()), std::numeric_limits<double>::denorm_min());
}

TEST(TanhAccuracy, OddAndTheSameBitsOneAtATimeAsInALoop) {
  std::vector<double> x = samplePoints();
  x.push_back(std::numeric_limits<double>::quiet_NaN());
  x.push_back(std::numeric_limits<double>::infinity());
  std::vector<double> many(x.size());
  tanhOfEach(x.data(), many.data(), static_cast<long>(x.size()));
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double one = tanhOf(x[k]);
    if (std::isnan(x[k])) {
      EXPECT_TRUE(std::isnan(many[k]));
      continue;
    }
    ASSERT_EQ(one, many[k]) << "at x = " << x[k];
    ASSERT_EQ(tanhOf(-x[k]), -one) << "at x = " << x[k];
  }
}

}  // namespace
}  // namespace pk

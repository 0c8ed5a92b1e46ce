#pragma once
// Pearson and Spearman correlation, as the data-attribution literature uses
// them: pairs with a NaN are left out; NaN when fewer than two pairs remain
// or either side is constant. Spearman is Pearson on average ranks (ties share
// the mean of their ranks).
#include <vector>

namespace pk::validation {

double pearson(const std::vector<double>& a, const std::vector<double>& b);
double spearman(const std::vector<double>& a, const std::vector<double>& b);
/// Ranks 1..n of v, ties given the mean of the ranks they span.
std::vector<double> averageRanks(const std::vector<double>& v);

/// Mean and sample standard deviation (n - 1) of the finite values; NaN when there are none (or, for
/// the deviation, fewer than two).
struct Spread {
  double mean = 0.0, sd = 0.0;
  std::size_t count = 0;
};
Spread spreadOf(const std::vector<double>& values);

}  // namespace pk::validation

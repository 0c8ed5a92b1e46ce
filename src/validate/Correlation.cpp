#include "validate/Correlation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace pk::validation {

namespace {

// The pairs where both values are numbers.
void finitePairs(const std::vector<double>& a, const std::vector<double>& b, std::vector<double>& x,
                 std::vector<double>& y) {
  for (std::size_t k = 0; k < a.size() && k < b.size(); ++k)
    if (!std::isnan(a[k]) && !std::isnan(b[k])) {
      x.push_back(a[k]);
      y.push_back(b[k]);
    }
}

double pearsonOfPairs(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<double>(x.size());
  if (x.size() < 2) return std::nan("");
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) * (x[k] - mx);
    syy += (y[k] - my) * (y[k] - my);
  }
  if (sxx == 0.0 || syy == 0.0) return std::nan("");
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace

std::vector<double> averageRanks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> ranks(v.size());
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first;
    while (last + 1 < order.size() && v[order[last + 1]] == v[order[first]]) ++last;
    const double rank = 0.5 * static_cast<double>(first + last) + 1.0;
    for (std::size_t k = first; k <= last; ++k) ranks[order[k]] = rank;
    first = last + 1;
  }
  return ranks;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> x, y;
  finitePairs(a, b, x, y);
  return pearsonOfPairs(x, y);
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> x, y;
  finitePairs(a, b, x, y);
  return pearsonOfPairs(averageRanks(x), averageRanks(y));
}

Spread spreadOf(const std::vector<double>& values) {
  std::vector<double> v;
  std::copy_if(values.begin(), values.end(), std::back_inserter(v), [](double x) { return std::isfinite(x); });
  Spread s;
  s.count = v.size();
  const auto n = static_cast<double>(v.size());
  s.mean = v.empty() ? std::nan("") : std::accumulate(v.begin(), v.end(), 0.0) / n;
  if (v.size() < 2) {
    s.sd = std::nan("");
    return s;
  }
  double ss = 0.0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.sd = std::sqrt(ss / (n - 1.0));
  return s;
}

}  // namespace pk::validation

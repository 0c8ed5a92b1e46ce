// The distributed metrics and the SLEPc eigenpairs of one matrix against their
// direct dense formulas on the whole matrix (computed redundantly on every
// rank, so the check is the same at any rank count).
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <vector>

#include "DenseReference.hpp"
#include "TestSupport.hpp"
#include "dynamics/AlignmentTargets.hpp"
#include "dynamics/KernelMetrics.hpp"
#include "dynamics/Spectrum.hpp"
#include "dynamics/StoredKernel.hpp"

namespace pk::test {
namespace {

using dense::Square;

// A non-symmetric matrix with a dominant symmetric part and well-separated leading eigenvalues.
Square synthetic(std::int64_t n, double phase) {
  Square k(static_cast<std::size_t>(n * n));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      const double x = static_cast<double>(i), y = static_cast<double>(j);
      k[static_cast<std::size_t>(i * n + j)] = std::exp(-0.02 * (x - y) * (x - y)) +
                                               0.3 * std::cos(0.4 * x + phase) * std::cos(0.4 * y + phase) +
                                               0.01 * std::sin(1.3 * x - 0.7 * y);
      if (i == j) k[static_cast<std::size_t>(i * n + j)] += 0.1 * x / static_cast<double>(n);
    }
  return k;
}

Labels softmaxLabels(std::int64_t n, std::int64_t classes) {
  Labels labels;
  labels.available = true;
  for (std::int64_t i = 0; i < n; ++i) labels.values.push_back(static_cast<double>((i * 7 + i / 5) % classes));
  return labels;
}

TEST(DynamicsMetrics, EveryMetricEqualsItsDenseFormula) {
  const std::int64_t n = 29, classes = 3;
  const Square k1 = synthetic(n, 0.0), k2 = synthetic(n, 0.9);
  DenseRows a = dense::distribute(k1, n), b = dense::distribute(k2, n);
  const double asymmetry = symmetrise(a);
  symmetrise(b);
  const Square s1 = dense::symmetricPart(k1, n), s2 = dense::symmetricPart(k2, n);
  const auto rel = [](double got, double want) { return std::abs(got - want) / std::abs(want); };

  EXPECT_LT(rel(asymmetry, dense::asymmetry(k1, n)), 1e-10);
  EXPECT_LT(rel(dynamics::trace(a), dense::trace(s1, n)), 1e-10);
  const double norm1 = std::sqrt(dynamics::frobeniusInner(a, a)), norm2 = std::sqrt(dynamics::frobeniusInner(b, b));
  EXPECT_LT(rel(norm1, std::sqrt(dense::inner(s1, s1))), 1e-10);
  EXPECT_LT(rel(dynamics::cosineDistance(a, norm1, b, norm2), dense::distance(s1, s2)), 1e-10);
  // Of a matrix that is not symmetric, as stored; its symmetric part is a new matrix.
  const DenseRows raw = dense::distribute(k2, n);
  const double rawNorm = std::sqrt(dynamics::frobeniusInner(raw, raw));
  EXPECT_LT(rel(dynamics::trace(raw), dense::trace(k2, n)), 1e-10);
  EXPECT_LT(rel(rawNorm, std::sqrt(dense::inner(k2, k2))), 1e-10);
  EXPECT_LT(rel(dynamics::cosineDistance(a, norm1, raw, rawNorm), dense::distance(s1, k2)), 1e-10);
  const dynamics::SymmetricPart part = dynamics::symmetricPart(raw);
  EXPECT_LT(rel(part.asymmetry, dense::asymmetry(k2, n)), 1e-10);
  EXPECT_EQ(dense::gatherSquare(part.matrix, n), s2);
  EXPECT_EQ(dense::gatherSquare(raw, n), k2);
  EXPECT_LT(rel(dynamics::participationRatio(dynamics::trace(a), norm1),
                dense::trace(s1, n) * dense::trace(s1, n) / dense::inner(s1, s1)),
            1e-10);

  const auto targets = dynamics::alignmentTargets(softmaxLabels(n, classes), Loss::Softmax, classes);
  ASSERT_TRUE(targets.available);
  Matrix oneHot(n, classes, 0.0);
  for (std::int64_t i = 0; i < n; ++i) oneHot(i, (i * 7 + i / 5) % classes) = 1.0;
  EXPECT_LT(rel(dynamics::centredAlignment(a, targets), dense::alignment(s1, oneHot)), 1e-10);
  EXPECT_LT(rel(dynamics::centredAlignment(raw, targets), dense::alignment(k2, oneHot)), 1e-10);
  // Logistic 0/1 labels and mse targets as stored: Y = y y^T.
  Labels zeroOne = softmaxLabels(n, 2);
  Matrix y(n, 1);
  for (std::int64_t i = 0; i < n; ++i) y(i, 0) = zeroOne.values[static_cast<std::size_t>(i)];
  EXPECT_LT(rel(dynamics::centredAlignment(a, dynamics::alignmentTargets(zeroOne, Loss::Logistic, 1)),
                dense::alignment(s1, y)),
            1e-10);
  // No labels: NaN, not an error.
  EXPECT_TRUE(std::isnan(dynamics::centredAlignment(a, dynamics::alignmentTargets(Labels(), Loss::Mse, 1))));
}

TEST(DynamicsMetrics, SlepcEigenpairsMatchTheDenseSymmetricSolve) {
  const std::int64_t n = 41, count = 6;
  const Square s = dense::symmetricPart(synthetic(n, 0.3), n);
  const DenseRows m = dense::distribute(s, n);
  const auto pairs = dynamics::largestEigenpairs(m, count, true);
  Matrix vectors;
  const auto want = dense::largestEigenvalues(s, n, count, &vectors);
  ASSERT_EQ(pairs.values.size(), static_cast<std::size_t>(count));
  EXPECT_EQ(pairs.type, "krylovschur");
  for (std::int64_t k = 0; k < count; ++k)
    EXPECT_LT(std::abs(pairs.values[static_cast<std::size_t>(k)] - want[static_cast<std::size_t>(k)]) / want[0], 1e-10);
  EXPECT_LT(pairs.maxError, 1e-11);
  // Eigenvectors: unit length, the largest entry positive, equal to LAPACK's up to that sign.
  const auto got = dense::gather(pairs.vectors, n);
  for (std::int64_t k = 0; k < count; ++k) {
    double dot = 0.0, largest = 0.0, atLargest = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
      const double v = got[static_cast<std::size_t>(i * count + k)];
      dot += v * vectors(i, k);
      if (std::abs(v) > largest) largest = std::abs(v), atLargest = v;
    }
    EXPECT_NEAR(std::abs(dot), 1.0, 1e-10);
    EXPECT_GT(atLargest, 0.0);
  }
  // Every eigenvalue (count = N) too.
  const auto all = dynamics::largestEigenpairs(m, n, false);
  const auto wantAll = dense::largestEigenvalues(s, n, n);
  for (std::int64_t k = 0; k < n; ++k)
    EXPECT_LT(std::abs(all.values[static_cast<std::size_t>(k)] - wantAll[static_cast<std::size_t>(k)]) / wantAll[0],
              1e-10);
}

}  // namespace
}  // namespace pk::test

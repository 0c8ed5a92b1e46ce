#include "dynamics/KernelMetrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/Blas.hpp"
#include "core/Error.hpp"

namespace pk::dynamics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double sumOver(const DenseRows& k, double local) {
  double global = 0.0;
  PK_MPI(MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_SUM, k.comm()));
  return global;
}

// |H S H|_F^2 from the row sums, the column sums and the grand sum.
double centredSquares(const DenseRows& s) {
  const std::int64_t n = s.cols(), rows = s.localRows();
  const auto a = s.local();
  std::vector<double> rowSums(static_cast<std::size_t>(rows), 0.0), partial(static_cast<std::size_t>(n), 0.0);
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t r = 0; r < rows; ++r) {
      const double v = a.data()[r + j * a.ld()];
      rowSums[static_cast<std::size_t>(r)] += v;
      partial[static_cast<std::size_t>(j)] += v;
    }
  std::vector<double> colSums(static_cast<std::size_t>(n), 0.0);
  PK_MPI(MPI_Allreduce(partial.data(), colSums.data(), static_cast<int>(n), MPI_DOUBLE, MPI_SUM, s.comm()));
  double grand = 0.0;
  for (const double c : colSums) grand += c;
  const double inv = 1.0 / static_cast<double>(n), shift = grand * inv * inv;
  double squares = 0.0;
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t r = 0; r < rows; ++r) {
      const double v = a.data()[r + j * a.ld()] - rowSums[static_cast<std::size_t>(r)] * inv -
                       colSums[static_cast<std::size_t>(j)] * inv + shift;
      squares += v * v;
    }
  return sumOver(s, squares);
}

// <S, T_c T_c^T>_F = sum_i sum_c T_c[i, c] (S T_c)[i, c], this rank's rows i first.
double targetInner(const DenseRows& s, const Matrix& centred) {
  const std::int64_t rows = s.localRows(), outputs = centred.cols();
  Matrix product(rows, outputs);
  if (rows > 0) {
    const auto a = s.local();
    // The local block is column-major [rows, N], i.e. row-major [N, rows]: S_local T_c = (view)^T T_c.
    const ConstView columns{a.data(), s.cols(), rows, a.ld()};
    blas::gemmTN(1.0, columns, centred.view(), 0.0, product.view());
  }
  double local = 0.0;
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < outputs; ++c) local += centred(s.firstRow() + r, c) * product(r, c);
  return sumOver(s, local);
}

}  // namespace

double trace(const DenseRows& s) {
  const auto a = s.local();
  double local = 0.0;
  for (std::int64_t r = 0; r < s.localRows(); ++r) local += a.data()[r + (s.firstRow() + r) * a.ld()];
  return sumOver(s, local);
}

double frobeniusInner(const DenseRows& x, const DenseRows& y) {
  PK_ASSERT(x.rows() == y.rows() && x.cols() == y.cols() && x.firstRow() == y.firstRow(),
            "frobeniusInner: the matrices do not have the same shape and row split");
  const auto a = x.local();
  const auto b = y.local();
  double local = 0.0;
  for (std::int64_t j = 0; j < x.cols(); ++j)
    for (std::int64_t r = 0; r < x.localRows(); ++r) local += a.data()[r + j * a.ld()] * b.data()[r + j * b.ld()];
  return sumOver(x, local);
}

double cosineDistance(const DenseRows& x, double normA, const DenseRows& y, double normB) {
  PK_ASSERT(x.rows() == y.rows() && x.cols() == y.cols() && x.firstRow() == y.firstRow(),
            "cosineDistance: the matrices do not have the same shape and row split");
  if (!(normA > 0.0 && normB > 0.0)) return kNaN;
  const auto a = x.local();
  const auto b = y.local();
  double local = 0.0;
  for (std::int64_t j = 0; j < x.cols(); ++j)
    for (std::int64_t r = 0; r < x.localRows(); ++r) {
      const double d = a.data()[r + j * a.ld()] / normA - b.data()[r + j * b.ld()] / normB;
      local += d * d;
    }
  return 0.5 * sumOver(x, local);
}

double participationRatio(double trace, double frobenius) {
  return frobenius > 0.0 ? trace * trace / (frobenius * frobenius) : kNaN;
}

double centredAlignment(const DenseRows& s, const AlignmentTargets& targets) {
  if (!targets.available) return kNaN;
  PK_ASSERT(targets.centred.rows() == s.rows(), "centredAlignment: targets do not match the kernel");
  const double inner = targetInner(s, targets.centred);
  const double norm = std::sqrt(centredSquares(s));
  return norm > 0.0 && targets.norm > 0.0 ? inner / (norm * targets.norm) : kNaN;
}

}  // namespace pk::dynamics

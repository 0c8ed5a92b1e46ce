#pragma once
// The direct dense formulas the dynamics tests compare against, on a whole
// matrix held by every rank (row-major n x n): nothing here is distributed.
// Header-only: shared by the tests of this folder.
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/DenseRows.hpp"
#include "core/Lapack.hpp"
#include "core/Matrix.hpp"
#include "core/Partition.hpp"

namespace pk::test::dense {

using Square = std::vector<double>;  // row-major n x n

namespace detail {
inline Square product(const Square& a, const Square& b, std::int64_t n) {
  Square c(static_cast<std::size_t>(n * n), 0.0);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t k = 0; k < n; ++k)
      for (std::int64_t j = 0; j < n; ++j)
        c[static_cast<std::size_t>(i * n + j)] +=
            a[static_cast<std::size_t>(i * n + k)] * b[static_cast<std::size_t>(k * n + j)];
  return c;
}
}  // namespace detail

inline Square symmetricPart(const Square& k, std::int64_t n) {
  Square s(k.size());
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) s[i * n + j] = 0.5 * (k[i * n + j] + k[j * n + i]);
  return s;
}

inline double asymmetry(const Square& k, std::int64_t n) {
  double d = 0.0, all = 0.0;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      d += (k[i * n + j] - k[j * n + i]) * (k[i * n + j] - k[j * n + i]);
      all += k[i * n + j] * k[i * n + j];
    }
  return std::sqrt(d / all);
}

inline double trace(const Square& s, std::int64_t n) {
  double t = 0.0;
  for (std::int64_t i = 0; i < n; ++i) t += s[i * n + i];
  return t;
}

inline double inner(const Square& a, const Square& b) {
  double sum = 0.0;
  for (std::size_t e = 0; e < a.size(); ++e) sum += a[e] * b[e];
  return sum;
}

inline double distance(const Square& a, const Square& b) {
  return 1.0 - inner(a, b) / std::sqrt(inner(a, a) * inner(b, b));
}

inline double alignment(const Square& s, const Matrix& t) {
  const std::int64_t n = t.rows();
  Square h(static_cast<std::size_t>(n * n)), y(static_cast<std::size_t>(n * n), 0.0);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      h[i * n + j] = (i == j ? 1.0 : 0.0) - 1.0 / static_cast<double>(n);
      for (std::int64_t c = 0; c < t.cols(); ++c) y[i * n + j] += t(i, c) * t(j, c);
    }
  const Square hsh = detail::product(detail::product(h, s, n), h, n),
               hyh = detail::product(detail::product(h, y, n), h, n);
  return inner(hsh, y) / std::sqrt(inner(hsh, hsh) * inner(hyh, hyh));
}

inline std::vector<double> largestEigenvalues(const Square& s, std::int64_t n, std::int64_t count,
                                              Matrix* vectors = nullptr) {
  Square a = s;
  const auto ascending = lapack::symmetricEigen(n, a);  // eigenvector k in row k of a
  std::vector<double> values;
  if (vectors) *vectors = Matrix(n, count);
  for (std::int64_t k = 0; k < count; ++k) {
    values.push_back(ascending[static_cast<std::size_t>(n - 1 - k)]);
    if (vectors)
      for (std::int64_t i = 0; i < n; ++i) (*vectors)(i, k) = a[(n - 1 - k) * n + i];
  }
  return values;
}

inline DenseRows distribute(const Square& k, std::int64_t n) {
  DenseRows m(MPI_COMM_WORLD, n, n);
  m.setLocalRowMajor(k.data() + m.firstRow() * n);
  return m;
}

inline std::vector<double> gather(const Matrix& local, std::int64_t globalRows) {
  return allgatherRows(Partition(MPI_COMM_WORLD, globalRows), local.data(), local.cols());
}

// The whole distributed matrix on every rank, row-major.
inline Square gatherSquare(const DenseRows& m, std::int64_t n) {
  std::vector<double> rows(static_cast<std::size_t>(m.localRows() * n));
  m.copyLocalRowMajor(rows.data());
  return allgatherRows(Partition(MPI_COMM_WORLD, n), rows.data(), n);
}

}  // namespace pk::test::dense

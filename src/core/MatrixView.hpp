#pragma once
// Views of row-major float64 matrices that own nothing: `rows` x `cols`
// elements, row r starting at data + r * ld. They name the operands of the
// BLAS calls (core/Blas.hpp) and let a block of rows of a larger buffer (a
// tile, or all N examples gathered in one array) be passed as a matrix.
#include <cstdint>

namespace pk {

struct ConstView {
  const double* data = nullptr;
  std::int64_t rows = 0, cols = 0, ld = 0;

  const double* row(std::int64_t r) const { return data + r * ld; }
  /// Rows [first, first + count).
  ConstView rowBlock(std::int64_t first, std::int64_t count) const { return {row(first), count, cols, ld}; }
  bool empty() const { return data == nullptr; }
};

struct MutableView {
  double* data = nullptr;
  std::int64_t rows = 0, cols = 0, ld = 0;

  double* row(std::int64_t r) const { return data + r * ld; }
  operator ConstView() const { return {data, rows, cols, ld}; }  // NOLINT: a writable view reads too
};

/// A dense rows x cols buffer with no padding, viewed.
inline ConstView denseView(const double* data, std::int64_t rows, std::int64_t cols) {
  return {data, rows, cols, cols};
}
inline MutableView denseView(double* data, std::int64_t rows, std::int64_t cols) {
  return {data, rows, cols, cols};
}

}  // namespace pk

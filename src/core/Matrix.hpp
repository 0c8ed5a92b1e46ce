#pragma once
// A dense row-major matrix of float64: examples are rows. The model's
// per-example activations and backward signals are kept in this form so the
// kernel engine can take Gram products of them with BLAS-3.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/MatrixView.hpp"

namespace pk {

class Matrix {
 public:
  Matrix() = default;
  Matrix(std::int64_t rows, std::int64_t cols, double value = 0.0)
      : rows_(rows), cols_(cols), data_(static_cast<std::size_t>(rows * cols), value) {}

  /// Gives the matrix the shape rows x cols, reusing its storage when it is large enough
  /// (a workspace kept from one step to the next): the values are then left unspecified,
  /// for a caller that overwrites every one of them.
  void reshape(std::int64_t rows, std::int64_t cols) {
    rows_ = rows;
    cols_ = cols;
    data_.resize(static_cast<std::size_t>(rows * cols));
  }

  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  std::size_t size() const { return data_.size(); }
  double* data() { return data_.data(); }
  const double* data() const { return data_.data(); }
  double* row(std::int64_t r) { return data_.data() + r * cols_; }
  const double* row(std::int64_t r) const { return data_.data() + r * cols_; }
  double& operator()(std::int64_t r, std::int64_t c) { return data_[static_cast<std::size_t>(r * cols_ + c)]; }
  double operator()(std::int64_t r, std::int64_t c) const { return data_[static_cast<std::size_t>(r * cols_ + c)]; }
  ConstView view() const { return {data_.data(), rows_, cols_, cols_}; }
  MutableView view() { return {data_.data(), rows_, cols_, cols_}; }
  std::vector<double>& values() { return data_; }
  const std::vector<double>& values() const { return data_; }

 private:
  std::int64_t rows_ = 0;
  std::int64_t cols_ = 0;
  std::vector<double> data_;
};

}  // namespace pk

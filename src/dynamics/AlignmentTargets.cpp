#include "dynamics/AlignmentTargets.hpp"

#include <cmath>

#include "core/Blas.hpp"

namespace pk::dynamics {

namespace {

// T [N, C] as the loss reads the labels.
Matrix targetMatrix(const Labels& labels, Loss loss, std::int64_t outputs, std::int64_t n) {
  if (loss == Loss::Softmax) {
    Matrix t(n, outputs, 0.0);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto c = static_cast<std::int64_t>(std::llround(labels.of(i, 0)));
      if (c >= 0 && c < outputs) t(i, c) = 1.0;
    }
    return t;
  }
  Matrix t(n, labels.cols);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t c = 0; c < labels.cols; ++c) t(i, c) = labels.of(i, c);
  return t;
}

std::string describe(Loss loss, std::int64_t outputs, std::int64_t cols) {
  switch (loss) {
    case Loss::Softmax:
      return "one-hot labels, " + std::to_string(outputs) + " classes";
    case Loss::Logistic:
      return "0/1 labels";
    case Loss::Mse:
      return cols == 1 ? "targets y as stored" : "targets y as stored, " + std::to_string(cols) + " columns";
  }
  return "";
}

}  // namespace

AlignmentTargets alignmentTargets(const Labels& labels, Loss loss, std::int64_t outputs) {
  AlignmentTargets a;
  if (!labels.available) {
    a.description = labels.note;
    return a;
  }
  const auto n = static_cast<std::int64_t>(labels.values.size()) / labels.cols;
  Matrix t = targetMatrix(labels, loss, outputs, n);
  // Centre each column: H T.
  for (std::int64_t c = 0; c < t.cols(); ++c) {
    double mean = 0.0;
    for (std::int64_t i = 0; i < n; ++i) mean += t(i, c);
    mean /= static_cast<double>(n > 0 ? n : 1);
    for (std::int64_t i = 0; i < n; ++i) t(i, c) -= mean;
  }
  Matrix gram(t.cols(), t.cols());
  blas::gemmTN(1.0, t.view(), t.view(), 0.0, gram.view());
  double squares = 0.0;
  for (const double g : gram.values()) squares += g * g;
  a.available = true;
  a.description = describe(loss, outputs, t.cols());
  a.centred = std::move(t);
  a.norm = std::sqrt(squares);
  return a;
}

}  // namespace pk::dynamics

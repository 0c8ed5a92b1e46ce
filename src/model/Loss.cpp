#include "model/Loss.hpp"

#include <algorithm>
#include <cmath>

#include "core/Error.hpp"
#include "core/NameTable.hpp"
#include "model/Numerics.hpp"

namespace pk {

namespace {
constexpr NameTable<Loss, 3> kLossNames = {
    {Loss::Mse, "mse"}, {Loss::Logistic, "logistic"}, {Loss::Softmax, "softmax"}};

double logSumExp(const double* f, std::int64_t c) {
  const double top = *std::max_element(f, f + c);
  double sum = 0.0;
  for (std::int64_t k = 0; k < c; ++k) sum += std::exp(f[k] - top);
  return top + std::log(sum);
}
}  // namespace

Loss parseLoss(const std::string& name) {
  if (const auto* found = findByName(kLossNames, name)) return *found;
  throw InputError("unknown loss '" + name + "' (allowed: " + nameList(kLossNames) + ")");
}

std::string toString(Loss loss) {
  return nameOf(kLossNames, loss);
}

double lossSum(Loss loss, const Matrix& f, const Matrix& y) {
  const std::int64_t c = f.cols();
  double total = 0.0;
  for (std::int64_t r = 0; r < f.rows(); ++r) {
    const double* fr = f.row(r);
    switch (loss) {
      case Loss::Mse:
        for (std::int64_t k = 0; k < c; ++k) {
          const double d = fr[k] - y(r, k);
          total += 0.5 * d * d;
        }
        break;
      case Loss::Logistic:
        total += softplus(fr[0]) - y(r, 0) * fr[0];
        break;
      case Loss::Softmax:
        total += logSumExp(fr, c) - fr[static_cast<std::int64_t>(y(r, 0))];
        break;
    }
  }
  return total;
}

Matrix lossDerivative(Loss loss, const Matrix& f, const Matrix& y) {
  const std::int64_t c = f.cols();
  Matrix g(f.rows(), c);
  for (std::int64_t r = 0; r < f.rows(); ++r) {
    const double* fr = f.row(r);
    double* gr = g.row(r);
    switch (loss) {
      case Loss::Mse:
        for (std::int64_t k = 0; k < c; ++k) gr[k] = fr[k] - y(r, k);
        break;
      case Loss::Logistic:
        gr[0] = sigmoid(fr[0]) - y(r, 0);
        break;
      case Loss::Softmax: {
        const double lse = logSumExp(fr, c);
        for (std::int64_t k = 0; k < c; ++k) gr[k] = std::exp(fr[k] - lse);
        gr[static_cast<std::int64_t>(y(r, 0))] -= 1.0;
        break;
      }
    }
  }
  return g;
}

std::int64_t predictedClass(Loss loss, const double* f, std::int64_t outputs) {
  switch (loss) {
    case Loss::Logistic:
      return f[0] > 0.0 ? 1 : 0;
    case Loss::Softmax:
      return static_cast<std::int64_t>(std::max_element(f, f + outputs) - f);
    case Loss::Mse:
      break;
  }
  return -1;
}

}  // namespace pk

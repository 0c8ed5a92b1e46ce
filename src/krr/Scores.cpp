#include "krr/Scores.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/Error.hpp"

namespace pk {

namespace {

double clip(double p) {
  return std::min(std::max(p, kProbabilityFloor), 1.0 - kProbabilityFloor);
}

// Probability of class `label` and the predicted class for one row.
void classify(Loss loss, const double* f, std::int64_t outputs, std::int64_t label, OutputMeaning meaning,
              double& pTrue, std::int64_t& predicted) {
  if (loss == Loss::Logistic) {
    const double p1 = meaning == OutputMeaning::Logits ? 1.0 / (1.0 + std::exp(-f[0])) : clip(0.5 * (1.0 + f[0]));
    predicted = f[0] > 0.0 ? 1 : 0;
    pTrue = label == 1 ? p1 : 1.0 - p1;
    if (meaning == OutputMeaning::Logits) pTrue = std::max(pTrue, 1e-300);
    return;
  }
  predicted = static_cast<std::int64_t>(std::max_element(f, f + outputs) - f);
  double total = 0.0;
  if (meaning == OutputMeaning::Logits) {
    const double top = f[predicted];
    for (std::int64_t c = 0; c < outputs; ++c) total += std::exp(f[c] - top);
    pTrue = std::max(std::exp(f[label] - top) / total, 1e-300);
  } else {
    for (std::int64_t c = 0; c < outputs; ++c) total += std::min(std::max(f[c], kProbabilityFloor), 1.0);
    pTrue = std::min(std::max(f[label], kProbabilityFloor), 1.0) / total;
  }
}

}  // namespace

Matrix ridgeTargets(Loss loss, const Matrix& y, std::int64_t outputs) {
  if (loss == Loss::Mse) return y;
  Matrix t(y.rows(), outputs, loss == Loss::Softmax ? 0.0 : -1.0);
  for (std::int64_t r = 0; r < y.rows(); ++r) {
    const auto label = static_cast<std::int64_t>(y(r, 0));
    if (loss == Loss::Logistic)
      t(r, 0) = label == 1 ? 1.0 : -1.0;
    else if (label >= 0 && label < outputs)
      t(r, label) = 1.0;
  }
  return t;
}

Scores score(Loss loss, const Matrix& prediction, const Matrix& y, OutputMeaning meaning, MPI_Comm comm) {
  PK_ASSERT(prediction.rows() == y.rows(), "score: predictions and targets differ in rows");
  double local[3] = {static_cast<double>(y.rows()), 0.0, 0.0};
  for (std::int64_t r = 0; r < y.rows(); ++r) {
    if (loss == Loss::Mse) {
      for (std::int64_t c = 0; c < prediction.cols(); ++c) {
        const double d = prediction(r, c) - y(r, c);
        local[1] += d * d;
      }
      continue;
    }
    double pTrue = 0.0;
    std::int64_t predicted = 0;
    const auto label = static_cast<std::int64_t>(y(r, 0));
    classify(loss, prediction.row(r), prediction.cols(), label, meaning, pTrue, predicted);
    local[1] += predicted == label ? 1.0 : 0.0;
    local[2] -= std::log(pTrue);
  }
  double global[3] = {0.0, 0.0, 0.0};
  PK_MPI(MPI_Allreduce(local, global, 3, MPI_DOUBLE, MPI_SUM, comm));
  Scores s;
  s.count = static_cast<std::int64_t>(global[0]);
  if (s.count == 0) return s;
  if (loss == Loss::Mse) {
    s.mse = global[1] / (global[0] * static_cast<double>(std::max<std::int64_t>(prediction.cols(), 1)));
  } else {
    s.accuracy = global[1] / global[0];
    s.logloss = global[2] / global[0];
  }
  return s;
}

}  // namespace pk

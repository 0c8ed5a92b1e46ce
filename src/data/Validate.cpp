#include "data/Validate.hpp"

#include <cmath>
#include <functional>
#include <limits>

#include "core/Error.hpp"

namespace pk {

namespace {

// Global index of the first row of `block` whose values fail `ok`, or -1. Collective.
std::int64_t firstBadRow(const DataBlock& block, const Matrix& m, const std::function<bool(double)>& ok,
                         MPI_Comm comm) {
  std::int64_t local = std::numeric_limits<std::int64_t>::max();
  for (std::int64_t r = 0; r < m.rows() && local == std::numeric_limits<std::int64_t>::max(); ++r)
    for (std::int64_t c = 0; c < m.cols(); ++c)
      if (!ok(m(r, c))) {
        local = block.firstRow + r;
        break;
      }
  std::int64_t global = 0;
  PK_MPI(MPI_Allreduce(&local, &global, 1, MPI_INT64_T, MPI_MIN, comm));
  return global == std::numeric_limits<std::int64_t>::max() ? -1 : global;
}

void requireAll(const Dataset& data, const std::function<bool(double)>& ok, bool onLabels, const std::string& what,
                MPI_Comm comm) {
  for (const auto* split : {&data.train, &data.test}) {
    const std::string name = split == &data.train ? "train" : "test";
    const Matrix& m = onLabels ? split->y : split->x;
    const std::int64_t row = firstBadRow(*split, m, ok, comm);
    PK_REQUIRE(row < 0, "/" + name + "/" + (onLabels ? "y" : "X") + " row " + std::to_string(row) + " of '" +
                            data.origin + "': " + what);
  }
}

}  // namespace

void requireFiniteRows(const Matrix& x, std::int64_t firstRow, const std::string& what, MPI_Comm comm) {
  DataBlock block;
  block.firstRow = firstRow;
  const std::int64_t row = firstBadRow(
      block, x, [](double v) { return std::isfinite(v); }, comm);
  PK_REQUIRE(row < 0, what + " contain NaN or Inf (row " + std::to_string(row) + ")");
}

void requireLabelRows(const Matrix& y, std::int64_t firstRow, Loss loss, std::int64_t outputs, const std::string& what,
                      MPI_Comm comm) {
  DataBlock block;
  block.firstRow = firstRow;
  const auto classes = static_cast<double>(outputs);
  std::function<bool(double)> ok = [](double v) { return std::isfinite(v); };
  std::string rule = "contain NaN or Inf";
  if (loss == Loss::Logistic) {
    ok = [](double v) { return v == 0.0 || v == 1.0; };
    rule = "are logistic labels, which must be 0 or 1";
  } else if (loss == Loss::Softmax) {
    ok = [classes](double v) { return v >= 0 && v == std::floor(v) && v < classes; };
    rule =
        "are softmax labels, which must be whole numbers in 0.." + std::to_string(outputs - 1) + " (the run's classes)";
  }
  const std::int64_t row = firstBadRow(block, y, ok, comm);
  PK_REQUIRE(row < 0, what + " " + rule + ": row " + std::to_string(row) + " is not");
}

Loss resolveLoss(const Dataset& data, std::optional<Loss> asked) {
  if (asked) return *asked;
  if (!data.suggestedLoss.empty()) return parseLoss(data.suggestedLoss);
  PK_REQUIRE(!data.integerLabels, "'" + data.origin +
                                      "' has integer labels (/train/y) but no root attribute loss, so --loss auto "
                                      "cannot tell the task: give --loss softmax|logistic|mse");
  return Loss::Mse;
}

std::int64_t checkDataAndCountOutputs(const Dataset& data, Loss loss, std::int64_t classes, MPI_Comm comm) {
  auto finite = [](double v) { return std::isfinite(v); };
  requireAll(data, finite, false, "contains NaN or Inf", comm);
  requireAll(data, finite, true, "contains NaN or Inf", comm);
  switch (loss) {
    case Loss::Mse:
      return data.targetCols;
    case Loss::Logistic:
      PK_REQUIRE(!data.targetIsMatrix, "the logistic loss needs y of shape [N], but '" + data.origin +
                                           "' has y of shape [N, " + std::to_string(data.targetCols) + "]");
      requireAll(
          data, [](double v) { return v == 0.0 || v == 1.0; }, true, "logistic labels must be 0 or 1", comm);
      return 1;
    case Loss::Softmax: {
      PK_REQUIRE(!data.targetIsMatrix, "the softmax loss needs integer labels y of shape [N], but '" + data.origin +
                                           "' has y of shape [N, " + std::to_string(data.targetCols) + "]");
      requireAll(
          data, [](double v) { return v >= 0 && v == std::floor(v) && v < 1e9; }, true,
          "softmax labels must be non-negative integers", comm);
      double localMax = -1.0;
      for (const auto* split : {&data.train, &data.test})
        for (double v : split->y.values()) localMax = std::max(localMax, v);
      double globalMax = 0.0;
      PK_MPI(MPI_Allreduce(&localMax, &globalMax, 1, MPI_DOUBLE, MPI_MAX, comm));
      const auto largest = static_cast<std::int64_t>(globalMax);
      if (classes == 0) classes = std::max<std::int64_t>(2, largest + 1);
      PK_REQUIRE(largest < classes, "softmax label " + std::to_string(largest) + " in '" + data.origin +
                                        "' is not below --classes " + std::to_string(classes));
      return classes;
    }
  }
  return 1;
}

}  // namespace pk

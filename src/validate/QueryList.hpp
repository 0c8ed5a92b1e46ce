#pragma once
// The points whose predictions a validation study follows: "test:0-49",
// "train:5", "test:misclassified", "test:correct", or several of those
// separated by commas (the forms of explain's --query), in the order given.
#include <cstdint>
#include <string>
#include <vector>

namespace pk::validation {

struct QueryPoint {
  // Rows that stand for every point of the set the network misclassifies, or classifies correctly,
  // until resolveOutcomes() replaces them by those points.
  static constexpr std::int64_t kMisclassified = -1, kCorrect = -2;
  std::string set;  // "train" or "test"
  std::int64_t row = 0;
  bool outcome() const { return row == kMisclassified || row == kCorrect; }
  std::string label() const {
    return set + ":" + (row == kMisclassified ? "misclassified" : row == kCorrect ? "correct" : std::to_string(row));
  }
};

/// Parses --queries. Not collective. Throws InputError naming the malformed
/// item and the accepted forms, or a point listed twice.
std::vector<QueryPoint> parseQueryList(const std::string& text);

/// Every row of a set: "test:0" .. "test:n-1".
std::vector<QueryPoint> allRows(const std::string& set, std::int64_t rows);

}  // namespace pk::validation

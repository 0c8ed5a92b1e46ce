#pragma once
// Training and test data as each rank holds it: its own block of rows.
#include <cstdint>
#include <string>
#include <vector>

#include "core/Matrix.hpp"

namespace pk {

/// This rank's rows [firstRow, firstRow + x.rows()) of a split with globalRows rows.
struct DataBlock {
  Matrix x;  // [n_local, D]
  Matrix y;  // [n_local, targetCols]; class indices stored as doubles
  std::int64_t globalRows = 0;
  std::int64_t firstRow = 0;
};

struct Dataset {
  DataBlock train;
  DataBlock test;                        // globalRows = 0 when the data has no test split
  bool testHasTargets = true;            // false for query points given without targets (y then holds zeros)
  std::string testSha256;                // query points given apart from the data (a replay): their SHA-256
  std::int64_t inputs = 0;               // D
  std::vector<std::int64_t> inputShape;  // [C_in, H, W] when X is stored as images [N, C_in, H, W], else empty
  std::int64_t targetCols = 1;           // columns of y: 1, or C for mse with y [N, C]
  bool targetIsMatrix = false;           // y stored as [N, C] (predictions then [n, C])
  bool integerLabels = false;            // y stored as int64 (softmax)
  std::string origin;                    // "builtin:NAME" or the file path
  std::string suggestedLoss;             // the task the data names ("mse", "logistic", "softmax"), or empty
};

}  // namespace pk

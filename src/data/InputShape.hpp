#pragma once
// --input-shape C,H,W (docs/FORMAT.md, Input data): flat rows [N, D] read as
// images [N, C, H, W] in row-major order. The rows stay as they are (a flat row
// of an image is its NCHW order); only the shape the network is built on
// changes, so a flat file and the same values stored as images train alike.
#include <cstdint>
#include <string>
#include <vector>

#include "core/Dataset.hpp"

namespace pk {

/// Gives `data` the image shape `shape` [C, H, W] (nothing when empty). Throws
/// InputError when C*H*W is not the data's D (naming both) or when the data
/// already holds images of another shape. Not collective (every rank has the
/// same Dataset header).
void applyInputShape(Dataset& data, const std::vector<std::int64_t>& shape);

/// "1x28x28", or "flat" for an empty shape.
std::string inputShapeText(const std::vector<std::int64_t>& shape);

}  // namespace pk

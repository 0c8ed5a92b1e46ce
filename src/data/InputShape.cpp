#include "data/InputShape.hpp"

#include "core/Error.hpp"

namespace pk {

std::string inputShapeText(const std::vector<std::int64_t>& shape) {
  std::string text;
  for (const std::int64_t d : shape) text += (text.empty() ? "" : "x") + std::to_string(d);
  return text.empty() ? "flat" : text;
}

void applyInputShape(Dataset& data, const std::vector<std::int64_t>& shape) {
  if (shape.empty()) return;
  PK_ASSERT(shape.size() == 3, "an input shape is [C, H, W]");
  std::string given;
  for (const std::int64_t d : shape) given += (given.empty() ? "" : ",") + std::to_string(d);
  if (!data.inputShape.empty()) {
    // Images already: the option may only repeat their shape (a silent reinterpretation would scramble them).
    PK_REQUIRE(data.inputShape == shape, "--input-shape " + given + " disagrees with the images of '" + data.origin +
                                             "', stored as [N, " + inputShapeText(data.inputShape) +
                                             "] (C x H x W): give their shape or leave --input-shape out");
    return;
  }
  const std::int64_t values = shape[0] * shape[1] * shape[2];
  PK_REQUIRE(values == data.inputs, "--input-shape " + given + " holds C*H*W = " + std::to_string(values) +
                                        " values per example, but the rows of '" + data.origin +
                                        "' have D = " + std::to_string(data.inputs));
  data.inputShape = shape;
}

}  // namespace pk

#include "model/Layer.hpp"

#include "core/Error.hpp"

namespace pk {

void Layer::exampleGradients(const ConstView&, const ConstView&, std::int64_t, const MutableView&) const {
  PK_ASSERT(false, "exampleGradients: the " + kind() + " layer forms no per-example gradients");
}

std::int64_t ParameterBlock::size() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::int64_t Layer::parameterCount() const {
  std::int64_t n = 0;
  for (const auto& block : blocks_) n += block.size();
  return n;
}

}  // namespace pk

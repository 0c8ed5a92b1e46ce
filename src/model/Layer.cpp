#include "model/Layer.hpp"

namespace pk {

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

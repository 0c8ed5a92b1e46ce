#include "results/QuerySource.hpp"

#include "core/Error.hpp"

namespace pk {

std::pair<std::string, std::string> querySource(const std::string& spec) {
  const auto colon = spec.rfind(':');
  if (colon == std::string::npos || spec.find('/', colon) != std::string::npos) return {spec, ""};
  const std::string split = spec.substr(colon + 1);
  PK_REQUIRE(split == "test" || split == "train",
             "--queries '" + spec + "': expected FILE.h5 (with /X) or DATA.h5:test (a data file's test split)");
  return {spec.substr(0, colon), "/" + split};
}

}  // namespace pk

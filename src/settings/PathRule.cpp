#include "settings/PathRule.hpp"

#include "core/Error.hpp"

namespace pk {

namespace {
[[noreturn]] void unknown(const std::string& text) {
  throw InputError("unknown path rule '" + text +
                   "' (allowed: left, gauss:1 .. gauss:" + std::to_string(PathRule::kMaxGaussPoints) + ")");
}
}  // namespace

PathRule PathRule::gauss(int points) {
  PK_ASSERT(points >= 1 && points <= kMaxGaussPoints, "PathRule::gauss: points out of range");
  return PathRule(points);
}

PathRule PathRule::parse(const std::string& text) {
  if (text == "left") return left();
  const std::string prefix = "gauss:";
  if (text.rfind(prefix, 0) != 0) unknown(text);
  const std::string digits = text.substr(prefix.size());
  if (digits.size() != 1 || digits[0] < '1' || digits[0] - '0' > kMaxGaussPoints) unknown(text);
  return gauss(digits[0] - '0');
}

std::string PathRule::name() const {
  return isLeft() ? "left" : "gauss:" + std::to_string(gaussPoints_);
}

}  // namespace pk

#include "settings/SnapshotSteps.hpp"

#include <algorithm>
#include <cmath>

#include "core/Error.hpp"
#include "core/Text.hpp"

namespace pk {

namespace {
[[noreturn]] void malformed(const std::string& text) {
  throw InputError("malformed --snapshots '" + text +
                   "': expected steps like 0,10,100 or log:K with K >= 2 (step 0 and K-1 log-spaced steps up to S)");
}

std::int64_t parseCount(const std::string& item, const std::string& text) {
  if (item.empty() || item.size() > 12 || item.find_first_not_of("0123456789") != std::string::npos) malformed(text);
  return std::stoll(item);
}
}  // namespace

SnapshotSteps SnapshotSteps::parse(const std::string& text) {
  SnapshotSteps s;
  s.text_ = text;
  if (text.empty()) return s;
  if (text.rfind("log:", 0) == 0) {
    s.logPoints_ = parseCount(text.substr(4), text);
    if (s.logPoints_ < 2 || s.logPoints_ > 10000) malformed(text);
    return s;
  }
  for (const auto& item : splitList(text)) s.listed_.push_back(parseCount(item, text));
  if (s.listed_.empty() || text.back() == ',') malformed(text);
  std::sort(s.listed_.begin(), s.listed_.end());
  s.listed_.erase(std::unique(s.listed_.begin(), s.listed_.end()), s.listed_.end());
  return s;
}

std::vector<std::int64_t> SnapshotSteps::resolve(std::int64_t steps) const {
  if (logPoints_ == 0) {
    PK_REQUIRE(listed_.empty() || listed_.back() <= steps,
               "--snapshots '" + text_ + "' lists step " + std::to_string(listed_.empty() ? 0 : listed_.back()) +
                   " but the run has " + std::to_string(steps) + " steps (snapshots are taken at steps 0.." +
                   std::to_string(steps) + ")");
    return listed_;
  }
  std::vector<std::int64_t> resolved = {0};
  for (std::int64_t j = 1; j < logPoints_; ++j) {
    const double exponent = static_cast<double>(j) / static_cast<double>(logPoints_ - 1);
    const auto s = static_cast<std::int64_t>(std::llround(std::pow(static_cast<double>(steps), exponent)));
    if (s != resolved.back()) resolved.push_back(s);
  }
  return resolved;
}

}  // namespace pk

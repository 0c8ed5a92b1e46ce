#include "validate/QueryList.hpp"

#include <set>

#include "core/Error.hpp"
#include "core/Text.hpp"

namespace pk::validation {

namespace {

constexpr std::int64_t kMaxQueries = 100000;

[[noreturn]] void malformed(const std::string& item) {
  throw InputError("malformed --queries '" + item +
                   "': expected SET:ROW, SET:FIRST-LAST, SET:misclassified or SET:correct with SET train or test (e.g. "
                   "test:0-49, train:5, test:misclassified)");
}

std::int64_t parseIndex(const std::string& text, const std::string& item) {
  if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos) malformed(item);
  return std::stoll(text);
}

void parseItem(const std::string& item, std::vector<QueryPoint>& out) {
  const auto colon = item.find(':');
  if (colon == std::string::npos) malformed(item);
  const std::string set = item.substr(0, colon);
  if (set != "train" && set != "test") malformed(item);
  const std::string range = item.substr(colon + 1);
  if (range == "misclassified" || range == "correct") {
    out.push_back({set, range == "correct" ? QueryPoint::kCorrect : QueryPoint::kMisclassified});
    return;
  }
  const auto dash = range.find('-');
  const std::int64_t first = parseIndex(range.substr(0, dash), item);
  const std::int64_t last = dash == std::string::npos ? first : parseIndex(range.substr(dash + 1), item);
  PK_REQUIRE(last >= first, "malformed --queries '" + item + "': the range FIRST-LAST needs FIRST <= LAST");
  PK_REQUIRE(last - first < kMaxQueries && out.size() + static_cast<std::size_t>(last - first) < kMaxQueries,
             "--queries asks for more than " + std::to_string(kMaxQueries) + " points");
  for (std::int64_t row = first; row <= last; ++row) out.push_back({set, row});
}

}  // namespace

std::vector<QueryPoint> parseQueryList(const std::string& text) {
  std::vector<QueryPoint> points;
  for (const auto& item : splitList(text)) parseItem(item, points);
  if (points.empty() || text.back() == ',') malformed(text);
  std::set<std::string> seen;
  for (const auto& point : points)
    PK_REQUIRE(seen.insert(point.label()).second, "--queries lists " + point.label() + " twice");
  return points;
}

std::vector<QueryPoint> allRows(const std::string& set, std::int64_t rows) {
  std::vector<QueryPoint> points;
  for (std::int64_t row = 0; row < rows; ++row) points.push_back({set, row});
  return points;
}

}  // namespace pk::validation

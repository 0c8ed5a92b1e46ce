#include "explain/QuerySpec.hpp"

#include <sstream>

#include "core/Error.hpp"

namespace pk::explain {

namespace {

constexpr std::int64_t kMaxQueries = 100000;

[[noreturn]] void malformed(const std::string& item) {
  throw InputError("malformed --query '" + item +
                   "': expected SET:ROW or SET:FIRST-LAST with SET train, test, or query for a replay's queries "
                   "file (e.g. test:17, test:0-9, query:3)");
}

std::int64_t parseIndex(const std::string& text, const std::string& item) {
  if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos) malformed(item);
  return std::stoll(text);
}

void parseItem(const std::string& item, std::vector<QueryPoint>& out) {
  const auto colon = item.find(':');
  if (colon == std::string::npos) malformed(item);
  const std::string set = item.substr(0, colon);
  if (set != "train" && set != "test" && set != "query") malformed(item);
  const std::string range = item.substr(colon + 1);
  const auto dash = range.find('-');
  const std::int64_t first = parseIndex(range.substr(0, dash), item);
  const std::int64_t last = dash == std::string::npos ? first : parseIndex(range.substr(dash + 1), item);
  PK_REQUIRE(last >= first, "malformed --query '" + item + "': the range FIRST-LAST needs FIRST <= LAST");
  PK_REQUIRE(last - first < kMaxQueries && out.size() + static_cast<std::size_t>(last - first) < kMaxQueries,
             "--query asks for more than " + std::to_string(kMaxQueries) + " points (use --aggregate instead)");
  for (std::int64_t row = first; row <= last; ++row) out.push_back({set, row});
}

}  // namespace

std::vector<QueryPoint> parseQueries(const std::vector<std::string>& texts) {
  std::vector<QueryPoint> points;
  for (const auto& text : texts) {
    std::stringstream stream(text);
    std::string item;
    bool any = false;
    while (std::getline(stream, item, ',')) {
      parseItem(item, points);
      any = true;
    }
    if (!any || text.back() == ',') malformed(text);
  }
  return points;
}

}  // namespace pk::explain

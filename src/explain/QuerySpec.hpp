#pragma once
// The query points a user asks about: "test:17", "test:0-9", "train:5", or
// several of those separated by commas.
#include <cstdint>
#include <string>
#include <vector>

namespace pk::explain {

struct QueryPoint {
  std::string set;  // "train", "test", or "query" (a replay's queries file)
  std::int64_t row = 0;
  std::string label() const { return set + ":" + std::to_string(row); }
};

/// Parses every --query value into points, in the order given. Not collective.
/// Throws InputError naming the malformed item and the accepted forms.
std::vector<QueryPoint> parseQueries(const std::vector<std::string>& texts);

}  // namespace pk::explain

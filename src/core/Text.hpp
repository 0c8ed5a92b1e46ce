#pragma once
// Text helpers of option parsing and reports: numbers with a printf pattern
// ("%.3g"), and the items of a comma-separated option value.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace pk {

inline std::string formatNumber(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// "a,b,,c" -> {"a", "b", "", "c"}; a trailing comma adds no item, so callers
// that must refuse "a," check text.back() themselves.
inline std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) items.push_back(item);
  return items;
}

}  // namespace pk

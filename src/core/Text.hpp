#pragma once
// Text helpers of option parsing and reports: numbers with a printf pattern
// ("%.3g") or in their shortest exact form, and the items of a
// comma-separated option value.
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace pk {

inline std::string formatNumber(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// The shortest text that reads back as exactly `value` ("0.1", not
// "0.10000000000000001"): for options stored as text and values in messages.
inline std::string shortestNumber(double value) {
  for (const char* pattern : {"%.15g", "%.16g"}) {
    const std::string text = formatNumber(pattern, value);
    if (std::strtod(text.c_str(), nullptr) == value) return text;
  }
  return formatNumber("%.17g", value);
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

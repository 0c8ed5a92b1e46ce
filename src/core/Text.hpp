#pragma once
// Numbers as text with a printf pattern ("%.3g"), for tables and messages.
#include <cstdio>
#include <string>

namespace pk {

inline std::string formatNumber(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

}  // namespace pk

#pragma once
// Text helpers of option parsing and reports: numbers with a printf pattern
// ("%.3g"), the items of a comma-separated option value, default file names.
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

// The file a command writes beside a run: "runs/a.h5", ".krr.h5" -> "runs/a.krr.h5"
// (a name without ".h5" keeps its whole name: "a" -> "a.krr.h5").
inline std::string besideRunFile(const std::string& run, const std::string& suffix) {
  const std::string h5 = ".h5";
  const bool endsH5 = run.size() > h5.size() && run.compare(run.size() - h5.size(), h5.size(), h5) == 0;
  return (endsH5 ? run.substr(0, run.size() - h5.size()) : run) + suffix;
}

}  // namespace pk

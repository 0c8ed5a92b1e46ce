#pragma once
// Numbers and labels as text, shared by the table, CSV and JSON reports.
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include "explain/Explanation.hpp"

namespace pk::explain::text {

inline std::string number(double v, int precision = 6) {
  if (std::isnan(v)) return "nan";
  std::ostringstream os;
  os << std::setprecision(precision) << v;
  return os.str();
}

inline std::string label(double value, bool integer, const char* unknown, int precision = 6) {
  if (std::isnan(value)) return unknown;
  if (integer) return std::to_string(static_cast<long long>(std::llround(value)));
  return number(value, precision);
}

/// A class label with its name from the data file: "1 (8)"; the label alone without names.
inline std::string named(double value, const std::vector<std::string>& names, const char* unknown) {
  const std::string text = label(value, true, unknown);
  if (std::isnan(value) || names.empty()) return text;
  const long long k = std::llround(value);
  return k >= 0 && k < static_cast<long long>(names.size()) ? text + " (" + names[static_cast<std::size_t>(k)] + ")"
                                                            : text;
}

/// The name of class `value` alone ("" without names or for an unknown class): csv and json's name columns.
inline std::string nameOf(double value, const std::vector<std::string>& names) {
  if (std::isnan(value) || names.empty()) return "";
  const long long k = std::llround(value);
  return k >= 0 && k < static_cast<long long>(names.size()) ? names[static_cast<std::size_t>(k)] : "";
}

inline std::string json(double v) {
  return std::isfinite(v) ? number(v, 17) : "null";
}

inline std::string quoted(const std::string& text) {
  std::string q = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') q += '\\';
    if (static_cast<unsigned char>(ch) >= 0x20) q += ch;
  }
  return q + "\"";
}

/// A csv field: quoted when it holds a comma or a quote (class names may).
inline std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string q = "\"";
  for (char ch : text) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

/// A json string, or null when empty (no name).
inline std::string jsonName(const std::string& name) {
  return name.empty() ? "null" : quoted(name);
}

/// Whether the query's labels are classes (logistic, softmax).
inline bool classification(const QueryExplanation& e) {
  return e.rule.loss != Loss::Mse;
}

/// The probability of class k of the query (NaN for mse).
inline double probability(const QueryExplanation& e, std::int64_t k) {
  return k >= 0 && k < static_cast<std::int64_t>(e.probabilities.size()) ? e.probabilities[static_cast<std::size_t>(k)]
                                                                         : std::nan("");
}

/// The query's true label (classification) or the target of the output shown (mse); NaN if unknown.
inline double shownTarget(const QueryExplanation& e) {
  if (e.target.empty()) return std::nan("");
  return e.target.size() == 1 ? e.target[0] : e.target[static_cast<std::size_t>(e.output)];
}

}  // namespace pk::explain::text

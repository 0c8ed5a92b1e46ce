#include "explain/Report.hpp"

#include "core/Error.hpp"
#include "core/NameTable.hpp"
#include "explain/ReportData.hpp"
#include "explain/ReportTable.hpp"

namespace pk::explain {

const char* const kNoCoefficientNote =
    "a_i(x) = C(x,i)/K^p(x,x_i) is not shown for C > 1: K^p is the trace over the outputs, so the ratio is "
    "no coefficient of one output (it can be negative where C(x,i) is positive)";

Format parseFormat(const std::string& text) {
  constexpr NameTable<Format, 3> kFormatNames = {
      {Format::Table, "table"}, {Format::Csv, "csv"}, {Format::Json, "json"}};
  if (const auto* found = findByName(kFormatNames, text)) return *found;
  throw InputError("unknown --format '" + text + "' (allowed: " + nameList(kFormatNames) + ")");
}

void printExplanations(std::ostream& out, const std::vector<QueryExplanation>& explanations, Format format,
                       const std::string& labelNote, bool integer) {
  switch (format) {
    case Format::Csv:
      return csvExplanations(out, explanations, integer);
    case Format::Json:
      return jsonExplanations(out, explanations, labelNote, integer);
    case Format::Table:
      break;
  }
  tableExplanations(out, explanations, labelNote, integer);
}

void printAggregate(std::ostream& out, const AggregateInfluence& a, Format format, const std::string& labelNote,
                    bool integer) {
  switch (format) {
    case Format::Csv:
      return csvAggregate(out, a, integer);
    case Format::Json:
      return jsonAggregate(out, a, labelNote, integer);
    case Format::Table:
      break;
  }
  tableAggregate(out, a, labelNote, integer);
}

}  // namespace pk::explain

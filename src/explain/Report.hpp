#pragma once
// Printing explanations as an aligned table, CSV (one line per listed
// training example, the query's values repeated) or JSON. Not collective:
// call on the printing rank only.
#include <ostream>
#include <string>
#include <vector>

#include "explain/Aggregate.hpp"
#include "explain/Explanation.hpp"

namespace pk::explain {

enum class Format { Table, Csv, Json };

/// Throws InputError unless `text` is table, csv or json.
Format parseFormat(const std::string& text);

/// `labelNote` says where the labels came from; `integerLabels` prints them as whole numbers.
void printExplanations(std::ostream& out, const std::vector<QueryExplanation>& explanations, Format format,
                       const std::string& labelNote, bool integerLabels);

void printAggregate(std::ostream& out, const AggregateInfluence& aggregate, Format format, const std::string& labelNote,
                    bool integerLabels);

/// Why a_i(x) = C / K^p is not shown for C > 1, said once per report.
extern const char* const kNoCoefficientNote;

}  // namespace pk::explain

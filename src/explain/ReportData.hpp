#pragma once
// explain's output for scripts: CSV (one line per listed training example, the
// query's values repeated) and JSON, at full precision. Not collective.
#include <ostream>
#include <string>
#include <vector>

#include "explain/Aggregate.hpp"
#include "explain/Explanation.hpp"

namespace pk::explain {

void csvExplanations(std::ostream& out, const std::vector<QueryExplanation>& explanations, bool integer);
void jsonExplanations(std::ostream& out, const std::vector<QueryExplanation>& explanations,
                      const std::string& labelNote, bool integer);
void csvAggregate(std::ostream& out, const AggregateInfluence& a, bool integer);
void jsonAggregate(std::ostream& out, const AggregateInfluence& a, const std::string& labelNote, bool integer);

}  // namespace pk::explain

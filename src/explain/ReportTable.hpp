#pragma once
// The aligned table of explain (README: Explaining a prediction). Not collective.
#include <ostream>
#include <string>
#include <vector>

#include "explain/Aggregate.hpp"
#include "explain/Explanation.hpp"

namespace pk::explain {

void tableExplanations(std::ostream& out, const std::vector<QueryExplanation>& explanations,
                       const std::string& labelNote, bool integer);
void tableAggregate(std::ostream& out, const AggregateInfluence& a, const std::string& labelNote, bool integer);

}  // namespace pk::explain

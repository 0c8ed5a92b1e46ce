#pragma once
// What `pathkernel validate` prints on rank 0: the study before retraining,
// progress while it runs (Rounds.cpp), and at the end the table of every
// score's LDS, LOO correlation and top-k removal, with the throughput.
#include <ostream>

#include "validate/Validation.hpp"

namespace pk::validation {

/// "test:0-89" or "test:0-4,test:7,train:3": consecutive rows joined.
std::string describeQueries(const std::vector<QueryPoint>& queries);

void printStudyHeader(std::ostream& log, const ValidateSettings& settings, const ValidateFileContents& contents,
                      int ranks, int groups, std::int64_t resumed);

/// The result: the table for a finished study, a line for a share file, or how to continue a stopped one.
void printReport(std::ostream& log, const ValidateSettings& settings, const ValidationReport& report);

}  // namespace pk::validation

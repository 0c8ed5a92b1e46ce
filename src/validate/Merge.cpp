// mergeValidation: the share files of one study combined into the study.
#include <algorithm>
#include <set>

#include "core/Error.hpp"
#include "io/OutputFile.hpp"
#include "validate/Validation.hpp"

namespace pk::validation {

namespace {

void requireSameStudy(const ValidateFileContents& first, const std::string& firstPath,
                      const ValidateFileContents& other, const std::string& path) {
  PK_REQUIRE(other.identity == first.identity, "'" + path + "' is not a share of the same study as '" + firstPath +
                                                   "' (another run, other settings, or scores that chose other sets)");
}

// Share files of K tasks name the tasks whose retrainings are missing.
std::string missingShares(const Results& results, const Share& any) {
  std::set<std::int64_t> missing;
  for (std::size_t j = 0; j < results.status.size(); ++j)
    if (results.status[j] == Results::Pending) missing.insert(static_cast<std::int64_t>(j) % any.count);
  std::string text;
  for (auto k : missing) text += (text.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(any.count);
  return text;
}

void addResults(ValidateFileContents& merged, const ValidateFileContents& part) {
  const auto width = static_cast<std::size_t>(merged.study.queryCount() * merged.study.outputs);
  for (std::size_t j = 0; j < merged.results.status.size(); ++j) {
    if (merged.results.status[j] != Results::Pending || part.results.status[j] == Results::Pending) continue;
    merged.results.status[j] = part.results.status[j];
    std::copy_n(part.results.output.begin() + j * width, width, merged.results.output.begin() + j * width);
  }
  merged.notes.retrainSeconds += part.notes.retrainSeconds;
  merged.notes.retrainedHere += part.notes.retrainedHere;
  merged.notes.fullRetrainDifference = std::max(merged.notes.fullRetrainDifference, part.notes.fullRetrainDifference);
}

}  // namespace

ValidationReport mergeValidation(const ValidateSettings& s, MPI_Comm world) {
  requireOutputPath(s.out, s.force, world);
  ValidationReport report;
  PK_MPI(MPI_Comm_size(world, &report.ranks));
  ValidateFileContents& merged = report.contents;
  for (std::size_t f = 0; f < s.merge.size(); ++f) {
    ValidateFileContents part = readValidateFile(s.merge[f], world);
    if (f == 0) {
      merged = std::move(part);
      continue;
    }
    requireSameStudy(merged, s.merge[0], part, s.merge[f]);
    addResults(merged, part);
  }
  PK_REQUIRE(merged.results.pending() == 0, "the files leave " + std::to_string(merged.results.pending()) + " of " +
                                                std::to_string(merged.results.status.size()) +
                                                " retrainings undone: missing share(s) " +
                                                missingShares(merged.results, merged.share));
  merged.kind = FileKind::Study;
  merged.share = Share{};
  report.measures = measure(merged.study, merged.results);
  report.measured = true;
  writeValidateFile(s.out, merged, &report.measures, world);
  report.written = s.out;
  return report;
}

}  // namespace pk::validation

#include "validate/Validation.hpp"

#include <cstdio>
#include <filesystem>

#include "core/Error.hpp"
#include "io/OutputFile.hpp"
#include "results/RunReader.hpp"
#include "validate/FullRetrain.hpp"
#include "validate/Report.hpp"
#include "validate/Retrainer.hpp"
#include "validate/StudyDefinition.hpp"

namespace pk::validation {

namespace {

int rankOf(MPI_Comm comm) {
  int rank = 0;
  PK_MPI(MPI_Comm_rank(comm, &rank));
  return rank;
}

int sizeOf(MPI_Comm comm) {
  int size = 1;
  PK_MPI(MPI_Comm_size(comm, &size));
  return size;
}

bool fileExists(const std::string& path, MPI_Comm comm) {
  std::error_code error;
  int exists = rankOf(comm) == 0 && std::filesystem::exists(path, error) ? 1 : 0;
  PK_MPI(MPI_Bcast(&exists, 1, MPI_INT, 0, comm));
  return exists != 0;
}

// The retrainings a progress file of this very study and share has done already.
std::int64_t resume(const std::string& checkpoint, ValidateFileContents& c, MPI_Comm world) {
  if (!fileExists(checkpoint, world)) return 0;
  const ValidateFileContents saved = readProgressFile(checkpoint, world);
  PK_REQUIRE(saved.kind == FileKind::Progress && saved.identity == c.identity && saved.share.text() == c.share.text(),
             "the progress file '" + checkpoint +
                 "' belongs to another study or share (other run, settings or "
                 "--share); remove it, or choose another --checkpoint");
  PK_REQUIRE(
      saved.results.status.size() == c.results.status.size() && saved.results.output.size() == c.results.output.size(),
      "the progress file '" + checkpoint + "' is damaged: its arrays do not fit the study");
  std::int64_t resumed = 0;
  const auto width = static_cast<std::size_t>(c.study.queryCount() * c.study.outputs);
  for (std::size_t j = 0; j < c.results.status.size(); ++j) {
    if (saved.results.status[j] == Results::Pending) continue;
    c.results.status[j] = saved.results.status[j];
    std::copy_n(saved.results.output.begin() + j * width, width, c.results.output.begin() + j * width);
    ++resumed;
  }
  c.notes.retrainSeconds = saved.notes.retrainSeconds;
  c.notes.retrainedHere = saved.notes.retrainedHere;
  return resumed;
}

ValidateFileContents defineContents(const RunReader& run, const ValidateSettings& s, const StudyRequest& request,
                                    const TrainSettings& train, const std::vector<double>& w0, MPI_Comm world) {
  const FullRetrain full = retrainFullRun(train, w0, request.queries, world);
  ValidateFileContents c;
  c.study = defineStudy(run, s, request, request.needsLossWeights() ? full.lossWeights : Matrix());
  c.kind = s.share.whole() ? FileKind::Study : FileKind::Share;
  c.share = s.share;
  c.identity = c.study.identity();
  c.results = Results(c.study.retrainings(), c.study.queryCount(), c.study.outputs);
  c.notes.groupSize = s.groupSize;
  c.notes.fullRetrainDifference = maxAbsDifference(full.outputs, c.study.network);
  return c;
}

void finish(ValidationReport& report, const ValidateSettings& s, MPI_Comm world) {
  ValidateFileContents& c = report.contents;
  report.measured = c.kind == FileKind::Study;
  if (report.measured) report.measures = measure(c.study, c.results);
  writeValidateFile(s.out, c, report.measured ? &report.measures : nullptr, world);
  report.written = s.out;
  if (rankOf(world) == 0) std::remove(s.checkpoint.c_str());  // finished: the progress is in the result
}

}  // namespace

ValidationReport runValidation(const ValidateSettings& given, MPI_Comm world, std::ostream* log) {
  ValidationReport report;
  report.ranks = sizeOf(world);
  requireGroupSize(given.groupSize, report.ranks);
  requireOutputPath(given.out, given.force, world);
  requireOutputPath(given.checkpoint, true, world);  // a progress file there is resumed, not refused
  const RunReader run(given.run, world);
  run.requireRunFile("validate");
  const ValidateSettings s = fitToRun(given, run.trainRows(), log);
  const StudyRequest request = resolveRequest(run, s);
  const TrainSettings train = retrainSettings(run, s.data);
  const std::vector<double> w0 = readInitialParameters(run);
  ValidateFileContents& c = report.contents;
  c = defineContents(run, s, request, train, w0, world);
  report.resumed = resume(s.checkpoint, c, world);
  const int groups = report.ranks / static_cast<int>(s.groupSize);
  if (log) printStudyHeader(*log, s, c, report.ranks, groups, report.resumed);

  const SplitComm group(world, rankOf(world) / static_cast<int>(s.groupSize), rankOf(world));
  const Retrainer retrainer(train, w0, c.study.queries, group.get());
  RoundOptions options;
  options.share = s.share;
  options.checkpointSeconds = s.checkpointSeconds;
  const StudyNotes before = c.notes;
  auto addTime = [&](const RoundOutcome& sofar) {
    c.notes.retrainSeconds = before.retrainSeconds + sofar.seconds;
    c.notes.retrainedHere = before.retrainedHere + sofar.retrained;
  };
  options.saveProgress = [&](const RoundOutcome& sofar) {
    addTime(sofar);
    writeProgressFile(s.checkpoint, c, world);
  };
  report.thisStart = runRounds(c.study, c.results, retrainer,
                               {group, rankOf(world) / static_cast<int>(s.groupSize), groups}, options, world, log);
  report.stopSignal = report.thisStart.stopSignal;
  if (report.stopSignal != 0) return report;
  addTime(report.thisStart);
  finish(report, s, world);
  return report;
}

}  // namespace pk::validation

#include "validate/ValidateFile.hpp"

#include "core/Error.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"
#include "validate/ValidateFileParts.hpp"

namespace pk::validation {

namespace {

using namespace parts;

void writeMaps(const h5::Id& file, const Study& st) {
  const auto nq = st.queryCount();
  const auto ns = static_cast<std::int64_t>(st.scores.size()), nk = static_cast<std::int64_t>(st.topk.size());
  put(file, "/topk/k", {nk}, st.topk);
  put(file, "/topk/retrain", {ns, nk, nq}, st.topkRetrain);
  put(file, "/lds/retrain", {static_cast<std::int64_t>(st.ldsRetrain.size())}, st.ldsRetrain);
  put(file, "/loo/example", {static_cast<std::int64_t>(st.looExamples.size())}, st.looExamples);
  put(file, "/loo/retrain", {static_cast<std::int64_t>(st.looRetrain.size())}, st.looRetrain);
}

void writeRetrainings(const h5::Id& file, const Study& st, const Results& r) {
  std::vector<std::int64_t> keep;
  for (std::int64_t j = 0; j < st.retrainings(); ++j) {
    const auto mask = st.keepMask(j);
    keep.insert(keep.end(), mask.begin(), mask.end());
  }
  put(file, "/retrain/keep", {st.retrainings(), st.trainRows}, keep);
  put(file, "/retrain/status", {st.retrainings()}, r.status);
  put(file, "/retrain/output", {st.retrainings(), st.queryCount(), st.outputs}, r.output);
}

FileKind kindOf(const h5::Id& file, const std::string& path) {
  const std::string kind = h5::stringAttribute(file, "kind");
  PK_REQUIRE(kind == "study" || kind == "share" || kind == "progress",
             "'" + path + "' has an unknown kind '" + kind + "' (study, share or progress)");
  return kind == "study" ? FileKind::Study : kind == "share" ? FileKind::Share : FileKind::Progress;
}

void writeHeader(const h5::Id& file, const ValidateFileContents& c, FileKind kind) {
  h5::setAttribute(file, "kind", toString(kind));
  h5::setAttribute(file, "share", c.share.text());
  h5::setAttribute(file, "identity", c.identity);
}

void readRetrainings(const h5::Id& file, ValidateFileContents& c) {
  Study& st = c.study;
  const auto keep = getInts(file, "/retrain/keep");
  const auto j = static_cast<std::int64_t>(h5::shape(file, "/retrain/keep")[0]);
  for (std::int64_t r = 0; r < j; ++r) {
    std::vector<std::int64_t> removed;
    for (std::int64_t i = 0; i < st.trainRows; ++i)
      if (keep[static_cast<std::size_t>(r * st.trainRows + i)] == 0) removed.push_back(i);
    st.removed.push_back(std::move(removed));
  }
  c.results.status = getInts(file, "/retrain/status");
  c.results.output = getDoubles(file, "/retrain/output");
  st.topk = getInts(file, "/topk/k");
  st.topkRetrain = getInts(file, "/topk/retrain");
  st.ldsRetrain = getInts(file, "/lds/retrain");
  st.looExamples = getInts(file, "/loo/example");
  st.looRetrain = getInts(file, "/loo/retrain");
}

}  // namespace

std::string toString(FileKind kind) {
  return kind == FileKind::Study ? "study" : kind == FileKind::Share ? "share" : "progress";
}

void writeValidateFile(const std::string& path, const ValidateFileContents& c, const Measures* measures,
                       MPI_Comm comm) {
  PK_ASSERT(c.kind != FileKind::Progress, "a progress file is written by writeProgressFile");
  OutputFile file(path, kValidateFormat, kValidateFormatVersion, comm);
  writeHeader(file, c, c.kind);
  writeStudyConfig(file, c.study, c.notes);
  writeReference(file, c.study);
  writeScores(file, c.study);
  writeMaps(file, c.study);
  writeRetrainings(file, c.study, c.results);
  if (measures != nullptr) {
    writeMeasures(file, c.study, *measures);
    writeSummary(file, c.study, *measures, c.results);
  }
  file.finish();
}

ValidateFileContents readValidateFile(const std::string& path, MPI_Comm comm) {
  h5::Id file = openResultFile(path, kValidateFormat, kValidateFormatVersion, comm);
  ValidateFileContents c;
  c.kind = kindOf(file, path);
  PK_REQUIRE(c.kind != FileKind::Progress, "'" + path +
                                               "' is the progress file of an unfinished study or share: "
                                               "let it finish (run the same command again) before merging");
  c.share = parseShare(h5::stringAttribute(file, "share"));
  c.identity = h5::stringAttribute(file, "identity");
  readStudyConfig(file, path, c.study, c.notes);
  readReference(file, c.study);
  readScores(file, c.study);
  readRetrainings(file, c);
  PK_REQUIRE(c.study.identity() == c.identity, "'" + path + "' is damaged: its arrays do not have its identity");
  return c;
}

void writeProgressFile(const std::string& path, const ValidateFileContents& c, MPI_Comm comm) {
  OutputFile file(path, kValidateFormat, kValidateFormatVersion, comm);
  writeHeader(file, c, FileKind::Progress);
  const auto j = static_cast<std::int64_t>(c.results.status.size());
  put(file, "/retrain/status", {j}, c.results.status);
  put(file, "/retrain/output", {j, c.study.queryCount(), c.study.outputs}, c.results.output);
  writeNotes(file, c.notes);
  file.finish();
}

ValidateFileContents readProgressFile(const std::string& path, MPI_Comm comm) {
  h5::Id file = openResultFile(path, kValidateFormat, kValidateFormatVersion, comm);
  ValidateFileContents c;
  c.kind = kindOf(file, path);
  c.share = parseShare(h5::stringAttribute(file, "share"));
  c.identity = h5::stringAttribute(file, "identity");
  if (c.kind != FileKind::Progress) return c;  // the caller refuses it
  c.results.status = getInts(file, "/retrain/status");
  c.results.output = getDoubles(file, "/retrain/output");
  readNotes(file, c.notes);
  return c;
}

}  // namespace pk::validation

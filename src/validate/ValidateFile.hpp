#pragma once
// The validation file (docs/FORMAT.md, section 9): one layout for a finished
// study, for one array task's share of a study, and for the progress file a
// stopped study resumes from. Written through OutputFile (complete or absent),
// read through openResultFile (format and version checked).
#include <mpi.h>

#include <string>

#include "validate/Measures.hpp"
#include "validate/Study.hpp"
#include "validate/ValidateSettings.hpp"

namespace pk::validation {

inline constexpr const char* kValidateFormat = "pathkernel-validate";
inline constexpr std::int64_t kValidateFormatVersion = 1;

/// study: every retraining done, with the measures; share: one array task's
/// retrainings, to be merged; progress: a study or share stopped part way.
enum class FileKind { Study, Share, Progress };
std::string toString(FileKind kind);

/// What a finished study adds beyond its arrays: how it was computed.
struct StudyNotes {
  std::int64_t groupSize = 1;
  double retrainSeconds = 0.0;         // the retraining rounds (summed over starts and shares)
  std::int64_t retrainedHere = 0;      // retrainings those seconds cover
  double fullRetrainDifference = 0.0;  // max |f(full retraining) - f_S| at the queries
};

struct ValidateFileContents {
  FileKind kind = FileKind::Study;
  Share share;
  std::string identity;
  Study study;
  Results results;
  StudyNotes notes;
};

/// Collective. Writes `path` (through path.partial, renamed when complete);
/// `measures` only for a finished study.
void writeValidateFile(const std::string& path, const ValidateFileContents& contents, const Measures* measures,
                       MPI_Comm comm);

/// Collective. Reads a study or share file; throws InputError if it is not one,
/// of another format version, incomplete, or a progress file.
ValidateFileContents readValidateFile(const std::string& path, MPI_Comm comm);

/// Collective. The progress file holds only what a restart cannot recompute:
/// the study's identity and share, the retrainings' status and outputs, and the notes.
void writeProgressFile(const std::string& path, const ValidateFileContents& contents, MPI_Comm comm);
/// Collective. Reads a progress file into contents' kind, share, identity, results and notes.
ValidateFileContents readProgressFile(const std::string& path, MPI_Comm comm);

}  // namespace pk::validation

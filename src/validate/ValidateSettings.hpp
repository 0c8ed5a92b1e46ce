#pragma once
// The settings of `pathkernel validate`, in the two forms of train's: as
// given (ValidateArguments, filled by Boost.Program_options) and typed and
// checked (ValidateSettings). Checks that need the run (its size, its
// kernels) are made when the study is defined (Study.hpp).
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "validate/QueryList.hpp"

namespace pk::validation {

/// The attribution scores a study compares (docs/FORMAT.md, 9.1).
enum class ScoreKind { Path, TangentInitial, TangentFinal, Random };
std::string toString(ScoreKind kind);
/// "path,random" -> kinds in the order given; throws InputError on an unknown name or a repeat.
std::vector<ScoreKind> parseScoreList(const std::string& text);
/// Whether the score needs the tangent kernels of the run.
bool needsTangentKernels(ScoreKind kind);

/// Array task k of K computes the retrainings j with j mod K = k.
struct Share {
  std::int64_t index = 0;
  std::int64_t count = 1;
  bool whole() const { return count == 1; }
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
  bool owns(std::int64_t retraining) const { return retraining % count == index; }
};
/// "k/K" with 0 <= k < K; throws InputError otherwise.
Share parseShare(const std::string& text);

struct ValidateArguments {
  std::string run;
  std::string out;
  std::string queries;  // empty: every test point of the run (every training point without a test split)
  std::string scores;   // empty: path, the tangent baselines when the run has them, random
  std::string topk = "5,10,20";
  std::int64_t ldsSubsets = 20;
  double ldsFraction = 0.5;
  std::int64_t loo = 20;
  std::int64_t seed = 1;
  std::int64_t groupSize = 1;
  std::string share;
  std::vector<std::string> merge;
  std::string data;
  std::string checkpoint;
  double checkpointSeconds = 60.0;
  std::string config;
  bool force = false;
  bool sizesDefaulted = false;  // neither --topk nor --loo given (set by the parser): fitted to small runs
};

struct ValidateSettings {
  std::string run;
  std::string out;
  std::string queriesText;          // as given ("" = the default)
  std::vector<QueryPoint> queries;  // empty: the default
  std::vector<ScoreKind> scores;    // empty: the default
  std::vector<std::int64_t> topk;   // sorted, distinct
  std::int64_t ldsSubsets = 0;
  double ldsFraction = 0.5;
  std::int64_t loo = 0;
  std::uint64_t seed = 1;
  std::int64_t groupSize = 1;
  Share share;
  std::vector<std::string> merge;  // merge these share files instead of retraining
  std::string data;                // the run's data file, when it is not found by the usual rule
  std::string checkpoint;          // progress file: OUT.ckpt by default
  double checkpointSeconds = 60.0;
  bool force = false;
  bool sizesDefaulted = false;  // --topk and --loo are the defaults, which fitToRun may shrink

  bool merging() const { return !merge.empty(); }
};

/// The settings for a run of N training examples: when neither --topk nor --loo
/// was given, the default k values that a reduced set cannot lose (k > N - 1)
/// are dropped and the default K is at most N; a note says so. Given values are
/// kept (and refused later when too large).
ValidateSettings fitToRun(const ValidateSettings& s, std::int64_t trainRows, std::ostream* log);

/// Parses the command line (and --config's INI file, section [validate]).
/// Returns false if --help was asked (help printed when printHelp). Throws InputError.
bool parseValidateArguments(int argc, const char* const* argv, ValidateArguments& arguments, bool printHelp);

/// The typed settings; throws one InputError listing every problem.
ValidateSettings resolveValidateSettings(const ValidateArguments& arguments);

/// Throws InputError unless groupSize divides the number of ranks. Not collective.
void requireGroupSize(std::int64_t groupSize, int ranks);

}  // namespace pk::validation

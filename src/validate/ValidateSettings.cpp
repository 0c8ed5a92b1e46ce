#include "validate/ValidateSettings.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "core/Error.hpp"
#include "core/FilePath.hpp"
#include "core/NameTable.hpp"
#include "core/Options.hpp"
#include "core/Text.hpp"

namespace po = boost::program_options;

namespace pk::validation {

namespace {

constexpr NameTable<ScoreKind, 4> kScoreNames = {{ScoreKind::Path, "path"},
                                                 {ScoreKind::TangentInitial, "tangent-initial"},
                                                 {ScoreKind::TangentFinal, "tangent-final"},
                                                 {ScoreKind::Random, "random"}};

po::options_description describe(ValidateArguments& s) {
  po::options_description d("pathkernel validate options");
  // clang-format off
  d.add_options()
      ("help,h", "print this help and exit")
      ("config", po::value(&s.config), "INI file with any of these options (its [validate] section and the keys before any section)")
      ("run", po::value(&s.run), "run file written by pathkernel train (never modified)")
      ("out", po::value(&s.out), "output file; default: RUN.h5 -> RUN.validate.h5")
      ("queries", po::value(&s.queries), "points followed: test:0-49, train:5, test:misclassified, test:correct, comma-separated; default: every "
       "test point")
      ("scores", po::value(&s.scores),
       ("scores compared, comma-separated: " + nameList(kScoreNames) +
        "; default: path, the tangent ones when the run has --tangent-kernels, random").c_str())
      ("topk", po::value(&s.topk)->default_value(s.topk), "top-k removal: the k values, comma-separated, or none")
      ("lds-subsets", po::value(&s.ldsSubsets)->default_value(s.ldsSubsets), "LDS: random subsets M (0 = no LDS)")
      ("lds-fraction", po::value(&s.ldsFraction)->default_value(s.ldsFraction), "LDS: fraction alpha of the examples each subset keeps, in (0, 1)")
      ("loo", po::value(&s.loo)->default_value(s.loo), "leave-one-out: examples K sampled (0 = none)")
      ("seed", po::value(&s.seed)->default_value(s.seed), "seed of the random score, the LDS subsets and the LOO sample")
      ("group-size", po::value(&s.groupSize)->default_value(s.groupSize),
       "ranks per retraining G; G must divide the ranks, which retrain R/G sets at a time")
      ("share", po::value(&s.share), "array task k of K: compute the retrainings j with j mod K = k (k/K, e.g. 0/4)")
      ("merge", po::value(&s.merge)->multitoken(), "merge the share files of one study (--merge A.h5 B.h5 ...) into --out")
      ("data", po::value(&s.data), "the run's data file, if not found where the run file says")
      ("checkpoint", po::value(&s.checkpoint), "progress file of finished retrainings; default OUT.ckpt; resumed when it exists")
      ("checkpoint-seconds", po::value(&s.checkpointSeconds)->default_value(s.checkpointSeconds),
       "seconds between progress writes (0 = after every round); also written on SIGTERM/SIGUSR1")
      ("force", po::bool_switch(&s.force), "replace --out if it exists");
  // clang-format on
  return d;
}

std::vector<std::int64_t> parseTopk(const std::string& text) {
  std::vector<std::int64_t> ks;
  if (text == "none") return ks;
  for (const auto& item : splitList(text)) {
    std::size_t used = 0;
    long long k = 0;
    try {
      k = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    PK_REQUIRE(used == item.size() && used > 0 && k >= 1, "--topk: '" + item + "' is not a whole number >= 1");
    ks.push_back(k);
  }
  PK_REQUIRE(!ks.empty() && text.back() != ',', "--topk: give k values like 5,10,20, or none");
  std::sort(ks.begin(), ks.end());
  ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
  return ks;
}

void checkNumbers(const ValidateArguments& a, std::vector<std::string>& problems) {
  auto require = [&](bool ok, const char* message) {
    if (!ok) problems.push_back(message);
  };
  require(a.ldsSubsets >= 0 && a.ldsSubsets <= 1000000, "--lds-subsets must be in 0..1000000");
  require(a.ldsFraction > 0 && a.ldsFraction < 1, "--lds-fraction must be in (0, 1): the fraction of examples kept");
  require(a.loo >= 0, "--loo must be >= 0");
  require(a.seed >= 0, "--seed must be >= 0");
  require(a.groupSize >= 1, "--group-size must be >= 1");
  require(a.checkpointSeconds >= 0 && std::isfinite(a.checkpointSeconds), "--checkpoint-seconds must be >= 0");
}

}  // namespace

std::string toString(ScoreKind kind) {
  return nameOf(kScoreNames, kind);
}

bool needsTangentKernels(ScoreKind kind) {
  return kind == ScoreKind::TangentInitial || kind == ScoreKind::TangentFinal;
}

std::vector<ScoreKind> parseScoreList(const std::string& text) {
  std::vector<ScoreKind> kinds;
  for (const auto& name : splitList(text)) {
    const auto* kind = findByName(kScoreNames, name);
    PK_REQUIRE(kind != nullptr, "--scores: unknown score '" + name + "' (allowed: " + nameList(kScoreNames) + ")");
    PK_REQUIRE(std::find(kinds.begin(), kinds.end(), *kind) == kinds.end(), "--scores lists '" + name + "' twice");
    kinds.push_back(*kind);
  }
  PK_REQUIRE(!kinds.empty() && text.back() != ',', "--scores: give at least one of " + nameList(kScoreNames));
  return kinds;
}

Share parseShare(const std::string& text) {
  const std::string malformed = "malformed --share '" + text + "': expected k/K with 0 <= k < K (e.g. 0/4)";
  const auto slash = text.find('/');
  PK_REQUIRE(slash != std::string::npos, malformed);
  Share share;
  std::size_t used[2] = {0, 0};
  try {
    share.index = std::stoll(text.substr(0, slash), &used[0]);
    share.count = std::stoll(text.substr(slash + 1), &used[1]);
  } catch (const std::exception&) {
    throw InputError(malformed);
  }
  PK_REQUIRE(used[0] == slash && used[1] == text.size() - slash - 1, malformed);
  PK_REQUIRE(share.count >= 1 && share.index >= 0 && share.index < share.count, malformed);
  return share;
}

bool parseValidateArguments(int argc, const char* const* argv, ValidateArguments& arguments, bool printHelp) {
  const auto description = describe(arguments);
  po::variables_map vm;
  parseOptions(argc, argv, description, vm, "validate");
  arguments.sizesDefaulted = vm["topk"].defaulted() && vm["loo"].defaulted();
  if (vm.count("help")) {
    if (printHelp)
      std::cout << "usage: pathkernel validate --run RUN.h5 [--out V.h5] [options]\n"
                << "       pathkernel validate --merge A.h5 B.h5 ... --out V.h5\n\n"
                << description << "\n";
    return false;
  }
  return true;
}

ValidateSettings resolveValidateSettings(const ValidateArguments& a) {
  std::vector<std::string> problems;
  ValidateSettings t;
  const bool merging = !a.merge.empty();
  if (merging && !a.run.empty()) problems.push_back("--merge combines finished share files: give it without --run");
  if (merging && a.out.empty()) problems.push_back("--merge needs --out, the merged file");
  if (!merging && a.run.empty()) problems.push_back("--run: the run file is required (or --merge A.h5 B.h5 ...)");
  if (!a.queries.empty()) collectProblem(problems, [&] { t.queries = parseQueryList(a.queries); });
  if (!a.scores.empty()) collectProblem(problems, [&] { t.scores = parseScoreList(a.scores); });
  collectProblem(problems, [&] { t.topk = parseTopk(a.topk); });
  if (!a.share.empty()) collectProblem(problems, [&] { t.share = parseShare(a.share); });
  checkNumbers(a, problems);
  t.run = a.run;
  t.out = a.out.empty() ? besideRunFile(a.run, ".validate.h5") : a.out;
  if (samePath(t.out, a.run)) problems.push_back("--out must differ from the run file (it is never modified)");
  const std::string checkpoint = a.checkpoint.empty() ? t.out + ".ckpt" : a.checkpoint;
  if (samePath(checkpoint, t.out) || samePath(checkpoint, a.run))
    problems.push_back("--checkpoint must differ from --out and --run");
  requireValidSettings(problems);
  t.queriesText = a.queries;
  t.ldsSubsets = a.ldsSubsets;
  t.ldsFraction = a.ldsFraction;
  t.loo = a.loo;
  t.seed = static_cast<std::uint64_t>(a.seed);
  t.groupSize = a.groupSize;
  t.merge = a.merge;
  t.data = a.data;
  t.checkpoint = checkpoint;
  t.checkpointSeconds = a.checkpointSeconds;
  t.force = a.force;
  t.sizesDefaulted = a.sizesDefaulted;
  return t;
}

ValidateSettings fitToRun(const ValidateSettings& s, std::int64_t trainRows, std::ostream* log) {
  ValidateSettings fitted = s;
  if (!s.sizesDefaulted || trainRows < 2) return fitted;
  fitted.topk.clear();
  for (const std::int64_t k : s.topk)
    if (k <= trainRows - 1) fitted.topk.push_back(k);
  fitted.loo = std::min(s.loo, trainRows);
  if (log && (fitted.topk != s.topk || fitted.loo != s.loo)) {
    std::string ks;
    for (const std::int64_t k : fitted.topk) ks += (ks.empty() ? "" : ",") + std::to_string(k);
    *log << "note: N = " << trainRows << " training examples: the default top-k removal is "
         << (ks.empty() ? "none" : "k = " + ks) << " and the default leave-one-out samples K = " << fitted.loo
         << " (give --topk and --loo to choose)\n";
  }
  return fitted;
}

void requireGroupSize(std::int64_t groupSize, int ranks) {
  PK_REQUIRE(groupSize <= ranks && ranks % groupSize == 0,
             "--group-size " + std::to_string(groupSize) + " does not divide the " + std::to_string(ranks) +
                 " ranks: each group of G ranks retrains one set at a time, so G must divide the number of ranks");
}

}  // namespace pk::validation

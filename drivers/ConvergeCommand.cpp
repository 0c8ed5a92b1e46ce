// pathkernel converge: the theorem as a measurement. The same model is
// trained at lr eps, eps/2, ..., eps/2^K with lr * steps fixed (left rule),
// the order of max|r| ~ lr^p is fitted, and gauss:q is run at eps.
//   1. parse (every train option, cheap defaults)  2. validate
//   3. build (a folder for the runs)  4. run  5. report (file and table).
#include <boost/program_options.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>

#include "Commands.hpp"
#include "converge/Convergence.hpp"
#include "core/Error.hpp"
#include "core/Options.hpp"
#include "io/OutputFile.hpp"
#include "run/Run.hpp"
#include "run/RunFile.hpp"
#include "run/ScratchFolder.hpp"
#include "settings/Settings.hpp"

namespace po = boost::program_options;

namespace pk::cli {

namespace {

struct ConvergeSettings {
  TrainArguments train;
  std::int64_t halvings = 4;
  std::int64_t gaussMax = 5;
  std::string keepRuns;
};

// A small, quick problem unless the user says otherwise.
ConvergeSettings cheapDefaults() {
  ConvergeSettings s;
  s.train.out = "converge.h5";
  s.train.hidden = "16";
  s.train.lr = 0.05;
  s.train.steps = 80;
  s.train.nTrain = 64;
  s.train.nTest = 32;
  return s;
}

// Train options that mean nothing here: converge sets the path rule of each run
// itself, takes no checkpoints and prints no progress. They are still accepted
// (one INI file may serve train and converge) but hidden from the help, and a
// note says that they are ignored.
const std::vector<std::string> kIgnoredTrainOptions = {
    "path-rule", "checkpoint", "checkpoint-every", "restart", "keep-checkpoint", "progress-every", "pid-file"};

std::string optionList(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "--" : ", --") + name;
  return list;
}

bool ignored(const std::string& name) {
  return std::find(kIgnoredTrainOptions.begin(), kIgnoredTrainOptions.end(), name) != kIgnoredTrainOptions.end();
}

struct ConvergeOptions {
  po::options_description shown{"pathkernel converge options"};
  po::options_description all;  // shown + the ignored train options
};

ConvergeOptions describe(ConvergeSettings& s) {
  ConvergeOptions d;
  po::options_description hidden;
  const po::options_description train = describeTrainOptions(s.train);
  for (const auto& option : train.options()) {
    const std::string& name = option->long_name();
    if (ignored(name))
      hidden.add(option);
    else if (name != "out")
      d.shown.add(option);
  }
  auto number = [&s](auto* store, const char* name) { return checkedValue(store, &s.train.parseProblems, name); };
  // clang-format off
  d.shown.add_options()
      ("out", po::value(&s.train.out)->default_value(s.train.out),
       "the convergence table file (docs/FORMAT.md, section 3); the runs go to a temporary folder or --keep-runs")
      ("halvings", number(&s.halvings, "halvings")->default_value(s.halvings), "learning rates eps, eps/2, ..., eps/2^K; K in 1..12")
      ("gauss-max", number(&s.gaussMax, "gauss-max")->default_value(s.gaussMax), "also run gauss:q for q = 1..Q at eps; Q in 0..8")
      ("keep-runs", po::value(&s.keepRuns), "keep the run files in this existing folder (default: a removed temporary one)");
  // clang-format on
  d.all.add(d.shown).add(hidden);
  return d;
}

void printHelp(const ConvergeOptions& d) {
  std::cout << "usage: pathkernel converge [options]\n\n"
            << "Trains the same model at lr eps, eps/2, ..., eps/2^K (left rule, lr x steps fixed) and under\n"
            << "gauss:1..Q at eps, and writes the residuals and the fitted order to the table file\n"
            << "(README: The theorem as a measurement). --tangent-kernels and --kernel-coef only change the\n"
            << "kept runs (--keep-runs).\n\n"
            << d.shown << "\n"
            << "Accepted and ignored, so that one INI file can serve train and converge:\n  "
            << optionList(kIgnoredTrainOptions) << ".\n";
}

bool parse(int argc, char** argv, ConvergeSettings& s, bool isRoot) {
  const ConvergeOptions description = describe(s);
  po::variables_map vm;
  parseOptions(argc, argv, description.all, vm, "converge");
  s.train.given = givenOptions(vm);
  if (vm.count("help")) {
    if (isRoot) printHelp(description);
    return false;
  }
  std::vector<std::string> given;
  std::copy_if(s.train.given.begin(), s.train.given.end(), std::back_inserter(given), ignored);
  if (isRoot && !given.empty())
    std::cout << "pathkernel converge: note: ignoring " << optionList(given)
              << " (converge chooses each run's path rule, takes no checkpoints and prints no progress)\n";
  // Ignored for real: every run starts from w_0 and writes a checkpoint only when stopped by a signal.
  s.train.restart.clear();
  s.train.checkpointEvery = 0;
  s.train.pidFile.clear();
  return true;
}

}  // namespace

int converge(int argc, char** argv, int rank) {
  // 1. parse
  ConvergeSettings s = cheapDefaults();
  if (!parse(argc, argv, s, rank == 0)) return 0;

  // 2. validate
  auto problems = validate(s.train);
  if (s.halvings < 1 || s.halvings > 12) problems.push_back("--halvings must be in 1..12");
  if (s.gaussMax < 0 || s.gaussMax > PathRule::kMaxGaussPoints) problems.push_back("--gauss-max must be in 0..8");
  if (s.train.steps < 1) problems.push_back("--steps must be >= 1 for converge");
  requireValidSettings(problems);
  const TrainSettings base = resolveSettings(s.train);
  if (base.dryRun) {
    // The longest of the runs: what each rank will need at most.
    TrainSettings longest = base;
    longest.training.steps = base.training.steps << s.halvings;
    runTraining(longest, MPI_COMM_WORLD, rank == 0 ? &std::cout : nullptr);
    return 0;
  }
  requireOutputPath(s.train.out, s.train.force, MPI_COMM_WORLD);
  if (!s.keepRuns.empty()) requireOutputPath(s.keepRuns + "/left_0.h5", s.train.force, MPI_COMM_WORLD);

  // 3. build
  const ScratchFolder folder(s.keepRuns, MPI_COMM_WORLD);
  std::ostream* log = rank == 0 ? &std::cout : nullptr;
  if (log)
    *log << "pathkernel converge: " << s.train.data << ", hidden " << s.train.hidden << ", loss " << s.train.loss
         << ", lr " << s.train.lr << " x steps " << s.train.steps << " fixed, " << s.halvings << " halvings\n";

  // 4. run
  const auto table = measureConvergence(base, static_cast<int>(s.halvings), static_cast<int>(s.gaussMax), folder.path(),
                                        MPI_COMM_WORLD, log);

  // 5. report
  writeConvergenceFile(s.train.out, table, base, MPI_COMM_WORLD);
  if (log) {
    printConvergence(*log, table);
    *log << "wrote " << s.train.out << (s.keepRuns.empty() ? "" : ", runs kept in " + s.keepRuns) << "\n";
  }
  return 0;
}

}  // namespace pk::cli

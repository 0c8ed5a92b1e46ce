// pathkernel converge: the theorem as a measurement. The same model is
// trained at lr eps, eps/2, ..., eps/2^K with lr * steps fixed (left rule),
// the order of max|r| ~ lr^p is fitted, and gauss:q is run at eps.
//   1. parse (every train option, cheap defaults)  2. validate
//   3. build (a folder for the runs)  4. run  5. report (file and table).
#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>

#include "Commands.hpp"
#include "core/Error.hpp"
#include "run/Convergence.hpp"
#include "run/ScratchFolder.hpp"
#include "core/Options.hpp"
#include "io/OutputFile.hpp"
#include "run/Run.hpp"
#include "run/RunFile.hpp"
#include "run/Settings.hpp"

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

bool parse(int argc, char** argv, ConvergeSettings& s, bool printHelp) {
  auto description = describeTrainOptions(s.train);
  po::options_description own("pathkernel converge options (--out names the table file; --path-rule is ignored)");
  // clang-format off
  own.add_options()
      ("halvings", po::value(&s.halvings)->default_value(s.halvings), "learning rates eps, eps/2, ..., eps/2^K; K in 1..12")
      ("gauss-max", po::value(&s.gaussMax)->default_value(s.gaussMax), "also run gauss:q for q = 1..Q at eps; Q in 0..8")
      ("keep-runs", po::value(&s.keepRuns), "keep the run files in this existing folder (default: a removed temporary one)");
  // clang-format on
  description.add(own);
  po::variables_map vm;
  parseOptions(argc, argv, description, vm, "converge");
  if (vm.count("help")) {
    if (printHelp) std::cout << "usage: pathkernel converge [options]\n\n" << description << "\n";
    return false;
  }
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
  const auto table = measureConvergence(base, static_cast<int>(s.halvings), static_cast<int>(s.gaussMax),
                                        folder.path(), MPI_COMM_WORLD, log);

  // 5. report
  writeConvergenceFile(s.train.out, table, base, MPI_COMM_WORLD);
  if (log) {
    printConvergence(*log, table);
    *log << "wrote " << s.train.out << (s.keepRuns.empty() ? "" : ", runs kept in " + s.keepRuns) << "\n";
  }
  return 0;
}

}  // namespace pk::cli

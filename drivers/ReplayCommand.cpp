// pathkernel replay: a finished run's rows for new query points.
//   1. parse  2. validate  3. run (the library recomputes the path)  4. report.
#include <boost/program_options.hpp>

#include <iostream>

#include "Commands.hpp"
#include "core/Error.hpp"
#include "core/FilePath.hpp"
#include "core/Options.hpp"
#include "replay/Replay.hpp"
#include "settings/SnapshotSteps.hpp"

namespace po = boost::program_options;

namespace pk::cli {

namespace {

po::options_description describe(ReplaySettings& s) {
  po::options_description d("pathkernel replay options");
  // clang-format off
  d.add_options()
      ("help,h", "print this help and exit")
      ("run", po::value(&s.run), "the finished run file (pathkernel train)")
      ("queries", po::value(&s.queries),
       "the new points: FILE.h5 with /X [n, D] (and optionally /y), or DATA.h5:test for a data file's test split")
      ("out", po::value(&s.out)->default_value(s.out), "the queries file to write (docs/FORMAT.md, section 6)")
      ("force", po::bool_switch(&s.force), "replace --out if it exists")
      ("checkpoint", po::value(&s.checkpoint), "checkpoint file (default: OUT.ckpt); also written on SIGINT/SIGTERM/SIGUSR1")
      ("checkpoint-every", po::value(&s.checkpointEvery)->default_value(s.checkpointEvery),
       "steps between checkpoints; 0 = only when stopped by a signal")
      ("restart", po::value(&s.restart), "continue from this checkpoint")
      ("keep-checkpoint", po::bool_switch(&s.keepCheckpoint), "keep the checkpoint after the queries file is written")
      ("progress-every", po::value(&s.progressEvery)->default_value(s.progressEvery),
       "steps between progress lines; 0 = about 20 per replay")
      ("snapshots", po::value(&s.snapshots),
       "keep the query points' tangent kernel at these steps: 0,10,100 or log:K (default: the run's snapshot steps)")
      ("dry-run", po::bool_switch(&s.dryRun), "print the plan and the memory per rank, then stop");
  // clang-format on
  return d;
}

}  // namespace

int replay(int argc, char** argv, int rank) {
  // 1. parse
  ReplaySettings s;
  const auto description = describe(s);
  po::variables_map vm;
  parseOptions(argc, argv, description, vm, "replay");
  if (vm.count("help")) {
    if (rank == 0)
      std::cout << "usage: pathkernel replay --run RUN.h5 --queries FILE.h5|DATA.h5:test [--out Q.h5] [options]\n\n"
                << description << "\n";
    return 0;
  }
  // 2. validate
  std::vector<std::string> problems;
  if (s.run.empty()) problems.push_back("--run: the run file is required");
  if (s.queries.empty()) problems.push_back("--queries: the query points are required (FILE.h5 or DATA.h5:test)");
  if (s.out.empty()) problems.push_back("--out must name a file");
  if (s.checkpointEvery < 0) problems.push_back("--checkpoint-every must be >= 0");
  if (s.progressEvery < 0) problems.push_back("--progress-every must be >= 0");
  if (!s.snapshots.empty()) collectProblem(problems, [&] { SnapshotSteps::parse(s.snapshots); });
  if (samePath(s.out, s.run)) problems.push_back("--out must differ from the run file (it is never modified)");
  const std::string checkpoint = s.checkpoint.empty() ? s.out + ".ckpt" : s.checkpoint;
  if (samePath(checkpoint, s.out) || samePath(checkpoint, s.run))
    problems.push_back("--checkpoint must differ from --out and --run");
  requireValidSettings(problems);
  // 3. run  4. report (in the library)
  runReplay(s, MPI_COMM_WORLD, rank == 0 ? &std::cout : nullptr);
  return 0;
}

}  // namespace pk::cli

// pathkernel predict: the trained network's outputs for new points (no replay).
//   1. parse  2. validate  3. run (the library)  4. report (text, CSV or JSON; a file with --out).
#include <boost/program_options.hpp>

#include <iostream>

#include "Commands.hpp"
#include "core/Error.hpp"
#include "core/FilePath.hpp"
#include "core/Options.hpp"
#include "explain/Predict.hpp"
#include "explain/Report.hpp"
#include "io/OutputFile.hpp"

namespace po = boost::program_options;

namespace pk::cli {

int predict(int argc, char** argv, int rank) {
  // 1. parse
  std::string run, queries, out, format = "table";
  bool force = false;
  po::options_description d("pathkernel predict options");
  // clang-format off
  d.add_options()
      ("help,h", "print this help and exit")
      ("run", po::value(&run), "the run file (pathkernel train)")
      ("queries", po::value(&queries), "the points: FILE.h5 with /X [n, D], or DATA.h5:test")
      ("out", po::value(&out), "also write the predictions to this file (docs/FORMAT.md, section 7)")
      ("format", po::value(&format)->default_value(format), "table|csv|json")
      ("force", po::bool_switch(&force), "replace --out if it exists");
  // clang-format on
  po::variables_map vm;
  parseOptions(argc, argv, d, vm, "predict");
  if (vm.count("help")) {
    if (rank == 0) std::cout << "usage: pathkernel predict --run RUN.h5 --queries FILE.h5 [options]\n\n" << d << "\n";
    return 0;
  }
  // 2. validate
  std::vector<std::string> problems;
  if (run.empty()) problems.push_back("--run: the run file is required");
  if (queries.empty()) problems.push_back("--queries: the points are required (FILE.h5 or DATA.h5:test)");
  collectProblem(problems, [&] { explain::parseFormat(format); });
  if (samePath(out, run)) problems.push_back("--out must differ from the run file (it is never modified)");
  requireValidSettings(problems);
  if (!out.empty()) requireOutputPath(out, force, MPI_COMM_WORLD);
  // 3. run  4. report
  const explain::Predictions p = explain::predict(run, queries, MPI_COMM_WORLD);
  if (!out.empty()) explain::writePredictions(out, run, queries, p, MPI_COMM_WORLD);
  explain::printPredictions(rank == 0 ? &std::cout : nullptr, p, format, MPI_COMM_WORLD);
  return 0;
}

}  // namespace pk::cli

// pathkernel krr: kernel ridge regression with the kernels a run learned.
//   1. parse  2. validate  3. build (the run's targets and references)
//   4. run (every kernel x every lambda, PETSc KSP)  5. report (table, file)
// Exit status: 0 if at least one solve succeeded, 3 if every solve failed,
// 1 on bad input (pk::InputError, reported by main).
#include <iostream>

#include "Commands.hpp"
#include "core/Environment.hpp"
#include "core/Error.hpp"
#include "io/OutputFile.hpp"
#include "krr/KrrProblem.hpp"
#include "krr/KrrReport.hpp"
#include "krr/KrrRun.hpp"
#include "krr/KrrSettings.hpp"

namespace pk::cli {

int krr(int argc, char** argv, int rank) {
  const MPI_Comm comm = MPI_COMM_WORLD;

  // 1. Parse; options this command does not know go to PETSc.
  KrrSettings settings;
  if (!parseKrrSettings(argc, argv, settings, rank == 0)) return 0;

  // 2. Validate every setting at once.
  const auto problems = validate(settings);
  requireValidSettings(problems);
  const auto kernels = parseKernelList(settings.kernels);
  const auto lambdas = parseRidgeList(settings.ridge);
  const std::string out = krrOutputPath(settings);
  requireOutputPath(out, settings.force, comm);
  usePetscOptions(settings.petscOptions);

  // 3. Build: targets, the network's and y_KM's predictions, checks of every kernel asked for.
  const KrrProblem problem = loadKrrProblem(settings, kernels, comm);
  const KrrReference reference = scoreReference(problem, comm);

  // 4. Run.
  SolverOptions options;
  options.rtol = settings.rtol;
  const auto rows = runKernelRidge(problem, kernels, lambdas, settings.bandwidth, options, comm);

  // 5. Report.
  if (rank == 0) printKrrReport(std::cout, problem, rows, reference);
  writeKrrFile(out, settings, problem, rows, reference, comm);
  if (rank == 0) std::cout << "wrote " << out << std::endl;
  bool anyOk = false;
  for (const auto& row : rows) anyOk = anyOk || row.solution.ok;
  return anyOk ? 0 : 3;
}

}  // namespace pk::cli

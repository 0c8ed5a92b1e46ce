// pathkernel dynamics: how the kernel changed during training, from a run's
// kernel snapshots, its path kernel and the path kernel's layers.
//   1. parse  2. validate (settings, then against the run)  3. run (every matrix)
//   4. report (table, csv or json on rank 0; the output file)  5. optionally, the benchmark.
#include <iostream>

#include "Commands.hpp"
#include "core/Error.hpp"
#include "core/Text.hpp"
#include "dynamics/DynamicsAnalysis.hpp"
#include "dynamics/DynamicsBench.hpp"
#include "dynamics/DynamicsFile.hpp"
#include "dynamics/DynamicsReport.hpp"
#include "dynamics/DynamicsSettings.hpp"
#include "dynamics/Spectrum.hpp"
#include "io/OutputFile.hpp"
#include "results/RunReader.hpp"

namespace pk::cli {

int dynamics(int argc, char** argv, int rank) {
  const MPI_Comm comm = MPI_COMM_WORLD;
  int ranks = 1;
  PK_MPI(MPI_Comm_size(comm, &ranks));

  // 1. Parse; options this command does not know go to PETSc (and SLEPc).
  dynamics::DynamicsSettings settings;
  if (!dynamics::parseDynamicsSettings(argc, argv, settings, rank == 0)) return 0;

  // 2. Validate every setting at once, then against the run.
  requireValidSettings(dynamics::validate(settings));
  const auto format = dynamics::parseFormat(settings.format);
  const std::string out = dynamics::dynamicsOutputPath(settings);
  requireOutputPath(out, settings.force, comm);
  dynamics::useSolverOptions(settings.petscOptions);
  const RunReader run(settings.run, comm);
  const auto request = dynamics::resolveRequest(run, dynamics::parseKernelSelection(settings.kernels), settings.eigen,
                                                settings.eigenvectors);
  if (rank == 0 && format == dynamics::Format::Table)
    std::cout << "memory: about " << formatNumber("%.3g", dynamics::memoryPerRank(run, request, ranks) / 1e6)
              << " MB per rank\n";

  // 3. Run.
  const double start = MPI_Wtime();
  const dynamics::DynamicsResult result = dynamics::analyseDynamics(run, request);
  const double seconds = MPI_Wtime() - start;

  // 4. Report.
  if (rank == 0) dynamics::printDynamics(std::cout, result, format, ranks);
  dynamics::writeDynamicsFile(out, settings, result, comm);
  if (rank == 0 && format == dynamics::Format::Table)
    std::cout << "wrote " << out << " in " << formatNumber("%.3g", seconds) << " s of analysis" << std::endl;

  // 5. Benchmark.
  if (settings.bench) {
    const auto bench = dynamics::benchEigensolvers(run, request);
    if (rank == 0)
      dynamics::printBench(std::cout, bench, seconds,
                           result.snapshots.size() + result.path.size() + result.layers.size());
  }
  return 0;
}

}  // namespace pk::cli

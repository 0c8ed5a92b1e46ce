// pathkernel train: 1. parse  2. validate  3. run  4. report (in the library).
#include <iostream>

#include "Commands.hpp"
#include "core/Error.hpp"
#include "run/Run.hpp"
#include "settings/Settings.hpp"

namespace pk::cli {

int train(int argc, char** argv, int rank) {
  TrainArguments arguments;
  if (!parseTrainArguments(argc, argv, arguments, rank == 0)) return 0;
  const TrainSettings settings = resolveSettings(arguments);
  runTraining(settings, MPI_COMM_WORLD, rank == 0 ? &std::cout : nullptr);
  return 0;
}

}  // namespace pk::cli

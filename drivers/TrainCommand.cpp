// pathkernel train: 1. parse  2. validate  3. run  4. report (in the library).
#include <iostream>

#include "Commands.hpp"
#include "core/Error.hpp"
#include "run/Run.hpp"
#include "run/Settings.hpp"

namespace pk::cli {

int train(int argc, char** argv, int rank) {
  TrainSettings settings;
  if (!parseTrainSettings(argc, argv, settings, rank == 0)) return 0;
  const auto problems = validate(settings);
  requireValidSettings(problems);
  runTraining(settings, MPI_COMM_WORLD, rank == 0 ? &std::cout : nullptr);
  return 0;
}

}  // namespace pk::cli

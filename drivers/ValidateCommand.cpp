// pathkernel validate: do the contributions predict retraining?
//   1. parse  2. validate (every setting; the run's own checks when the study is defined)
//   3. build and run (the library: define the study, retrain in groups, measure, write)
//   4. report on rank 0.
#include <iostream>

#include "Commands.hpp"
#include "validate/Report.hpp"
#include "validate/Validation.hpp"

namespace pk::cli {

int validate(int argc, char** argv, int rank) {
  validation::ValidateArguments arguments;
  if (!validation::parseValidateArguments(argc, argv, arguments, rank == 0)) return 0;
  const validation::ValidateSettings settings = validation::resolveValidateSettings(arguments);
  std::ostream* log = rank == 0 ? &std::cout : nullptr;
  const validation::ValidationReport report = settings.merging()
                                                  ? validation::mergeValidation(settings, MPI_COMM_WORLD)
                                                  : validation::runValidation(settings, MPI_COMM_WORLD, log);
  if (log) validation::printReport(*log, settings, report);
  return 0;
}

}  // namespace pk::cli

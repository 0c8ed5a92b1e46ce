#pragma once
// `pathkernel validate` from settings to file: define the study from the run,
// resume the progress file if there is one, retrain in groups, measure and
// write; or merge the share files of an array job. Rank 0 reports progress.
#include <mpi.h>

#include <ostream>

#include "validate/Measures.hpp"
#include "validate/Rounds.hpp"
#include "validate/ValidateFile.hpp"
#include "validate/ValidateSettings.hpp"

namespace pk::validation {

struct ValidationReport {
  ValidateFileContents contents;  // the study, its results, share and notes, as written
  Measures measures;              // when `measured`
  bool measured = false;
  std::string written;       // the file written ("" when stopped)
  int stopSignal = 0;        // a signal stopped the study; the progress file holds what was done
  std::int64_t resumed = 0;  // retrainings taken from the progress file
  RoundOutcome thisStart;    // the rounds of this start
  int ranks = 1;
};

/// Collective on world. Throws InputError on bad input, before anything is written.
ValidationReport runValidation(const ValidateSettings& settings, MPI_Comm world, std::ostream* log);

/// Collective on world: combines the share files of one study (settings.merge) into settings.out.
ValidationReport mergeValidation(const ValidateSettings& settings, MPI_Comm world);

}  // namespace pk::validation

#pragma once
// Checks of the data against the chosen loss, done once after loading, on
// every rank together so every rank reports the same problem.
#include <mpi.h>

#include <cstdint>

#include "core/Dataset.hpp"
#include "model/Loss.hpp"

namespace pk {

/// Collective. Throws InputError for NaN/Inf values, labels that do not fit
/// the loss, or a y shape the loss cannot use. Returns C, the number of
/// network outputs (for softmax: `classes`, or 1 + the largest label if 0).
std::int64_t checkDataAndCountOutputs(const Dataset& data, Loss loss, std::int64_t classes, MPI_Comm comm);

}  // namespace pk

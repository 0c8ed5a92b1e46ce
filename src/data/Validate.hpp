#pragma once
// Checks of the data against the chosen loss, done once after loading, on
// every rank together so every rank reports the same problem.
#include <mpi.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/Dataset.hpp"
#include "model/Loss.hpp"

namespace pk {

/// The loss to train with: `asked` if given, else the loss the data names, else
/// mse. Throws InputError when nothing is asked and the data names no loss but
/// has integer labels: class ids are not regression targets, so mse is never
/// guessed for them. Not collective (every rank has the same Dataset header).
Loss resolveLoss(const Dataset& data, std::optional<Loss> asked);

/// Collective. Throws InputError for NaN/Inf values, labels that do not fit
/// the loss, or a y shape the loss cannot use. Returns C, the number of
/// network outputs (for softmax: `classes`, or 1 + the largest label if 0).
std::int64_t checkDataAndCountOutputs(const Dataset& data, Loss loss, std::int64_t classes, MPI_Comm comm);

/// Collective. Throws InputError (on every rank) naming `what` and the first global
/// row with a NaN or Inf in this rank's block `x` of rows starting at `firstRow`.
void requireFiniteRows(const Matrix& x, std::int64_t firstRow, const std::string& what, MPI_Comm comm);

/// Collective. Throws InputError naming `what` and the first global row of this
/// rank's block `y` (rows from `firstRow`) that is not a label of `loss` with
/// `outputs` outputs: 0 or 1 (logistic), a whole number below `outputs`
/// (softmax), finite (mse). For targets given apart from the training data.
void requireLabelRows(const Matrix& y, std::int64_t firstRow, Loss loss, std::int64_t outputs, const std::string& what,
                      MPI_Comm comm);

}  // namespace pk

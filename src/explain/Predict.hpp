#pragma once
// The trained network's outputs for new points, cheap: the run file's initial
// and final parameters applied to the query points (no replay). For
// classification also the class probabilities (sigmoid or softmax of the
// logits) and the predicted class.
#include <mpi.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/Matrix.hpp"
#include "io/DataFile.hpp"
#include "model/Loss.hpp"

namespace pk::explain {

inline constexpr const char* kPredictionsFormat = "pathkernel-predictions";
inline constexpr std::int64_t kPredictionsFormatVersion = 1;

struct Predictions {
  Loss loss = Loss::Mse;
  std::int64_t outputs = 1;
  bool matrixShape = false;             // [n, C] rather than [n] in files (C > 1 or targets given as [N, C])
  QueryFile queries;                    // this rank's query rows
  Matrix network, initial;              // f_S, f_0 for this rank's rows [n_local, C]
  Matrix probability;                   // classification: p(class 1) [n_local, 1] or the softmax [n_local, C]
  std::vector<std::string> classNames;  // the run's data file's names of the classes, or none
};

/// Collective. Reads the run (any pathkernel run file) and the query points
/// (FILE.h5 with /X, or DATA.h5:test) and evaluates the network at w_S and w_0.
Predictions predict(const std::string& run, const std::string& queries, MPI_Comm comm);

/// Collective. The predictions as a file (format "pathkernel-predictions", docs/FORMAT.md section 7).
void writePredictions(const std::string& path, const std::string& run, const std::string& queries, const Predictions& p,
                      MPI_Comm comm);

/// Collective (gathers the rows); rank 0 prints a table, CSV or JSON (format "table"|"csv"|"json").
void printPredictions(std::ostream* out, const Predictions& p, const std::string& format, MPI_Comm comm);

}  // namespace pk::explain

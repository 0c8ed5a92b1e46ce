#pragma once
// What kernel ridge regression needs from a run file: the loss and shapes
// from /config, this rank's rows of the targets, and the network's and the
// run's own kernel machine's predictions to compare against. The targets and
// inputs come from the run's /data, or from a data file (--data, or the file
// recorded in /config data, checked against /config data_sha256).
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/Matrix.hpp"
#include "krr/KrrSettings.hpp"
#include "model/Loss.hpp"

namespace pk {

struct KrrProblem {
  std::string runPath;
  Loss loss = Loss::Mse;
  std::int64_t outputs = 1;  // C
  std::int64_t nTrain = 0, nTest = 0, inputs = 0;
  std::string pathRule;
  std::string dataFile;    // where targets and inputs are read
  std::string dataPrefix;  // "/data" inside a run file, "" in a data file
  // The held-out rows: the run's test points, or a replay's query points (--queries).
  std::string testSource = "";             // the file holding their kernel rows and predictions
  std::string testSet = "test";            // their set name in it ("test" or "query")
  std::string testInputsFile, testInputs;  // where their inputs are (for rbf)
  Matrix trainY, testY;                    // this rank's rows of the targets as stored [local, columns of y]
  Matrix trainNetwork, testNetwork, trainMachine, testMachine;  // this rank's rows [local, C]
};

/// Collective. Opens the run file (read only) and checks that every kernel in
/// `kernels` is stored (for snapshot:J, that the run has snapshot J). Throws
/// InputError (alike on every rank) for a missing or foreign file, a missing
/// kernel, or a data file that does not match the run.
KrrProblem loadKrrProblem(const KrrSettings& settings, const std::vector<KernelChoice>& kernels, MPI_Comm comm);

/// Collective. Rows [first, first + rows) of the inputs of `split` ("train"|"test") [rows, D].
Matrix readInputs(const KrrProblem& problem, const std::string& split, std::int64_t first, std::int64_t rows,
                  MPI_Comm comm);

/// The group of a stored kernel in the run file ("/kernel/path", ...; "/snapshots/tangent", whose
/// datasets stack every snapshot); empty for rbf.
std::string storedKernelGroup(KernelKind kind);

}  // namespace pk

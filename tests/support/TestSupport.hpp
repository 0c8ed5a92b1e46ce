#pragma once
// Helpers shared by the tests: temporary paths agreed by every rank, small
// runs through the library, and comparisons of datasets across files.
#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

#include "settings/Settings.hpp"

namespace pk::test {

int rank();
int size();

/// A path in a fresh folder made by rank 0 and shared with every rank. Collective.
std::string tempPath(const std::string& fileName);

/// Removes the folders tempPath made on this rank (rank 0). Not collective.
void removeTempFolders();

/// Small default arguments for runs inside tests (quiet, written to `out`).
TrainArguments smallSettings(const std::string& out);

/// Runs `pathkernel train` through the library on MPI_COMM_WORLD. Collective.
void train(const TrainArguments& settings);

/// Every element of a dataset, read on every rank. Collective.
std::vector<double> readAll(const std::string& file, const std::string& dataset);
std::vector<unsigned long long> shapeOf(const std::string& file, const std::string& dataset);

/// max |a - b| / max |b| (0 if both are all zero).
double relativeDifference(const std::vector<double>& a, const std::vector<double>& b);

/// Runs a shell command on rank 0 only and returns its exit status on every rank. Collective.
int shellOnRoot(const std::string& command);

/// The source tree (for the shipped data sets) and the built program.
std::string sourceDir();
std::string programPath();

}  // namespace pk::test

namespace pk::test {
/// Fails the test unless `call` throws an InputError whose message contains `words`.
void expectInputError(const std::function<void()>& call, const std::string& words);
/// Runs the same training on rank 0 alone (MPI_COMM_SELF), writing `settings.out`:
/// the single-rank reference for comparisons at any rank count. Collective.
void trainOnRankZeroAlone(const TrainArguments& settings);
/// Datasets whose values every run writes (docs/FORMAT.md, section 2), for comparisons.
std::vector<std::string> kernelAndPredictionDatasets(bool withTest);
}  // namespace pk::test

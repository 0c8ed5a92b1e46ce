#pragma once
// Reading the training data file (README: Input data): each rank reads only its
// own block of rows (hyperslabs).
#include <mpi.h>

#include <string>
#include <vector>

#include "core/Dataset.hpp"

namespace pk {

/// Collective. Throws InputError naming the problem if the file does not have
/// the documented layout (missing datasets, wrong ranks or lengths, N = 0, ...).
Dataset readDataFile(const std::string& path, MPI_Comm comm);

/// SHA-256 over the bytes of /train/X, /train/y, /test/X, /test/y (those
/// present, in that order, little-endian float64 or int64 as stored).
/// Collective; the hash is computed on rank 0, streaming rows, and broadcast.
std::string hashDataFile(const std::string& path, MPI_Comm comm);

/// The same over the datasets `names` (those present, in that order).
std::string hashDatasets(const std::string& path, const std::vector<std::string>& names, MPI_Comm comm);

/// Query points for a finished run: GROUP/X [n, D] (or images [n, C, H, W]) and, optionally, GROUP/y
/// (GROUP is "" for a queries file, "/test" for a data file's test split).
struct QueryFile {
  DataBlock block;  // this rank's rows; y empty without targets
  std::int64_t inputs = 0;
  std::vector<std::int64_t> inputShape;  // [C, H, W] when /X holds images [n, C, H, W], else empty
  bool hasTargets = false;
  std::int64_t targetCols = 1;
  bool targetIsMatrix = false;
  std::string sha256;  // of GROUP/X and GROUP/y
};

/// Collective. Throws InputError naming the problem for a missing or malformed GROUP/X or GROUP/y.
QueryFile readQueryFile(const std::string& path, const std::string& group, MPI_Comm comm);

}  // namespace pk

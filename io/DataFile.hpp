#pragma once
// Reading the training data file (README: Input data): each rank reads only its
// own block of rows (hyperslabs).
#include <mpi.h>

#include <string>

#include "core/Dataset.hpp"

namespace pk {

/// Collective. Throws InputError naming the problem if the file does not have
/// the documented layout (missing datasets, wrong ranks or lengths, N = 0, ...).
Dataset readDataFile(const std::string& path, MPI_Comm comm);

/// SHA-256 over the bytes of /train/X, /train/y, /test/X, /test/y (those
/// present, in that order, little-endian float64 or int64 as stored).
/// Collective; the hash is computed on rank 0, streaming rows, and broadcast.
std::string hashDataFile(const std::string& path, MPI_Comm comm);

}  // namespace pk

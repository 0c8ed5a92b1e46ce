#pragma once
// Seeded synthetic data sets, identical on every rank and rank count.
#include <cstdint>
#include <string>

#include "core/Dataset.hpp"
#include "core/Partition.hpp"

namespace pk {

struct BuiltinSpec {
  std::string name;  // one of builtinNames()
  std::int64_t nTrain = 256;
  std::int64_t nTest = 128;
  std::int64_t inputs = 2;
  std::uint64_t seed = 1;
};

/// Data named "builtin:<name>" is generated, not read from a file.
inline constexpr const char* kBuiltinPrefix = "builtin:";
inline bool isBuiltin(const std::string& data) {
  return data.rfind(kBuiltinPrefix, 0) == 0;
}

/// Names of the built-in sets, "regression, regression2, moons, blobs", for messages and help.
std::string builtinNames();

/// Generates the set and keeps this rank's rows of each split. Collective.
Dataset makeBuiltin(const BuiltinSpec& spec, MPI_Comm comm);

}  // namespace pk

#pragma once
// The results of `pathkernel dynamics` on the terminal: a table for people
// (a header saying what every column is, one row per matrix, the three
// largest eigenvalues), or csv and json at full precision for scripts (every
// eigenvalue; NaN is "nan" in csv and null in json).
#include <ostream>

#include "dynamics/DynamicsResult.hpp"
#include "dynamics/DynamicsSettings.hpp"

namespace pk::dynamics {

/// Not collective (call on one rank).
void printDynamics(std::ostream& out, const DynamicsResult& result, Format format, int ranks);

/// The name of matrix `index` of a series in the table: K^g_s, K^p, K^p layer l (l = index + 1).
std::string matrixName(Series series, std::size_t index);

}  // namespace pk::dynamics

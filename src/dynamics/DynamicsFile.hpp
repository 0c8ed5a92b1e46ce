#pragma once
// The output file of `pathkernel dynamics` (format "pathkernel-dynamics",
// version 1; docs/FORMAT.md, section 8), written through io/OutputFile: to
// PATH.partial, renamed when complete.
#include <mpi.h>

#include <string>

#include "dynamics/DynamicsResult.hpp"
#include "dynamics/DynamicsSettings.hpp"

namespace pk::dynamics {

inline constexpr const char* kDynamicsFormat = "pathkernel-dynamics";
inline constexpr std::int64_t kDynamicsFormatVersion = 1;

/// Collective. Writes every series measured, its eigenpairs and the settings to `path`.
void writeDynamicsFile(const std::string& path, const DynamicsSettings& settings, const DynamicsResult& result,
                       MPI_Comm comm);

}  // namespace pk::dynamics

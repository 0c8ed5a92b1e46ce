#pragma once
// The results of `pathkernel krr`: the side-by-side table printed on rank 0,
// and the output file (format "pathkernel-krr", version 1; docs/FORMAT.md,
// section 5), written to a temporary name and renamed when complete.
#include <mpi.h>

#include <ostream>
#include <string>
#include <vector>

#include "krr/KernelRidge.hpp"
#include "krr/KrrProblem.hpp"
#include "krr/KrrSettings.hpp"
#include "krr/Scores.hpp"

namespace pk {

inline constexpr const char* kKrrFormat = "pathkernel-krr";
inline constexpr std::int64_t kKrrFormatVersion = 1;

struct KrrRow {
  KernelChoice kernel;
  std::string description;  // what the kernel is (KernelMatrices::description)
  RidgeSolution solution;
  Scores train, test;
};

/// The network's and the run's kernel machine's own errors (all ranks alike).
struct KrrReference {
  Scores networkTrain, networkTest, machineTrain, machineTest;
};

/// Collective. Scores the network and y_KM of the run.
KrrReference scoreReference(const KrrProblem& problem, MPI_Comm comm);

/// Not collective (call on one rank). Header lines, kernel notes, the table, and a suggestion per failed solve.
void printKrrReport(std::ostream& os, const KrrProblem& problem, const std::vector<KrrRow>& rows,
                    const KrrReference& reference);

/// Collective. Writes the table and every alpha to `path` (through `path`.partial).
void writeKrrFile(const std::string& path, const KrrSettings& settings, const KrrProblem& problem,
                  const std::vector<KrrRow>& rows, const KrrReference& reference, MPI_Comm comm);

}  // namespace pk

#pragma once
// `pathkernel dynamics --bench`: the eigensolver against a dense symmetric
// eigensolve of the same matrix, in the same run. One matrix (the last
// snapshot, else K^p, else layer 0) is solved by SLEPc on every rank and by
// LAPACK's dsyevd on rank 0 alone after gathering it there (the one place an
// N x N matrix is held by one rank, for this comparison only): eigenvalues
// only, and with eigenvectors. The eigenvalues must agree. The machines are
// shared and noisy, and noise only ever adds time: each solver's time is the
// shortest of kRepeats solves (one solve for the dense one with eigenvectors,
// which is only reported).
#include <cstdint>
#include <ostream>
#include <string>

#include "dynamics/DynamicsAnalysis.hpp"
#include "results/RunReader.hpp"

namespace pk::dynamics {

inline constexpr int kRepeats = 3;

struct BenchResult {
  std::string matrix;                // which matrix was solved
  std::int64_t n = 0, count = 0;     // N, E
  int ranks = 1;                     // the ranks SLEPc used
  std::string solver;                // SLEPc's solver type
  double slepcSeconds = 0.0;         // E eigenpairs with SLEPc (eigenvectors if asked), best of kRepeats
  double denseValuesSeconds = 0.0;   // dsyevd, eigenvalues only, rank 0, best of kRepeats
  double denseVectorsSeconds = 0.0;  // dsyevd with eigenvectors, rank 0
  double maxDifference = 0.0;        // max_k |lambda_k - lambda_k(dsyevd)| / |lambda_1(dsyevd)|, k <= E
};

/// Collective. Throws InputError when N x N does not fit one MPI message.
BenchResult benchEigensolvers(const RunReader& run, const DynamicsRequest& request);

/// Not collective. The comparison, with `analysisSeconds` the time of the whole analysis of `matrices` matrices.
void printBench(std::ostream& out, const BenchResult& bench, double analysisSeconds, std::size_t matrices);

}  // namespace pk::dynamics

#include "dynamics/DynamicsBench.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/Error.hpp"
#include "core/Lapack.hpp"
#include "core/Text.hpp"
#include "dynamics/Spectrum.hpp"
#include "dynamics/StoredKernel.hpp"
#include "io/H5.hpp"

// Eigenvalues alone, the fastest dense symmetric solve (core/Lapack computes eigenvectors too).
extern "C" void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
                        double* work, const int* lwork, int* iwork, const int* liwork, int* info);

namespace pk::dynamics {

namespace {

std::vector<double> denseEigenvalues(int n, std::vector<double> a) {
  std::vector<double> values(static_cast<std::size_t>(n));
  int info = 0, lwork = -1, liwork = -1, iworkSize = 0;
  double workSize = 0.0;
  dsyevd_("N", "U", &n, a.data(), &n, values.data(), &workSize, &lwork, &iworkSize, &liwork, &info);
  lwork = static_cast<int>(workSize);
  liwork = iworkSize;
  std::vector<double> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  dsyevd_("N", "U", &n, a.data(), &n, values.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
  PK_ASSERT(info == 0, "dsyevd failed (info " + std::to_string(info) + ")");
  return values;
}

// The whole matrix on rank 0 (row-major), nothing elsewhere.
std::vector<double> gatherOnRoot(const DenseRows& s, MPI_Comm comm) {
  int rank = 0, ranks = 1;
  PK_MPI(MPI_Comm_rank(comm, &rank));
  PK_MPI(MPI_Comm_size(comm, &ranks));
  std::vector<double> mine(static_cast<std::size_t>(s.localRows() * s.cols()));
  s.copyLocalRowMajor(mine.data());
  const int count = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<std::size_t>(ranks)), offsets(static_cast<std::size_t>(ranks), 0);
  PK_MPI(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm));
  for (int r = 1; r < ranks; ++r) offsets[r] = offsets[r - 1] + counts[r - 1];
  std::vector<double> all(rank == 0 ? static_cast<std::size_t>(s.rows() * s.cols()) : 0);
  PK_MPI(MPI_Gatherv(mine.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(), MPI_DOUBLE, 0, comm));
  return all;
}

// The matrix compared: the last snapshot, else K^p, else layer 0.
SymmetricPart benchMatrix(const RunReader& run, const DynamicsRequest& request, std::string& name) {
  if (request.snapshots) {
    const auto k = static_cast<std::int64_t>(h5::shape(run.file(), "/snapshots/steps").at(0));
    name = "the last snapshot K^g_s";
    return symmetricPart(readKernelSlice(run, "/snapshots/tangent/train", k - 1));
  }
  if (request.path) {
    name = "K^p";
    return symmetricPart(readKernel(run, "/kernel/path/train"));
  }
  name = "K^p layer 0";
  return symmetricPart(readKernelSlice(run, "/kernel/path_layer/train", 0));
}

double seconds(MPI_Comm comm, double since) {
  PK_MPI(MPI_Barrier(comm));
  return MPI_Wtime() - since;
}

}  // namespace

BenchResult benchEigensolvers(const RunReader& run, const DynamicsRequest& request) {
  const MPI_Comm comm = run.comm();
  BenchResult b;
  PK_MPI(MPI_Comm_size(comm, &b.ranks));
  b.n = run.trainRows();
  b.count = request.eigen;
  PK_REQUIRE(b.n * b.n <= std::numeric_limits<int>::max(),
             "--bench gathers the N x N matrix on one rank in one message: N = " + std::to_string(b.n) +
                 " is too large for it");
  const SymmetricPart s = benchMatrix(run, request, b.matrix);
  Eigenpairs pairs;
  b.slepcSeconds = std::numeric_limits<double>::infinity();
  for (int k = 0; k < kRepeats; ++k) {
    PK_MPI(MPI_Barrier(comm));
    const double start = MPI_Wtime();
    pairs = largestEigenpairs(s.matrix, request.eigen, request.eigenvectors);
    b.slepcSeconds = std::min(b.slepcSeconds, seconds(comm, start));
  }
  b.solver = pairs.type;
  std::vector<double> all = gatherOnRoot(s.matrix, comm);
  double dense[3] = {std::numeric_limits<double>::infinity(), 0.0, 0.0};  // seconds (values, vectors), difference
  if (!all.empty()) {
    std::vector<double> values;
    for (int k = 0; k < kRepeats; ++k) {
      const double start = MPI_Wtime();
      values = denseEigenvalues(static_cast<int>(b.n), all);
      dense[0] = std::min(dense[0], MPI_Wtime() - start);
    }
    const double start = MPI_Wtime();
    lapack::symmetricEigen(b.n, all);
    dense[1] = MPI_Wtime() - start;
    const double top = std::abs(values.back());
    for (std::int64_t k = 0; k < b.count; ++k)
      dense[2] = std::max(
          dense[2],
          std::abs(pairs.values[static_cast<std::size_t>(k)] - values[static_cast<std::size_t>(b.n - 1 - k)]) / top);
  }
  PK_MPI(MPI_Bcast(dense, 3, MPI_DOUBLE, 0, comm));
  b.denseValuesSeconds = dense[0];
  b.denseVectorsSeconds = dense[1];
  b.maxDifference = dense[2];
  return b;
}

void printBench(std::ostream& out, const BenchResult& b, double analysisSeconds, std::size_t matrices) {
  const auto ratio = [&](double dense) { return formatNumber("%.1f", dense / b.slepcSeconds) + "x"; };
  out << "\nbenchmark: the " << b.count << " largest eigenvalues of " << b.matrix << " (symmetric part), N = " << b.n
      << "; best of " << kRepeats << " solves\n"
      << "  SLEPc " << b.solver << ", " << b.ranks << (b.ranks == 1 ? " rank:  " : " ranks: ")
      << formatNumber("%8.3f s", b.slepcSeconds) << "\n"
      << "  LAPACK dsyevd, eigenvalues only, rank 0:  " << formatNumber("%8.3f s", b.denseValuesSeconds) << "  ("
      << ratio(b.denseValuesSeconds) << " SLEPc's time)\n"
      << "  LAPACK dsyevd, with eigenvectors, rank 0: " << formatNumber("%8.3f s", b.denseVectorsSeconds) << "  ("
      << ratio(b.denseVectorsSeconds) << ")\n"
      << "  max_k |lambda_k - lambda_k(dsyevd)| / lambda_1(dsyevd), k = 1.." << b.count << ": "
      << formatNumber("%.2e", b.maxDifference) << "\n"
      << "  the whole analysis of " << matrices
      << " matrices (reading, metrics, eigenpairs): " << formatNumber("%.3f s", analysisSeconds) << std::endl;
}

}  // namespace pk::dynamics

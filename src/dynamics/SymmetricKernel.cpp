#include "dynamics/SymmetricKernel.hpp"

#include <cmath>
#include <vector>

#include "core/Error.hpp"
#include "dynamics/KernelMetrics.hpp"
#include "io/H5.hpp"

namespace pk::dynamics {

SymmetricKernel readSymmetric(const RunReader& run, const std::string& dataset) {
  SymmetricKernel s{run.matrix(dataset), 0.0};
  PK_REQUIRE(s.matrix.rows() == s.matrix.cols(), dataset + " in '" + run.path() + "' is not square");
  s.asymmetry = symmetrise(s.matrix);
  return s;
}

SymmetricKernel readSymmetricSlice(const RunReader& run, const std::string& dataset, std::int64_t slice) {
  PK_REQUIRE(run.has(dataset), "'" + run.path() + "' has no dataset " + dataset);
  const auto dims = h5::shape(run.file(), dataset);
  PK_REQUIRE(
      dims.size() == 3 && dims[1] == dims[2] && slice >= 0 && slice < static_cast<std::int64_t>(dims[0]),
      dataset + " in '" + run.path() + "' is not a stack of square matrices with slice " + std::to_string(slice));
  SymmetricKernel s{DenseRows(run.comm(), static_cast<std::int64_t>(dims[1]), static_cast<std::int64_t>(dims[2])), 0.0};
  {
    // The rows read are released before the matrix is symmetrised.
    const auto rows = h5::readSliceRows(run.file(), dataset, slice, s.matrix.firstRow(), s.matrix.localRows());
    s.matrix.setLocalRowMajor(rows.data());
  }
  s.asymmetry = symmetrise(s.matrix);
  return s;
}

namespace {

// Every rank's first row and row count, in rank order.
void rowBlocks(const DenseRows& k, MPI_Comm comm, std::vector<std::int64_t>& first, std::vector<std::int64_t>& count) {
  int ranks = 1;
  PK_MPI(MPI_Comm_size(comm, &ranks));
  const std::int64_t mine[2] = {k.firstRow(), k.localRows()};
  std::vector<std::int64_t> all(2 * static_cast<std::size_t>(ranks));
  PK_MPI(MPI_Allgather(mine, 2, MPI_INT64_T, all.data(), 2, MPI_INT64_T, comm));
  for (int r = 0; r < ranks; ++r) {
    first.push_back(all[2 * static_cast<std::size_t>(r)]);
    count.push_back(all[2 * static_cast<std::size_t>(r) + 1]);
  }
}

// This rank's block K[my rows, columns [first, first + count)], row-major.
std::vector<double> packBlock(const DenseRows& k, std::int64_t first, std::int64_t count) {
  const auto a = k.local();
  std::vector<double> block(static_cast<std::size_t>(k.localRows() * count));
  for (std::int64_t c = 0; c < count; ++c)
    for (std::int64_t r = 0; r < k.localRows(); ++r)
      block[static_cast<std::size_t>(r * count + c)] = a.data()[r + (first + c) * a.ld()];
  return block;
}

}  // namespace

double symmetrise(DenseRows& k) {
  PK_ASSERT(k.rows() == k.cols(), "symmetrise: the kernel is not square");
  const MPI_Comm comm = commOf(k);
  int rank = 0, ranks = 1;
  PK_MPI(MPI_Comm_rank(comm, &rank));
  PK_MPI(MPI_Comm_size(comm, &ranks));
  std::vector<std::int64_t> first, count;
  rowBlocks(k, comm, first, count);
  // Round d pairs this rank with partner p = (d - rank) mod R (p's partner is this rank): send
  // K[my rows, p's rows], receive K[p's rows, my rows], whose transpose is K^T[my rows, p's rows],
  // the block just sent, which is then replaced by the symmetric part. Every block is sent before
  // it changes, one pair of blocks is held at a time, and the matrix is never transposed whole.
  double local[2] = {0.0, 0.0};  // |K - K^T|_F^2, |K|_F^2 over this rank's rows
  const std::int64_t mine = k.localRows();
  for (int d = 0; d < ranks; ++d) {
    const int partner = ((d - rank) % ranks + ranks) % ranks;
    const auto p = static_cast<std::size_t>(partner);
    const auto send = packBlock(k, first[p], count[p]);
    std::vector<double> received;
    if (partner == rank) {
      received = send;
    } else {
      received.resize(static_cast<std::size_t>(count[p] * mine));
      PK_MPI(MPI_Sendrecv(send.data(), static_cast<int>(send.size()), MPI_DOUBLE, partner, 0, received.data(),
                          static_cast<int>(received.size()), MPI_DOUBLE, partner, 0, comm, MPI_STATUS_IGNORE));
    }
    const auto a = k.local();
    for (std::int64_t c = 0; c < count[p]; ++c)
      for (std::int64_t r = 0; r < mine; ++r) {
        double& kij = a.data()[r + (first[p] + c) * a.ld()];
        const double kji = received[static_cast<std::size_t>(c * mine + r)];
        local[0] += (kij - kji) * (kij - kji);
        local[1] += kij * kij;
        kij = 0.5 * (kij + kji);  // the same sum on both sides: exactly symmetric
      }
  }
  k.assemble();
  double global[2] = {0.0, 0.0};
  PK_MPI(MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, comm));
  return global[1] > 0.0 ? std::sqrt(global[0] / global[1]) : 0.0;
}

}  // namespace pk::dynamics

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
    // The rows are copied into the matrix and released before the transpose is made.
    const auto rows = h5::readSliceRows(run.file(), dataset, slice, s.matrix.firstRow(), s.matrix.localRows());
    s.matrix.setLocalRowMajor(rows.data());
  }
  s.asymmetry = symmetrise(s.matrix);
  return s;
}

double symmetrise(DenseRows& k) {
  PK_ASSERT(k.rows() == k.cols(), "symmetrise: the kernel is not square");
  const DenseRows transposed = k.transpose();
  double local[2] = {0.0, 0.0};  // |K - K^T|_F^2, |K|_F^2 over this rank's rows
  {
    const auto a = k.local();
    const auto t = transposed.local();
    for (std::int64_t j = 0; j < k.cols(); ++j)
      for (std::int64_t r = 0; r < k.localRows(); ++r) {
        double& kij = a.data()[r + j * a.ld()];
        const double tij = t.data()[r + j * t.ld()];
        local[0] += (kij - tij) * (kij - tij);
        local[1] += kij * kij;
        kij = 0.5 * (kij + tij);  // the same sum on both sides: exactly symmetric
      }
  }
  k.assemble();
  double global[2] = {0.0, 0.0};
  PK_MPI(MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, commOf(k)));
  return global[1] > 0.0 ? std::sqrt(global[0] / global[1]) : 0.0;
}

}  // namespace pk::dynamics

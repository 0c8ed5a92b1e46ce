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

}  // namespace pk::dynamics

#include "dynamics/StoredKernel.hpp"

#include <vector>

#include "core/Error.hpp"
#include "io/H5.hpp"

namespace pk::dynamics {

DenseRows readKernel(const RunReader& run, const std::string& dataset) {
  DenseRows k = run.matrix(dataset);
  PK_REQUIRE(k.rows() == k.cols(), dataset + " in '" + run.path() + "' is not square");
  return k;
}

DenseRows readKernelSlice(const RunReader& run, const std::string& dataset, std::int64_t slice) {
  PK_REQUIRE(run.has(dataset), "'" + run.path() + "' has no dataset " + dataset);
  const auto dims = h5::shape(run.file(), dataset);
  PK_REQUIRE(
      dims.size() == 3 && dims[1] == dims[2] && slice >= 0 && slice < static_cast<std::int64_t>(dims[0]),
      dataset + " in '" + run.path() + "' is not a stack of square matrices with slice " + std::to_string(slice));
  DenseRows k(run.comm(), static_cast<std::int64_t>(dims[1]), static_cast<std::int64_t>(dims[2]));
  const auto rows = h5::readSliceRows(run.file(), dataset, slice, k.firstRow(), k.localRows());
  k.setLocalRowMajor(rows.data());
  return k;
}

SymmetricPart symmetricPart(const DenseRows& k) {
  SymmetricPart s{DenseRows(k.comm(), k.rows(), k.cols()), 0.0};
  {
    std::vector<double> rows(static_cast<std::size_t>(k.localRows() * k.cols()));
    k.copyLocalRowMajor(rows.data());
    s.matrix.setLocalRowMajor(rows.data());
  }
  s.asymmetry = symmetrise(s.matrix);
  return s;
}

}  // namespace pk::dynamics

#include "dynamics/StoredKernel.hpp"

#include <vector>

#include "core/Error.hpp"

namespace pk::dynamics {

DenseRows readKernel(const RunReader& run, const std::string& dataset) {
  DenseRows k = run.matrix(dataset);
  PK_REQUIRE(k.rows() == k.cols(), dataset + " in '" + run.path() + "' is not square");
  return k;
}

DenseRows readKernelSlice(const RunReader& run, const std::string& dataset, std::int64_t slice) {
  DenseRows k = run.matrixSlice(dataset, slice);
  PK_REQUIRE(k.rows() == k.cols(), dataset + " in '" + run.path() + "' is not a stack of square matrices");
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

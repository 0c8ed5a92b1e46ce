#include "core/Blas.hpp"

#include <cblas.h>

#include "core/Error.hpp"

namespace pk::blas {

namespace {

blasint i(std::int64_t v) {
  return static_cast<blasint>(v);
}

// C = alpha op(A) op(B) + beta C with op(A) [m, k] and op(B) [k, n] (row-major).
void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, double alpha, const ConstView& a, const ConstView& b, double beta,
          const MutableView& c) {
  const std::int64_t m = ta == CblasNoTrans ? a.rows : a.cols;
  const std::int64_t k = ta == CblasNoTrans ? a.cols : a.rows;
  const std::int64_t kb = tb == CblasNoTrans ? b.rows : b.cols;
  const std::int64_t n = tb == CblasNoTrans ? b.cols : b.rows;
  PK_ASSERT(k == kb && c.rows == m && c.cols == n, "gemm: operand shapes do not agree");
  if (m == 0 || n == 0) return;
  cblas_dgemm(CblasRowMajor, ta, tb, i(m), i(n), i(k), alpha, a.data, i(a.ld), b.data, i(b.ld), beta, c.data, i(c.ld));
}

}  // namespace

void gemmNT(double alpha, const ConstView& a, const ConstView& b, double beta, const MutableView& c) {
  gemm(CblasNoTrans, CblasTrans, alpha, a, b, beta, c);
}

void gemmNN(double alpha, const ConstView& a, const ConstView& b, double beta, const MutableView& c) {
  gemm(CblasNoTrans, CblasNoTrans, alpha, a, b, beta, c);
}

void gemmTN(double alpha, const ConstView& a, const ConstView& b, double beta, const MutableView& c) {
  gemm(CblasTrans, CblasNoTrans, alpha, a, b, beta, c);
}

}  // namespace pk::blas

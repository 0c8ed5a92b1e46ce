#include "core/Blas.hpp"

#include <climits>

// The linked vendor's own header (cblas.h, MKL's mkl_cblas.h): cmake/PathkernelBlas.cmake.
#include "pk/Cblas.hpp"

#include "core/Error.hpp"

namespace pk::blas {

namespace {

// CBLAS takes int (LP64; an ILP64 library's wider integer accepts it as well). A
// product's dimensions are one rank's rows and the widths, far below 2^31; checked all the same.
int i(std::int64_t v) {
  PK_ASSERT(v >= 0 && v <= INT_MAX, "gemm: a dimension exceeds the BLAS integer range");
  return static_cast<int>(v);
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

const void* dgemmAddress() {
  return reinterpret_cast<const void*>(&cblas_dgemm);
}

void gemmTN(double alpha, const ConstView& a, const ConstView& b, double beta, const MutableView& c) {
  gemm(CblasTrans, CblasNoTrans, alpha, a, b, beta, c);
}

}  // namespace pk::blas

#pragma once
// The BLAS-3 products the project uses, on row-major views (core/MatrixView.hpp).
// The name says which operand is transposed: gemmNT is C = alpha A B^T + beta C.
// Shapes are checked: A, B and C must agree.
#include "core/MatrixView.hpp"

namespace pk::blas {

/// C [m, n] = alpha A [m, k] B [n, k]^T + beta C.
void gemmNT(double alpha, const ConstView& a, const ConstView& b, double beta, const MutableView& c);

/// C [m, n] = alpha A [m, k] B [k, n] + beta C.
void gemmNN(double alpha, const ConstView& a, const ConstView& b, double beta, const MutableView& c);

/// C [m, n] = alpha A [k, m]^T B [k, n] + beta C.
void gemmTN(double alpha, const ConstView& a, const ConstView& b, double beta, const MutableView& c);

/// The address of the linked cblas_dgemm: which library serves it (core/BlasCore.hpp).
const void* dgemmAddress();

}  // namespace pk::blas

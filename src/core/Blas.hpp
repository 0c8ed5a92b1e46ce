#pragma once
// Thin, typed wrappers over the BLAS-3 calls the project uses. All matrices
// here are row-major unless the name says otherwise.
#include <cstdint>

namespace pk::blas {

/// C[m x n] = alpha * A[m x k] * B[n x k]^T + beta * C (row-major, leading dims given).
void gemmNT(std::int64_t m, std::int64_t n, std::int64_t k, double alpha, const double* a, std::int64_t lda,
            const double* b, std::int64_t ldb, double beta, double* c, std::int64_t ldc);

/// C[m x n] = alpha * A[m x k] * B[k x n] + beta * C (row-major).
void gemmNN(std::int64_t m, std::int64_t n, std::int64_t k, double alpha, const double* a, std::int64_t lda,
            const double* b, std::int64_t ldb, double beta, double* c, std::int64_t ldc);

/// C[m x n] = alpha * A[k x m]^T * B[k x n] + beta * C (row-major).
void gemmTN(std::int64_t m, std::int64_t n, std::int64_t k, double alpha, const double* a, std::int64_t lda,
            const double* b, std::int64_t ldb, double beta, double* c, std::int64_t ldc);

}  // namespace pk::blas

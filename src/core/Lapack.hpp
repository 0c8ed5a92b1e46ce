#pragma once
// The dense LAPACK routines the project uses (OpenBLAS carries LAPACK).
#include <cstdint>
#include <vector>

namespace pk::lapack {

/// Eigen-decomposition of a symmetric n x n matrix (row-major, either triangle
/// read): returns the eigenvalues in ascending order and replaces `a` by the
/// eigenvectors, eigenvector k in row k. Throws on failure.
std::vector<double> symmetricEigen(std::int64_t n, std::vector<double>& a);

}  // namespace pk::lapack

#include "core/Lapack.hpp"

#include "core/Error.hpp"

extern "C" void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
                        double* work, const int* lwork, int* iwork, const int* liwork, int* info);

namespace pk::lapack {

std::vector<double> symmetricEigen(std::int64_t n, std::vector<double>& a) {
  PK_ASSERT(static_cast<std::int64_t>(a.size()) == n * n, "symmetricEigen: the matrix is not n x n");
  std::vector<double> values(static_cast<std::size_t>(n));
  if (n == 0) return values;
  const int size = static_cast<int>(n);
  int info = 0, lwork = -1, liwork = -1, iworkSize = 0;
  double workSize = 0.0;
  // Row-major is column-major transposed: for a symmetric matrix it is the same matrix, and
  // LAPACK's eigenvectors in columns become rows here.
  dsyevd_("V", "U", &size, a.data(), &size, values.data(), &workSize, &lwork, &iworkSize, &liwork, &info);
  PK_ASSERT(info == 0, "dsyevd workspace query failed");
  lwork = static_cast<int>(workSize);
  liwork = iworkSize;
  std::vector<double> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  dsyevd_("V", "U", &size, a.data(), &size, values.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
  PK_ASSERT(info == 0, "dsyevd failed to converge (info " + std::to_string(info) + ")");
  return values;
}

}  // namespace pk::lapack

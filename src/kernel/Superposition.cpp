#include "kernel/Superposition.hpp"

#include <algorithm>
#include <cmath>

#include "core/Blas.hpp"
#include "core/Error.hpp"
#include "core/Lapack.hpp"
#include "model/ConvLayer.hpp"

namespace pk {

namespace {

// The Gram matrix of the vectors whose span the rows of the change are measured against,
// this rank's part: X^T X [D, D], or for a conv layer the sum over examples of P^T P
// [C_in k^2, C_in k^2] with P the example's zero-padded patches [positions, C_in k^2].
Matrix localGram(const Layer& first, const DataBlock& train, std::int64_t d) {
  Matrix gram(d, d);
  const auto* conv = dynamic_cast<const ConvLayer*>(&first);
  if (!conv) {
    blas::gemmTN(1.0, train.x.view(), train.x.view(), 0.0, gram.view());
    return gram;
  }
  Matrix patches;
  for (std::int64_t r = 0; r < train.x.rows(); ++r) {
    conv->patches(train.x, r, patches);
    blas::gemmTN(1.0, patches.view(), patches.view(), 1.0, gram.view());
  }
  return gram;
}

}  // namespace

double spanResidual(const Matrix& change, const Layer& first, const DataBlock& train, MPI_Comm comm) {
  const std::int64_t d = change.cols();
  // Summed over all ranks: its eigenvectors of non-negligible eigenvalue span the inputs.
  Matrix gram = localGram(first, train, d);
  PK_MPI(MPI_Allreduce(MPI_IN_PLACE, gram.data(), static_cast<int>(gram.size()), MPI_DOUBLE, MPI_SUM, comm));
  const std::vector<double> values = lapack::symmetricEigen(d, gram.values());
  const double largest = values.empty() ? 0.0 : std::max(0.0, values.back());
  const double floor = largest * static_cast<double>(d) * 1e-14;
  // A_in = A Q Q^T over the basis vectors q_k (rows of `gram` now) with eigenvalue above the floor.
  Matrix inside(change.rows(), d);
  for (std::int64_t k = 0; k < d; ++k) {
    if (values[static_cast<std::size_t>(k)] <= floor) continue;
    const double* q = gram.row(k);
    for (std::int64_t r = 0; r < change.rows(); ++r) {
      double dot = 0.0;
      for (std::int64_t c = 0; c < d; ++c) dot += change(r, c) * q[c];
      for (std::int64_t c = 0; c < d; ++c) inside(r, c) += dot * q[c];
    }
  }
  double outside = 0.0, total = 0.0;
  for (std::size_t e = 0; e < change.size(); ++e) {
    const double a = change.data()[e];
    outside += (a - inside.data()[e]) * (a - inside.data()[e]);
    total += a * a;
  }
  return total > 0.0 ? std::sqrt(outside / total) : 0.0;
}

}  // namespace pk

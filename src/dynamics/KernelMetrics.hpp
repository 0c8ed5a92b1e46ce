#pragma once
// The metrics of one symmetric kernel matrix S [N, N], distributed by rows,
// each computed on the row blocks with MPI reductions (no rank holds N x N):
//
//   trace             tr S
//   Frobenius norm    |S|_F
//   cosine distance   1 - <S1, S2>_F / (|S1|_F |S2|_F)   (in [0, 2]; round-off below 0 is cut)
//   alignment         <H S H, Y>_F / (|H S H|_F |H Y H|_F),  H = I - 11^T/N, Y = T T^T
//   participation     tr(S)^2 / |S|_F^2 = (sum_k lambda_k)^2 / sum_k lambda_k^2
//
// H S H is never formed: (H S H)_ij = S_ij - r_i/N - c_j/N + g/N^2 with the
// row sums r (local), the column sums c (one reduction) and the grand sum g.
#include "core/DenseRows.hpp"
#include "dynamics/AlignmentTargets.hpp"

namespace pk::dynamics {

/// Collective. sum_i S_ii.
double trace(const DenseRows& s);
/// Collective. <A, B>_F = sum_ij A_ij B_ij (same shape and row split).
double frobeniusInner(const DenseRows& a, const DenseRows& b);
/// max(0, 1 - inner / (normA normB)); NaN when a norm is 0.
double cosineDistance(double inner, double normA, double normB);
/// tr^2 / |S|_F^2; NaN for a zero matrix.
double participationRatio(double trace, double frobenius);
/// Collective. Centred kernel-target alignment; NaN without targets or when H S H or H Y H is 0.
double centredAlignment(const DenseRows& s, const AlignmentTargets& targets);

}  // namespace pk::dynamics

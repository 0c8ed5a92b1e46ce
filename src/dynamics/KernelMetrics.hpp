#pragma once
// The metrics of one kernel matrix K [N, N] (symmetric or not), distributed by
// rows, each computed on the row blocks with MPI reductions (no rank holds N x N):
//
//   trace             tr K
//   Frobenius norm    |K|_F
//   cosine distance   1 - <K1, K2>_F / (|K1|_F |K2|_F)   (in [0, 2])
//   alignment         <H K H, Y>_F / (|H K H|_F |H Y H|_F),  H = I - 11^T/N, Y = T T^T
//   participation     tr(K)^2 / |K|_F^2 (for symmetric K: (sum_k lambda_k)^2 / sum_k lambda_k^2)
//
// H K H is never formed: (H K H)_ij = K_ij - r_i/N - c_j/N + g/N^2 with the
// row sums r (local), the column sums c (one reduction) and the grand sum g.
#include "core/DenseRows.hpp"
#include "dynamics/AlignmentTargets.hpp"

namespace pk::dynamics {

/// Collective. sum_i S_ii.
double trace(const DenseRows& s);
/// Collective. <A, B>_F = sum_ij A_ij B_ij (same shape and row split).
double frobeniusInner(const DenseRows& a, const DenseRows& b);
/// Collective. 1 - <A, B>_F / (normA normB), computed as |A/normA - B/normB|_F^2 / 2,
/// which is the same number without the cancellation of 1 - (a number near 1)
/// for close matrices; NaN when a norm is 0. normA, normB: the Frobenius norms.
double cosineDistance(const DenseRows& a, double normA, const DenseRows& b, double normB);
/// tr^2 / |S|_F^2; NaN for a zero matrix.
double participationRatio(double trace, double frobenius);
/// Collective. Centred kernel-target alignment; NaN without targets or when H S H or H Y H is 0.
double centredAlignment(const DenseRows& s, const AlignmentTargets& targets);

}  // namespace pk::dynamics

#pragma once
// How far the first-layer weight change leaves the span of the training
// inputs (docs/THEORY.md, Superposition): for plain gradient descent and
// momentum every first-layer direction is gamma x_i^T (a first conv layer:
// sum_p gamma_p patch_p(x_i)^T), so the change less the weight-decay part lies
// in the row span of the inputs (of all zero-padded training patches); Adam's
// elementwise preconditioning can take it out.
#include <mpi.h>

#include "core/Dataset.hpp"
#include "core/Matrix.hpp"
#include "model/Layer.hpp"

namespace pk {

/// Collective. |A_out|_F / |A|_F for A [H_1, D] (a first conv layer: the K filters
/// [K, C_in k^2]; every rank alike), where A_out is the part of A's rows outside the
/// span of the first layer's inputs: the training inputs (this rank's block of them
/// in `train`), or for a conv layer every zero-padded patch of them. 0 for A = 0.
double spanResidual(const Matrix& change, const Layer& first, const DataBlock& train, MPI_Comm comm);

}  // namespace pk

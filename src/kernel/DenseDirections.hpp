#pragma once
// The per-example directions of a dense layer, in an augmented layout
// [examples * H_out, H_in + 1]: row j of example i holds [dW row j, db[j]].
// Then g(x) . d_i for the layer is delta(x) . (D_i [s h(x); 1]), so
// contracting every owned example with a tile of query points is one GEMM,
// [examples * H_out, H_in + 1] x [H_in + 1, nx], followed by a dot with the
// queries' output signals.
//
// With one output the dot can go into the GEMM instead: g(x) for the layer is
// the outer product delta(x) [s h(x); 1]^T, so with the query side flattened
// to [nx, H_out (H_in + 1)] (the same layout as a direction) the contraction
// is one GEMM with an inner dimension of H_out (H_in + 1), which runs near the
// DGEMM peak. The flops are the same.
#include <memory>

#include "kernel/LayerDirections.hpp"
#include "model/DenseLayer.hpp"

namespace pk {

std::unique_ptr<LayerDirections> denseDirections(const DenseLayer& layer, const DirectionShape& shape);

}  // namespace pk

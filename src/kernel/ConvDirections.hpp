#pragma once
// The per-example directions of a conv layer (docs/THEORY.md, Optimizers, and
// Convolutional networks). A conv layer's per-example gradient is small,
// P_l = K C_in k^2 + K values, while its structured form would cost (H' W')^2
// per pair: so every owned example keeps its buffer and direction materialised
// as one row [examples, P_l] in parameter order (W [K, C_in k k] row-major,
// then b [K]), fed each step by the gradient of the loss-weighted signals
// (convGradients of kernel/ConvTerms.hpp). The query side of a tile is the
// same materialised gradient of each output's signals, and g(x) . d_i over
// every owned example and the tile is one GEMM with inner dimension P_l.
//
// A pooling layer has no parameters: its part is empty (noDirections).
#include <memory>

#include "kernel/LayerDirections.hpp"
#include "model/ConvLayer.hpp"

namespace pk {

std::unique_ptr<LayerDirections> convDirections(const ConvLayer& layer, const DirectionShape& shape);
/// The part of a layer without parameters: nothing to buffer, nothing to add.
std::unique_ptr<LayerDirections> noDirections();

}  // namespace pk

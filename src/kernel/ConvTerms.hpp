#pragma once
// The kernel terms of convolution and pooling layers (docs/THEORY.md,
// Convolutional networks). A conv layer's per-example parameter gradient is
// small (K C_in k^2 + K values per output), while the structured Gram form of
// a dense layer would cost (H' W')^2 per pair: so a conv layer works on every
// example's gradient
//   G_c(x) = [ s delta_c(x) [K, P] patches(x) [P, C_in k^2] | sum_p delta_c(x) ]
// and each tile is one GEMM over them: K_conv(x, x_i) = sum_c G_c(x) . G_c(x_i),
// and with C > 1 outputs the contribution of output c is G_c(x) . U(x_i), U the
// gradient of the loss-weighted signals u. Its training side
// (kernel/TrainingSide.hpp) is those gradients: each rank forms them for its
// own training rows once per step and they are gathered, so no rank forms
// another rank's. The query rows' are formed once per call of the tile loop,
// except when the query rows are the training side's own rows at its
// parameters (the left rule's training queries): then they are read there.
// A pooling layer has no parameters: no share, and no training side.
#include <cstdint>
#include <memory>

#include "kernel/LayerTerm.hpp"
#include "model/ConvLayer.hpp"
#include "model/PoolLayer.hpp"

namespace pk {

std::unique_ptr<LayerKernel> convKernel(const ConvLayer& layer, std::int64_t outputs);
std::unique_ptr<LayerKernel> poolKernel(const PoolLayer& layer);

/// Every example's gradient of one conv layer: [rows, signals * (K Q + K)], where
/// `signals` rows of `delta` per example (C output signals, or 1 loss signal), as a new
/// matrix (ConvLayer::exampleGradients writes them into a given view).
Matrix convGradients(const ConvLayer& layer, const ConstView& input, const ConstView& delta, std::int64_t signals);

/// Query rows [x0, x0 + nx) of layer k's gradients of the C output signals, [nx, C (K Q + K)]:
/// formed into `storage`, or, when the queries are rows of the training side at its
/// parameters (FeatureView::side), a view of the gradients it already holds.
ConstView queryGradients(const ConvLayer& layer, int k, const FeatureView& queries, std::int64_t x0, std::int64_t nx,
                         std::int64_t outputs, Matrix& storage);

}  // namespace pk

#pragma once
// The kernel terms of a dense layer: the structured ones, which never form a
// per-example parameter gradient. For dense layer k, with factor_k =
// s_k^2 h_k(x).h_k(x_i) + 1,
//   K_k(x, x_i) = [sum_c df_c/dz_k(x) . df_c/dz_k(x_i)] factor_k
//   contrib_c  += [df_c/dz_k(x) . u_k(x_i)] factor_k
// The output layer's df/dz is the identity: its trace is C and output c's
// contribution is u_{L-1}(x_i)_c times the factor.
#include <cstdint>
#include <memory>

#include "kernel/LayerTerm.hpp"
#include "model/DenseLayer.hpp"

namespace pk {

std::unique_ptr<LayerKernel> denseKernel(const DenseLayer& layer, std::int64_t outputs);

}  // namespace pk

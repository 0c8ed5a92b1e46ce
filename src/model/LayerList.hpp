#pragma once
// The one parser of a network's layer list (`--layers`, docs/THEORY.md and
// the run file's /config `layers`), and the one place that turns a parsed
// layer into a Layer object. Each layer kind is one entry of the table in
// LayerList.cpp: its name, how its parameters are read from "kind:a:b", and
// how it is built. The output layer (dense, C outputs, no activation) is not
// part of the list.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/Activation.hpp"
#include "model/Layer.hpp"

namespace pk {

enum class Parameterization { Standard, Ntk };
Parameterization parseParameterization(const std::string& name);
std::string toString(Parameterization p);

/// One entry of a layer list as given: its kind and its integer parameters ("dense:16": {16}).
struct LayerSpec {
  std::string kind;
  std::vector<std::int64_t> values;
  bool operator==(const LayerSpec& other) const { return kind == other.kind && values == other.values; }
};

/// Parses "conv:8:3,avgpool:2,dense:16" (case and blanks ignored) or "none"/"" (the linear model).
/// Throws InputError naming the offending entry and the known kinds.
std::vector<LayerSpec> parseLayers(const std::string& text);
/// The normalised text of a list: lower case, no blanks, "" for the linear model.
std::string layersText(const std::vector<LayerSpec>& layers);
/// `--hidden 16,8` as layers: dense:16,dense:8.
std::vector<LayerSpec> denseLayers(const std::vector<std::int64_t>& widths);
/// The widths when every layer is dense (what /config calls `hidden`), else nothing.
std::optional<std::vector<std::int64_t>> hiddenWidths(const std::vector<LayerSpec>& layers);

/// What every layer of a network shares.
struct LayerOptions {
  Activation activation = Activation::Tanh;
  Parameterization parameterization = Parameterization::Standard;
};

/// The layer `spec` on inputs of shape `inputShape` ({D} flat, or {C, H, W} images), its
/// parameters from `offset` on in w. Throws InputError when the layer cannot take that input.
std::unique_ptr<Layer> makeLayer(const LayerSpec& spec, const std::vector<std::int64_t>& inputShape,
                                 const LayerOptions& options, std::int64_t offset);
/// The output layer: dense, `outputs` values, no activation.
std::unique_ptr<Layer> makeOutputLayer(std::int64_t inputWidth, std::int64_t outputs, const LayerOptions& options,
                                       std::int64_t offset);

}  // namespace pk

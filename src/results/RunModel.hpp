#pragma once
// The network of a run and its parameters in the run file. The network is
// built from the settings here only; /params/<which>/layer_<l>/<block> holds
// each parameter block of the layers that have parameters (l counts only
// those), in its stored shape (docs/FORMAT.md). The one writer (RunFile) and
// the one reader below both place blocks by their offsets in w, never by file
// order.
#include <cstdint>
#include <string>
#include <vector>

#include "model/Network.hpp"
#include "settings/Settings.hpp"

namespace pk {

class RunReader;

/// The network of settings `s` on D = inputs (images of `inputShape` [C, H, W], or flat when empty),
/// with C = outputs.
Architecture architectureOf(const TrainSettings& s, std::int64_t inputs, const std::vector<std::int64_t>& inputShape,
                            std::int64_t outputs);
/// The network a run file records (Not collective).
Network networkOf(const RunReader& run);

/// One dataset under /params/<which>: its path below the group and the block it stores.
struct ParameterDataset {
  std::string path;  // "layer_0/W"
  ParameterBlock block;
};
/// Every parameter block of the network, with its dataset path, in the order of w.
std::vector<ParameterDataset> parameterDatasets(const Network& model);

/// The parameters /params/<which> ("initial", "final") of a run as one vector w.
/// Throws InputError if a dataset is missing or has another shape than the model's block.
std::vector<double> readParameters(const RunReader& run, const Network& model, const std::string& which);

}  // namespace pk

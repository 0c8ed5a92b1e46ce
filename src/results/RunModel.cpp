#include "results/RunModel.hpp"

#include <algorithm>

#include "core/Error.hpp"
#include "results/RunReader.hpp"

namespace pk {

Architecture architectureOf(const TrainSettings& s, std::int64_t inputs, const std::vector<std::int64_t>& inputShape,
                            std::int64_t outputs) {
  Architecture arch;
  arch.inputs = inputs;
  arch.inputShape = inputShape;
  arch.layers = s.layers;
  arch.outputs = outputs;
  arch.activation = s.activation;
  arch.parameterization = s.parameterization;
  return arch;
}

Network networkOf(const RunReader& run) {
  return Network(architectureOf(run.settings(), run.inputs(), run.inputShape(), run.outputs()));
}

std::vector<ParameterDataset> parameterDatasets(const Network& model) {
  std::vector<ParameterDataset> datasets;
  int numbered = 0;  // layers without parameters (pooling) take no number
  for (int k = 0; k < model.layers(); ++k) {
    const auto& blocks = model.layer(k).parameters();
    if (blocks.empty()) continue;
    for (const auto& block : blocks)
      datasets.push_back({"layer_" + std::to_string(numbered) + "/" + block.name, block});
    ++numbered;
  }
  return datasets;
}

std::vector<double> readParameters(const RunReader& run, const Network& model, const std::string& which) {
  std::vector<double> w(static_cast<std::size_t>(model.parameterCount()));
  for (const auto& d : parameterDatasets(model)) {
    const std::string path = "/params/" + which + "/" + d.path;
    const auto shape = run.shape(path);
    const bool same = std::equal(shape.begin(), shape.end(), d.block.shape.begin(), d.block.shape.end(),
                                 [](hsize_t a, std::int64_t b) { return static_cast<std::int64_t>(a) == b; });
    PK_REQUIRE(same, "'" + run.path() + "': " + path + " does not have the shape of the recorded model");
    const auto values = run.rowsOf(path, 0, d.block.shape.at(0));
    PK_REQUIRE(static_cast<std::int64_t>(values.size()) == d.block.size(),
               "'" + run.path() + "': " + path + " does not have the shape of the recorded model");
    std::copy(values.begin(), values.end(), w.begin() + d.block.offset);
  }
  return w;
}

}  // namespace pk

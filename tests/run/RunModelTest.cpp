// The network a run file records and its /params, read by parameter blocks:
// the parameters read back reproduce the run's predictions, and a run file of
// the previous release (no /config `layers`) reads as its `hidden`.
#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "results/RunModel.hpp"
#include "results/RunReader.hpp"

namespace pk::test {
namespace {

Matrix matrixOf(const std::vector<double>& values, std::int64_t cols) {
  Matrix m(static_cast<std::int64_t>(values.size()) / cols, cols);
  std::copy(values.begin(), values.end(), m.data());
  return m;
}

TEST(RunModel, ParametersReadByBlockReproduceThePredictions) {
  TrainArguments a = smallSettings(tempPath("blocks.h5"));
  a.data = "builtin:regression2";
  a.layers = "dense:5,dense:3";
  a.steps = 6;
  train(a);
  const RunReader run(a.out, MPI_COMM_WORLD);
  EXPECT_EQ(run.settings().layers, parseLayers("dense:5,dense:3"));
  const Network model = networkOf(run);
  const Matrix x = matrixOf(readAll(a.out, "/data/train/X"), model.inputs());
  for (const std::string which : {"initial", "final"}) {
    const auto w = readParameters(run, model, which);
    ASSERT_EQ(static_cast<std::int64_t>(w.size()), model.parameterCount());
    const Matrix f = model.forward(w.data(), x).output();
    const auto recorded = readAll(a.out, "/predict/train/" + std::string(which == "final" ? "network" : "initial"));
    ASSERT_EQ(recorded.size(), f.size());
    for (std::size_t e = 0; e < f.size(); ++e) EXPECT_NEAR(f.data()[e], recorded[e], 1e-12) << which << " " << e;
  }
  // Every block is where the model says: each dataset is its block of w.
  const auto w = readParameters(run, model, "final");
  for (const auto& d : parameterDatasets(model)) {
    const auto values = readAll(a.out, "/params/final/" + d.path);
    ASSERT_EQ(static_cast<std::int64_t>(values.size()), d.block.size()) << d.path;
    for (std::int64_t e = 0; e < d.block.size(); ++e)
      EXPECT_EQ(values[static_cast<std::size_t>(e)], w[static_cast<std::size_t>(d.block.offset + e)]);
  }
}

TEST(RunModel, ARunFileWithoutLayersIsReadAsItsHidden) {
  TrainArguments a = smallSettings(tempPath("previous.h5"));
  a.hidden = "4,3";
  a.steps = 3;
  train(a);
  ASSERT_EQ(shellOnRoot("/usr/bin/python3 -c \"import h5py; f = h5py.File('" + a.out +
                        "', 'r+'); del f['config'].attrs['layers']\""),
            0);
  const RunReader run(a.out, MPI_COMM_WORLD);
  EXPECT_EQ(run.settings().layers, denseLayers({4, 3}));
  EXPECT_EQ(networkOf(run).parameterCount(), 3 * 4 + 4 + 4 * 3 + 3 + 3 * 1 + 1);
}

TEST(RunModel, AParameterDatasetOfAnotherShapeIsRefused) {
  TrainArguments a = smallSettings(tempPath("shape.h5"));
  a.hidden = "4";
  a.steps = 2;
  train(a);
  const RunReader run(a.out, MPI_COMM_WORLD);
  Architecture other = architectureOf(run.settings(), run.inputs(), run.inputShape(), run.outputs());
  other.layers = denseLayers({5});
  expectInputError([&] { readParameters(run, Network(other), "final"); },
                   "/params/final/layer_0/W does not have the shape of the recorded model");
}

}  // namespace
}  // namespace pk::test

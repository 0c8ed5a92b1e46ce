// Convolutional networks through the whole engine: on a small image data set
// (written here), a CNN's stored tangent kernels equal J(x) . J(x_i) from the
// network's explicit Jacobian, its layer kernels (one per layer with parameters) sum
// to its path kernel, the contributions sum to the kernel machine,
// and the gauss:5 rule with tanh makes the kernel machine exact to round-off,
// at every rank count the suite runs, with one and with three outputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "TestSupport.hpp"
#include "core/Rng.hpp"
#include "io/H5.hpp"
#include "model/LayerList.hpp"
#include "model/Network.hpp"
#include "run/Run.hpp"

namespace pk {
namespace {

using test::readAll;

// n images of 2 x 7 x 6 with smooth random patterns, targets [n, outputs] of an mse task.
void writeImages(const std::string& path, std::int64_t n, std::int64_t m, std::int64_t outputs) {
  Rng rng(3);
  auto images = [&](std::int64_t count) {
    std::vector<double> x(static_cast<std::size_t>(count * 84));
    for (auto& v : x) v = 0.5 * rng.normal();
    return x;
  };
  const auto trainX = images(n), testX = images(m);
  std::vector<double> trainY(static_cast<std::size_t>(n * outputs)), testY(static_cast<std::size_t>(m * outputs));
  for (auto& v : trainY) v = rng.normal();
  for (auto& v : testY) v = rng.normal();
  h5::Id file = h5::createFile(path, MPI_COMM_WORLD);
  const auto nn = static_cast<hsize_t>(n), mm = static_cast<hsize_t>(m), c = static_cast<hsize_t>(outputs);
  h5::writeReplicated(file, "/train/X", {nn, 2, 7, 6}, trainX.data());
  h5::writeReplicated(file, "/test/X", {mm, 2, 7, 6}, testX.data());
  if (outputs == 1) {
    h5::writeReplicated(file, "/train/y", {nn}, trainY.data());
    h5::writeReplicated(file, "/test/y", {mm}, testY.data());
  } else {
    h5::writeReplicated(file, "/train/y", {nn, c}, trainY.data());
    h5::writeReplicated(file, "/test/y", {mm, c}, testY.data());
  }
}

TrainArguments cnnSettings(const std::string& data, const std::string& out) {
  TrainArguments s;
  s.data = data;
  s.out = out;
  s.hidden = "";
  s.layers = "conv:3:3:p1,maxpool:2,conv:2:2,avgpool:2,dense:5";
  s.loss = "mse";
  s.activation = "tanh";
  s.steps = 12;
  s.lr = 0.05;
  s.tangentKernels = true;
  return s;
}

TEST(ConvKernel, TangentKernelsAreTheProductsOfTheJacobians) {
  for (const std::int64_t outputs : {1, 3}) {
    const std::string data = test::tempPath("images.h5");
    writeImages(data, 9, 4, outputs);
    TrainArguments s = cnnSettings(data, test::tempPath("cnn.h5"));
    s.param = outputs == 1 ? "standard" : "ntk";
    s.layerKernels = true;
    test::train(s);
    // One layer kernel per layer with parameters (the two convolutions, the dense and the
    // output layer; pooling has none), summing to the path kernel.
    const auto path = readAll(s.out, "/kernel/path/test"), layers = readAll(s.out, "/kernel/path_layer/test");
    ASSERT_EQ(layers.size(), 4 * path.size());
    for (std::size_t e = 0; e < path.size(); ++e) {
      double sum = 0.0;
      for (std::size_t l = 0; l < 4; ++l) sum += layers[l * path.size() + e];
      EXPECT_NEAR(sum, path[e], 1e-12 * std::max(1.0, std::abs(path[e])));
    }
    Architecture arch;
    arch.inputs = 84;
    arch.inputShape = {2, 7, 6};
    arch.layers = parseLayers(s.layers);
    arch.outputs = outputs;
    arch.activation = Activation::Tanh;
    arch.parameterization = parseParameterization(s.param);
    const Network net(arch);
    for (const std::string which : {"initial", "final"}) {
      std::vector<double> w(static_cast<std::size_t>(net.parameterCount()));
      for (const auto& d :
           std::vector<std::pair<std::string, int>>{{"layer_0", 0}, {"layer_1", 2}, {"layer_2", 4}, {"layer_3", 5}}) {
        const Layer& layer = net.layer(d.second);
        for (const auto& block : layer.parameters()) {
          const auto values = readAll(s.out, "/params/" + which + "/" + d.first + "/" + block.name);
          ASSERT_EQ(static_cast<std::int64_t>(values.size()), block.size()) << d.first << block.name;
          std::copy(values.begin(), values.end(), w.begin() + block.offset);
        }
      }
      const auto kernel = readAll(s.out, "/kernel/tangent/" + which + "/test");
      Matrix trainX(9, 84), testX(4, 84);
      trainX.values() = readAll(data, "/train/X");
      testX.values() = readAll(data, "/test/X");
      const Forward ft = net.forward(w.data(), trainX), fq = net.forward(w.data(), testX);
      const auto dt = net.outputSignals(w.data(), ft), dq = net.outputSignals(w.data(), fq);
      double worst = 0.0, largest = 0.0;
      for (std::int64_t x = 0; x < 4; ++x) {
        const Matrix jq = net.jacobian(fq, dq, x);
        for (std::int64_t i = 0; i < 9; ++i) {
          const Matrix ji = net.jacobian(ft, dt, i);
          double expected = 0.0;  // the trace over outputs
          for (std::size_t e = 0; e < jq.size(); ++e) expected += jq.values()[e] * ji.values()[e];
          worst = std::max(worst, std::abs(kernel[static_cast<std::size_t>(x * 9 + i)] - expected));
          largest = std::max(largest, std::abs(expected));
        }
      }
      EXPECT_LE(worst, 1e-12 * largest) << outputs << " outputs, " << which;
    }
  }
}

TEST(ConvKernel, GaussRuleMakesTheKernelMachineExactAndContributionsSumToIt) {
  for (const std::int64_t outputs : {1, 3}) {
    const std::string data = test::tempPath("images.h5");
    writeImages(data, 11, 5, outputs);
    TrainArguments s = cnnSettings(data, test::tempPath("exact.h5"));
    // Average pooling: max pooling is exact only where its choices never switch along the path.
    s.layers = "conv:3:3:p1,avgpool:2,conv:2:2:s2,dense:5";
    s.pathRule = "gauss:5";
    s.lr = 0.02;  // the quadrature error per step grows like |dw|^11
    s.steps = 20;
    test::train(s);
    h5::Id f = h5::openFile(s.out, MPI_COMM_WORLD);
    h5::Id group(H5Gopen2(f, "/summary", H5P_DEFAULT));
    EXPECT_LE(h5::doubleAttribute(group, "rel_residual_test"), 1e-12) << outputs;
    EXPECT_LE(h5::doubleAttribute(group, "rel_residual_train"), 1e-12) << outputs;
    const auto contrib = readAll(s.out, "/kernel/contrib/test");
    const auto network = readAll(s.out, "/predict/test/network");
    const auto bias = readAll(s.out, "/predict/test/bias");
    const auto km = readAll(s.out, "/predict/test/kernel_machine");
    for (std::size_t e = 0; e < network.size(); ++e) {
      const std::size_t x = e / static_cast<std::size_t>(outputs), o = e % static_cast<std::size_t>(outputs);
      double sum = 0.0;
      for (std::size_t i = 0; i < 11; ++i) sum += contrib[(x * 11 + i) * static_cast<std::size_t>(outputs) + o];
      EXPECT_NEAR(sum, km[e] - bias[e], 1e-12 * std::max(1.0, std::abs(sum)));
    }
  }
}

// Under the left rule (sgd) the training rows' conv gradients are read from the gathered
// training side, not formed again: with the training points also given as the test set,
// whose gradients are formed from a forward pass of their own, the kernels, contributions
// and tangent kernels of both sets agree, at every rank count (a wrong row offset into the
// gathered side would show on two and three ranks).
TEST(ConvKernel, LeftRuleTrainingRowsEqualTheSamePointsAsTestRows) {
  for (const std::int64_t outputs : {1, 3}) {
    const std::string images = test::tempPath("images.h5");
    writeImages(images, 10, 3, outputs);
    const std::string data = test::tempPath("same.h5");
    {
      const auto x = readAll(images, "/train/X"), y = readAll(images, "/train/y");
      h5::Id file = h5::createFile(data, MPI_COMM_WORLD);
      const auto ys = outputs == 1 ? std::vector<hsize_t>{10} : std::vector<hsize_t>{10, static_cast<hsize_t>(outputs)};
      for (const std::string set : {"/train", "/test"}) {
        h5::writeReplicated(file, set + "/X", {10, 2, 7, 6}, x.data());
        h5::writeReplicated(file, set + "/y", ys, y.data());
      }
    }
    TrainArguments s = cnnSettings(data, test::tempPath("left.h5"));
    s.batchSize = 4;
    s.layerKernels = true;
    test::train(s);
    for (const std::string name : {"/kernel/path/", "/kernel/contrib/", "/kernel/path_layer/",
                                   "/kernel/tangent/initial/", "/kernel/tangent/final/"}) {
      const auto train = readAll(s.out, name + "train"), test = readAll(s.out, name + "test");
      ASSERT_EQ(train.size(), test.size()) << name;
      EXPECT_GT(*std::max_element(test.begin(), test.end()), 0.0) << name;
      EXPECT_LT(test::relativeDifference(train, test), 1e-12) << outputs << " outputs, " << name;
    }
  }
}

}  // namespace
}  // namespace pk

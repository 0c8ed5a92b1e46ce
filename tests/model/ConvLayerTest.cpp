// The conv and pooling layers against their definitions. A convolution's z is
// affine in its parameters and linear in its input, so every derivative it
// provides is checked exactly (to round-off) against differences of forward:
// backward against z(x + dx) - z(x), the gradient and the directional
// derivative against z(w + v) - z(w), the Jacobian against the directional
// derivative. Forward is checked against PyTorch's Conv2d written as sums, with
// both parameterizations; pooling backward against its forward's transpose,
// for several signals per example.
#include <gtest/gtest.h>

#include <cmath>

#include "core/Error.hpp"
#include "core/Rng.hpp"
#include "model/ConvLayer.hpp"
#include "model/LayerList.hpp"
#include "model/Network.hpp"
#include "model/PoolLayer.hpp"

namespace pk::test {
namespace {

Matrix randomMatrix(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  Rng rng(seed);
  Matrix m(rows, cols);
  for (auto& v : m.values()) v = rng.normal();
  return m;
}

std::vector<double> randomVector(std::int64_t n, std::uint64_t seed) {
  return randomMatrix(1, n, seed).values();
}

double dot(const double* a, const double* b, std::int64_t n) {
  double s = 0.0;
  for (std::int64_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

// conv:3:3:s2:p1 on 2 x 6 x 5 images, its parameters from offset 4 of w (as after another layer).
struct ConvCase {
  ConvLayer layer;
  std::vector<double> w;
  Matrix x;
};

ConvCase convCase(Parameterization p) {
  const ConvGeometry g{{2, 6, 5}, 3, 3, 2, 1};
  ConvCase c{ConvLayer(g, {Activation::Tanh, p}, 4), {}, randomMatrix(4, g.input.size(), 11)};
  c.w = randomVector(4 + c.layer.parameterCount(), 12);
  return c;
}

TEST(ConvLayer, ForwardIsConv2dWithItsScaleBiasAndActivation) {
  for (const auto p : {Parameterization::Standard, Parameterization::Ntk}) {
    const ConvCase c = convCase(p);
    const ConvGeometry& g = c.layer.geometry();
    EXPECT_EQ(c.layer.outputShape(), (std::vector<std::int64_t>{3, 3, 3}));
    EXPECT_EQ(c.layer.description(), "conv:3:3:s2:p1");
    EXPECT_EQ(c.layer.parameters()[0].shape, (std::vector<std::int64_t>{3, 2, 3, 3}));
    EXPECT_EQ(c.layer.parameters()[1].offset, 4 + 3 * 2 * 3 * 3);
    const double s = p == Parameterization::Ntk ? 1.0 / std::sqrt(18.0) : 1.0;
    Matrix z, next;
    c.layer.forward(c.w.data(), c.x, z, &next);
    const double* W = c.w.data() + 4;
    const double* b = W + 54;
    for (std::int64_t r = 0; r < c.x.rows(); ++r)
      for (std::int64_t k = 0; k < 3; ++k)
        for (std::int64_t oy = 0; oy < 3; ++oy)
          for (std::int64_t ox = 0; ox < 3; ++ox) {
            double sum = 0.0;
            for (std::int64_t ch = 0; ch < 2; ++ch)
              for (std::int64_t i = 0; i < 3; ++i)
                for (std::int64_t j = 0; j < 3; ++j) {
                  const std::int64_t y = 2 * oy - 1 + i, x = 2 * ox - 1 + j;
                  if (y >= 0 && y < g.input.height && x >= 0 && x < g.input.width)
                    sum += W[((k * 2 + ch) * 3 + i) * 3 + j] * c.x(r, (ch * 6 + y) * 5 + x);
                }
            const double expected = s * sum + b[k];
            EXPECT_NEAR(z(r, (k * 3 + oy) * 3 + ox), expected, 1e-13);
            EXPECT_NEAR(next(r, (k * 3 + oy) * 3 + ox), std::tanh(expected), 1e-13);
          }
  }
}

TEST(ConvLayer, EveryDerivativeAgreesWithDifferencesOfForward) {
  for (const auto p : {Parameterization::Standard, Parameterization::Ntk}) {
    const ConvCase c = convCase(p);
    const std::int64_t n = c.x.rows(), out = c.layer.outputWidth(), in = c.layer.inputWidth();
    Matrix z0, z1;
    c.layer.forward(c.w.data(), c.x, z0, nullptr);
    // backward: <above, z(x + dx) - z(x)> = <backward(above), dx>, two signals per example.
    const Matrix above = randomMatrix(2 * n, out, 13), dx = randomMatrix(n, in, 14);
    Matrix moved = c.x;
    for (std::size_t i = 0; i < moved.size(); ++i) moved.values()[i] += dx.values()[i];
    c.layer.forward(c.w.data(), moved, z1, nullptr);
    Matrix below(2 * n, in);
    c.layer.backward(c.w.data(), c.x, above.view(), below.view());
    for (std::int64_t r = 0; r < 2 * n; ++r) {
      std::vector<double> change(static_cast<std::size_t>(out));
      for (std::int64_t j = 0; j < out; ++j) change[j] = z1(r / 2, j) - z0(r / 2, j);
      EXPECT_NEAR(dot(above.row(r), change.data(), out), dot(below.row(r), dx.row(r / 2), in), 1e-11);
    }
    // gradient and directional derivative along v (zero outside the layer's blocks).
    std::vector<double> v = randomVector(static_cast<std::int64_t>(c.w.size()), 15);
    for (int i = 0; i < 4; ++i) v[static_cast<std::size_t>(i)] = 0.0;
    std::vector<double> w1 = c.w;
    for (std::size_t i = 0; i < w1.size(); ++i) w1[i] += v[i];
    c.layer.forward(w1.data(), c.x, z1, nullptr);
    const Matrix u = randomMatrix(n, out, 16);
    std::vector<double> grad(c.w.size(), 0.0);
    c.layer.accumulateGradient(c.x, u, grad.data());
    double change = 0.0;
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t j = 0; j < out; ++j) change += u(r, j) * (z1(r, j) - z0(r, j));
    EXPECT_NEAR(dot(grad.data(), v.data(), static_cast<std::int64_t>(v.size())), change, 1e-11);
    const std::int64_t outputs = 2;
    const Matrix delta = randomMatrix(n, outputs * out, 17);
    Matrix directional(n, outputs);
    c.layer.addDirectional(v.data(), c.x, delta, directional);
    for (std::int64_t r = 0; r < n; ++r) {
      Matrix jac(outputs, static_cast<std::int64_t>(c.w.size()));
      c.layer.addJacobian(c.x, delta, r, jac);
      for (std::int64_t o = 0; o < outputs; ++o) {
        double expected = 0.0;
        for (std::int64_t j = 0; j < out; ++j) expected += delta(r, o * out + j) * (z1(r, j) - z0(r, j));
        EXPECT_NEAR(directional(r, o), expected, 1e-11);
        EXPECT_NEAR(dot(jac.row(o), v.data(), static_cast<std::int64_t>(v.size())), expected, 1e-11);
      }
    }
  }
}

TEST(PoolLayer, BackwardIsTheTransposeOfForwardForEverySignalOfAnExample) {
  for (const auto kind : {PoolLayer::Kind::Average, PoolLayer::Kind::Max}) {
    const PoolLayer layer(kind, {{3, 7, 5}, 2});
    EXPECT_EQ(layer.outputShape(), (std::vector<std::int64_t>{3, 3, 2}));
    EXPECT_EQ(layer.parameterCount(), 0);
    const Matrix x = randomMatrix(3, layer.inputWidth(), 21);
    Matrix z, next;
    layer.forward(nullptr, x, z, &next);
    EXPECT_EQ(next.values(), z.values());
    const Matrix above = randomMatrix(3 * 2, layer.outputWidth(), 22);
    Matrix below(3 * 2, layer.inputWidth());
    layer.backward(nullptr, x, above.view(), below.view());
    for (std::int64_t r = 0; r < 6; ++r) {
      // Average pooling is linear; max pooling is, at a fixed choice of the largest entries:
      // <above, pool(x)> = <backward(above), x> in both cases.
      EXPECT_NEAR(dot(above.row(r), z.row(r / 2), layer.outputWidth()),
                  dot(below.row(r), x.row(r / 2), layer.inputWidth()), 1e-12);
    }
  }
}

TEST(LayerList, ConvAndPoolingEntriesParseNormaliseAndTakeImageShapes) {
  const auto layers = parseLayers(" Conv:8:3 , avgpool:2,conv:16:3:s1:p0,MAXPOOL:2,conv:4:5:s2:p1,dense:32");
  EXPECT_EQ(layersText(layers), "conv:8:3,avgpool:2,conv:16:3,maxpool:2,conv:4:5:s2:p1,dense:32");
  EXPECT_FALSE(hiddenWidths(layers).has_value());
  Architecture arch;
  arch.inputs = 784;
  arch.inputShape = {1, 28, 28};
  arch.layers = parseLayers("conv:8:3,avgpool:2,conv:16:3,avgpool:2,dense:32");
  const Network net(arch);
  EXPECT_EQ(net.layer(0).outputShape(), (std::vector<std::int64_t>{8, 26, 26}));
  EXPECT_EQ(net.layer(1).outputShape(), (std::vector<std::int64_t>{8, 13, 13}));
  EXPECT_EQ(net.layer(2).outputShape(), (std::vector<std::int64_t>{16, 11, 11}));
  EXPECT_EQ(net.layer(3).outputShape(), (std::vector<std::int64_t>{16, 5, 5}));
  EXPECT_EQ(net.layer(4).inputWidth(), 400);
  // torch.nn.Sequential's parameters(): 8*1*9 + 8, 16*8*9 + 16, 32*400 + 32, 1*32 + 1.
  EXPECT_EQ(net.parameterCount(), 80 + 1168 + 12832 + 33);
  for (const auto& [text, words] :
       std::vector<std::pair<std::string, std::string>>{{"conv:8", "expected conv:K:k[:sS][:pP]"},
                                                        {"conv:8:3:p1:s2", "the stride once, before the padding"},
                                                        {"conv:0:3", "K must be an integer"},
                                                        {"pool:2", "unknown layer kind 'pool'"}})
    try {
      parseLayers(text);
      ADD_FAILURE() << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  for (const auto& [text, words] : std::vector<std::pair<std::string, std::string>>{
           {"dense:8,conv:4:3", "layer 2 (conv:4:3) needs images [C, H, W] as its input, but its input is 8 flat"},
           {"conv:4:30", "layer 1 (conv:4:30) does not fit its input 1x28x28"},
           {"conv:4:3,maxpool:27", "layer 2 (maxpool:27) has 27x27 windows, larger than its input 4x26x26"}}) {
    arch.layers = parseLayers(text);
    try {
      Network bad(arch);
      ADD_FAILURE() << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace pk::test

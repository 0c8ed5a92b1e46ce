// The index arithmetic of convolution and pooling: im2col followed by a
// product with the filters is PyTorch's Conv2d written out as sums (zero
// padding, stride, cross-correlation), its transposed form holds the same
// values, col2im is im2col's transpose, pooling
// drops the rows and columns that do not fill a window, max pooling takes the
// first largest entry in row-major order, and each backward is its forward's
// transpose.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/Rng.hpp"
#include "model/ConvGeometry.hpp"

namespace pk::test {
namespace {

std::vector<double> randomValues(std::int64_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = rng.normal();
  return v;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

TEST(ConvGeometry, PatchesTimesFiltersIsTheCrossCorrelationWithPaddingAndStride) {
  for (const auto& [stride, pad] : {std::pair<int, int>{1, 0}, {2, 1}, {1, 2}, {3, 0}}) {
    ConvGeometry g{{2, 7, 6}, 3, 3, stride, pad};
    const auto image = randomValues(g.input.size(), 1);
    const auto filters = randomValues(g.filters * g.patchSize(), 2);  // W [K, C_in, k, k]
    std::vector<double> patches(static_cast<std::size_t>(g.positions() * g.patchSize()));
    im2col(g, image.data(), patches.data());
    for (std::int64_t f = 0; f < g.filters; ++f)
      for (std::int64_t oy = 0; oy < g.outHeight(); ++oy)
        for (std::int64_t ox = 0; ox < g.outWidth(); ++ox) {
          double direct = 0.0, viaPatches = 0.0;
          for (std::int64_t c = 0; c < 2; ++c)
            for (std::int64_t i = 0; i < 3; ++i)
              for (std::int64_t j = 0; j < 3; ++j) {
                const std::int64_t y = oy * stride - pad + i, x = ox * stride - pad + j;
                if (y >= 0 && y < 7 && x >= 0 && x < 6)
                  direct += filters[static_cast<std::size_t>(((f * 2 + c) * 3 + i) * 3 + j)] *
                            image[static_cast<std::size_t>((c * 7 + y) * 6 + x)];
              }
          const std::int64_t p = oy * g.outWidth() + ox;
          for (std::int64_t q = 0; q < g.patchSize(); ++q)
            viaPatches += filters[static_cast<std::size_t>(f * g.patchSize() + q)] *
                          patches[static_cast<std::size_t>(p * g.patchSize() + q)];
          EXPECT_NEAR(viaPatches, direct, 1e-13) << "stride " << stride << " pad " << pad;
        }
    EXPECT_EQ(g.outHeight(), (7 + 2 * pad - 3) / stride + 1);
  }
}

// The fast paths (whole rows without padding, stride 1 runs) give exactly the general path's values.
TEST(ConvGeometry, TransposedPatchesAreIm2colTransposedForEveryStrideAndPadding) {
  for (const auto& [stride, pad] : {std::pair<int, int>{1, 0}, {2, 0}, {2, 1}, {1, 2}, {3, 0}}) {
    for (const int kernel : {1, 3}) {
      ConvGeometry g{{2, 7, 6}, 3, kernel, stride, pad};
      const auto image = randomValues(g.input.size(), 5);
      const std::size_t count = static_cast<std::size_t>(g.positions() * g.patchSize());
      std::vector<double> patches(count, -1.0), patchesT(count, -1.0);
      im2col(g, image.data(), patches.data());
      im2colTransposed(g, image.data(), patchesT.data());
      for (std::int64_t p = 0; p < g.positions(); ++p)
        for (std::int64_t q = 0; q < g.patchSize(); ++q)
          ASSERT_EQ(patchesT[static_cast<std::size_t>(q * g.positions() + p)],
                    patches[static_cast<std::size_t>(p * g.patchSize() + q)])
              << "stride " << stride << " pad " << pad << " kernel " << kernel;
    }
  }
}

// col2im from transposed patches adds exactly what col2im adds from the patches.
TEST(ConvGeometry, Col2imOfTransposedPatchesIsCol2imForEveryStrideAndPadding) {
  for (const auto& [stride, pad] : {std::pair<int, int>{1, 0}, {2, 0}, {2, 1}, {1, 2}, {3, 0}}) {
    ConvGeometry g{{2, 7, 6}, 3, 3, stride, pad};
    const auto patches = randomValues(g.positions() * g.patchSize(), 9);
    std::vector<double> patchesT(patches.size());
    for (std::int64_t p = 0; p < g.positions(); ++p)
      for (std::int64_t q = 0; q < g.patchSize(); ++q)
        patchesT[static_cast<std::size_t>(q * g.positions() + p)] =
            patches[static_cast<std::size_t>(p * g.patchSize() + q)];
    auto image = randomValues(g.input.size(), 10), imageT = image;
    col2imAdd(g, patches.data(), image.data());
    col2imTransposedAdd(g, patchesT.data(), imageT.data());
    for (std::size_t i = 0; i < image.size(); ++i)
      ASSERT_NEAR(imageT[i], image[i], 1e-14) << "stride " << stride << " pad " << pad << " pixel " << i;
  }
}

TEST(ConvGeometry, Col2imIsTheTransposeOfIm2col) {
  ConvGeometry g{{3, 5, 6}, 2, 3, 2, 1};
  const auto image = randomValues(g.input.size(), 3);
  const auto patchGrad = randomValues(g.positions() * g.patchSize(), 4);
  std::vector<double> patches(patchGrad.size()), imageGrad(image.size(), 0.0);
  im2col(g, image.data(), patches.data());
  col2imAdd(g, patchGrad.data(), imageGrad.data());
  EXPECT_NEAR(dot(patches, patchGrad), dot(image, imageGrad), 1e-12);
}

TEST(ConvGeometry, PoolingDropsTheRemainderAndMaxTakesTheFirstLargest) {
  // One channel 5 x 5, windows of 2: a 2 x 2 output, row 4 and column 4 dropped.
  PoolGeometry g{{1, 5, 5}, 2};
  std::vector<double> image(25);
  for (int k = 0; k < 25; ++k) image[static_cast<std::size_t>(k)] = k;
  image[0] = image[1] = image[5] = image[6] = 7.0;  // a tie: the first (index 0) wins
  std::vector<double> avg(4), mx(4);
  std::vector<std::int64_t> argmax(4);
  averagePool(g, image.data(), avg.data());
  maxPool(g, image.data(), mx.data(), argmax.data());
  EXPECT_EQ(avg,
            (std::vector<double>{7.0, (2 + 3 + 7 + 8) / 4.0, (10 + 11 + 15 + 16) / 4.0, (12 + 13 + 17 + 18) / 4.0}));
  EXPECT_EQ(mx, (std::vector<double>{7.0, 8.0, 16.0, 18.0}));
  EXPECT_EQ(argmax, (std::vector<std::int64_t>{0, 8, 16, 18}));
}

TEST(ConvGeometry, PoolingBackwardIsTheTransposeOfItsForward) {
  PoolGeometry g{{2, 7, 6}, 3};
  const auto image = randomValues(g.input.size(), 5);
  const auto outGrad = randomValues(g.output().size(), 6);
  // The backward passes overwrite every entry (the uncovered row 6 too): start from garbage.
  std::vector<double> out(outGrad.size()), imageGrad(image.size(), 99.0);
  std::vector<std::int64_t> argmax(outGrad.size());
  averagePool(g, image.data(), out.data());
  averagePoolBackward(g, outGrad.data(), imageGrad.data());
  EXPECT_NEAR(dot(out, outGrad), dot(image, imageGrad), 1e-12);
  std::fill(imageGrad.begin(), imageGrad.end(), 99.0);
  maxPool(g, image.data(), out.data(), argmax.data());
  maxPoolBackward(g, argmax.data(), outGrad.data(), imageGrad.data());
  EXPECT_NEAR(dot(out, outGrad), dot(image, imageGrad), 1e-12);
}

}  // namespace
}  // namespace pk::test

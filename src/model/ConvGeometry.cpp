#include "model/ConvGeometry.hpp"

#include <algorithm>

namespace pk {

namespace {

// Calls f(patchColumn, imageIndex) for every entry of every patch that lies
// inside the image (padding entries are skipped: they are zero).
template <typename F>
void forEachPatchEntry(const ConvGeometry& g, F&& f) {
  const std::int64_t oh = g.outHeight(), ow = g.outWidth(), k = g.kernel, q = g.patchSize();
  for (std::int64_t py = 0; py < oh; ++py)
    for (std::int64_t px = 0; px < ow; ++px) {
      const std::int64_t row = (py * ow + px) * q;
      for (std::int64_t c = 0; c < g.input.channels; ++c)
        for (std::int64_t i = 0; i < k; ++i) {
          const std::int64_t y = py * g.stride - g.pad + i;
          if (y < 0 || y >= g.input.height) continue;
          const std::int64_t col = row + (c * k + i) * k;
          const std::int64_t base = (c * g.input.height + y) * g.input.width;
          for (std::int64_t j = 0; j < k; ++j) {
            const std::int64_t x = px * g.stride - g.pad + j;
            if (x >= 0 && x < g.input.width) f(col + j, base + x);
          }
        }
    }
}

}  // namespace

void im2col(const ConvGeometry& g, const double* image, double* patches) {
  if (g.pad == 0) {
    // Every entry lies inside the image: each patch row (c, i) is k consecutive pixels, copied
    // without the zero fill and the bounds tests (the same values as the general path below).
    const std::int64_t oh = g.outHeight(), ow = g.outWidth(), k = g.kernel;
    double* out = patches;
    for (std::int64_t py = 0; py < oh; ++py)
      for (std::int64_t px = 0; px < ow; ++px)
        for (std::int64_t c = 0; c < g.input.channels; ++c)
          for (std::int64_t i = 0; i < k; ++i, out += k) {
            // A loop, not std::copy_n: a call to memmove for k = 3 values cost more than the copy.
            const double* from = image + (c * g.input.height + py * g.stride + i) * g.input.width + px * g.stride;
            for (std::int64_t j = 0; j < k; ++j) out[j] = from[j];
          }
    return;
  }
  std::fill_n(patches, g.positions() * g.patchSize(), 0.0);
  forEachPatchEntry(g, [&](std::int64_t p, std::int64_t i) { patches[p] = image[i]; });
}

void im2colTransposed(const ConvGeometry& g, const double* image, double* patchesT) {
  const std::int64_t oh = g.outHeight(), ow = g.outWidth(), k = g.kernel;
  const bool runs = g.stride == 1 && g.pad == 0;
  double* out = patchesT;
  for (std::int64_t c = 0; c < g.input.channels; ++c)
    for (std::int64_t i = 0; i < k; ++i)
      for (std::int64_t j = 0; j < k; ++j)
        for (std::int64_t py = 0; py < oh; ++py, out += ow) {
          const std::int64_t y = py * g.stride - g.pad + i;
          if (y < 0 || y >= g.input.height) {
            std::fill_n(out, ow, 0.0);
            continue;
          }
          const double* row = image + (c * g.input.height + y) * g.input.width;
          if (runs) {
            // A loop: a call to memmove per run of W' (26 or 11) values cost more than the copy.
            for (std::int64_t px = 0; px < ow; ++px) out[px] = row[j + px];
            continue;
          }
          for (std::int64_t px = 0; px < ow; ++px) {
            const std::int64_t x = px * g.stride - g.pad + j;
            out[px] = x >= 0 && x < g.input.width ? row[x] : 0.0;
          }
        }
}

void col2imAdd(const ConvGeometry& g, const double* patches, double* image) {
  forEachPatchEntry(g, [&](std::int64_t p, std::int64_t i) { image[i] += patches[p]; });
}

void col2imTransposedAdd(const ConvGeometry& g, const double* patchesT, double* image) {
  const std::int64_t oh = g.outHeight(), ow = g.outWidth(), k = g.kernel;
  const double* in = patchesT;
  for (std::int64_t c = 0; c < g.input.channels; ++c)
    for (std::int64_t i = 0; i < k; ++i)
      for (std::int64_t j = 0; j < k; ++j)
        for (std::int64_t py = 0; py < oh; ++py, in += ow) {
          const std::int64_t y = py * g.stride - g.pad + i;
          if (y < 0 || y >= g.input.height) continue;
          double* row = image + (c * g.input.height + y) * g.input.width;
          for (std::int64_t px = 0; px < ow; ++px) {
            const std::int64_t x = px * g.stride - g.pad + j;
            if (x >= 0 && x < g.input.width) row[x] += in[px];
          }
        }
}

void averagePool(const PoolGeometry& g, const double* image, double* out) {
  const ImageShape o = g.output();
  const std::int64_t k = g.window;
  const double area = static_cast<double>(k * k);
  // Each output row sums its windows row by row (i, then j within it: the order of a window's
  // own loop), reading the image's rows in order instead of one window at a time.
  for (std::int64_t c = 0; c < o.channels; ++c)
    for (std::int64_t y = 0; y < o.height; ++y) {
      double* sum = out + (c * o.height + y) * o.width;
      for (std::int64_t i = 0; i < k; ++i) {
        const double* row = image + (c * g.input.height + y * k + i) * g.input.width;
        for (std::int64_t x = 0; x < o.width; ++x) {
          double s = i == 0 ? 0.0 : sum[x];
          for (std::int64_t j = 0; j < k; ++j) s += row[x * k + j];
          sum[x] = s;
        }
      }
      for (std::int64_t x = 0; x < o.width; ++x) sum[x] /= area;
    }
}

void averagePoolBackward(const PoolGeometry& g, const double* outGrad, double* imageGrad) {
  const ImageShape o = g.output();
  const std::int64_t k = g.window, covered = o.width * k;
  const double area = static_cast<double>(k * k);
  // Row by row of the image; only the rows and columns no window covers are zeroed.
  for (std::int64_t c = 0; c < o.channels; ++c) {
    double* channel = imageGrad + c * g.input.height * g.input.width;
    for (std::int64_t y = 0; y < o.height; ++y)
      for (std::int64_t i = 0; i < k; ++i) {
        const double* from = outGrad + (c * o.height + y) * o.width;
        double* row = channel + (y * k + i) * g.input.width;
        for (std::int64_t x = 0; x < o.width; ++x) {
          const double share = from[x] / area;
          for (std::int64_t j = 0; j < k; ++j) row[x * k + j] = share;
        }
        std::fill(row + covered, row + g.input.width, 0.0);
      }
    std::fill(channel + o.height * k * g.input.width, channel + g.input.height * g.input.width, 0.0);
  }
}

void maxPool(const PoolGeometry& g, const double* image, double* out, std::int64_t* argmax) {
  const ImageShape o = g.output();
  const std::int64_t k = g.window;
  for (std::int64_t c = 0; c < o.channels; ++c)
    for (std::int64_t y = 0; y < o.height; ++y)
      for (std::int64_t x = 0; x < o.width; ++x) {
        std::int64_t best = (c * g.input.height + y * k) * g.input.width + x * k;
        for (std::int64_t i = 0; i < k; ++i)
          for (std::int64_t j = 0; j < k; ++j) {
            const std::int64_t at = (c * g.input.height + y * k + i) * g.input.width + x * k + j;
            if (image[at] > image[best]) best = at;  // strictly larger: the first largest wins
          }
        const std::int64_t o_at = (c * o.height + y) * o.width + x;
        out[o_at] = image[best];
        argmax[o_at] = best;
      }
}

void maxPoolBackward(const PoolGeometry& g, const std::int64_t* argmax, const double* outGrad, double* imageGrad) {
  std::fill_n(imageGrad, g.input.size(), 0.0);
  const std::int64_t n = g.output().size();
  for (std::int64_t o = 0; o < n; ++o) imageGrad[argmax[o]] += outGrad[o];
}

}  // namespace pk

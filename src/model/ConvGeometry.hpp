#pragma once
// The index arithmetic of 2-D convolution and pooling on images stored as rows
// of C*H*W values in (channel, row, column) order (NCHW, as PyTorch). Kept
// apart from the layers so that the patches a layer multiplies in its GEMMs
// and the patches the kernel engine contracts are the same by construction.
//
// A convolution's patch at output position p = (oh, ow) is the C_in x k x k
// block of the zero-padded input starting at (oh*stride - pad, ow*stride - pad),
// in the order of the stored weights W [K, C_in, k, k] (channel, row, column).
#include <cstdint>
#include <vector>

namespace pk {

struct ImageShape {
  std::int64_t channels = 1, height = 1, width = 1;
  std::int64_t size() const { return channels * height * width; }
  bool operator==(const ImageShape& o) const {
    return channels == o.channels && height == o.height && width == o.width;
  }
};

struct ConvGeometry {
  ImageShape input;
  std::int64_t filters = 1, kernel = 1, stride = 1, pad = 0;

  std::int64_t outHeight() const { return (input.height + 2 * pad - kernel) / stride + 1; }
  std::int64_t outWidth() const { return (input.width + 2 * pad - kernel) / stride + 1; }
  std::int64_t positions() const { return outHeight() * outWidth(); }
  std::int64_t patchSize() const { return input.channels * kernel * kernel; }  // fan_in
  ImageShape output() const { return {filters, outHeight(), outWidth()}; }
  /// False when the kernel does not fit the padded input (no output position).
  bool fits() const { return input.height + 2 * pad >= kernel && input.width + 2 * pad >= kernel; }
};

/// patches [positions, patchSize] (row-major) of one image [C_in*H*W].
void im2col(const ConvGeometry& g, const double* image, double* patches);

/// The same patches transposed, [patchSize, positions] (row-major): row (c, i, j) holds that
/// entry of every patch; with stride 1 and no padding its rows of output positions are runs of
/// consecutive pixels, copied whole.
void im2colTransposed(const ConvGeometry& g, const double* image, double* patchesT);
/// image [C_in*H*W] += the patches [positions, patchSize] put back where they came from
/// (the transpose of im2col: the gradient w.r.t. the input of a patch gradient).
void col2imAdd(const ConvGeometry& g, const double* patches, double* image);
/// The same from transposed patches [patchSize, positions]: image += col2im(patchesT^T).
void col2imTransposedAdd(const ConvGeometry& g, const double* patchesT, double* image);

/// Non-overlapping k x k windows with stride k; the last rows and columns that
/// do not fill a window are dropped (PyTorch's AvgPool2d(k), MaxPool2d(k)).
struct PoolGeometry {
  ImageShape input;
  std::int64_t window = 2;
  ImageShape output() const { return {input.channels, input.height / window, input.width / window}; }
};

/// out [C*H'*W'] = the mean of each window of `image`.
void averagePool(const PoolGeometry& g, const double* image, double* out);
/// image_grad [C*H*W] = each output's gradient spread evenly over its window (zero elsewhere).
void averagePoolBackward(const PoolGeometry& g, const double* outGrad, double* imageGrad);

/// out = the largest entry of each window; argmax [C*H'*W'] = its index in the
/// image, the first largest in row-major order within the window.
void maxPool(const PoolGeometry& g, const double* image, double* out, std::int64_t* argmax);
/// image_grad [C*H*W] = each output's gradient at its argmax (zero elsewhere).
void maxPoolBackward(const PoolGeometry& g, const std::int64_t* argmax, const double* outGrad, double* imageGrad);

}  // namespace pk

#pragma once
// Reading IDX files, the format of the MNIST family of image sets: a big-endian
// header (two zero bytes, the element type, the number of dimensions, then
// each dimension as a 32-bit count) followed by the elements in row-major
// order. Files may be gzip-compressed, as the distributions ship them.
// pathkernel reads the two kinds those sets use, both of unsigned bytes:
// labels (magic 0x00000801, [n]) and images (magic 0x00000803, [n, rows, cols]).
#include <cstdint>
#include <string>
#include <vector>

namespace pk {

struct IdxArray {
  std::vector<std::int64_t> dims;    // [n] or [n, rows, cols]
  std::vector<std::uint8_t> values;  // row-major, product(dims) bytes
};

/// Not collective. Reads `path` (plain or gzip) and checks that it holds an IDX
/// array of unsigned bytes with `dimensions` dimensions (1: labels, 3: images)
/// and exactly as many bytes as its header announces. Throws InputError naming
/// the file and the problem (no file, wrong magic, truncated, trailing bytes, a
/// damaged gzip stream).
IdxArray readIdx(const std::string& path, int dimensions);

/// The bytes of an IDX file as it would be written (uncompressed); for tests and tools.
std::vector<std::uint8_t> idxBytes(const IdxArray& array);

}  // namespace pk

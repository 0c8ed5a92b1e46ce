#include "io/IdxFile.hpp"

#include <zlib.h>

#include <fstream>
#include <iterator>

#include "core/Error.hpp"

namespace pk {

namespace {

std::vector<std::uint8_t> fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  PK_REQUIRE(in, "cannot open the IDX file '" + path + "'");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  PK_REQUIRE(!in.bad(), "cannot read the IDX file '" + path + "'");
  return bytes;
}

bool isGzip(const std::vector<std::uint8_t>& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

// The whole gzip stream inflated (one member, as gzip writes it).
std::vector<std::uint8_t> gunzip(const std::vector<std::uint8_t>& packed, const std::string& path) {
  z_stream zs{};
  PK_ASSERT(inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK, "inflateInit2 failed");
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> chunk(1 << 20);
  zs.next_in = const_cast<Bytef*>(packed.data());
  zs.avail_in = static_cast<uInt>(packed.size());
  int status = Z_OK;
  while (status == Z_OK) {
    zs.next_out = chunk.data();
    zs.avail_out = static_cast<uInt>(chunk.size());
    status = inflate(&zs, Z_NO_FLUSH);
    out.insert(out.end(), chunk.data(), chunk.data() + (chunk.size() - zs.avail_out));
    if (status == Z_BUF_ERROR && zs.avail_in == 0) break;  // the input ended before the stream did
  }
  inflateEnd(&zs);
  PK_REQUIRE(status == Z_STREAM_END,
             "the IDX file '" + path + "' is a damaged or truncated gzip file (" +
                 (status == Z_BUF_ERROR ? std::string("the compressed stream ends early")
                                        : std::string("inflate: ") + (zs.msg ? zs.msg : "corrupt data")) +
                 ")");
  return out;
}

std::int64_t bigEndian32(const std::uint8_t* p) {
  return (static_cast<std::int64_t>(p[0]) << 24) | (static_cast<std::int64_t>(p[1]) << 16) |
         (static_cast<std::int64_t>(p[2]) << 8) | static_cast<std::int64_t>(p[3]);
}

std::string hex32(const std::uint8_t* p) {
  static const char* digits = "0123456789abcdef";
  std::string text = "0x";
  for (int i = 0; i < 4; ++i) {
    text += digits[p[i] >> 4];
    text += digits[p[i] & 15];
  }
  return text;
}

}  // namespace

IdxArray readIdx(const std::string& path, int dimensions) {
  std::vector<std::uint8_t> bytes = fileBytes(path);
  if (isGzip(bytes)) bytes = gunzip(bytes, path);
  const std::string expected = dimensions == 1 ? "0x00000801 (labels)" : "0x00000803 (images)";
  PK_REQUIRE(bytes.size() >= 4, "'" + path + "' is not an IDX file: it has " + std::to_string(bytes.size()) +
                                    " bytes, fewer than the 4 of a magic number");
  PK_REQUIRE(bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0x08 && bytes[3] == dimensions,
             "'" + path + "' has the magic number " + hex32(bytes.data()) + ", not " + expected +
                 " of an IDX file of unsigned bytes");
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(dimensions);
  PK_REQUIRE(bytes.size() >= header, "the IDX file '" + path + "' is truncated inside its header");
  IdxArray array;
  std::int64_t total = 1;
  for (int d = 0; d < dimensions; ++d) {
    array.dims.push_back(bigEndian32(bytes.data() + 4 + 4 * d));
    total *= array.dims.back();
  }
  const auto present = static_cast<std::int64_t>(bytes.size() - header);
  PK_REQUIRE(present >= total, "the IDX file '" + path + "' is truncated: its header announces " +
                                   std::to_string(total) + " bytes of data, but it holds " + std::to_string(present));
  PK_REQUIRE(present == total, "the IDX file '" + path + "' has " + std::to_string(present - total) +
                                   " bytes after the " + std::to_string(total) + " its header announces");
  array.values.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return array;
}

std::vector<std::uint8_t> idxBytes(const IdxArray& array) {
  std::vector<std::uint8_t> bytes = {0, 0, 0x08, static_cast<std::uint8_t>(array.dims.size())};
  for (const std::int64_t d : array.dims)
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>((d >> shift) & 0xff));
  bytes.insert(bytes.end(), array.values.begin(), array.values.end());
  return bytes;
}

}  // namespace pk

// Reading IDX files: plain and gzip files give the same array, and a file that
// is not what it should be (another magic number, a truncated header or body,
// bytes after the data, a damaged gzip stream) is refused naming the problem.
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "io/IdxFile.hpp"

namespace pk::test {
namespace {

// Each rank writes and reads files of its own: readIdx is not collective.
std::string rankPath(const std::string& name) {
  return tempPath(std::to_string(rank()) + "_" + name);
}

void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void writeGzip(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(file);
}

std::vector<std::uint8_t> readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

IdxArray images() {
  IdxArray a;
  a.dims = {3, 2, 4};  // 3 images of 2 rows x 4 columns
  for (int k = 0; k < 24; ++k) a.values.push_back(static_cast<std::uint8_t>(10 * k + 1));
  return a;
}

TEST(IdxFile, PlainAndGzipFilesGiveTheSameArray) {
  const IdxArray a = images();
  const std::string plain = rankPath("images.idx"), packed = rankPath("images.idx.gz");
  writeBytes(plain, idxBytes(a));
  writeGzip(packed, idxBytes(a));
  for (const std::string& path : {plain, packed}) {
    const IdxArray read = readIdx(path, 3);
    EXPECT_EQ(read.dims, a.dims) << path;
    EXPECT_EQ(read.values, a.values) << path;
  }
  IdxArray labels;
  labels.dims = {4};
  labels.values = {0, 9, 3, 3};
  writeBytes(plain, idxBytes(labels));
  EXPECT_EQ(readIdx(plain, 1).values, labels.values);
}

TEST(IdxFile, RefusesWhatIsNotAnIdxArrayOfTheAskedKind) {
  const std::string path = rankPath("bad.idx");
  const auto bytes = idxBytes(images());
  writeBytes(path, bytes);
  expectInputError([&] { readIdx(path, 1); }, "has the magic number 0x00000803, not 0x00000801 (labels)");
  auto other = bytes;
  other[2] = 0x0d;  // float elements
  writeBytes(path, other);
  expectInputError([&] { readIdx(path, 3); }, "magic number 0x00000d03");
  writeBytes(path, std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 10));
  expectInputError([&] { readIdx(path, 3); }, "truncated inside its header");
  writeBytes(path, std::vector<std::uint8_t>(bytes.begin(), bytes.end() - 5));
  expectInputError([&] { readIdx(path, 3); }, "is truncated: its header announces 24 bytes of data, but it holds 19");
  auto longer = bytes;
  longer.push_back(7);
  writeBytes(path, longer);
  expectInputError([&] { readIdx(path, 3); }, "has 1 bytes after the 24");
  expectInputError([&] { readIdx(rankPath("missing.idx"), 3); }, "cannot open the IDX file");
}

TEST(IdxFile, RefusesADamagedOrTruncatedGzipStream) {
  const std::string packed = rankPath("images.gz"), path = rankPath("cut.gz");
  IdxArray big = images();
  big.dims = {300, 2, 4};
  big.values.resize(2400, 0x5a);
  writeGzip(packed, idxBytes(big));
  const auto bytes = readBytes(packed);
  writeBytes(path, std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2)));
  expectInputError([&] { readIdx(path, 3); }, "is a damaged or truncated gzip file");
  auto damaged = bytes;
  for (std::size_t k = 12; k < damaged.size() - 8; ++k) damaged[k] ^= 0xa5;
  writeBytes(path, damaged);
  expectInputError([&] { readIdx(path, 3); }, "is a damaged or truncated gzip file");
}

}  // namespace
}  // namespace pk::test

// SHA-256 against the test vectors of FIPS 180-4, whole and in pieces.
#include <gtest/gtest.h>

#include <string>

#include "core/Sha256.hpp"

namespace pk::test {
namespace {

std::string hashOf(const std::string& text) {
  Sha256 sha;
  sha.update(text.data(), text.size());
  return sha.hexDigest();
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(hashOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hashOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hashOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hashOf(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesOfAnySizeGiveTheSameHash) {
  std::string text;
  for (int k = 0; k < 1000; ++k) text += static_cast<char>(k * 7 % 251);
  for (const std::size_t piece : {1u, 3u, 63u, 64u, 65u, 1000u}) {
    Sha256 sha;
    for (std::size_t at = 0; at < text.size(); at += piece)
      sha.update(text.data() + at, std::min(piece, text.size() - at));
    EXPECT_EQ(sha.hexDigest(), hashOf(text)) << "pieces of " << piece;
  }
}

}  // namespace
}  // namespace pk::test

#pragma once
// SHA-256 (FIPS 180-4), to record which data a run was trained on.
#include <mpi.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace pk {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t bytes);
  /// Finishes the hash and returns it as 64 lower-case hex digits.
  std::string hexDigest();

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t totalBytes_ = 0;
};

/// The SHA-256 of a file's bytes, as hex. Not collective; throws InputError if unreadable.
std::string sha256OfFile(const std::string& path);

/// Collective. sha256OfFile read on rank 0 of `comm` and given to every rank
/// (for a file every rank can already open).
std::string sha256OfFileOnRoot(const std::string& path, MPI_Comm comm);

}  // namespace pk

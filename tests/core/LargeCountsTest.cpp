// Sizes past 2^31 without allocating them: the refusal of a kernel block PETSc
// cannot index (gone with 64-bit PetscInt), and MPI messages of more doubles
// than an int counts, sent in pieces.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "core/LargeCounts.hpp"

namespace pk::test {
namespace {

constexpr std::int64_t kInt32 = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kInt64 = std::numeric_limits<std::int64_t>::max();

TEST(LargeCounts, LargestRowBlockIsTheCeiling) {
  EXPECT_EQ(largestRowBlock(100000, 3), 33334);
  EXPECT_EQ(largestRowBlock(6, 8), 1);  // ranks that own no rows
  EXPECT_EQ(largestRowBlock(0, 4), 0);
  EXPECT_EQ(largestRowBlock(std::int64_t{1} << 40, 1), std::int64_t{1} << 40);
}

TEST(LargeCounts, BlocksPast2To31NeedA64BitIndex) {
  // 46340^2 < 2^31 - 1 < 46341^2: the boundary of a 32-bit index, exactly.
  EXPECT_NO_THROW(requireBlockIndexable(46340, 46340, 1, kInt32));
  EXPECT_THROW(requireBlockIndexable(46341, 46341, 1, kInt32), InputError);
  // Fashion-MNIST's N = 60000 on one rank: 3.6e9 entries.
  EXPECT_THROW(requireBlockIndexable(60000, 60000, 1, kInt32), InputError);
  EXPECT_NO_THROW(requireBlockIndexable(60000, 60000, 1, kInt64));
  // N = 10^6 on 8 ranks: 1.25e11 entries a rank; 2^31 would need 466 ranks.
  EXPECT_THROW(requireBlockIndexable(1000000, 1000000, 8, kInt32), InputError);
  EXPECT_NO_THROW(requireBlockIndexable(1000000, 1000000, 8, kInt64));
  EXPECT_NO_THROW(requireBlockIndexable(1000000, 1000000, 466, kInt32));
  // Sizes whose product would overflow 64 bits are refused, not wrapped.
  EXPECT_THROW(requireBlockIndexable(std::int64_t{1} << 40, std::int64_t{1} << 40, 1, kInt64), InputError);
  EXPECT_NO_THROW(requireBlockIndexable(1000, 0, 1, kInt32));
}

TEST(LargeCounts, TheBuildsPetscIntDecides) {
  // What DenseRows asks: refused with Debian's 32-bit PETSc, accepted with its petsc64 build.
  const auto limit = static_cast<std::int64_t>(std::numeric_limits<PetscInt>::max());
  if (sizeof(PetscInt) == 8)
    EXPECT_NO_THROW(requireBlockIndexable(60000, 60000, 1, limit));
  else
    EXPECT_THROW(requireBlockIndexable(60000, 60000, 1, limit), InputError);
}

TEST(LargeCounts, SendrecvInPiecesDeliversEveryValue) {
  // Pieces of 7 doubles stand for pieces of 2^30: the same loop, every boundary case.
  const int partner = size() - 1 - rank();
  for (const std::int64_t count : {std::int64_t{0}, std::int64_t{1}, std::int64_t{7}, std::int64_t{50}}) {
    std::vector<double> send(static_cast<std::size_t>(count)), received(static_cast<std::size_t>(count), -1.0);
    for (std::int64_t i = 0; i < count; ++i)
      send[static_cast<std::size_t>(i)] = 1000.0 * rank() + static_cast<double>(i);
    sendrecvDoubles(send.data(), received.data(), count, partner, MPI_COMM_WORLD, 7);
    for (std::int64_t i = 0; i < count; ++i)
      EXPECT_EQ(received[static_cast<std::size_t>(i)], 1000.0 * partner + static_cast<double>(i)) << count;
  }
}

}  // namespace
}  // namespace pk::test

// The row split: contiguous blocks covering every row once, the same split as
// PETSc's distributed matrices, and the allgather of row blocks, also when
// some ranks own no rows.
#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "core/DenseRows.hpp"
#include "core/Partition.hpp"

namespace pk::test {
namespace {

TEST(Partition, BlocksCoverEveryRowOnceAndMatchPetsc) {
  for (const std::int64_t rows :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{2}, std::int64_t{7}, std::int64_t{100}}) {
    const Partition part(MPI_COMM_WORLD, rows);
    const auto& off = part.offsets();
    ASSERT_EQ(off.size(), static_cast<std::size_t>(size()) + 1);
    EXPECT_EQ(off.front(), 0);
    EXPECT_EQ(off.back(), rows);
    for (std::size_t r = 0; r + 1 < off.size(); ++r) EXPECT_LE(off[r], off[r + 1]);
    EXPECT_EQ(part.localRows(), part.end() - part.begin());
    if (rows == 0) continue;
    const DenseRows matrix(MPI_COMM_WORLD, rows, 3);
    EXPECT_EQ(matrix.firstRow(), part.begin()) << rows << " rows";
    EXPECT_EQ(matrix.localRows(), part.localRows()) << rows << " rows";
  }
}

TEST(Partition, AllgatherRowsPutsEveryBlockInPlace) {
  for (const std::int64_t rows : {std::int64_t{1}, std::int64_t{5}, std::int64_t{64}}) {
    const std::int64_t cols = 3;
    const Partition part(MPI_COMM_WORLD, rows);
    std::vector<double> local;
    for (std::int64_t r = part.begin(); r < part.end(); ++r)
      for (std::int64_t c = 0; c < cols; ++c) local.push_back(static_cast<double>(r * 10 + c));
    const auto all = allgatherRows(part, local.data(), cols);
    ASSERT_EQ(all.size(), static_cast<std::size_t>(rows * cols));
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t c = 0; c < cols; ++c) EXPECT_EQ(all[r * cols + c], static_cast<double>(r * 10 + c));
  }
}

}  // namespace
}  // namespace pk::test

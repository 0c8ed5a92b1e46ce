// Reading a data file: each rank gets its own block of rows, integer labels
// arrive as doubles, a missing test split is an empty one, the SHA-256 is
// taken over the datasets' bytes in the documented order, and a malformed
// file is refused with a message naming the problem.
#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "core/Sha256.hpp"
#include "io/DataFile.hpp"
#include "io/H5.hpp"

namespace pk::test {
namespace {

struct Arrays {
  std::vector<double> trainX, testX;
  std::vector<std::int64_t> trainY, testY;
};

Arrays makeArrays(std::int64_t n, std::int64_t m, std::int64_t d) {
  Arrays a;
  for (std::int64_t k = 0; k < n * d; ++k) a.trainX.push_back(0.5 * static_cast<double>(k) - 3.0);
  for (std::int64_t k = 0; k < m * d; ++k) a.testX.push_back(-0.25 * static_cast<double>(k));
  for (std::int64_t k = 0; k < n; ++k) a.trainY.push_back(k % 3);
  for (std::int64_t k = 0; k < m; ++k) a.testY.push_back((k + 1) % 3);
  return a;
}

void writeData(const std::string& path, const Arrays& a, std::int64_t d, bool withTest) {
  h5::Id file = h5::createFile(path, MPI_COMM_WORLD);
  const auto n = static_cast<hsize_t>(a.trainY.size()), m = static_cast<hsize_t>(a.testY.size());
  const auto dd = static_cast<hsize_t>(d);
  h5::writeReplicated(file, "/train/X", {n, dd}, a.trainX.data());
  h5::writeReplicated(file, "/train/y", {n}, a.trainY.data());
  if (!withTest) return;
  h5::writeReplicated(file, "/test/X", {m, dd}, a.testX.data());
  h5::writeReplicated(file, "/test/y", {m}, a.testY.data());
}

TEST(DataFile, EachRankReadsItsRowsAndTheHashCoversEveryDataset) {
  const std::int64_t n = 11, m = 4, d = 3;
  const Arrays a = makeArrays(n, m, d);
  const std::string path = tempPath("data.h5");
  writeData(path, a, d, true);
  const Dataset data = readDataFile(path, MPI_COMM_WORLD);
  EXPECT_EQ(data.inputs, d);
  EXPECT_TRUE(data.integerLabels);
  EXPECT_EQ(data.train.globalRows, n);
  EXPECT_EQ(data.test.globalRows, m);
  const Partition rows(MPI_COMM_WORLD, n);
  EXPECT_EQ(data.train.firstRow, rows.begin());
  ASSERT_EQ(data.train.x.rows(), rows.localRows());
  for (std::int64_t r = 0; r < rows.localRows(); ++r) {
    for (std::int64_t c = 0; c < d; ++c) EXPECT_EQ(data.train.x(r, c), a.trainX[(rows.begin() + r) * d + c]);
    EXPECT_EQ(data.train.y(r, 0), static_cast<double>(a.trainY[rows.begin() + r]));
  }
  Sha256 sha;
  sha.update(a.trainX.data(), a.trainX.size() * sizeof(double));
  sha.update(a.trainY.data(), a.trainY.size() * sizeof(std::int64_t));
  sha.update(a.testX.data(), a.testX.size() * sizeof(double));
  sha.update(a.testY.data(), a.testY.size() * sizeof(std::int64_t));
  EXPECT_EQ(hashDataFile(path, MPI_COMM_WORLD), sha.hexDigest());
}

TEST(DataFile, NoTestSplitIsAnEmptyOneAndMalformedFilesAreRefused) {
  const std::int64_t d = 2;
  const Arrays a = makeArrays(5, 0, d);
  const std::string path = tempPath("train_only.h5");
  writeData(path, a, d, false);
  const Dataset data = readDataFile(path, MPI_COMM_WORLD);
  EXPECT_EQ(data.test.globalRows, 0);
  EXPECT_EQ(data.test.x.cols(), d);

  const std::string bad = tempPath("bad.h5");
  {
    h5::Id file = h5::createFile(bad, MPI_COMM_WORLD);
    h5::writeReplicated(file, "/train/X", {5, 2}, a.trainX.data());
  }
  EXPECT_THROW(readDataFile(bad, MPI_COMM_WORLD), InputError);
  EXPECT_THROW(readDataFile(tempPath("absent.h5"), MPI_COMM_WORLD), InputError);
}

}  // namespace
}  // namespace pk::test

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

TEST(DataFile, ImagesAreReadAsRowsInChannelRowColumnOrder) {
  // X [5, 2, 3, 2] (NCHW): row r holds the 12 values of image r in (c, h, w) order.
  const std::int64_t n = 5, m = 2;
  const Arrays a = makeArrays(n, m, 12);
  const std::string path = tempPath("images.h5");
  {
    h5::Id file = h5::createFile(path, MPI_COMM_WORLD);
    h5::writeReplicated(file, "/train/X", {5, 2, 3, 2}, a.trainX.data());
    h5::writeReplicated(file, "/train/y", {5}, a.trainY.data());
    h5::writeReplicated(file, "/test/X", {2, 2, 3, 2}, a.testX.data());
    h5::writeReplicated(file, "/test/y", {2}, a.testY.data());
  }
  const Dataset data = readDataFile(path, MPI_COMM_WORLD);
  EXPECT_EQ(data.inputs, 12);
  EXPECT_EQ(data.inputShape, (std::vector<std::int64_t>{2, 3, 2}));
  for (std::int64_t r = 0; r < data.train.x.rows(); ++r)
    for (std::int64_t c = 0; c < 12; ++c)
      EXPECT_EQ(data.train.x(r, c), a.trainX[static_cast<std::size_t>((data.train.firstRow + r) * 12 + c)]);
  EXPECT_EQ(readQueryFile(path, "/test", MPI_COMM_WORLD).inputShape, (std::vector<std::int64_t>{2, 3, 2}));
  // The hash covers every value of a 4-D dataset, not only its first two dimensions.
  EXPECT_EQ(hashDatasets(path, {"/train/X"}, MPI_COMM_WORLD), [&] {
    Sha256 sha;
    sha.update(a.trainX.data(), a.trainX.size() * sizeof(double));
    return sha.hexDigest();
  }());
  const std::string other = tempPath("other.h5");
  {
    h5::Id file = h5::createFile(other, MPI_COMM_WORLD);
    h5::writeReplicated(file, "/train/X", {5, 2, 3, 2}, a.trainX.data());
    h5::writeReplicated(file, "/train/y", {5}, a.trainY.data());
    h5::writeReplicated(file, "/test/X", {2, 2, 2, 3}, a.testX.data());
    h5::writeReplicated(file, "/test/y", {2}, a.testY.data());
  }
  expectInputError([&] { readDataFile(other, MPI_COMM_WORLD); },
                   "holds inputs of shape 2x2x3 but /train/X of shape 2x3x2");
}

}  // namespace
}  // namespace pk::test

// The HDF5 plumbing: distributed row blocks written and read back at any rank
// count (also by ranks that own no rows), replicated datasets, attributes of
// every type, existence checks through missing groups, and the checks every
// reader makes of a result file.
#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"

namespace pk::test {
namespace {

TEST(H5, RowBlocksAndReplicatedDataRoundTrip) {
  const std::string path = tempPath("blocks.h5");
  const std::int64_t rows = 7, cols = 3;
  const Partition part(MPI_COMM_WORLD, rows);
  std::vector<double> local;
  std::vector<std::int64_t> localInts;
  for (std::int64_t r = part.begin(); r < part.end(); ++r)
    for (std::int64_t c = 0; c < cols; ++c) {
      local.push_back(r + 0.25 * static_cast<double>(c));
      localInts.push_back(-r * 100 - c);
    }
  const std::vector<double> shared = {1.5, -2.0, 3.25};
  {
    h5::Id file = h5::createFile(path, MPI_COMM_WORLD);
    h5::writeRows(file, "/a/b/values", {rows, cols}, part.begin(), part.localRows(), local.data());
    h5::writeRows(file, "/ints", {rows, 1, cols}, part.begin(), part.localRows(), localInts.data());
    h5::writeReplicated(file, "/shared", {shared.size()}, shared.data());
    h5::writeReplicated(file, "/empty", {0}, static_cast<const double*>(nullptr));
  }
  h5::Id file = h5::openFile(path, MPI_COMM_WORLD);
  EXPECT_EQ(h5::shape(file, "/a/b/values"), (std::vector<hsize_t>{7, 3}));
  EXPECT_TRUE(h5::isDataset(file, "/a/b/values"));
  EXPECT_FALSE(h5::isDataset(file, "/a/b"));
  EXPECT_FALSE(h5::exists(file, "/a/b/values/below"));  // below a dataset: absent, not an error
  EXPECT_EQ(h5::elementKind(file, "/ints"), h5::Kind::Integer);
  EXPECT_EQ(h5::elementKind(file, "/shared"), h5::Kind::Float);
  const auto all = h5::readRows(file, "/a/b/values", 0, rows);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) EXPECT_EQ(all[r * cols + c], r + 0.25 * static_cast<double>(c));
  // Each rank reads another block than it wrote: reads select rows by global index.
  const std::int64_t first = (part.begin() + 2) % rows;
  const std::int64_t count = std::min<std::int64_t>(3, rows - first);
  const auto ints = h5::readRowsInt(file, "/ints", first, count);
  for (std::int64_t r = 0; r < count; ++r) EXPECT_EQ(ints[r * cols + 1], -(first + r) * 100 - 1);
  EXPECT_EQ(h5::readRows(file, "/shared", 0, 3), shared);
  EXPECT_TRUE(h5::readRows(file, "/empty", 0, 0).empty());
}

TEST(H5, AttributesOfEveryTypeAndExistenceChecks) {
  const std::string path = tempPath("attributes.h5");
  {
    h5::Id file = h5::createFile(path, MPI_COMM_WORLD);
    h5::Id group = h5::ensureGroup(file, "/g/h");
    h5::setAttribute(group, "int", std::int64_t{-42});
    h5::setAttribute(group, "double", 0.125);
    h5::setAttribute(group, "text", std::string("gauss:3"));
    h5::setAttribute(group, "ints", std::vector<std::int64_t>{16, 16});
    h5::setAttribute(group, "doubles", std::vector<double>{1.5, 2.5});
    h5::setFlagAttribute(group, "flag", true);
    h5::setAttribute(group, "int", std::int64_t{7});  // replaced, not added twice
  }
  h5::Id file = h5::openFile(path, MPI_COMM_WORLD);
  h5::Id group(PK_H5(H5Gopen2(file, "/g/h", H5P_DEFAULT)));
  EXPECT_EQ(h5::intAttribute(group, "int"), 7);
  EXPECT_EQ(h5::doubleAttribute(group, "double"), 0.125);
  EXPECT_EQ(h5::stringAttribute(group, "text"), "gauss:3");
  EXPECT_EQ(h5::intArrayAttribute(group, "ints"), (std::vector<std::int64_t>{16, 16}));
  EXPECT_EQ(h5::intAttribute(group, "flag"), 1);
  EXPECT_FALSE(h5::hasAttribute(group, "absent"));
  EXPECT_TRUE(h5::exists(file, "/g/h"));
  EXPECT_FALSE(h5::exists(file, "/g/missing/deeper"));
  EXPECT_FALSE(h5::exists(file, "/nothing"));
  EXPECT_FALSE(h5::isDataset(file, "/g/h"));
}

TEST(H5, ResultFilesAreCheckedBeforeTheyAreRead) {
  const std::string path = tempPath("result.h5");
  {
    OutputFile out(path, "pathkernel-test", 3, MPI_COMM_WORLD);
    h5::setAttribute(out, "payload", std::int64_t{1});
    // Not finished: only the .partial exists.
  }
  EXPECT_THROW(openResultFile(path, "pathkernel-test", 3, MPI_COMM_WORLD), InputError);
  {
    OutputFile out(path, "pathkernel-test", 3, MPI_COMM_WORLD);
    out.finish();
  }
  EXPECT_NO_THROW(openResultFile(path, "pathkernel-test", 3, MPI_COMM_WORLD));
  EXPECT_THROW(openResultFile(path, "pathkernel-other", 3, MPI_COMM_WORLD), InputError);
  EXPECT_THROW(openResultFile(path, "pathkernel-test", 4, MPI_COMM_WORLD), InputError);
  EXPECT_THROW(h5::openFile(tempPath("absent.h5"), MPI_COMM_WORLD), InputError);
  EXPECT_THROW(requireOutputPath(path, false, MPI_COMM_WORLD), InputError);
  EXPECT_NO_THROW(requireOutputPath(path, true, MPI_COMM_WORLD));
  EXPECT_THROW(requireOutputPath(tempPath("no/such/folder.h5"), true, MPI_COMM_WORLD), InputError);
}

}  // namespace
}  // namespace pk::test

#include "io/DataFile.hpp"

#include <algorithm>

#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "core/Sha256.hpp"
#include "io/H5.hpp"

namespace pk {

namespace {

struct SplitShape {
  std::int64_t rows = 0;
  std::int64_t inputs = 0;
  std::vector<std::int64_t> inputShape;  // [C, H, W] of 4-D X, else empty
  std::int64_t targetCols = 1;
  bool targetIsMatrix = false;
  bool integerLabels = false;
};

// X [N, D] or images [N, C, H, W] (NCHW), float64, N and every other dimension >= 1.
SplitShape inspectInputs(hid_t file, const std::string& path, const std::string& xName) {
  const auto xShape = h5::shape(file, xName);
  PK_REQUIRE(xShape.size() == 2 || xShape.size() == 4,
             xName + " in '" + path + "' must have rank 2 [N, D] or 4 [N, C, H, W], but has rank " +
                 std::to_string(xShape.size()));
  PK_REQUIRE(h5::elementKind(file, xName) == h5::Kind::Float, xName + " in '" + path + "' must be float64");
  SplitShape s;
  s.rows = static_cast<std::int64_t>(xShape[0]);
  s.inputs = 1;
  for (std::size_t d = 1; d < xShape.size(); ++d) s.inputs *= static_cast<std::int64_t>(xShape[d]);
  if (xShape.size() == 4) s.inputShape.assign(xShape.begin() + 1, xShape.end());
  PK_REQUIRE(s.rows > 0, xName + " in '" + path + "' has no rows (N = 0)");
  PK_REQUIRE(s.inputs > 0, xName + " in '" + path + "' has no columns (D = 0)");
  return s;
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
  std::string text;
  for (const std::int64_t d : shape) text += (text.empty() ? "" : "x") + std::to_string(d);
  return text.empty() ? "flat" : text;
}

SplitShape inspectSplit(hid_t file, const std::string& path, const std::string& split) {
  const std::string xName = "/" + split + "/X";
  const std::string yName = "/" + split + "/y";
  PK_REQUIRE(h5::isDataset(file, xName), "'" + path + "' has no dataset " + xName);
  PK_REQUIRE(h5::isDataset(file, yName), "'" + path + "' has no dataset " + yName);
  const auto xShape = h5::shape(file, xName);
  const auto yShape = h5::shape(file, yName);
  SplitShape s = inspectInputs(file, path, xName);
  PK_REQUIRE(
      yShape.size() == 1 || yShape.size() == 2,
      yName + " in '" + path + "' must have rank 1 [N] or 2 [N, C], but has rank " + std::to_string(yShape.size()));
  PK_REQUIRE(static_cast<std::int64_t>(yShape[0]) == s.rows, yName + " in '" + path + "' has " +
                                                                 std::to_string(yShape[0]) + " rows but " + xName +
                                                                 " has " + std::to_string(s.rows));
  const auto kind = h5::elementKind(file, yName);
  PK_REQUIRE(kind != h5::Kind::Other, yName + " in '" + path + "' must be float64 or int64");
  s.integerLabels = kind == h5::Kind::Integer;
  PK_REQUIRE(!(s.integerLabels && yShape.size() == 2),
             yName + " in '" + path + "': integer labels must have rank 1 [N]");
  s.targetIsMatrix = yShape.size() == 2;
  s.targetCols = s.targetIsMatrix ? static_cast<std::int64_t>(yShape[1]) : 1;
  PK_REQUIRE(s.targetCols > 0, yName + " in '" + path + "' has no columns");
  return s;
}

DataBlock readSplit(hid_t file, const std::string& split, const SplitShape& s, MPI_Comm comm) {
  const Partition part(comm, s.rows);
  DataBlock block;
  block.globalRows = s.rows;
  block.firstRow = part.begin();
  block.x = Matrix(part.localRows(), s.inputs);
  block.x.values() = h5::readRows(file, "/" + split + "/X", part.begin(), part.localRows());
  block.y = Matrix(part.localRows(), s.targetCols);
  // Integer labels are read through HDF5's conversion to float64 (exact below 2^53).
  block.y.values() = h5::readRows(file, "/" + split + "/y", part.begin(), part.localRows());
  return block;
}

}  // namespace

Dataset readDataFile(const std::string& path, MPI_Comm comm) {
  h5::Id file = h5::openFile(path, comm);
  const SplitShape train = inspectSplit(file, path, "train");
  Dataset data;
  data.origin = path;
  data.inputs = train.inputs;
  data.inputShape = train.inputShape;
  data.targetCols = train.targetCols;
  data.targetIsMatrix = train.targetIsMatrix;
  data.integerLabels = train.integerLabels;
  if (h5::hasAttribute(file, "loss")) {
    // A data file may name its task (root attribute `loss`), used when --loss is auto.
    data.suggestedLoss = h5::stringAttribute(file, "loss");
    PK_REQUIRE(
        data.suggestedLoss == "mse" || data.suggestedLoss == "logistic" || data.suggestedLoss == "softmax",
        "'" + path + "' has a root attribute loss = '" + data.suggestedLoss + "' (allowed: mse, logistic, softmax)");
  }
  data.train = readSplit(file, "train", train, comm);
  const bool hasTestX = h5::isDataset(file, "/test/X");
  const bool hasTestY = h5::isDataset(file, "/test/y");
  PK_REQUIRE(hasTestX == hasTestY, "'" + path + "' has only one of /test/X and /test/y (need both or neither)");
  if (hasTestX) {
    const SplitShape test = inspectSplit(file, path, "test");
    PK_REQUIRE(test.inputs == train.inputs, "/test/X in '" + path + "' has D = " + std::to_string(test.inputs) +
                                                " but /train/X has D = " + std::to_string(train.inputs));
    PK_REQUIRE(test.inputShape == train.inputShape, "/test/X in '" + path + "' holds inputs of shape " +
                                                        shapeText(test.inputShape) + " but /train/X of shape " +
                                                        shapeText(train.inputShape));
    PK_REQUIRE(test.targetIsMatrix == train.targetIsMatrix && test.targetCols == train.targetCols &&
                   test.integerLabels == train.integerLabels,
               "/test/y in '" + path + "' does not have the type and shape of /train/y");
    data.test = readSplit(file, "test", test, comm);
  } else {
    data.test.x = Matrix(0, train.inputs);
    data.test.y = Matrix(0, train.targetCols);
  }
  return data;
}

std::string hashDataFile(const std::string& path, MPI_Comm comm) {
  return hashDatasets(path, {"/train/X", "/train/y", "/test/X", "/test/y"}, comm);
}

QueryFile readQueryFile(const std::string& path, const std::string& group, MPI_Comm comm) {
  h5::Id file = h5::openFile(path, comm);
  const std::string xName = group + "/X", yName = group + "/y";
  PK_REQUIRE(h5::isDataset(file, xName), "'" + path + "' has no dataset " + xName + " of query points");
  const auto x = h5::shape(file, xName);
  const SplitShape inputs = inspectInputs(file, path, xName);
  QueryFile q;
  q.inputs = inputs.inputs;
  q.inputShape = inputs.inputShape;
  const Partition part(comm, static_cast<std::int64_t>(x[0]));
  q.block.globalRows = part.globalRows();
  q.block.firstRow = part.begin();
  q.block.x = Matrix(part.localRows(), q.inputs);
  q.block.x.values() = h5::readRows(file, xName, part.begin(), part.localRows());
  q.hasTargets = h5::isDataset(file, yName);
  if (q.hasTargets) {
    const auto y = h5::shape(file, yName);
    PK_REQUIRE((y.size() == 1 || y.size() == 2) && y[0] == x[0] && h5::elementKind(file, yName) != h5::Kind::Other,
               yName + " in '" + path + "' must be [n] or [n, C] with the n rows of " + xName);
    q.targetCols = y.size() == 2 ? static_cast<std::int64_t>(y[1]) : 1;
    q.targetIsMatrix = y.size() == 2;
    q.block.y = Matrix(part.localRows(), q.targetCols);
    q.block.y.values() = h5::readRows(file, yName, part.begin(), part.localRows());
  }
  q.sha256 = hashDatasets(path, {xName, yName}, comm);
  return q;
}

std::string hashDatasets(const std::string& path, const std::vector<std::string>& names, MPI_Comm comm) {
  int rank = 0;
  PK_MPI(MPI_Comm_rank(comm, &rank));
  std::string digest(64, '0');
  std::string damage;  // the dataset rank 0 could not read, if any
  if (rank == 0) {
    // A private serial handle: rank 0 streams the whole data set through the hash.
    h5::quietLibrary();
    h5::Id file(PK_H5(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)));
    Sha256 sha;
    for (const std::string& nameText : names) {
      const char* name = nameText.c_str();
      if (!h5::exists(file, name)) continue;
      const auto dims = h5::shape(file, name);
      h5::Id dataset(PK_H5(H5Dopen2(file, name, H5P_DEFAULT)));
      h5::Id space(PK_H5(H5Dget_space(dataset)));
      const bool integer = h5::elementKind(file, name) == h5::Kind::Integer;
      hsize_t cols = 1;  // values per row, whatever the rank
      for (std::size_t d = 1; d < dims.size(); ++d) cols *= dims[d];
      const hsize_t chunkRows = std::max<hsize_t>(1, (1u << 20) / cols);
      std::vector<char> buffer;
      for (hsize_t first = 0; first < dims[0]; first += chunkRows) {
        std::vector<hsize_t> start(dims.size(), 0), count = dims;
        start[0] = first;
        count[0] = std::min(chunkRows, dims[0] - first);
        PK_H5(H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr));
        h5::Id memSpace(PK_H5(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr)));
        buffer.resize(count[0] * cols * 8);
        // A compressed chunk that does not inflate: damage, reported to every rank below.
        if (H5Dread(dataset, integer ? H5T_STD_I64LE : H5T_IEEE_F64LE, memSpace, space, H5P_DEFAULT, buffer.data()) <
            0) {
          damage = nameText;
          break;
        }
        sha.update(buffer.data(), buffer.size());
      }
      if (!damage.empty()) break;
    }
    digest = sha.hexDigest();
  }
  PK_MPI(MPI_Bcast(digest.data(), 64, MPI_CHAR, 0, comm));
  int length = static_cast<int>(damage.size());
  PK_MPI(MPI_Bcast(&length, 1, MPI_INT, 0, comm));
  damage.resize(static_cast<std::size_t>(length));
  PK_MPI(MPI_Bcast(damage.data(), length, MPI_CHAR, 0, comm));
  PK_REQUIRE(damage.empty(), "'" + path + "' is damaged (truncated or corrupted): the values of its dataset " + damage +
                                 " cannot be read");
  return digest;
}

}  // namespace pk

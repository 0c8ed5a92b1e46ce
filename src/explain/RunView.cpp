#include "explain/RunView.hpp"

#include <cmath>
#include <cstdio>

#include "core/Error.hpp"
#include "data/Builtin.hpp"
#include "run/RunFile.hpp"

namespace pk::explain {

double Labels::of(std::int64_t i, std::int64_t c) const {
  if (!available) return std::nan("");
  return values[static_cast<std::size_t>(i * cols + (cols == 1 ? 0 : c))];
}

RunView::RunView(const std::string& path, MPI_Comm comm) : path_(path), comm_(comm), file_(openRunFile(path, comm)) {
  PK_REQUIRE(h5::exists(file_, "/config"), "'" + path + "' has no /config group");
  h5::Id config(PK_H5(H5Gopen2(file_, "/config", H5P_DEFAULT)));
  for (const char* name : {"loss", "data", "outputs", "n_train", "n_test"})
    PK_REQUIRE(h5::hasAttribute(config, name), "'" + path + "' has no /config attribute '" + name + "'");
  loss_ = h5::stringAttribute(config, "loss");
  data_ = recordedDataFile(config);
  outputs_ = h5::intAttribute(config, "outputs");
  nTrain_ = h5::intAttribute(config, "n_train");
  nTest_ = h5::intAttribute(config, "n_test");
  trainKernels_ = h5::exists(file_, "/kernel/contrib/train") && h5::exists(file_, "/kernel/path/train");
  testKernels_ = nTest_ > 0 && h5::exists(file_, "/kernel/contrib/test") && h5::exists(file_, "/kernel/path/test");
}

std::int64_t RunView::rows(const std::string& set) const {
  return set == "train" ? nTrain_ : nTest_;
}

bool RunView::hasKernels(const std::string& set) const {
  return set == "train" ? trainKernels_ : testKernels_;
}

std::vector<double> RunView::predictions(const std::string& set, const std::string& what, std::int64_t first,
                                         std::int64_t count) const {
  return h5::readRows(file_, "/predict/" + set + "/" + what, first, count);
}

std::vector<double> RunView::contributions(const std::string& set, std::int64_t first, std::int64_t count) const {
  return h5::readRows(file_, "/kernel/contrib/" + set, first, count);
}

std::vector<double> RunView::pathKernel(const std::string& set, std::int64_t first, std::int64_t count) const {
  return h5::readRows(file_, "/kernel/path/" + set, first, count);
}

std::vector<double> RunView::trainDiagonal(const std::string& kernel) const {
  const std::string name = "/kernel/" + kernel + "/train";
  h5::Id dataset(PK_H5(H5Dopen2(file_, name.c_str(), H5P_DEFAULT)));
  h5::Id space(PK_H5(H5Dget_space(dataset)));
  const int rank = PK_H5(H5Sget_simple_extent_ndims(space));
  const std::int64_t depth = rank == 3 ? outputs_ : 1;
  const auto points = static_cast<std::size_t>(nTrain_ * depth);
  std::vector<hsize_t> coords;
  coords.reserve(points * static_cast<std::size_t>(rank));
  for (std::int64_t i = 0; i < nTrain_; ++i)
    for (std::int64_t c = 0; c < depth; ++c) {
      coords.push_back(static_cast<hsize_t>(i));
      coords.push_back(static_cast<hsize_t>(i));
      if (rank == 3) coords.push_back(static_cast<hsize_t>(c));
    }
  std::vector<double> values(points);
  if (points == 0) return values;
  PK_H5(H5Sselect_elements(space, H5S_SELECT_SET, points, coords.data()));
  const hsize_t count = points;
  h5::Id memory(PK_H5(H5Screate_simple(1, &count, nullptr)));
  // Independent transfer: every rank reads the same few points.
  PK_H5(H5Dread(dataset, H5T_NATIVE_DOUBLE, memory, space, H5P_DEFAULT, values.data()));
  return values;
}

namespace {

// Checks made alike on every rank (same file system), so no rank diverges.
bool readable(const std::string& path) {
  std::FILE* probe = std::fopen(path.c_str(), "rb");
  if (probe == nullptr) return false;
  std::fclose(probe);
  return H5Fis_hdf5(path.c_str()) > 0;
}

Labels readLabels(hid_t file, const std::string& dataset, std::int64_t rows, const std::string& where) {
  Labels labels;
  if (!h5::exists(file, dataset)) {
    labels.note = "labels unavailable: " + where + " has no " + dataset;
    return labels;
  }
  const auto dims = h5::shape(file, dataset);
  if (dims.empty() || static_cast<std::int64_t>(dims[0]) != rows) {
    labels.note = "labels unavailable: " + dataset + " in " + where + " does not have the run's " +
                  std::to_string(rows) + " rows";
    return labels;
  }
  labels.cols = dims.size() > 1 ? static_cast<std::int64_t>(dims[1]) : 1;
  labels.values = h5::readRows(file, dataset, 0, rows);
  labels.available = true;
  labels.note = "labels from " + where;
  return labels;
}

}  // namespace

Labels RunView::labels() const {
  if (isBuiltin(data_)) return readLabels(file_, "/data/train/y", nTrain_, "the run file");
  if (!readable(data_)) {
    Labels missing;
    missing.note = "labels unavailable: cannot read the data file '" + data_ + "' named in /config";
    return missing;
  }
  h5::Id data = h5::openFile(data_, comm_);
  return readLabels(data, "/train/y", nTrain_, "'" + data_ + "'");
}

}  // namespace pk::explain

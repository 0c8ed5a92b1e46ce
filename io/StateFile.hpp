#pragma once
// The state of a run's parts (core/State.hpp) stored as datasets of an open
// HDF5 file: replicated vectors, row blocks and distributed matrices, each
// under its name. Used for checkpoints.
#include <hdf5.h>

#include "core/State.hpp"

namespace pk {

class H5StateWriter : public StateWriter {
 public:
  explicit H5StateWriter(hid_t file) : file_(file) {}
  void replicated(const std::string& name, const std::vector<double>& values) override;
  void replicated(const std::string& name, const std::vector<std::int64_t>& values) override;
  void rows(const std::string& name, const Matrix& local, std::int64_t globalRows, std::int64_t firstRow) override;
  void matrix(const std::string& name, const DenseRows& m) override;
  void perOutput(const std::string& name, const std::vector<DenseRows>& matrices) override;
  void slices(const std::string& name, const std::vector<DenseRows>& matrices) override;

 private:
  hid_t file_;
};

/// Every read checks that the item exists with the expected shape and throws
/// InputError naming it otherwise (a checkpoint of another shape or a damaged file).
class H5StateReader : public StateReader {
 public:
  explicit H5StateReader(hid_t file) : file_(file) {}
  bool has(const std::string& name) override;
  std::vector<double> replicatedDoubles(const std::string& name) override;
  std::vector<std::int64_t> replicatedInts(const std::string& name) override;
  void rows(const std::string& name, Matrix& local, std::int64_t firstRow) override;
  void matrix(const std::string& name, DenseRows& m) override;
  void perOutput(const std::string& name, std::vector<DenseRows>& matrices) override;
  void slices(const std::string& name, std::vector<DenseRows>& matrices) override;

 private:
  hid_t file_;
};

}  // namespace pk

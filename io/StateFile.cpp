#include "io/StateFile.hpp"

#include "core/Error.hpp"
#include "io/DistributedIO.hpp"
#include "io/H5.hpp"

namespace pk {

namespace {
std::int64_t lengthOf(hid_t file, const std::string& name) {
  PK_REQUIRE(h5::isDataset(file, name), "the checkpoint has no dataset " + name);
  const auto shape = h5::shape(file, name);
  PK_REQUIRE(shape.size() == 1, "the checkpoint's dataset " + name + " is not a vector");
  return static_cast<std::int64_t>(shape[0]);
}
}  // namespace

void H5StateWriter::replicated(const std::string& name, const std::vector<double>& values) {
  h5::writeReplicated(file_, name, {values.size()}, values.data());
}

void H5StateWriter::replicated(const std::string& name, const std::vector<std::int64_t>& values) {
  h5::writeReplicated(file_, name, {values.size()}, values.data());
}

void H5StateWriter::rows(const std::string& name, const Matrix& local, std::int64_t globalRows, std::int64_t firstRow) {
  writeRowBlock(file_, name, local, globalRows, firstRow);
}

void H5StateWriter::matrix(const std::string& name, const DenseRows& m) {
  writeDenseRows(file_, name, m);
}

void H5StateWriter::perOutput(const std::string& name, const std::vector<DenseRows>& matrices) {
  writePerOutput(file_, name, matrices);
}

bool H5StateReader::has(const std::string& name) {
  return h5::exists(file_, name);
}

void H5StateWriter::slices(const std::string& name, const std::vector<DenseRows>& matrices) {
  writeSlices(file_, name, matrices);
}

void H5StateReader::slices(const std::string& name, std::vector<DenseRows>& matrices) {
  readSlices(file_, name, matrices);
}

std::vector<double> H5StateReader::replicatedDoubles(const std::string& name) {
  return h5::readRows(file_, name, 0, lengthOf(file_, name));
}

std::vector<std::int64_t> H5StateReader::replicatedInts(const std::string& name) {
  return h5::readRowsInt(file_, name, 0, lengthOf(file_, name));
}

void H5StateReader::rows(const std::string& name, Matrix& local, std::int64_t firstRow) {
  readRowBlock(file_, name, local, firstRow);
}

void H5StateReader::matrix(const std::string& name, DenseRows& m) {
  readDenseRows(file_, name, m);
}

void H5StateReader::perOutput(const std::string& name, std::vector<DenseRows>& matrices) {
  readPerOutput(file_, name, matrices);
}

}  // namespace pk

#include "io/DistributedIO.hpp"

#include "core/Error.hpp"
#include "io/H5.hpp"

namespace pk {

namespace {
void requireShape(hid_t file, const std::string& path, const std::vector<hsize_t>& expected) {
  PK_REQUIRE(h5::exists(file, path), "the file has no dataset " + path);
  PK_REQUIRE(h5::shape(file, path) == expected, "dataset " + path + " does not have the expected shape");
}
}  // namespace

void writeDenseRows(hid_t file, const std::string& path, const DenseRows& m) {
  std::vector<double> rows(static_cast<std::size_t>(m.localRows() * m.cols()));
  m.copyLocalRowMajor(rows.data());
  h5::writeRows(file, path, {static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())}, m.firstRow(),
                m.localRows(), rows.data());
}

void readDenseRows(hid_t file, const std::string& path, DenseRows& m) {
  requireShape(file, path, {static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())});
  const auto rows = h5::readRows(file, path, m.firstRow(), m.localRows());
  m.setLocalRowMajor(rows.data());
}

void writePerOutput(hid_t file, const std::string& path, const std::vector<DenseRows>& perOutput) {
  if (perOutput.size() == 1) return writeDenseRows(file, path, perOutput[0]);
  const DenseRows& first = perOutput[0];
  const auto outputs = static_cast<std::int64_t>(perOutput.size());
  const std::int64_t n = first.localRows(), cols = first.cols();
  std::vector<double> rows(static_cast<std::size_t>(n * cols * outputs));
  for (std::int64_t c = 0; c < outputs; ++c) {
    const auto a = perOutput[static_cast<std::size_t>(c)].local();
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t j = 0; j < cols; ++j) rows[(r * cols + j) * outputs + c] = a.data()[r + j * a.ld()];
  }
  h5::writeRows(file, path,
                {static_cast<hsize_t>(first.rows()), static_cast<hsize_t>(cols), static_cast<hsize_t>(outputs)},
                first.firstRow(), n, rows.data());
}

void readPerOutput(hid_t file, const std::string& path, std::vector<DenseRows>& perOutput) {
  if (perOutput.size() == 1) return readDenseRows(file, path, perOutput[0]);
  DenseRows& first = perOutput[0];
  const auto outputs = static_cast<std::int64_t>(perOutput.size());
  const std::int64_t n = first.localRows(), cols = first.cols();
  requireShape(file, path,
               {static_cast<hsize_t>(first.rows()), static_cast<hsize_t>(cols), static_cast<hsize_t>(outputs)});
  const auto rows = h5::readRows(file, path, first.firstRow(), n);
  std::vector<double> one(static_cast<std::size_t>(n * cols));
  for (std::int64_t c = 0; c < outputs; ++c) {
    for (std::int64_t e = 0; e < n * cols; ++e) one[static_cast<std::size_t>(e)] = rows[e * outputs + c];
    perOutput[static_cast<std::size_t>(c)].setLocalRowMajor(one.data());
  }
}

void writeSlices(hid_t file, const std::string& path, const std::vector<DenseRows>& matrices) {
  PK_ASSERT(!matrices.empty(), "writeSlices: no matrices");
  const DenseRows& first = matrices[0];
  h5::createDataset(file, path,
                    {matrices.size(), static_cast<hsize_t>(first.rows()), static_cast<hsize_t>(first.cols())});
  std::vector<double> rows(static_cast<std::size_t>(first.localRows() * first.cols()));
  for (std::size_t j = 0; j < matrices.size(); ++j) {
    matrices[j].copyLocalRowMajor(rows.data());
    h5::writeSliceRows(file, path, static_cast<std::int64_t>(j), first.firstRow(), first.localRows(), rows.data());
  }
}

void readSlices(hid_t file, const std::string& path, std::vector<DenseRows>& matrices) {
  PK_ASSERT(!matrices.empty(), "readSlices: no matrices");
  const DenseRows& first = matrices[0];
  requireShape(file, path, {matrices.size(), static_cast<hsize_t>(first.rows()), static_cast<hsize_t>(first.cols())});
  for (std::size_t j = 0; j < matrices.size(); ++j) {
    const auto rows = h5::readSliceRows(file, path, static_cast<std::int64_t>(j), first.firstRow(), first.localRows());
    matrices[j].setLocalRowMajor(rows.data());
  }
}

void writeRowBlock(hid_t file, const std::string& path, const Matrix& local, std::int64_t globalRows,
                   std::int64_t firstRow) {
  h5::writeRows(file, path, {static_cast<hsize_t>(globalRows), static_cast<hsize_t>(local.cols())}, firstRow,
                local.rows(), local.data());
}

void readRowBlock(hid_t file, const std::string& path, Matrix& local, std::int64_t firstRow) {
  PK_REQUIRE(h5::exists(file, path), "the file has no dataset " + path);
  const auto shape = h5::shape(file, path);
  PK_REQUIRE(shape.size() == 2 && static_cast<std::int64_t>(shape[1]) == local.cols(),
             "dataset " + path + " does not have the expected shape");
  local.values() = h5::readRows(file, path, firstRow, local.rows());
}

}  // namespace pk

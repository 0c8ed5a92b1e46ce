#include "io/H5.hpp"

#include <algorithm>
#include <cstdio>

#include "core/Error.hpp"

namespace pk::h5 {

void Id::reset() {
  if (id_ < 0) return;
  herr_t status = 0;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      status = H5Fclose(id_);
      break;
    case H5I_GROUP:
      status = H5Gclose(id_);
      break;
    case H5I_DATASET:
      status = H5Dclose(id_);
      break;
    case H5I_DATASPACE:
      status = H5Sclose(id_);
      break;
    case H5I_DATATYPE:
      status = H5Tclose(id_);
      break;
    case H5I_ATTR:
      status = H5Aclose(id_);
      break;
    case H5I_GENPROP_LST:
      status = H5Pclose(id_);
      break;
    default:
      status = H5Idec_ref(id_);
      break;
  }
  if (status < 0) std::fprintf(stderr, "warning: closing an HDF5 handle failed\n");
  id_ = H5I_INVALID_HID;
}

namespace {

Id accessList(MPI_Comm comm) {
  Id fapl(PK_H5(H5Pcreate(H5P_FILE_ACCESS)));
  PK_H5(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL));
  // Metadata reads and writes collective: every rank takes part in every call.
  PK_H5(H5Pset_all_coll_metadata_ops(fapl, true));
  PK_H5(H5Pset_coll_metadata_write(fapl, true));
  return fapl;
}

Id collectiveTransfer() {
  Id dxpl(PK_H5(H5Pcreate(H5P_DATASET_XFER)));
  PK_H5(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE));
  return dxpl;
}

template <typename T>
hid_t memType();
template <>
hid_t memType<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
hid_t memType<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <typename T>
hid_t fileType();
template <>
hid_t fileType<double>() {
  return H5T_IEEE_F64LE;
}
template <>
hid_t fileType<std::int64_t>() {
  return H5T_STD_I64LE;
}

int rankOf(MPI_Comm comm) {
  int rank = 0;
  PK_MPI(MPI_Comm_rank(comm, &rank));
  return rank;
}

// The communicator the file holding `loc` was opened on. HDF5 hands out a
// duplicate (a collective call), so one is made per read or write and freed here.
class FileComm {
 public:
  explicit FileComm(hid_t loc) {
    Id file(PK_H5(H5Iget_file_id(loc)));
    Id fapl(PK_H5(H5Fget_access_plist(file)));
    MPI_Info info = MPI_INFO_NULL;
    PK_H5(H5Pget_fapl_mpio(fapl, &comm_, &info));
    if (info != MPI_INFO_NULL) MPI_Info_free(&info);
  }
  ~FileComm() {
    if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
  }
  FileComm(const FileComm&) = delete;
  FileComm& operator=(const FileComm&) = delete;
  operator MPI_Comm() const { return comm_; }  // NOLINT: passed straight to MPI

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
};

// Transfers go in pieces of at most this many bytes per rank: MPI-IO counts are
// ints, and one piece keeps every single transfer well below 2 GB.
constexpr std::size_t kPieceBytes = std::size_t{256} << 20;

// Writes (or reads) this rank's rows [firstRow, firstRow + localRows) of a
// dataset of globalShape, piece by piece; every rank makes the same number of
// collective calls. `data` is row-major.
template <typename T>
void transferRows(MPI_Comm comm, hid_t dataset, const std::vector<hsize_t>& globalShape, std::int64_t firstRow,
                  std::int64_t localRows, T* data, bool write) {
  std::size_t rowElements = 1;
  for (std::size_t d = 1; d < globalShape.size(); ++d) rowElements *= globalShape[d];
  const auto rowsPerPiece =
      static_cast<std::int64_t>(std::max<std::size_t>(1, kPieceBytes / (rowElements * sizeof(T))));
  std::int64_t pieces = (localRows + rowsPerPiece - 1) / rowsPerPiece;
  PK_MPI(MPI_Allreduce(MPI_IN_PLACE, &pieces, 1, MPI_INT64_T, MPI_MAX, comm));
  pieces = std::max<std::int64_t>(pieces, 1);  // a rank with no rows still joins the collective call
  Id fileSpace(PK_H5(H5Dget_space(dataset)));
  Id dxpl = collectiveTransfer();
  for (std::int64_t p = 0; p < pieces; ++p) {
    const std::int64_t begin = p * rowsPerPiece;
    const std::int64_t count = std::clamp<std::int64_t>(localRows - begin, 0, rowsPerPiece);
    std::vector<hsize_t> start(globalShape.size(), 0), shape = globalShape;
    start[0] = static_cast<hsize_t>(firstRow + begin);
    shape[0] = static_cast<hsize_t>(std::max<std::int64_t>(count, 1));
    Id memSpace(PK_H5(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr)));
    T* piece = count > 0 ? data + static_cast<std::size_t>(begin) * rowElements : nullptr;
    if (count == 0) {
      PK_H5(H5Sselect_none(fileSpace));
      PK_H5(H5Sselect_none(memSpace));
    } else {
      shape[0] = static_cast<hsize_t>(count);
      PK_H5(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start.data(), nullptr, shape.data(), nullptr));
    }
    if (write)
      PK_H5(H5Dwrite(dataset, memType<T>(), memSpace, fileSpace, dxpl, piece));
    else
      PK_H5(H5Dread(dataset, memType<T>(), memSpace, fileSpace, dxpl, piece));
  }
}

template <typename T>
void writeBlock(MPI_Comm comm, hid_t loc, const std::string& path, const std::vector<hsize_t>& globalShape,
                std::int64_t firstRow, std::int64_t localRows, const T* data) {
  const auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) ensureGroup(loc, path.substr(0, slash));
  Id fileSpace(PK_H5(H5Screate_simple(static_cast<int>(globalShape.size()), globalShape.data(), nullptr)));
  Id dataset(PK_H5(H5Dcreate2(loc, path.c_str(), fileType<T>(), fileSpace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  // A dataset with no elements has no storage: HDF5 must not be asked to write to it.
  if (std::any_of(globalShape.begin(), globalShape.end(), [](hsize_t d) { return d == 0; })) return;
  transferRows(comm, dataset, globalShape, firstRow, localRows, const_cast<T*>(data), true);
}

template <typename T>
std::vector<T> readBlock(hid_t loc, const std::string& path, std::int64_t firstRow, std::int64_t rows) {
  Id dataset(PK_H5(H5Dopen2(loc, path.c_str(), H5P_DEFAULT)));
  Id fileSpace(PK_H5(H5Dget_space(dataset)));
  const int rank = PK_H5(H5Sget_simple_extent_ndims(fileSpace));
  PK_ASSERT(rank >= 1, "readRows: scalar dataset " + path);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  PK_H5(H5Sget_simple_extent_dims(fileSpace, dims.data(), nullptr));
  PK_ASSERT(firstRow >= 0 && firstRow + rows <= static_cast<std::int64_t>(dims[0]),
            "readRows: rows out of range in " + path);
  std::size_t total = static_cast<std::size_t>(rows);
  for (std::size_t d = 1; d < dims.size(); ++d) total *= dims[d];
  std::vector<T> out(total);
  if (std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; })) return out;
  transferRows(FileComm(loc), dataset.get(), dims, firstRow, rows, out.data(), false);
  return out;
}

template <typename T>
void writeAllFromRoot(hid_t loc, const std::string& path, const std::vector<hsize_t>& shape, const T* data) {
  PK_ASSERT(!shape.empty(), "writeReplicated: a dataset needs at least one dimension");
  const FileComm comm(loc);
  writeBlock<T>(comm, loc, path, shape, 0, rankOf(comm) == 0 ? static_cast<std::int64_t>(shape[0]) : 0, data);
}

// Variable-length UTF-8 strings: h5py reads them as str.
Id stringType() {
  Id type(PK_H5(H5Tcopy(H5T_C_S1)));
  PK_H5(H5Tset_size(type, H5T_VARIABLE));
  PK_H5(H5Tset_cset(type, H5T_CSET_UTF8));
  return type;
}

template <typename T>
void scalarAttribute(hid_t obj, const std::string& name, hid_t type, const T& value) {
  if (H5Aexists(obj, name.c_str()) > 0) PK_H5(H5Adelete(obj, name.c_str()));
  Id space(PK_H5(H5Screate(H5S_SCALAR)));
  Id attr(PK_H5(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT)));
  PK_H5(H5Awrite(attr, type, &value));
}

}  // namespace

Id createFile(const std::string& path, MPI_Comm comm) {
  Id fapl = accessList(comm);
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  PK_REQUIRE(file >= 0, "cannot create the file '" + path + "' (does the folder exist and is it writable?)");
  return Id(file);
}

Id openFile(const std::string& path, MPI_Comm comm) {
  std::FILE* probe = std::fopen(path.c_str(), "rb");
  PK_REQUIRE(probe != nullptr, "cannot open '" + path + "': no such file or not readable");
  std::fclose(probe);
  PK_REQUIRE(H5Fis_hdf5(path.c_str()) > 0, "'" + path + "' is not an HDF5 file");
  Id fapl = accessList(comm);
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
  PK_REQUIRE(file >= 0, "cannot open the HDF5 file '" + path + "'");
  return Id(file);
}

void moveIntoPlace(const std::string& partial, const std::string& path, MPI_Comm comm) {
  PK_MPI(MPI_Barrier(comm));
  int renamed = 1;
  if (rankOf(comm) == 0) renamed = std::rename(partial.c_str(), path.c_str()) == 0 ? 1 : 0;
  PK_MPI(MPI_Bcast(&renamed, 1, MPI_INT, 0, comm));
  PK_REQUIRE(renamed == 1, "could not rename '" + partial + "' to '" + path + "'");
}

bool exists(hid_t loc, const std::string& path) {
  // Check each prefix: H5Lexists fails when an intermediate group is missing.
  std::size_t pos = 0;
  while (true) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    if (!prefix.empty() && prefix != "/" && H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

bool isDataset(hid_t loc, const std::string& path) {
  if (!exists(loc, path)) return false;
  const hid_t dataset = H5Dopen2(loc, path.c_str(), H5P_DEFAULT);
  if (dataset < 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  H5Dclose(dataset);
  return true;
}

Id ensureGroup(hid_t loc, const std::string& path) {
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    if (prefix.empty() || prefix == "/") continue;
    if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0)
      Id(PK_H5(H5Gcreate2(loc, prefix.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  }
  return Id(PK_H5(H5Gopen2(loc, path.c_str(), H5P_DEFAULT)));
}

std::vector<hsize_t> shape(hid_t loc, const std::string& path) {
  Id dataset(PK_H5(H5Dopen2(loc, path.c_str(), H5P_DEFAULT)));
  Id space(PK_H5(H5Dget_space(dataset)));
  const int rank = PK_H5(H5Sget_simple_extent_ndims(space));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) PK_H5(H5Sget_simple_extent_dims(space, dims.data(), nullptr));
  return dims;
}

Kind elementKind(hid_t loc, const std::string& path) {
  Id dataset(PK_H5(H5Dopen2(loc, path.c_str(), H5P_DEFAULT)));
  Id type(PK_H5(H5Dget_type(dataset)));
  switch (H5Tget_class(type)) {
    case H5T_FLOAT:
      return Kind::Float;
    case H5T_INTEGER:
      return Kind::Integer;
    default:
      return Kind::Other;
  }
}

void writeRows(hid_t loc, const std::string& path, const std::vector<hsize_t>& globalShape, std::int64_t firstRow,
               std::int64_t localRows, const double* data) {
  writeBlock(FileComm(loc), loc, path, globalShape, firstRow, localRows, data);
}
void writeRows(hid_t loc, const std::string& path, const std::vector<hsize_t>& globalShape, std::int64_t firstRow,
               std::int64_t localRows, const std::int64_t* data) {
  writeBlock(FileComm(loc), loc, path, globalShape, firstRow, localRows, data);
}
void writeReplicated(hid_t loc, const std::string& path, const std::vector<hsize_t>& shape, const double* data) {
  writeAllFromRoot(loc, path, shape, data);
}
void writeReplicated(hid_t loc, const std::string& path, const std::vector<hsize_t>& shape, const std::int64_t* data) {
  writeAllFromRoot(loc, path, shape, data);
}

std::vector<double> readRows(hid_t loc, const std::string& path, std::int64_t firstRow, std::int64_t rows) {
  return readBlock<double>(loc, path, firstRow, rows);
}
std::vector<std::int64_t> readRowsInt(hid_t loc, const std::string& path, std::int64_t firstRow, std::int64_t rows) {
  return readBlock<std::int64_t>(loc, path, firstRow, rows);
}

void setAttribute(hid_t obj, const std::string& name, std::int64_t value) {
  scalarAttribute(obj, name, H5T_NATIVE_INT64, value);
}
void setAttribute(hid_t obj, const std::string& name, double value) {
  scalarAttribute(obj, name, H5T_NATIVE_DOUBLE, value);
}
void setFlagAttribute(hid_t obj, const std::string& name, bool value) {
  const std::int8_t flag = value ? 1 : 0;
  scalarAttribute(obj, name, H5T_NATIVE_INT8, flag);
}
void setAttribute(hid_t obj, const std::string& name, const std::string& value) {
  Id type = stringType();
  const char* text = value.c_str();
  scalarAttribute(obj, name, type, text);
}
namespace {
template <typename T>
void arrayAttribute(hid_t obj, const std::string& name, hid_t fileType, hid_t memoryType, const std::vector<T>& value) {
  if (H5Aexists(obj, name.c_str()) > 0) PK_H5(H5Adelete(obj, name.c_str()));
  const hsize_t n = value.size();
  Id space(PK_H5(H5Screate_simple(1, &n, nullptr)));
  Id attr(PK_H5(H5Acreate2(obj, name.c_str(), fileType, space, H5P_DEFAULT, H5P_DEFAULT)));
  if (n > 0) PK_H5(H5Awrite(attr, memoryType, value.data()));
}
}  // namespace

void setAttribute(hid_t obj, const std::string& name, const std::vector<std::int64_t>& value) {
  arrayAttribute(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, value);
}
void setAttribute(hid_t obj, const std::string& name, const std::vector<double>& value) {
  arrayAttribute(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, value);
}

bool hasAttribute(hid_t obj, const std::string& name) {
  return H5Aexists(obj, name.c_str()) > 0;
}

std::int64_t intAttribute(hid_t obj, const std::string& name) {
  Id attr(PK_H5(H5Aopen(obj, name.c_str(), H5P_DEFAULT)));
  std::int64_t value = 0;
  PK_H5(H5Aread(attr, H5T_NATIVE_INT64, &value));
  return value;
}

double doubleAttribute(hid_t obj, const std::string& name) {
  Id attr(PK_H5(H5Aopen(obj, name.c_str(), H5P_DEFAULT)));
  double value = 0;
  PK_H5(H5Aread(attr, H5T_NATIVE_DOUBLE, &value));
  return value;
}

std::string stringAttribute(hid_t obj, const std::string& name) {
  Id attr(PK_H5(H5Aopen(obj, name.c_str(), H5P_DEFAULT)));
  Id stored(PK_H5(H5Aget_type(attr)));
  if (H5Tis_variable_str(stored) > 0) {
    Id type = stringType();
    char* text = nullptr;
    PK_H5(H5Aread(attr, type, &text));
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  const std::size_t size = H5Tget_size(stored);
  std::string value(size, '\0');
  PK_H5(H5Aread(attr, stored, value.data()));
  return value.substr(0, value.find('\0'));
}

std::vector<std::int64_t> intArrayAttribute(hid_t obj, const std::string& name) {
  Id attr(PK_H5(H5Aopen(obj, name.c_str(), H5P_DEFAULT)));
  Id space(PK_H5(H5Aget_space(attr)));
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<std::int64_t> value(static_cast<std::size_t>(std::max<hssize_t>(n, 0)));
  if (!value.empty()) PK_H5(H5Aread(attr, H5T_NATIVE_INT64, value.data()));
  return value;
}

}  // namespace pk::h5

#pragma once
// Owning wrappers for HDF5 handles and the few collective operations the
// project needs: row-block reads and writes of distributed 1-3 dimensional
// float64/int64 datasets, and attributes. Every function taking an H5Id of a
// file opened with MPI-IO is collective unless it says otherwise.
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/Error.hpp"
#include "io/H5Error.hpp"

namespace pk::h5 {

/// A write to a file created by createFile failed on at least one rank (a full
/// disk, a quota, a file size limit, an I/O error). Every rank of the file's
/// communicator throws it from the same call, with the same message naming the
/// file and the cause, so like an input error it is reported once, on rank 0.
/// The file is already removed. Its handle must not be closed: HDF5 would try
/// to write it again, and a failed close leaves the library unusable.
class WriteError : public InputError {
 public:
  using InputError::InputError;
};

/// Move-only owner of an hid_t; closes it with the matching H5*close, except a
/// file while an exception is in flight (closing is collective, and the other
/// ranks may not be unwinding too).
class Id {
 public:
  Id() = default;
  explicit Id(hid_t id) : id_(id) {}
  ~Id() { reset(); }
  Id(Id&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Id& operator=(Id&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.id_;
      other.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }  // NOLINT: handles are passed straight to the C API
  void reset();
  /// Gives up ownership without closing (a collective close must not be started
  /// by one rank alone); returns the handle.
  hid_t release() {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// Creates (truncating) a file for parallel writing on comm. Every write to it
/// (writeRows, writeReplicated, closeFile) ends with all ranks agreeing whether
/// it succeeded everywhere; if not, rank 0 truncates and removes the file and
/// every rank throws the same WriteError naming the file and the cause.
Id createFile(const std::string& path, MPI_Comm comm);
/// Collective: closes a file made by createFile, which writes its last metadata,
/// and agrees on the outcome like every write (WriteError on every rank).
void closeFile(Id& file, MPI_Comm comm);
/// Opens an existing file read-only for parallel reading on comm.
Id openFile(const std::string& path, MPI_Comm comm);

/// Collective, after every rank has closed `partial`: renames it to `path` (on
/// rank 0; atomic, so `path` is either the previous file or the complete new one).
void moveIntoPlace(const std::string& partial, const std::string& path, MPI_Comm comm);

bool exists(hid_t loc, const std::string& path);
/// The HDF5 library's version, "1.10.8".
std::string libraryVersion();
/// True if `path` exists and is a dataset (not a group). Not collective.
bool isDataset(hid_t loc, const std::string& path);
/// Creates every missing group of a slash-separated path.
Id ensureGroup(hid_t loc, const std::string& path);
/// Opens an existing group (its attributes are read through the returned handle).
Id openGroup(hid_t loc, const std::string& path);

/// Shape of a dataset (Not collective).
std::vector<hsize_t> shape(hid_t loc, const std::string& path);
enum class Kind { Float, Integer, Other };
Kind elementKind(hid_t loc, const std::string& path);

/// Writes a dataset whose first dimension is distributed: this rank writes
/// rows [firstRow, firstRow + localRows) from row-major `data`. Collective.
void writeRows(hid_t loc, const std::string& path, const std::vector<hsize_t>& globalShape, std::int64_t firstRow,
               std::int64_t localRows, const double* data);
void writeRows(hid_t loc, const std::string& path, const std::vector<hsize_t>& globalShape, std::int64_t firstRow,
               std::int64_t localRows, const std::int64_t* data);

/// Writes a dataset held identically on every rank (rank 0 writes). Collective.
void writeReplicated(hid_t loc, const std::string& path, const std::vector<hsize_t>& shape, const double* data);
void writeReplicated(hid_t loc, const std::string& path, const std::vector<hsize_t>& shape, const std::int64_t* data);

/// A float64 dataset of `shape`, to be filled slice by slice. Collective.
void createDataset(hid_t loc, const std::string& path, const std::vector<hsize_t>& shape);
/// Writes this rank's rows [firstRow, firstRow + localRows) of slice `slice` of a
/// dataset [k, rows, ...] made by createDataset. Collective.
void writeSliceRows(hid_t loc, const std::string& path, std::int64_t slice, std::int64_t firstRow,
                    std::int64_t localRows, const double* data);
/// Reads rows of slice `slice` of a dataset [k, rows, ...]. Collective.
std::vector<double> readSliceRows(hid_t loc, const std::string& path, std::int64_t slice, std::int64_t firstRow,
                                  std::int64_t rows);

/// Reads rows [firstRow, firstRow + rows) of a dataset as float64 (int64 data converts). Collective.
std::vector<double> readRows(hid_t loc, const std::string& path, std::int64_t firstRow, std::int64_t rows);
/// Reads the elements at `points` (each a full index of the dataset, rank
/// entries) as float64. Independent: every rank reads the same few points.
std::vector<double> readPoints(hid_t loc, const std::string& path, const std::vector<std::vector<hsize_t>>& points);
/// Reads rows of an int64 dataset. Collective.
std::vector<std::int64_t> readRowsInt(hid_t loc, const std::string& path, std::int64_t firstRow, std::int64_t rows);

/// Attributes (collective on parallel files: every rank with the same value).
void setAttribute(hid_t obj, const std::string& name, std::int64_t value);
void setAttribute(hid_t obj, const std::string& name, double value);
void setAttribute(hid_t obj, const std::string& name, const std::string& value);
void setAttribute(hid_t obj, const std::string& name, const std::vector<std::int64_t>& value);
void setAttribute(hid_t obj, const std::string& name, const std::vector<double>& value);
void setFlagAttribute(hid_t obj, const std::string& name, bool value);  // int8 0/1

bool hasAttribute(hid_t obj, const std::string& name);
std::int64_t intAttribute(hid_t obj, const std::string& name);
double doubleAttribute(hid_t obj, const std::string& name);
std::string stringAttribute(hid_t obj, const std::string& name);
std::vector<std::int64_t> intArrayAttribute(hid_t obj, const std::string& name);

}  // namespace pk::h5

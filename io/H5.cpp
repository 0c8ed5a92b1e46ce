#include "io/H5.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <map>

#include "core/Error.hpp"

namespace pk::h5 {

void Id::reset() {
  if (id_ < 0) return;
  herr_t status = 0;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      // Closing a parallel file is collective. A rank unwinding from an error may
      // be the only one here and would wait for the others forever: it leaves the
      // file open (the error ends the program, which aborts the job if the other
      // ranks did not see it).
      if (std::uncaught_exceptions() > 0) {
        id_ = H5I_INVALID_HID;
        return;
      }
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

std::string fileName(hid_t loc) {
  const ssize_t length = H5Fget_name(loc, nullptr, 0);
  if (length <= 0) return "(unnamed file)";
  std::string name(static_cast<std::size_t>(length) + 1, '\0');
  H5Fget_name(loc, name.data(), name.size());
  name.resize(static_cast<std::size_t>(length));
  return name;
}

// The message for a dataset whose stored values cannot be read back.
std::string damagedDataset(hid_t dataset) {
  const ssize_t length = H5Iget_name(dataset, nullptr, 0);
  std::string name(static_cast<std::size_t>(std::max<ssize_t>(length, 0)) + 1, '\0');
  if (length > 0) H5Iget_name(dataset, name.data(), name.size());
  name.resize(static_cast<std::size_t>(std::max<ssize_t>(length, 0)));
  return "'" + fileName(dataset) + "' is damaged (truncated or corrupted): the values of its dataset " + name +
         " cannot be read";
}

// A file system with less free than this is taken to be full: the close of a
// file still writes its metadata, whose space cannot be reserved beforehand.
constexpr std::uint64_t kRoomToSpare = std::uint64_t{1} << 20;

// Bytes free for this process in the folder of `path`; max() if unknown.
std::uint64_t freeBytes(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  struct statvfs fs {};
  if (statvfs(folder.c_str(), &fs) != 0 || fs.f_blocks == 0) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(geteuid() == 0 ? fs.f_bfree : fs.f_bavail) * fs.f_frsize;
}

// Why a write to `path` failed, as an errno value (0: unknown). `error` is errno
// after the failed call; a short write sets none, so then the usual causes are
// checked: a full file system (less free than the `bytes` to be written, or than
// kRoomToSpare) and the file size limit (`end`: where the write was to end).
int causeOfFailedWrite(int error, const std::string& path, std::uint64_t bytes, std::uint64_t end) {
  for (const int known : {ENOSPC, EDQUOT, EFBIG, EIO, EROFS, ENXIO, ESTALE})
    if (error == known) return error;
  if (freeBytes(path) < std::max(bytes, kRoomToSpare)) return ENOSPC;
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) end = std::max(end, static_cast<std::uint64_t>(st.st_size));
  struct rlimit limit {};
  if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && end >= limit.rlim_cur) return EFBIG;
  return 0;
}

std::string describeCause(int error) {
  if (error == 0) return "the file system reported an error";
  if (error == EFBIG) return std::string(std::strerror(error)) + " (the file size limit was reached)";
  return std::strerror(error);
}

// Files are written as NAME.partial and renamed when complete (OutputFile): the user knows NAME.
std::string finalName(const std::string& path) {
  const std::string suffix = ".partial";
  const bool partial =
      path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  return partial ? path.substr(0, path.size() - suffix.size()) : path;
}

std::string failureMessage(const std::string& path, int cause, bool removed) {
  const std::string name = finalName(path);
  std::string message =
      "cannot write '" + name + "': " + describeCause(cause) +
      (removed ? " (the unfinished '" + path + "' was removed)" : " (could not remove the unfinished '" + path + "')");
  if (name != path && access(name.c_str(), F_OK) == 0) message += "; the earlier '" + name + "' is kept";
  return message;
}

// While a file made by createFile is closed: HDF5 writes its metadata then, in
// steps that all ranks take together, and a write that fails there on some
// ranks only (an I/O error: a full disk is caught before) leaves the ranks
// waiting for each other inside HDF5, where no agreement reaches them, and
// where MPI-IO does not even report the error. If the close has not finished
// after kCloseSeconds, rank 0 removes the file, reports, and exits; the other
// ranks exit a little later (so that rank 0's message is printed), unless the
// job has ended by then. An alarm's handler may only make async-signal-safe
// calls: the message is prepared beforehand. The bound is generous: only the
// metadata is written at close (the data is on disk already), which takes well
// under a second on a healthy file system, shared cluster ones included.
constexpr unsigned kCloseSeconds = 300;
char stuckPath[4096];
char stuckMessage[8192];
bool stuckReports = false;

extern "C" void onCloseStuck(int) {
  if (stuckReports) {
    const int fd = open(stuckPath, O_WRONLY);
    if (fd >= 0) {
      const int truncated = ftruncate(fd, 0);  // frees its space at once
      static_cast<void>(truncated);
      close(fd);
    }
    unlink(stuckPath);
    const ssize_t written = write(STDERR_FILENO, stuckMessage, std::strlen(stuckMessage));
    static_cast<void>(written);
  }
  _exit(1);
}

class CloseGuard {
 public:
  CloseGuard(const std::string& path, MPI_Comm comm) {
    stuckReports = rankOf(comm) == 0;
    const std::string name = finalName(path);
    std::string message = "pathkernel: error: cannot write '" + name + "': closing it did not finish within " +
                          std::to_string(kCloseSeconds) + " s (a write to it failed on some rank) (the unfinished '" +
                          path + "' was removed)";
    if (name != path && access(name.c_str(), F_OK) == 0) message += "; the earlier '" + name + "' is kept";
    std::snprintf(stuckPath, sizeof stuckPath, "%s", path.c_str());
    std::snprintf(stuckMessage, sizeof stuckMessage, "%s\n", message.c_str());
    previous_ = std::signal(SIGALRM, onCloseStuck);
    alarm(stuckReports ? kCloseSeconds : kCloseSeconds + 10);
  }
  ~CloseGuard() {
    alarm(0);
    std::signal(SIGALRM, previous_);
  }
  CloseGuard(const CloseGuard&) = delete;
  CloseGuard& operator=(const CloseGuard&) = delete;

 private:
  void (*previous_)(int) = SIG_DFL;
};

// Collective over comm, after every write to the file `path` made by createFile:
// every rank learns whether the write succeeded everywhere, so no rank goes on
// past a write that failed on another (its next collective call would wait for
// that rank forever). On failure rank 0 truncates the file, which frees its
// space at once even while it is open, and removes it; then every rank throws
// the same WriteError. `cause`: this rank's causeOfFailedWrite, 0 if it succeeded.
void agreeOnWrite(MPI_Comm comm, bool ok, int cause, const std::string& path) {
  int local[2] = {ok ? 0 : 1, ok ? 0 : cause};
  int all[2] = {0, 0};
  PK_MPI(MPI_Allreduce(local, all, 2, MPI_INT, MPI_MAX, comm));
  if (all[0] == 0) return;
  H5Eclear2(H5E_DEFAULT);
  int removed = 1;
  if (rankOf(comm) == 0) removed = truncate(path.c_str(), 0) == 0 && std::remove(path.c_str()) == 0 ? 1 : 0;
  PK_MPI(MPI_Bcast(&removed, 1, MPI_INT, 0, comm));
  throw WriteError(failureMessage(path, all[1], removed == 1));
}

// How far (from the start) each open file made by createFile has its disk blocks reserved.
std::map<hid_t, haddr_t>& reservedBytes() {
  static std::map<hid_t, haddr_t> reserved;
  return reserved;
}

// Collective, after creating `dataset`: rank 0 reserves the disk blocks of the
// file up to the end of the dataset's storage (allocated when it is created),
// metadata before it included, so that the writes that follow cannot run out of
// space halfway on some ranks only: inside HDF5 (the metadata flush of H5Fclose)
// that leaves the ranks out of step for good. A full disk shows up here instead,
// on rank 0 before anything is written, and is agreed like a failed write. On a
// file system that cannot reserve space the writes' own checks remain.
void reserveSpace(hid_t dataset, MPI_Comm comm) {
  const haddr_t offset = H5Dget_offset(dataset);  // the same on every rank
  if (offset == HADDR_UNDEF) {                    // no storage (no elements)
    H5Eclear2(H5E_DEFAULT);
    return;
  }
  Id file(PK_H5(H5Iget_file_id(dataset)));
  const std::string path = fileName(file);
  const haddr_t end = offset + H5Dget_storage_size(dataset);
  haddr_t& reserved = reservedBytes()[file.get()];
  int cause = 0;
  if (rankOf(comm) == 0 && end > reserved) {
    const int fd = open(path.c_str(), O_WRONLY);
    if (fd >= 0) {
      const int error =
          fallocate(fd, 0, static_cast<off_t>(reserved), static_cast<off_t>(end - reserved)) == 0 ? 0 : errno;
      close(fd);
      for (const int full : {ENOSPC, EDQUOT, EFBIG, EIO})
        if (error == full) cause = error;  // any other error: the file system cannot reserve space
    }
  }
  reserved = std::max(reserved, end);
  agreeOnWrite(comm, cause == 0, cause, path);
}

// The innermost description on HDF5's error stack, which is then cleared.
std::string innermostError() {
  std::string message;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* err, void* data) -> herr_t {
        if (err->desc && *err->desc) *static_cast<std::string*>(data) = err->desc;
        return 0;
      },
      &message);
  H5Eclear2(H5E_DEFAULT);
  return message.empty() ? "unknown error" : message;
}

// Reads an attribute whole, as stored: "" if it can, else what went wrong.
std::string attributeProblem(hid_t attr) {
  const Id type(H5Aget_type(attr));
  if (type.get() < 0) return innermostError();
  const Id space(H5Aget_space(attr));
  if (space.get() < 0) return innermostError();
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  const std::size_t size = H5Tget_size(type);
  if (points < 0 || size == 0) return "malformed attribute";
  std::vector<char> buffer(static_cast<std::size_t>(std::max<hssize_t>(points, 1)) * size);
  if (H5Aread(attr, type, buffer.data()) < 0) return innermostError();
  if (H5Tis_variable_str(type) > 0 || H5Tdetect_class(type, H5T_VLEN) > 0)
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, buffer.data());
  return "";
}

// Opens the object `name` below `loc` and reads all of its metadata: every
// attribute, and a dataset's shape, type and place in the file, which must lie
// inside the file's `size` bytes. "" if it can, else what went wrong.
std::string objectProblem(hid_t loc, const char* name, hsize_t size) {
  H5O_info_t info{};
  if (H5Oget_info_by_name2(loc, name, &info, H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS, H5P_DEFAULT) < 0)
    return innermostError();
  const Id object(H5Oopen(loc, name, H5P_DEFAULT));
  if (object.get() < 0) return innermostError();
  for (hsize_t k = 0; k < info.num_attrs; ++k) {
    const Id attr(H5Aopen_by_idx(object, ".", H5_INDEX_NAME, H5_ITER_NATIVE, k, H5P_DEFAULT, H5P_DEFAULT));
    const std::string problem = attr.get() < 0 ? innermostError() : attributeProblem(attr);
    if (!problem.empty()) return problem;
  }
  if (info.type != H5O_TYPE_DATASET) return "";
  const Id space(H5Dget_space(object));
  if (space.get() < 0 || H5Sget_simple_extent_npoints(space) < 0) return innermostError();
  const Id type(H5Dget_type(object));
  if (type.get() < 0) return innermostError();
  const haddr_t offset = H5Dget_offset(object);  // contiguous storage only
  if (offset != HADDR_UNDEF && offset + H5Dget_storage_size(object) > size)
    return "its data lie past the end of the file";
  H5Eclear2(H5E_DEFAULT);
  return "";
}

struct DamageSearch {
  hsize_t size = 0;
  std::string problem;
};

herr_t searchLink(hid_t group, const char* name, const H5L_info_t* link, void* data) {
  if (link->type != H5L_TYPE_HARD) return 0;
  auto& search = *static_cast<DamageSearch*>(data);
  const std::string problem = objectProblem(group, name, search.size);
  if (problem.empty()) return 0;
  search.problem = "/" + std::string(name) + ": " + problem;
  return 1;
}

// What is wrong with the file `path` if it cannot be read whole ("" if nothing).
// Not collective: opens the file alone, without MPI-IO.
std::string damageOf(const std::string& path) {
  const Id fapl(PK_H5(H5Pcreate(H5P_FILE_ACCESS)));
  PK_H5(H5Pset_file_locking(fapl, false, true));  // a look that changes nothing needs no lock
  const Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl));
  if (file.get() < 0) return innermostError();
  DamageSearch search;
  if (H5Fget_filesize(file, &search.size) < 0) return innermostError();
  const std::string root = objectProblem(file, "/", search.size);
  if (!root.empty()) return "/: " + root;
  const herr_t status = H5Lvisit(file, H5_INDEX_NAME, H5_ITER_NATIVE, searchLink, &search);
  if (status < 0 && search.problem.empty()) return innermostError();
  return search.problem;
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
// collective calls. `data` is row-major. With `slice` >= 0 the dataset has one
// more, leading dimension, and the rows are those of its slice `slice`.
template <typename T>
void transferRows(MPI_Comm comm, hid_t dataset, const std::vector<hsize_t>& globalShape, std::int64_t firstRow,
                  std::int64_t localRows, T* data, bool write, std::int64_t slice = -1) {
  const std::size_t rowDim = slice >= 0 ? 1 : 0;
  std::size_t rowElements = 1;
  for (std::size_t d = rowDim + 1; d < globalShape.size(); ++d) rowElements *= globalShape[d];
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
    if (slice >= 0) {
      start[0] = static_cast<hsize_t>(slice);
      shape[0] = 1;
    }
    start[rowDim] = static_cast<hsize_t>(firstRow + begin);
    shape[rowDim] = static_cast<hsize_t>(std::max<std::int64_t>(count, 1));
    Id memSpace(PK_H5(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr)));
    T* piece = count > 0 ? data + static_cast<std::size_t>(begin) * rowElements : nullptr;
    if (count == 0) {
      PK_H5(H5Sselect_none(fileSpace));
      PK_H5(H5Sselect_none(memSpace));
    } else {
      shape[rowDim] = static_cast<hsize_t>(count);
      PK_H5(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start.data(), nullptr, shape.data(), nullptr));
    }
    if (write) {
      errno = 0;
      const herr_t status = H5Dwrite(dataset, memType<T>(), memSpace, fileSpace, dxpl, piece);
      const int error = errno;
      const std::string path = fileName(dataset);
      int cause = 0;
      if (status < 0) {
        const std::uint64_t bytes = static_cast<std::uint64_t>(count) * rowElements * sizeof(T);
        const haddr_t offset = H5Dget_offset(dataset);
        const std::uint64_t sliceOffset = slice >= 0 ? static_cast<std::uint64_t>(slice) * globalShape[1] : 0;
        const std::uint64_t end =
            offset == HADDR_UNDEF
                ? 0
                : offset + (sliceOffset + static_cast<std::uint64_t>(firstRow + begin)) * rowElements * sizeof(T) +
                      bytes;
        cause = causeOfFailedWrite(error, path, bytes, end);
      }
      agreeOnWrite(comm, status >= 0, cause, path);
    } else {
      // A compressed chunk that does not inflate is damage, as a bad checksum is: every rank
      // of the file learns of it and says so in the same words.
      int read = H5Dread(dataset, memType<T>(), memSpace, fileSpace, dxpl, piece) >= 0 ? 1 : 0;
      PK_MPI(MPI_Allreduce(MPI_IN_PLACE, &read, 1, MPI_INT, MPI_MIN, comm));
      PK_REQUIRE(read == 1, damagedDataset(dataset));
    }
  }
}

template <typename T>
void writeBlock(MPI_Comm comm, hid_t loc, const std::string& path, const std::vector<hsize_t>& globalShape,
                std::int64_t firstRow, std::int64_t localRows, const T* data) {
  const auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) ensureGroup(loc, path.substr(0, slash));
  Id fileSpace(PK_H5(H5Screate_simple(static_cast<int>(globalShape.size()), globalShape.data(), nullptr)));
  Id dataset(PK_H5(H5Dcreate2(loc, path.c_str(), fileType<T>(), fileSpace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  reserveSpace(dataset, comm);
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

// Opens a dataset and checks that it has `dims` dimensions (the leading one being slices when asked).
Id openSliced(hid_t loc, const std::string& path, std::vector<hsize_t>& dims, std::int64_t slice, std::int64_t firstRow,
              std::int64_t rows) {
  Id dataset(PK_H5(H5Dopen2(loc, path.c_str(), H5P_DEFAULT)));
  Id space(PK_H5(H5Dget_space(dataset)));
  const int rank = PK_H5(H5Sget_simple_extent_ndims(space));
  PK_ASSERT(rank >= 2, "slices: " + path + " has no slices of rows");
  dims.resize(static_cast<std::size_t>(rank));
  PK_H5(H5Sget_simple_extent_dims(space, dims.data(), nullptr));
  PK_ASSERT(slice >= 0 && slice < static_cast<std::int64_t>(dims[0]) && firstRow >= 0 &&
                firstRow + rows <= static_cast<std::int64_t>(dims[1]),
            "slices: rows out of range in " + path);
  return dataset;
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
  quietLibrary();
  Id fapl = accessList(comm);
  // The file format of HDF5 1.8, whose metadata carry checksums: a damaged file
  // is then refused when it is opened (openFile) instead of read wrongly.
  PK_H5(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18));
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  PK_REQUIRE(file >= 0, "cannot create the file '" + path + "' (does the folder exist and is it writable?)");
  return Id(file);
}

void closeFile(Id& file, MPI_Comm comm) {
  if (file.get() < 0) return;
  const std::string path = fileName(file);
  reservedBytes().erase(file.get());
  // The metadata written by the close lies past the last dataset: not reserved.
  const int room = rankOf(comm) == 0 && freeBytes(path) < kRoomToSpare ? ENOSPC : 0;
  agreeOnWrite(comm, room == 0, room, path);
  herr_t status = 0;
  int error = 0;
  {
    const CloseGuard guard(path, comm);
    errno = 0;
    status = H5Fclose(file.release());
    error = errno;
  }
  agreeOnWrite(comm, status >= 0, status < 0 ? causeOfFailedWrite(error, path, 0, 0) : 0, path);
}

Id openFile(const std::string& path, MPI_Comm comm) {
  quietLibrary();
  std::FILE* probe = std::fopen(path.c_str(), "rb");
  if (probe == nullptr) {
    // A run killed while writing (Ctrl-C at mpiexec with a large checkpoint) leaves only the .partial.
    std::FILE* partial = std::fopen((path + ".partial").c_str(), "rb");
    const bool unfinished = partial != nullptr;
    if (partial) std::fclose(partial);
    throw InputError("cannot open '" + path + "': no such file or not readable" +
                     (unfinished ? "; '" + path +
                                       ".partial' is an unfinished write (the program was stopped while writing it) "
                                       "and cannot be read: delete it"
                                 : std::string()));
  }
  std::fclose(probe);
  PK_REQUIRE(H5Fis_hdf5(path.c_str()) > 0, "'" + path + "' is not an HDF5 file");
  // A truncated or corrupted file would fail somewhere in the reading that
  // follows, perhaps on some ranks only: rank 0 reads all of its metadata first.
  std::string damage = rankOf(comm) == 0 ? damageOf(path) : "";
  int length = static_cast<int>(damage.size());
  PK_MPI(MPI_Bcast(&length, 1, MPI_INT, 0, comm));
  damage.resize(static_cast<std::size_t>(length));
  PK_MPI(MPI_Bcast(damage.data(), length, MPI_CHAR, 0, comm));
  PK_REQUIRE(damage.empty(), "'" + path + "' is damaged (truncated or corrupted): " + damage);
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

namespace {
H5O_type_t objectType(hid_t loc, const std::string& path) {
  H5O_info_t info{};
  PK_H5(H5Oget_info_by_name2(loc, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT));
  return info.type;
}
}  // namespace

bool exists(hid_t loc, const std::string& path) {
  // Prefix by prefix: H5Lexists fails (an error, not "absent") below a missing group or a dataset.
  std::size_t pos = 0;
  while (true) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    const bool last = pos == std::string::npos;
    if (!prefix.empty() && prefix != "/") {
      if (PK_H5(H5Lexists(loc, prefix.c_str(), H5P_DEFAULT)) == 0) return false;
      if (!last && objectType(loc, prefix) != H5O_TYPE_GROUP) return false;
    }
    if (last) return true;
  }
}

bool isDataset(hid_t loc, const std::string& path) {
  return exists(loc, path) && objectType(loc, path) == H5O_TYPE_DATASET;
}

Id ensureGroup(hid_t loc, const std::string& path) {
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    if (prefix.empty() || prefix == "/") continue;
    if (PK_H5(H5Lexists(loc, prefix.c_str(), H5P_DEFAULT)) == 0)
      Id(PK_H5(H5Gcreate2(loc, prefix.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  }
  return Id(PK_H5(H5Gopen2(loc, path.c_str(), H5P_DEFAULT)));
}

Id openGroup(hid_t loc, const std::string& path) {
  return Id(PK_H5(H5Gopen2(loc, path.c_str(), H5P_DEFAULT)));
}

std::vector<double> readPoints(hid_t loc, const std::string& path, const std::vector<std::vector<hsize_t>>& points) {
  std::vector<double> values(points.size());
  if (points.empty()) return values;
  Id dataset(PK_H5(H5Dopen2(loc, path.c_str(), H5P_DEFAULT)));
  Id space(PK_H5(H5Dget_space(dataset)));
  const auto rank = static_cast<std::size_t>(PK_H5(H5Sget_simple_extent_ndims(space)));
  std::vector<hsize_t> coords;
  coords.reserve(points.size() * rank);
  for (const auto& point : points) {
    PK_REQUIRE(point.size() == rank,
               path + " has " + std::to_string(rank) + " dimensions, not " + std::to_string(point.size()));
    coords.insert(coords.end(), point.begin(), point.end());
  }
  PK_H5(H5Sselect_elements(space, H5S_SELECT_SET, points.size(), coords.data()));
  const hsize_t count = points.size();
  Id memory(PK_H5(H5Screate_simple(1, &count, nullptr)));
  PK_H5(H5Dread(dataset, H5T_NATIVE_DOUBLE, memory, space, H5P_DEFAULT, values.data()));
  return values;
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

void createDataset(hid_t loc, const std::string& path, const std::vector<hsize_t>& shape) {
  const auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) ensureGroup(loc, path.substr(0, slash));
  Id fileSpace(PK_H5(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr)));
  Id dataset(PK_H5(H5Dcreate2(loc, path.c_str(), H5T_IEEE_F64LE, fileSpace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  reserveSpace(dataset, FileComm(loc));
}

void writeSliceRows(hid_t loc, const std::string& path, std::int64_t slice, std::int64_t firstRow,
                    std::int64_t localRows, const double* data) {
  const FileComm comm(loc);
  std::vector<hsize_t> dims;
  Id dataset = openSliced(loc, path, dims, slice, 0, 0);
  if (std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; })) return;
  transferRows(comm, dataset.get(), dims, firstRow, localRows, const_cast<double*>(data), true, slice);
}

std::vector<double> readSliceRows(hid_t loc, const std::string& path, std::int64_t slice, std::int64_t firstRow,
                                  std::int64_t rows) {
  std::vector<hsize_t> dims;
  Id dataset = openSliced(loc, path, dims, slice, firstRow, rows);
  std::size_t total = static_cast<std::size_t>(rows);
  for (std::size_t d = 2; d < dims.size(); ++d) total *= dims[d];
  std::vector<double> out(total);
  if (std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; })) return out;
  transferRows(FileComm(loc), dataset.get(), dims, firstRow, rows, out.data(), false, slice);
  return out;
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

std::string libraryVersion() {
  unsigned major = 0, minor = 0, release = 0;
  PK_H5(H5get_libversion(&major, &minor, &release));
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

}  // namespace pk::h5

#pragma once
// The one way pathkernel writes a result file: created as PATH.partial with the
// common root attributes (format, format_version, version, ranks) and
// complete = 0; finish() sets complete = 1, closes the file and renames it to
// PATH. A writer that throws before finish() leaves no file at PATH that looks
// complete when it is not (docs/FORMAT.md, 2.1), and removes PATH.partial. A
// failed write (a full disk, an I/O error) throws h5::WriteError on every rank,
// with one message naming the file and the cause. openResultFile is the
// matching check every reader makes.
#include <mpi.h>

#include <cstdint>
#include <string>

#include "io/H5.hpp"

namespace pk {

class OutputFile {
 public:
  /// Collective on comm.
  OutputFile(const std::string& path, const std::string& format, std::int64_t formatVersion, MPI_Comm comm);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  operator hid_t() const { return file_; }          // NOLINT: passed straight to the h5:: writers
  operator const h5::Id&() const { return file_; }  // NOLINT: and to the writers of file layouts

  /// Collective: the last write; afterwards the object holds no file. Throws
  /// h5::WriteError on every rank if closing the file failed on any.
  void finish();

 private:
  std::string path_;
  MPI_Comm comm_;
  h5::Id file_;
};

/// Collective. Throws InputError unless a result can be written to `path`: its
/// folder exists and is writable, and no file is there (unless `force`: a
/// user's finished result is never replaced without being asked to).
void requireOutputPath(const std::string& path, bool force, MPI_Comm comm);

/// Collective. Opens a result file for reading and checks it as every reader
/// must: its `format` is `format`, its `format_version` is `formatVersion` and
/// `complete` is 1. Throws InputError naming what is wrong otherwise.
h5::Id openResultFile(const std::string& path, const std::string& format, std::int64_t formatVersion, MPI_Comm comm);

}  // namespace pk

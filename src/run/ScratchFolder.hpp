#pragma once
// A folder for intermediate run files: a fresh temporary folder, removed with
// its files when the object goes, or a folder the user keeps.
#include <mpi.h>

#include <string>

namespace pk {

class ScratchFolder {
 public:
  /// Collective. `keep` empty: rank 0 makes a fresh folder under $TMPDIR (or
  /// /tmp) and every rank learns its name; otherwise `keep` is used and kept.
  ScratchFolder(const std::string& keep, MPI_Comm comm);
  /// Not collective: rank 0 removes a temporary folder and the files in it.
  ~ScratchFolder();
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool temporary_ = false;
  int rank_ = 0;
};

}  // namespace pk

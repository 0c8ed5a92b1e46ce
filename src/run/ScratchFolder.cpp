#include "run/ScratchFolder.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/Error.hpp"

namespace pk {

ScratchFolder::ScratchFolder(const std::string& keep, MPI_Comm comm) : path_(keep), temporary_(keep.empty()) {
  PK_MPI(MPI_Comm_rank(comm, &rank_));
  if (!temporary_) return;
  std::vector<char> name(4096, '\0');
  int made = 1;
  if (rank_ == 0) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/pathkernel-converge-XXXXXX";
    made = mkdtemp(pattern.data()) != nullptr && pattern.size() < name.size() ? 1 : 0;
    if (made) std::snprintf(name.data(), name.size(), "%s", pattern.c_str());
  }
  PK_MPI(MPI_Bcast(&made, 1, MPI_INT, 0, comm));
  PK_REQUIRE(made == 1, "cannot make a temporary folder for the runs (set TMPDIR or use --keep-runs DIR)");
  PK_MPI(MPI_Bcast(name.data(), static_cast<int>(name.size()), MPI_CHAR, 0, comm));
  path_ = name.data();
}

ScratchFolder::~ScratchFolder() {
  if (!temporary_ || rank_ != 0 || path_.empty()) return;
  // Only a folder this object made itself is emptied.
  if (DIR* folder = opendir(path_.c_str())) {
    while (const dirent* entry = readdir(folder)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") std::remove((path_ + "/" + name).c_str());
    }
    closedir(folder);
  }
  if (rmdir(path_.c_str()) != 0) std::fprintf(stderr, "warning: could not remove the folder %s\n", path_.c_str());
}

}  // namespace pk

#include "run/PidFile.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <vector>

#include "core/Error.hpp"

namespace pk {

PidFile::PidFile(const std::string& path, MPI_Comm comm) {
  if (path.empty()) return;
  int rank = 0, ranks = 1;
  PK_MPI(MPI_Comm_rank(comm, &rank));
  PK_MPI(MPI_Comm_size(comm, &ranks));
  const long long pid = static_cast<long long>(getpid());
  std::vector<long long> pids(static_cast<std::size_t>(ranks));
  PK_MPI(MPI_Gather(&pid, 1, MPI_LONG_LONG, pids.data(), 1, MPI_LONG_LONG, 0, comm));
  int written = 1;
  if (rank == 0) {
    const std::string partial = path + ".partial";
    {
      std::ofstream out(partial, std::ios::trunc);
      for (long long p : pids) out << p << "\n";
      out.flush();
      written = out.good() ? 1 : 0;
    }
    written = written && std::rename(partial.c_str(), path.c_str()) == 0;
    if (!written) std::remove(partial.c_str());
  }
  PK_MPI(MPI_Bcast(&written, 1, MPI_INT, 0, comm));
  PK_REQUIRE(written, "cannot write the --pid-file '" + path + "' (does its folder exist and is it writable?)");
  if (rank == 0) path_ = path;
}

PidFile::~PidFile() {
  if (!path_.empty()) std::remove(path_.c_str());
}

}  // namespace pk

#pragma once
// --pid-file: the process id of every rank, one line per rank in rank order,
// for as long as a run lasts, so that a user can stop it cleanly from another
// shell (`kill -USR1 $(head -1 FILE)`: one rank is enough, the ranks agree at
// the end of the step). Rank 0 writes the file through FILE.partial, renamed,
// so it is never seen half written, and removes it when the run ends, however
// it ends short of a crash.
#include <mpi.h>

#include <string>

namespace pk {

class PidFile {
 public:
  /// Collective. Does nothing for an empty path. Throws InputError (on every
  /// rank) when the file cannot be written.
  PidFile(const std::string& path, MPI_Comm comm);
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

 private:
  std::string path_;  // empty on ranks other than 0 and when there is no file
};

}  // namespace pk

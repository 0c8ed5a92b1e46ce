#include "io/OutputFile.hpp"

#include <cstdio>

#include "core/Error.hpp"
#include "pk/Version.hpp"

namespace pk {

OutputFile::OutputFile(const std::string& path, const std::string& format, std::int64_t formatVersion, MPI_Comm comm)
    : path_(path), comm_(comm), file_(h5::createFile(path + ".partial", comm)) {
  int ranks = 1;
  PK_MPI(MPI_Comm_size(comm, &ranks));
  h5::setAttribute(file_, "format", format);
  h5::setAttribute(file_, "format_version", formatVersion);
  h5::setAttribute(file_, "version", std::string(kVersion));
  h5::setAttribute(file_, "ranks", static_cast<std::int64_t>(ranks));
  h5::setAttribute(file_, "complete", std::int64_t{0});
}

OutputFile::~OutputFile() {
  // Left by an error before finish(): the file is not closed (h5::Id leaves files
  // open while an exception is in flight) but removed (a failed write, an
  // h5::WriteError, has removed it already).
  if (file_.get() >= 0) std::remove((path_ + ".partial").c_str());
}

void OutputFile::finish() {
  h5::setAttribute(file_, "complete", std::int64_t{1});
  h5::closeFile(file_, comm_);
  h5::moveIntoPlace(path_ + ".partial", path_, comm_);
}

}  // namespace pk

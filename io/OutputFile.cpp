#include "io/OutputFile.hpp"

#include <cstdio>
#include <filesystem>

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

void requireOutputPath(const std::string& path, bool force, MPI_Comm comm) {
  int rank = 0;
  PK_MPI(MPI_Comm_rank(comm, &rank));
  int state[2] = {1, 0};  // folder writable, file exists
  if (rank == 0) {
    std::error_code error;
    state[1] = std::filesystem::exists(path, error) ? 1 : 0;
    // Creating a probe file is the only test that also holds for root and read-only mounts.
    const std::string probe = path + ".probe";
    std::FILE* f = std::fopen(probe.c_str(), "wb");
    state[0] = f != nullptr ? 1 : 0;
    if (f) {
      std::fclose(f);
      std::remove(probe.c_str());
    }
  }
  PK_MPI(MPI_Bcast(state, 2, MPI_INT, 0, comm));
  PK_REQUIRE(state[0] == 1, "cannot write '" + path + "': its folder does not exist or is not writable");
  PK_REQUIRE(state[1] == 0 || force, "'" + path +
                                         "' exists: a finished result is never replaced; choose another output "
                                         "file, or pass --force to replace it");
}

h5::Id openResultFile(const std::string& path, const std::string& format, std::int64_t formatVersion, MPI_Comm comm) {
  h5::Id file = h5::openFile(path, comm);
  PK_REQUIRE(h5::hasAttribute(file, "format") && h5::stringAttribute(file, "format") == format,
             "'" + path + "' is not a " + format + " file (no format = \"" + format + "\" attribute)");
  PK_REQUIRE(h5::hasAttribute(file, "format_version"), "'" + path + "' has no format_version attribute");
  const std::int64_t version = h5::intAttribute(file, "format_version");
  PK_REQUIRE(version == formatVersion, "'" + path + "' has format_version " + std::to_string(version) +
                                           "; this pathkernel reads " + format + " version " +
                                           std::to_string(formatVersion));
  PK_REQUIRE(h5::hasAttribute(file, "complete") && h5::intAttribute(file, "complete") == 1,
             "'" + path + "' is not complete (the program that wrote it did not finish)");
  return file;
}

}  // namespace pk

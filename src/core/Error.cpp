#include "core/Error.hpp"

#include <mpi.h>
#include <petscsys.h>

#include <sstream>

namespace pk::detail {

int worldRank() {
  int initialized = 0;
  int finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (!initialized || finalized) return 0;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

namespace {
std::string site(const char* lib, const char* expr, const char* file, int line) {
  std::ostringstream os;
  os << lib << " error on rank " << worldRank() << " (" << file << ":" << line << "): " << expr;
  return os.str();
}

}  // namespace

void throwMpiError(int code, const char* expr, const char* file, int line) {
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(site("MPI", expr, file, line) + ": " + std::string(text, length));
}

void throwPetscError(int code, const char* expr, const char* file, int line) {
  const char* text = nullptr;
  PetscErrorMessage(static_cast<PetscErrorCode>(code), &text, nullptr);
  throw Error(site("PETSc", expr, file, line) + ": " + (text ? text : "unknown error"));
}

void throwInternal(const std::string& what, const char* file, int line) {
  throw Error(site("internal", what.c_str(), file, line));
}

}  // namespace pk::detail

namespace pk {

void requireValidSettings(const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string message = "invalid settings:";
  for (const auto& problem : problems) message += "\n  " + problem;
  throw InputError(message);
}

}  // namespace pk

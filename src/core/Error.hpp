#pragma once
// One error idiom for the whole code base. Every call into MPI, PETSc or HDF5
// is wrapped on one line (PK_MPI, PK_PETSC, and PK_H5 of io/H5Error.hpp: HDF5
// is called in io/ only); a failure throws pk::Error carrying the rank, the
// call site, the expression and the library's message.
// PK_REQUIRE is the always-on check for anything a user can cause.
#include <stdexcept>
#include <string>
#include <vector>

namespace pk {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Error caused by the user's input (options, data file): reported without the
/// call site, as one clear line.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message) : Error(message) {}
};

/// Throws one InputError listing every problem that validating the settings found.
void requireValidSettings(const std::vector<std::string>& problems);

namespace detail {
[[noreturn]] void throwMpiError(int code, const char* expr, const char* file, int line);
[[noreturn]] void throwPetscError(int code, const char* expr, const char* file, int line);
[[noreturn]] void throwInternal(const std::string& what, const char* file, int line);
int worldRank();
}  // namespace detail

}  // namespace pk

#define PK_MPI(call)                                                                             \
  do {                                                                                           \
    const int pk_mpi_code_ = (call);                                                             \
    if (pk_mpi_code_ != 0) ::pk::detail::throwMpiError(pk_mpi_code_, #call, __FILE__, __LINE__); \
  } while (0)

#define PK_PETSC(call)                                                                                 \
  do {                                                                                                 \
    const int pk_petsc_code_ = static_cast<int>(call);                                                 \
    if (pk_petsc_code_ != 0) ::pk::detail::throwPetscError(pk_petsc_code_, #call, __FILE__, __LINE__); \
  } while (0)

#define PK_ASSERT(cond, what)                                           \
  do {                                                                  \
    if (!(cond)) ::pk::detail::throwInternal(what, __FILE__, __LINE__); \
  } while (0)

#define PK_REQUIRE(cond, message)                 \
  do {                                            \
    if (!(cond)) throw ::pk::InputError(message); \
  } while (0)

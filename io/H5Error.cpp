#include "io/H5Error.hpp"

#include <hdf5.h>

#include <sstream>

namespace pk {

namespace {
// Walks the HDF5 error stack and collects the innermost description.
herr_t collectH5Message(unsigned, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::string*>(data);
  if (err->desc && *err->desc) *out = err->desc;
  return 0;
}
}  // namespace

void detail::throwH5Error(const char* expr, const char* file, int line) {
  std::string message = "unknown error";
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collectH5Message, &message);
  H5Eclear2(H5E_DEFAULT);
  std::ostringstream os;
  os << "HDF5 error on rank " << worldRank() << " (" << file << ":" << line << "): " << expr << ": " << message;
  throw Error(os.str());
}

void h5::quietLibrary() {
  // Once per process: the setting holds until the library is closed.
  static const bool quiet = H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0;
  (void)quiet;
}

}  // namespace pk

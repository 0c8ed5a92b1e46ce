#pragma once
// PK_H5, the one-line wrapper of every HDF5 call (the HDF5 side of core/Error.hpp's
// idiom). It lives in io/ because HDF5 is called nowhere else.
#include "core/Error.hpp"

namespace pk::detail {
[[noreturn]] void throwH5Error(const char* expr, const char* file, int line);
}  // namespace pk::detail

namespace pk::h5 {
/// Not collective. HDF5 errors are reported through exceptions (PK_H5), not
/// printed by the library: called before the first HDF5 call of every entry point.
void quietLibrary();
}  // namespace pk::h5

// HDF5 calls return a negative value (herr_t or hid_t) on failure.
#define PK_H5(call)                                                               \
  ([&]() {                                                                        \
    const auto pk_h5_result_ = (call);                                            \
    if (pk_h5_result_ < 0) ::pk::detail::throwH5Error(#call, __FILE__, __LINE__); \
    return pk_h5_result_;                                                         \
  }())

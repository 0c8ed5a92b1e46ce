#pragma once
// The names and versions of pathkernel's result files (docs/FORMAT.md): the
// root attributes `format` and `format_version` every writer sets and every
// reader checks. One place, so a reader of results needs none of the code that
// writes them.
#include <cstdint>

namespace pk {

inline constexpr const char* kRunFormat = "pathkernel-run";
inline constexpr std::int64_t kRunFormatVersion = 1;
inline constexpr const char* kQueriesFormat = "pathkernel-queries";
inline constexpr std::int64_t kQueriesFormatVersion = 1;
inline constexpr const char* kCheckpointFormat = "pathkernel-checkpoint";
inline constexpr std::int64_t kCheckpointFormatVersion = 1;
inline constexpr const char* kConvergeFormat = "pathkernel-converge";
inline constexpr std::int64_t kConvergeFormatVersion = 1;

}  // namespace pk

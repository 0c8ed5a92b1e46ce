#pragma once
// Where new query points come from, as `replay --queries` and `predict`
// name them: a file with /X (and optional /y), or a data file's split.
#include <string>
#include <utility>

namespace pk {

/// The file and the group of its query points: "FILE.h5" -> (FILE.h5, ""),
/// "DATA.h5:test" -> (DATA.h5, "/test"). Throws InputError for another suffix.
std::pair<std::string, std::string> querySource(const std::string& spec);

}  // namespace pk

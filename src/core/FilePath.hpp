#pragma once
// File names of commands: whether two names are one file, and the default
// name of a result written beside a run file.
#include <string>

namespace pk {

/// True when a and b name one file however they are spelled ("run.h5",
/// "./run.h5", "dir/../run.h5", a symbolic link). Empty names are no file.
bool samePath(const std::string& a, const std::string& b);

/// The file a command writes beside a run: ("runs/a.h5", ".krr.h5") -> "runs/a.krr.h5";
/// a name without ".h5" keeps its whole name: ("a", ".krr.h5") -> "a.krr.h5".
std::string besideRunFile(const std::string& run, const std::string& suffix);

}  // namespace pk

#pragma once
// The one way a subcommand reads its options: Boost.Program_options over the
// command line and, when the command has --config and it was given, an INI
// file. Every token must be an option (a stray word is an error); the command
// line wins over the INI file. An INI file may hold keys before any section
// (read by every command) and sections named after commands ([train],
// [converge], ...): a command reads its own section and skips the others, so
// one file can serve several commands; a key in the command's section wins over
// the same key before any section. Paths in an INI file are taken
// relative to the working folder, as on the command line.
#include <boost/program_options.hpp>

#include <string>

namespace pk {

/// Parses the command line of `pathkernel COMMAND` (and its INI file) into vm.
/// Throws InputError with one clear line naming the problem.
void parseOptions(int argc, const char* const* argv, const boost::program_options::options_description& d,
                  boost::program_options::variables_map& vm, const std::string& command);

}  // namespace pk

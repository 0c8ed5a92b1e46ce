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
#include <type_traits>
#include <vector>

#include "core/Error.hpp"

namespace pk {

/// A typed option value whose malformed text ("--lr fast") is recorded in
/// `problems` instead of ending the parse at the first bad value, so that it is
/// reported together with every other problem of the settings (validate()).
/// The variable then keeps the value it had (its default).
template <typename T>
class CheckedValue : public boost::program_options::typed_value<T> {
 public:
  CheckedValue(T* store, std::vector<std::string>* problems, std::string name)
      : boost::program_options::typed_value<T>(store), store_(store), problems_(problems), name_(std::move(name)) {}

  void xparse(boost::any& valueStore, const std::vector<std::string>& tokens) const override {
    try {
      boost::program_options::typed_value<T>::xparse(valueStore, tokens);
    } catch (const boost::program_options::validation_error&) {
      const std::string text = tokens.empty() ? "" : tokens.front();
      problems_->push_back("--" + name_ + " '" + text + "' is not " +
                           (std::is_integral<T>::value ? "a whole number" : "a number"));
      valueStore = boost::any(*store_);
    }
  }

 private:
  T* store_;
  std::vector<std::string>* problems_;
  std::string name_;
};

/// `po::value(store)` for a number whose malformed text goes to `problems` (CheckedValue).
template <typename T>
CheckedValue<T>* checkedValue(T* store, std::vector<std::string>* problems, const std::string& name) {
  return new CheckedValue<T>(store, problems, name);
}

/// The options of vm that were given (on the command line or in the INI file), not defaulted.
std::vector<std::string> givenOptions(const boost::program_options::variables_map& vm);

/// Parses the command line of `pathkernel COMMAND` (and its INI file) into vm.
/// Throws InputError with one clear line naming the problem.
void parseOptions(int argc, const char* const* argv, const boost::program_options::options_description& d,
                  boost::program_options::variables_map& vm, const std::string& command);

/// Parses the command line of a command whose one-dash options go to PETSc
/// (krr: -ksp_*, dynamics: -eps_*): long options only and no guessing, so
/// "-ksp_type" reaches PETSc untouched. The PETSc tokens, joined by spaces, go
/// to `petscOptions`; a stray word in front of them or an unknown "--" option
/// is an error. Returns false, with vm holding only what was given, when
/// --help or -h was asked (the caller prints it). Throws InputError naming the problem.
bool parseOptionsWithPetsc(int argc, const char* const* argv, const boost::program_options::options_description& d,
                           boost::program_options::variables_map& vm, const std::string& command,
                           std::string& petscOptions);

/// Runs one check and keeps its InputError message in `problems` instead of
/// throwing, so that a command reports every problem of its settings at once.
template <typename Check>
void collectProblem(std::vector<std::string>& problems, Check&& check);

template <typename Check>
void collectProblem(std::vector<std::string>& problems, Check&& check) {
  try {
    check();
  } catch (const InputError& e) {
    problems.push_back(e.what());
  }
}

}  // namespace pk

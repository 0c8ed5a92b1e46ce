// pathkernel: train a network by distributed gradient descent and measure,
// in the same run, the kernel machine it is (Domingos 2020).
//
//   1. start MPI and PETSc   2. pick the subcommand   3. run it
//   4. report errors: input errors once on rank 0 with a clean exit status 1,
//      anything else on the rank that saw it, then MPI_Abort so no rank waits.
#include <mpi.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <new>
#include <string>

#include "Commands.hpp"
#include "core/BlasCore.hpp"
#include "core/BuildInfo.hpp"
#include "core/Environment.hpp"
#include "core/Error.hpp"
#include "io/H5.hpp"
#include "pk/Version.hpp"

namespace {

struct CommandHelp {
  const char* name;
  const char* summary;
};

constexpr CommandHelp kCommands[] = {
    {"train", "train an MLP and accumulate its path kernel"},
    {"explain", "a prediction as a sum over training examples"},
    {"krr", "kernel ridge regression with the learned kernels"},
    {"converge", "residual of the kernel machine as lr -> 0"},
    {"replay", "a finished run's rows for new query points"},
    {"predict", "the trained network's outputs for new points"},
    {"dynamics", "how the kernel changed during training"},
    {"validate", "do the contributions predict retraining?"},
    {"bench", "time the kernel accumulation against DGEMM"},
    {"data", "a data file from IDX image files (Fashion-MNIST)"},
};

void usage() {
  std::cout << "pathkernel " << pk::kVersion << "\n"
            << "usage: pathkernel <command> [options]\n"
            << "       pathkernel <command> --help    the options of one command\n"
            << "       pathkernel --version\n\n"
            << "commands:\n";
  for (const auto& c : kCommands) std::cout << "  " << std::left << std::setw(10) << c.name << c.summary << "\n";
  std::cout << "\nThe mathematics is in docs/THEORY.md, the files in docs/FORMAT.md, usage in README.md.\n";
}

bool isHelp(const std::string& command) {
  return command == "--help" || command == "-h" || command == "help";
}

using Command = int (*)(int, char**, int);

Command commandNamed(const std::string& name) {
  if (name == "train") return pk::cli::train;
  if (name == "bench") return pk::cli::bench;
  if (name == "krr") return pk::cli::krr;
  if (name == "explain") return pk::cli::explain;
  if (name == "replay") return pk::cli::replay;
  if (name == "predict") return pk::cli::predict;
  if (name == "converge") return pk::cli::converge;
  if (name == "dynamics") return pk::cli::dynamics;
  if (name == "validate") return pk::cli::validate;
  if (name == "data") return pk::cli::data;
  return nullptr;
}

// The subcommand sees argv[1..]: its own name takes the place of the program name.
// Every rank returns the same status; rank 0 prints.
int dispatch(int argc, char** argv, int rank) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (Command run = commandNamed(command)) return run(argc - 1, argv + 1, rank);
  if (command == "help" && argc > 2 && commandNamed(argv[2])) {
    // "pathkernel help train" is "pathkernel train --help".
    char helpOption[] = "--help";
    char* helpArgv[] = {argv[2], helpOption, nullptr};
    return commandNamed(argv[2])(2, helpArgv, rank);
  }
  if (command.empty() || isHelp(command)) {
    if (rank == 0) usage();
    return command.empty() ? 1 : 0;
  }
  if (command == "--version" || command == "version") {
    // The libraries this build runs, for a bug report or a module's help text.
    if (rank == 0) pk::printBuildInfo(std::cout, pk::h5::libraryVersion());
    return 0;
  }
  throw pk::InputError("unknown command '" + command + "' (try: pathkernel --help)");
}

}  // namespace

int main(int argc, char** argv) {
  // A write past the file size limit (ulimit -f) then fails with EFBIG and is
  // reported like a full disk, instead of killing this rank alone.
  std::signal(SIGXFSZ, SIG_IGN);
  // Before MPI starts: this may replace the process by itself with OpenBLAS's better core.
  pk::blas::preferBuildCore(argv);
  pk::Environment env(&argc, &argv);
  try {
    return dispatch(argc, argv, env.rank());
  } catch (const pk::h5::WriteError& e) {
    // Every rank is here, from the same failed write. HDF5 is not shut down: it
    // would close the file again, and a close that fails leaves the library
    // broken (MPI_Finalize would crash in it). The file is already removed.
    if (env.rank() == 0) std::cerr << "pathkernel: error: " << e.what() << std::endl;
    std::cout.flush();
    std::_Exit(1);
  } catch (const pk::InputError& e) {
    // Input errors are detected by every rank alike: report once, exit cleanly.
    if (env.rank() == 0) std::cerr << "pathkernel: error: " << e.what() << std::endl;
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "pathkernel: error on rank " << env.rank()
              << ": out of memory (use more ranks, smaller data, or --skip-train-kernels)" << std::endl;
    MPI_Abort(MPI_COMM_WORLD, 2);
  } catch (const std::exception& e) {
    std::cerr << "pathkernel: " << e.what() << std::endl;
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  return 2;
}

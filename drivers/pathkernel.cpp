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
#include <iostream>
#include <new>
#include <string>

#include "Commands.hpp"
#include "core/Environment.hpp"
#include "core/Error.hpp"
#include "io/H5.hpp"
#include "pk/Version.hpp"

namespace {
void usage() {
  std::cout << "pathkernel " << pk::kVersion << "\n"
            << "usage: pathkernel <command> [options]\n\n"
            << "commands:\n"
            << "  train   train an MLP and accumulate its path kernel (pathkernel train --help)\n"
            << "  bench   time the kernel accumulation against DGEMM (pathkernel bench --help)\n"
            << "  krr     kernel ridge regression with the learned kernels (pathkernel krr --help)\n"
            << "  explain   a prediction as a sum over training examples (pathkernel explain --help)\n"
            << "  converge  residual of the kernel machine as lr -> 0 (pathkernel converge --help)\n"
            << "  validate  do the contributions predict retraining? (pathkernel validate --help)\n";
}
}  // namespace

int main(int argc, char** argv) {
  // A write past the file size limit (ulimit -f) then fails with EFBIG and is
  // reported like a full disk, instead of killing this rank alone.
  std::signal(SIGXFSZ, SIG_IGN);
  pk::Environment env(&argc, &argv);
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    // The subcommand sees argv[1..]: its own name takes the place of the program name.
    if (command == "train") return pk::cli::train(argc - 1, argv + 1, env.rank());
    if (command == "bench") return pk::cli::bench(argc - 1, argv + 1, env.rank());
    if (command == "krr") return pk::cli::krr(argc - 1, argv + 1, env.rank());
    if (command == "explain") return pk::cli::explain(argc - 1, argv + 1, env.rank());
    if (command == "converge") return pk::cli::converge(argc - 1, argv + 1, env.rank());
    if (command == "validate") return pk::cli::validate(argc - 1, argv + 1, env.rank());
    if (env.rank() == 0) {
      if (command.empty() || command == "--help" || command == "-h") {
        usage();
        return command.empty() ? 1 : 0;
      }
      std::cerr << "pathkernel: error: unknown command '" << command << "' (try: pathkernel --help)\n";
    }
    return 1;
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

#include "core/StopRequest.hpp"

#include <csignal>

#include "core/Error.hpp"

namespace pk {

namespace {
volatile std::sig_atomic_t stopSignal = 0;
extern "C" void onStopSignal(int signal) {
  stopSignal = signal;
}
}  // namespace

void installStopHandlers() {
  struct sigaction action {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
}

int receivedStopSignal() {
  return stopSignal;
}

int agreedStopSignal(MPI_Comm comm) {
  int local = stopSignal;
  int agreed = 0;
  PK_MPI(MPI_Allreduce(&local, &agreed, 1, MPI_INT, MPI_MAX, comm));
  return agreed;
}

void clearStopRequest() {
  stopSignal = 0;
}

}  // namespace pk

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
  for (int signal : {SIGINT, SIGTERM, SIGUSR1}) sigaction(signal, &action, nullptr);
}

int agreedStopSignal(MPI_Comm comm) {
  int local = stopSignal;
  int agreed = 0;
  PK_MPI(MPI_Allreduce(&local, &agreed, 1, MPI_INT, MPI_MAX, comm));
  return agreed;
}

std::string signalName(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGUSR1:
      return "SIGUSR1";
    default:
      return "signal " + std::to_string(signal);
  }
}

}  // namespace pk

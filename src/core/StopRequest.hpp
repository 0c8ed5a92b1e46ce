#pragma once
// SIGINT (Ctrl-C), SIGTERM (a scheduler's stop, preemption) and SIGUSR1 (a
// batch script's warning before the time limit) ask a run to stop cleanly:
// finish the current step, write a checkpoint, exit. A signal may reach one
// rank only, so ranks agree through a reduction at the end of every step.
#include <mpi.h>

#include <string>

namespace pk {

/// Installs the handlers for SIGINT, SIGTERM and SIGUSR1 (idempotent). Not collective.
void installStopHandlers();
/// Collective: the signal any rank received (the largest number if several), 0 if none.
int agreedStopSignal(MPI_Comm comm);
/// "SIGINT", "SIGTERM" or "SIGUSR1" (the number for any other signal). Not collective.
std::string signalName(int signal);

}  // namespace pk

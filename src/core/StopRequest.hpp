#pragma once
// SIGTERM and SIGUSR1 ask a run to stop cleanly: finish the current step,
// write a checkpoint, exit 0. The signal may reach one rank only, so ranks
// agree through a reduction at the end of every step.
#include <mpi.h>

namespace pk {

/// Installs the handlers for SIGTERM and SIGUSR1 (idempotent). Not collective.
void installStopHandlers();
/// The signal this rank received (0 if none). Not collective.
int receivedStopSignal();
/// Collective: the largest signal number any rank received, 0 if none.
int agreedStopSignal(MPI_Comm comm);
/// For tests: forget a received signal. Not collective.
void clearStopRequest();

}  // namespace pk

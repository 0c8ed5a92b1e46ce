# Sourced by the scripts that signal or kill one rank of a launch started in the
# background (`f ... &`, f a function that calls mpiexec): $! is then the subshell,
# its child is mpiexec, and the ranks are mpiexec's children. Signalling mpiexec
# instead would test something else: killed with -9 it leaves its ranks running on
# (they finish the run, write its files and remove its checkpoint behind the test's
# back), and it forwards SIGUSR1 to every rank.

# The process ids of the ranks of the launch whose background subshell is $1.
rank_pids() {
  local launcher
  for launcher in $(pgrep -P "$1" mpiexec || true); do pgrep -P "$launcher" || true; done
}

# Waits (at most 30 s) until none of the given processes is left.
wait_gone() {
  local pid
  for pid in "$@"; do
    for _ in $(seq 1 600); do kill -0 "$pid" 2> /dev/null || break; sleep 0.05; done
  done
}

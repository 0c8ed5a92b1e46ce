# The set-up and the checks of every bad-input test, sourced by them.
#
#   begin_case PROGRAM CASE
#
# sets program and case_name and moves into a scratch folder, removed on exit.
begin_case() {
  program="$1"
  case_name="$2"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cd "$work"
}

#   expect_refusal EXPECT [LEFTOVER...] -- COMMAND...
#
# runs COMMAND in the current folder (its output in out.log and err.log) and
# fails the test unless: it exits non-zero without running into the time-out,
# prints exactly one "pathkernel: error:" message, that message matches the
# extended regular expression EXPECT, it is not reported as an internal error
# (which names the rank), PETSc printed no traceback, and none of the LEFTOVER
# files exists afterwards.
expect_refusal() {
  local expect="$1"
  shift
  local leftovers=()
  while [[ $# -gt 0 && "$1" != -- ]]; do
    leftovers+=("$1")
    shift
  done
  shift
  local status
  set +e
  timeout 120 "$@" > out.log 2> err.log
  status=$?
  set -e
  cat out.log err.log
  [[ $status -ne 0 && $status -ne 124 ]] || { echo "FAIL: exit status $status (want a non-zero status, no time-out)"; exit 1; }
  local count
  count=$(grep -c "pathkernel: error:" err.log || true)
  [[ $count -eq 1 ]] || { echo "FAIL: $count error messages (want exactly one)"; exit 1; }
  tr '\n' ' ' < err.log | grep -Eq -- "$expect" || { echo "FAIL: message does not match: $expect"; exit 1; }
  ! grep -q "pathkernel: .*rank [0-9]* (" err.log || { echo "FAIL: an input error reported as an internal error"; exit 1; }
  ! grep -q "PETSC ERROR" err.log || { echo "FAIL: PETSc printed a traceback"; exit 1; }
  local f
  for f in "${leftovers[@]}"; do
    [[ ! -e "$f" ]] || { echo "FAIL: $f was left behind"; exit 1; }
  done
}

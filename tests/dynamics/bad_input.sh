#!/usr/bin/env bash
# One bad input to `pathkernel dynamics` per call: the program must exit
# non-zero with one clear "pathkernel: error:" message naming the problem,
# without hanging and without leaving an output file.
#
#   bad_input.sh PROGRAM CASE
set -euo pipefail
program="$1"
case_name="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

train() {  # train OUT [options]: a small run on built-in data, 20 training examples
  local out="$1"
  shift
  mpiexec -n 2 --oversubscribe "$program" train --n-train 20 --n-test 5 --hidden 4 --steps 6 --out "$out" "$@" > /dev/null
}

case "$case_name" in
  no_snapshots)     train run.h5;                      expect="'run.h5' has no kernel snapshots: train with --snapshots"; args=() ;;
  no_layers)        train run.h5 --snapshots 0,6;      expect="'run.h5' has no layer kernels: train with --layer-kernels"; args=(--kernels snapshots,layers) ;;
  eigen_too_large)  train run.h5 --snapshots 0,6;      expect="--eigen 21 is larger than N = 20"; args=(--eigen 21) ;;
  unknown_eps_type) train run.h5 --snapshots 0,6;      expect="unknown -eps_type 'nonsense' \(this SLEPc has: .*krylovschur"; args=(--eigen 2 -eps_type nonsense) ;;
  unsuitable_eps_type) train run.h5 --snapshots 0,6;   expect="the eigensolver 'power' cannot compute the largest eigenvalues"; args=(--eigen 2 -eps_type power) ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac

set +e
timeout 120 mpiexec -n 2 --oversubscribe "$program" dynamics --run run.h5 "${args[@]}" > out.log 2> err.log
status=$?
set -e
cat out.log err.log
[[ $status -ne 0 && $status -ne 124 ]] || { echo "FAIL: exit status $status (want a non-zero status, no time-out)"; exit 1; }
count=$(grep -c "pathkernel: error:" err.log || true)
[[ $count -eq 1 ]] || { echo "FAIL: $count error messages (want exactly one)"; exit 1; }
tr '\n' ' ' < err.log | grep -Eq -- "$expect" || { echo "FAIL: message does not match: $expect"; exit 1; }
grep -q "pathkernel: .*rank [0-9]* (" err.log && { echo "FAIL: an input error reported as an internal error"; exit 1; }
grep -q "PETSC ERROR" err.log && { echo "FAIL: PETSc printed a traceback"; exit 1; }
for f in run.dynamics.h5 run.dynamics.h5.partial; do
  [[ ! -e "$f" ]] || { echo "FAIL: $f was left behind"; exit 1; }
done
echo "PASS: $case_name"

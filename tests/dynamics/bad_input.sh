#!/usr/bin/env bash
# One bad input to `pathkernel dynamics` per call: the program must exit
# non-zero with one clear "pathkernel: error:" message naming the problem,
# without hanging and without leaving an output file.
#
#   bad_input.sh PROGRAM CASE
set -euo pipefail
source "$(dirname "$0")/../cli/refusal.sh"
begin_case "$@"

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

expect_refusal "$expect" run.dynamics.h5 run.dynamics.h5.partial -- \
  mpiexec -n 2 --oversubscribe "$program" dynamics --run run.h5 "${args[@]}"
echo "PASS: $case_name"

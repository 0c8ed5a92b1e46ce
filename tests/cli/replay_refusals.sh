#!/usr/bin/env bash
# A replay that cannot give the run's rows is refused: one clear
# "pathkernel: error:" message, a non-zero exit, and no queries file (not even
# a partial one) left behind.
#
#   replay_refusals.sh PROGRAM CASE
set -euo pipefail
source "$(dirname "$0")/refusal.sh"
begin_case "$@"

run() { mpiexec -n 2 --oversubscribe "$program" "$@"; }
py() { /usr/bin/python3 -c "import sys, h5py, numpy as np; $1"; }

# A small data file with a test split, a run on it, and its test points as queries.
py "
rng = np.random.default_rng(0)
with h5py.File('data.h5', 'w') as f:
    f['train/X'] = rng.normal(size=(30, 3)); f['train/y'] = rng.normal(size=30)
    f['test/X'] = rng.normal(size=(7, 3)); f['test/y'] = rng.normal(size=7)
with h5py.File('data.h5') as d, h5py.File('queries.h5', 'w') as q:
    q['X'] = d['test/X'][()]
"
run train --data data.h5 --hidden 4 --steps 10 --out run.h5 > /dev/null

queries=queries.h5
run_file=run.h5
case "$case_name" in
  modified_data)  py "f = h5py.File('data.h5', 'r+'); f['train/y'][3] += 1.0"
                  expect="is not the data the run .* was trained on" ;;
  incomplete_run) py "f = h5py.File('run.h5', 'r+'); f.attrs['complete'] = np.int64(0)"
                  expect="'run.h5' is not complete" ;;
  unknown_version) py "f = h5py.File('run.h5', 'r+'); f.attrs['format_version'] = np.int64(7)"
                  expect="'run.h5' has format_version 7" ;;
  wrong_width)    py "f = h5py.File('wide.h5', 'w'); f['X'] = np.ones((5, 4))"; queries=wide.h5
                  expect="have D = 4 but the run was trained with D = 3" ;;
  nonfinite)      py "f = h5py.File('nan.h5', 'w'); x = np.ones((5, 3)); x[2, 1] = np.nan; f['X'] = x"; queries=nan.h5
                  expect="contain NaN or Inf" ;;
  nonfinite_targets) py "f = h5py.File('nan_y.h5', 'w'); f['X'] = np.ones((5, 3)); y = np.ones(5); y[2] = np.inf; f['y'] = y"
                  queries=nan_y.h5; expect="the targets of 'nan_y.h5' contain NaN or Inf: row 2" ;;
  queries_as_run) run replay --run run.h5 --queries queries.h5 --out first.h5 > /dev/null; run_file=first.h5
                  expect="'first.h5' is a queries file \\(pathkernel replay\\), not a run file: replay needs" ;;
  no_points)      queries=data.h5:validation; expect="expected FILE.h5 \\(with /X\\) or DATA.h5:test" ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac

expect_refusal "$expect" q.h5 q.h5.partial -- \
  mpiexec -n 2 --oversubscribe "$program" replay --run "$run_file" --queries "$queries" --out q.h5
echo "PASS: $case_name"

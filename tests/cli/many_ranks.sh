#!/usr/bin/env bash
# Eight ranks on a machine with fewer cores (oversubscribed): the same answers
# as one rank, also when some ranks own no rows (N = 5 < 8), for training, a
# replay, a checkpoint written at 8 ranks and restarted at 3, and a validation
# study in groups of ranks.
#
#   many_ranks.sh PROGRAM CASE      CASE: train | replay | restart | validate
set -euo pipefail
program="$1"
case_name="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

pk() { local n="$1"; shift; mpiexec -n "$n" --oversubscribe "$program" "$@"; }
same() { /usr/bin/python3 "$here/compare_runs.py" "$1" "$2" 1e-12; }

case "$case_name" in
  train)
    # Tiny N: three of the eight ranks own no training row, and the test rows are spread thinner still.
    for n in 5 40; do
      settings=(--data builtin:moons --loss logistic --hidden 8,8 --n-train "$n" --n-test 3 --steps 30 --lr 0.1
                --path-rule gauss:2 --tangent-kernels)
      pk 1 train "${settings[@]}" --out one_$n.h5 > one_$n.log
      pk 8 train "${settings[@]}" --out eight_$n.h5 > eight_$n.log
      grep -q "8 ranks" eight_$n.log || { cat eight_$n.log; exit 1; }
      same eight_$n.h5 one_$n.h5
    done ;;
  replay)
    /usr/bin/python3 -c "
import h5py, numpy as np
rng = np.random.default_rng(0)
with h5py.File('data.h5', 'w') as f:
    f['train/X'] = rng.normal(size=(30, 3)); f['train/y'] = rng.normal(size=30)
    f['test/X'] = rng.normal(size=(6, 3)); f['test/y'] = rng.normal(size=6)
with h5py.File('queries.h5', 'w') as q:
    q['X'] = rng.normal(size=(5, 3))
"
    pk 2 train --data data.h5 --hidden 6 --steps 40 --lr 0.05 --out run.h5 > train.log
    pk 1 replay --run run.h5 --queries queries.h5 --out one.h5 > one.log
    pk 8 replay --run run.h5 --queries queries.h5 --out eight.h5 > eight.log
    same eight.h5 one.h5 ;;
  restart)
    # The checkpoint 8 ranks write first is copied as soon as it exists (it appears by a rename, so
    # the copy is whole, even if a newer one replaces it meanwhile); 3 ranks resume from the copy
    # and must finish as an uninterrupted 1-rank run does.
    settings=(--data builtin:moons --loss logistic --hidden 8,8 --n-train 45 --n-test 6 --lr 0.1 --batch-size 8
              --path-rule gauss:2 --tangent-kernels --steps 400)
    pk 1 train "${settings[@]}" --out full.h5 > full.log
    pk 8 train "${settings[@]}" --out eight.h5 --checkpoint ck.h5 --checkpoint-every 50 > eight.log 2>&1 &
    launcher=$!
    for _ in $(seq 1 6000); do cp ck.h5 early.h5 2> /dev/null && break; sleep 0.01; done
    wait "$launcher"
    [[ -e early.h5 ]] || { cat eight.log; echo "no checkpoint seen at 8 ranks"; exit 1; }
    step=$(h5dump -a /step early.h5 | awk '/\(0\)/ {print $2}')
    ((step > 0 && step < 400)) || { echo "checkpoint at step $step"; exit 1; }
    same eight.h5 full.h5
    pk 3 train "${settings[@]}" --out restarted.h5 --restart early.h5 > restarted.log
    grep -q "resuming from early.h5 at step $step" restarted.log || { cat restarted.log; exit 1; }
    same restarted.h5 full.h5 ;;
  validate)
    pk 2 train --data builtin:moons --n-train 24 --n-test 6 --hidden 6 --lr 0.1 --steps 200 --batch-size 8 \
      --tangent-kernels --out run.h5 > train.log
    study=(--run run.h5 --queries test:0-3 --topk 2 --lds-subsets 6 --loo 4 --checkpoint-seconds 0)
    pk 1 validate "${study[@]}" --out one.h5 > one.log
    # 8 ranks in 4 groups of 2, and in 2 groups of 4: every group retrains its own sets.
    pk 8 validate "${study[@]}" --group-size 2 --out g2.h5 > g2.log
    pk 8 validate "${study[@]}" --group-size 4 --out g4.h5 > g4.log
    same g2.h5 one.h5
    same g4.h5 one.h5 ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
echo "many ranks ($case_name): the same as fewer ranks"

#!/usr/bin/env bash
# Kill -9 a rank at a random later step, restart from the last checkpoint, and
# compare every dataset bit for bit with an uninterrupted run; the same through
# SIGUSR1 sent to one rank only; and a restart at another rank count (1e-12).
#
#   checkpoint_restart.sh PROGRAM RANKS [OPTIMIZER [cnn]]
#
# With `cnn` the run is a convolutional network on a small image data file
# written here (conv, pooling and dense layers; --superposition keeps the
# first conv layer's Gamma, so its recursion is checkpointed too).
set -euo pipefail
program="$1"
ranks="$2"
optimizer="${3:-sgd}"
network="${4:-mlp}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

run() { local n="$1"; shift; mpiexec -n "$n" --oversubscribe "$program" train "$@"; }
settings=(--data builtin:moons --loss logistic --hidden 24,24 --n-train 200 --n-test 50 --batch-size 32
          --steps 2000 --path-rule gauss:2 --tangent-kernels --weight-decay 1e-3 --optimizer "$optimizer")
if [[ "$optimizer" == sgd ]]; then settings+=(--lr 0.05); else settings+=(--lr 0.005 --lr-schedule cosine --warmup 50); fi
every=100
if [[ "$network" == cnn ]]; then
  /usr/bin/python3 - <<'PY'
import h5py, numpy as np
rng = np.random.default_rng(5)
with h5py.File("images.h5", "w") as f:
    f["/train/X"], f["/test/X"] = rng.random((64, 1, 7, 7)), rng.random((16, 1, 7, 7))
    f["/train/y"], f["/test/y"] = (rng.random(64) < 0.5) * 1.0, (rng.random(16) < 0.5) * 1.0
PY
  # Fewer, costlier steps than the MLP's: the first checkpoint still comes long before the end.
  settings=(--data images.h5 --loss logistic --layers conv:3:3:p1,maxpool:2,dense:6 --batch-size 16 --steps 600
            --path-rule gauss:2 --tangent-kernels --weight-decay 1e-3 --optimizer "$optimizer" --superposition)
  if [[ "$optimizer" == sgd ]]; then settings+=(--lr 0.05); else settings+=(--lr 0.005 --lr-schedule cosine --warmup 20); fi
  every=30
fi
source "$here/ranks.sh"
wait_for() { for _ in $(seq 1 600); do [[ -e "$1" ]] && return 0; sleep 0.05; done; echo "timed out waiting for $1"; return 1; }

run "$ranks" "${settings[@]}" --out full.h5 > full.log

# 1. kill -9 one rank (chosen at random) after the first checkpoint exists.
# The first checkpoint comes at step 100 of 2000 (a CNN: 30 of 600), so the kill
# (at most 0.4 s later) lands long before the run could finish, even on a fast machine.
run "$ranks" "${settings[@]}" --out killed.h5 --checkpoint ck.h5 --checkpoint-every "$every" > killed.log 2>&1 &
launcher=$!
wait_for ck.h5
sleep "0.$((RANDOM % 5))"
victims=($(rank_pids "$launcher"))
[[ ${#victims[@]} -eq "$ranks" ]] || { echo "found ${#victims[@]} ranks, not $ranks: the run finished before it could be killed?"; exit 1; }
victim="${victims[$((RANDOM % ${#victims[@]}))]}"
kill -9 "$victim" 2>/dev/null || true
if wait "$launcher"; then echo "the run finished before it could be killed: make it longer"; exit 1; fi
# mpiexec may return before the other ranks are gone; one still writing would race the restart.
wait_gone "${victims[@]}"
# A complete run file would mean the kill came after the final rename: the run
# outran the kill, and nothing was tested.  A partial one must never be visible.
[[ ! -e killed.h5 ]] || { echo "killed.h5 exists: the run outran the kill, or a killed run left a run file"; exit 1; }
step=$(h5dump -a /step ck.h5 | awk '/\(0\)/ {print $2}')
echo "killed rank pid $victim; newest checkpoint at step $step"
run "$ranks" "${settings[@]}" --out restarted.h5 --restart ck.h5 > restarted.log
/usr/bin/python3 "$here/compare_runs.py" restarted.h5 full.h5

# 2. SIGUSR1 to one rank only: every rank stops at the same step, writes the checkpoint, exits 0.
run "$ranks" "${settings[@]}" --out stopped.h5 --checkpoint sig.h5 > stopped.log 2>&1 &
launcher=$!
# Signal once training is under way (the first progress line is printed).
for _ in $(seq 1 600); do grep -q "step " stopped.log && break; sleep 0.05; done
victims=($(rank_pids "$launcher"))
[[ ${#victims[@]} -eq "$ranks" ]] || { echo "found ${#victims[@]} ranks, not $ranks"; exit 1; }
kill -USR1 "${victims[$((${#victims[@]} - 1))]}"
wait "$launcher"
grep -q "stopped by SIGUSR1 after step" stopped.log || { cat stopped.log; exit 1; }
[[ ! -e stopped.h5 ]] || { echo "a stopped run wrote a run file"; exit 1; }
run "$ranks" "${settings[@]}" --out resumed.h5 --restart sig.h5 > resumed.log
/usr/bin/python3 "$here/compare_runs.py" resumed.h5 full.h5

# 3. Restart at another rank count: rows are redistributed, results agree to 1e-12.
other=$((ranks % 3 + 1))
run "$other" "${settings[@]}" --out other.h5 --restart ck.h5 > other.log
/usr/bin/python3 "$here/compare_runs.py" other.h5 full.h5 1e-12
echo "checkpoint/restart ($optimizer, $network) at $ranks ranks (and $other): bit-identical"

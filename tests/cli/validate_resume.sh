#!/usr/bin/env bash
# A validation study stopped part way resumes without redoing its finished
# retrainings: SIGUSR1 to one rank (progress written, exit 0), then kill -9 of
# a rank (the last progress file kept); each time the same command continues,
# and the result is bit-identical to an uninterrupted study.
#
#   validate_resume.sh PROGRAM RANKS
set -euo pipefail
program="$1"
ranks="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

pk() { mpiexec -n "$ranks" --oversubscribe "$program" "$@"; }
source "$here/ranks.sh"
wait_for() { for _ in $(seq 1 1200); do [[ -e "$1" ]] && return 0; sleep 0.05; done; echo "timed out waiting for $1"; return 1; }

pk train --data builtin:moons --n-train 120 --n-test 20 --hidden 16 --lr 0.1 --steps 3000 --batch-size 16 \
  --tangent-kernels --out run.h5 > train.log
study=(--run run.h5 --queries test:0-7 --topk 3 --lds-subsets 30 --loo 20 --checkpoint-seconds 0)
pk validate "${study[@]}" --out full.h5 > full.log

# Long enough (3000 steps per retraining, about 2 s for the study on 2 idle
# cores) that the signals below arrive while retrainings remain.
# 1. SIGUSR1 to one rank once the first progress file exists.
pk validate "${study[@]}" --out stopped.h5 > stopped.log 2>&1 &
launcher=$!
wait_for stopped.h5.ckpt
victims=($(rank_pids "$launcher"))
[[ ${#victims[@]} -eq "$ranks" ]] || { echo "found ${#victims[@]} ranks, not $ranks"; exit 1; }
kill -USR1 "${victims[$((${#victims[@]} - 1))]}"
wait "$launcher"
grep -q "stopped by SIGUSR1; finished retrainings written to stopped.h5.ckpt" stopped.log || { cat stopped.log; exit 1; }
[[ ! -e stopped.h5 ]] || { echo "a stopped study wrote its result"; exit 1; }
pk validate "${study[@]}" --out stopped.h5 > resumed.log
grep -qE "resumed +[1-9][0-9]* retrainings from stopped.h5.ckpt" resumed.log || { cat resumed.log; exit 1; }
[[ ! -e stopped.h5.ckpt ]] || { echo "the progress file was left after the study finished"; exit 1; }
/usr/bin/python3 "$here/compare_runs.py" stopped.h5 full.h5

# 2. kill -9 of a rank: the last complete progress file is what the next start resumes.
pk validate "${study[@]}" --out killed.h5 > killed.log 2>&1 &
launcher=$!
wait_for killed.h5.ckpt
sleep 0.3
victims=($(rank_pids "$launcher"))
[[ ${#victims[@]} -eq "$ranks" ]] || { echo "the study finished before it could be killed: make it longer"; exit 1; }
kill -9 "${victims[$((RANDOM % ${#victims[@]}))]}" 2> /dev/null || true
if wait "$launcher"; then echo "the study finished before it could be killed: make it longer"; exit 1; fi
# mpiexec may return before the other ranks are gone; one still writing would race the restart.
wait_gone "${victims[@]}"
[[ ! -e killed.h5 ]] || { echo "killed.h5 exists: the study outran the kill"; exit 1; }
pk validate "${study[@]}" --out killed.h5 > rekilled.log
grep -qE "resumed +[1-9][0-9]* retrainings" rekilled.log || { cat rekilled.log; exit 1; }
/usr/bin/python3 "$here/compare_runs.py" killed.h5 full.h5
echo "validate resume at $ranks ranks: bit-identical"

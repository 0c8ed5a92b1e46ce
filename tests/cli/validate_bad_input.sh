#!/usr/bin/env bash
# One bad input to `pathkernel validate` per call: the program must exit
# non-zero with one clear "pathkernel: error:" message naming the problem,
# without hanging, and leave no result file, partial file or progress file.
#
#   validate_bad_input.sh PROGRAM CASE
set -euo pipefail
source "$(dirname "$0")/refusal.sh"
begin_case "$@"

pk() { timeout 120 mpiexec -n 2 --oversubscribe "$program" "$@"; }
small=(--data builtin:moons --n-train 20 --n-test 6 --hidden 4 --steps 5)
study=(--topk 2 --lds-subsets 3 --loo 2)
# These are refused before the run is opened: no run needed.
case "$case_name" in
  group_size | fraction_zero | unknown_score | bad_share) touch run.h5 ;;
  *) pk train "${small[@]}" --tangent-kernels --out run.h5 > /dev/null ;;
esac

expect="" args=()
case "$case_name" in
  old_format)
    cp run.h5 old.h5
    /usr/bin/python3 -c 'import h5py; f = h5py.File("old.h5", "r+"); f.attrs["format_version"] = 2; f.close()'
    expect="'old.h5' has format_version 2; this pathkernel reads pathkernel-run version 1"
    args=(--run old.h5) ;;
  group_size)        expect="--group-size 3 does not divide the 2 ranks"; args=(--run run.h5 --group-size 3) ;;
  too_many_removed)  expect="--topk 25 removes more examples than a reduced set can lose: .*N = 20 .*at most 19"
                     args=(--run run.h5 --topk 5,25) ;;
  loo_too_many)      expect="--loo 21 samples more examples than the run has \(N = 20\)"; args=(--run run.h5 --loo 21) ;;
  fraction_zero)     expect="--lds-fraction must be in \(0, 1\)"; args=(--run run.h5 --lds-fraction 0) ;;
  no_tangent_kernels)
    pk train "${small[@]}" --out plain.h5 > /dev/null
    expect="--scores tangent-final needs the tangent kernels, but 'plain.h5' was trained without --tangent-kernels"
    args=(--run plain.h5 --scores path,tangent-final) ;;
  unknown_score)     expect="--scores: unknown score 'shapley'"; args=(--run run.h5 --scores path,shapley) ;;
  query_range)       expect="--queries test:6 is out of range: the run has 6 test points \(test:0-5\)"
                     args=(--run run.h5 --queries test:0,test:6) ;;
  out_is_run)        expect="--out must differ from the run file"; args=(--run run.h5 --out ./run.h5 --force) ;;
  checkpoint_is_out) expect="--checkpoint must differ from --out and --run"
                     args=(--run run.h5 --checkpoint sub/../out.h5) ;;
  replay_as_run)
    /usr/bin/python3 -c 'import h5py; h5py.File("q.h5", "w")["X"] = h5py.File("run.h5", "r")["data/test/X"][()]'
    pk replay --run run.h5 --queries q.h5 --out queries.h5 > /dev/null
    expect="'queries.h5' is a queries file \\(pathkernel replay\\), not a run file: validate needs"; args=(--run queries.h5) ;;
  bad_share)         expect="malformed --share '2/2'"; args=(--run run.h5 --share 2/2) ;;
  merge_incomplete)
    pk validate --run run.h5 "${study[@]}" --share 0/2 --out s0.h5 > /dev/null
    expect="leave [0-9]+ of [0-9]+ retrainings undone: missing share\(s\) 1/2"; args=(--merge s0.h5) ;;
  merge_other_study)
    pk validate --run run.h5 "${study[@]}" --share 0/2 --out s0.h5 > /dev/null
    pk validate --run run.h5 "${study[@]}" --share 1/2 --seed 7 --out s1.h5 > /dev/null
    expect="'s1.h5' is not a share of the same study as 's0.h5'"; args=(--merge s0.h5 s1.h5) ;;
  progress_other_study)
    # A progress file of another study: a share file renamed and marked as progress.
    pk validate --run run.h5 "${study[@]}" --share 0/2 --seed 7 --out s0.h5 > /dev/null
    /usr/bin/python3 -c 'import h5py; f = h5py.File("s0.h5", "r+"); f.attrs["kind"] = "progress"; f.close()'
    mv s0.h5 out.h5.ckpt
    expect="the progress file 'out.h5.ckpt' belongs to another study or share"; args=(--run run.h5) ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac

# Small defaults for whatever the case does not set itself.
base=()
for pair in "--out out.h5" "--topk 2" "--lds-subsets 3" "--loo 2"; do
  option="${pair%% *}"
  [[ " ${args[*]} " == *" $option "* ]] || base+=($pair)
done
[[ "$case_name" != merge_* ]] || base=(--out out.h5)

expect_refusal "$expect" out.h5 out.h5.partial out.h5.ckpt.partial -- \
  mpiexec -n 2 --oversubscribe "$program" validate "${base[@]}" "${args[@]}"
[[ "$case_name" == progress_other_study || ! -e out.h5.ckpt ]] || { echo "FAIL: a progress file was written"; exit 1; }
echo "PASS: $case_name"

#!/usr/bin/env bash
# One I/O fault per call: a write that fails (a full disk, a file size limit)
# must end the run within seconds, with exit status 1 and one clear
# "pathkernel: error:" message naming the file and the cause, leave no file
# that looks complete and no NAME.partial, and keep an earlier checkpoint
# intact; a damaged checkpoint given to --restart must be refused the same way.
#
#   io_faults.sh PROGRAM CASE
#
# The full disk is a small tmpfs mounted for the test (needs root; the case is
# skipped with status 77 where mounting is not allowed). The file size limit
# (ulimit -f, set in a shell around the program: no mount needed) makes writes
# past it fail with EFBIG; pathkernel ignores SIGXFSZ, which would kill it.
set -euo pipefail
program="$(realpath "$1")"
case_name="$2"
work="$(mktemp -d)"
small="$work/small"
cleanup() {
  if mountpoint -q "$small" 2>/dev/null; then umount "$small" 2>/dev/null || umount -l "$small"; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

fail() {
  echo "FAIL: $*"
  exit 1
}

# A tmpfs of $1 kilobytes at $small; exits 77 (skipped) where mounting is not allowed.
mount_small() {
  mkdir -p "$small"
  if ! mount -t tmpfs -o "size=${1}k" tmpfs "$small" 2>/dev/null; then
    echo "SKIP: cannot mount a small tmpfs here (needs root)"
    exit 77
  fi
}

# A run whose checkpoints and run files are a few MB: the kernel blocks are written.
settings=(--data builtin:moons --hidden 16 --tangent-kernels)
# Bigger files, for a file size limit above what MPI itself writes (its
# shared-memory segments are files of 4 MB, made under the same limit).
big=(--data builtin:moons --hidden 8 --n-train 1024 --n-test 64 --steps 5 --tangent-kernels)
limit_kb=8000

run2=(mpiexec -n 2 --oversubscribe "$program" train)

# Runs the failing command (the arguments), timed, and checks the common
# expectations: non-zero status, no time-out, exactly one error message
# matching $expect, not reported as an internal error, within $max_seconds.
max_seconds=30
expect_failure() {
  local start status elapsed_ms
  start=$(date +%s%N)
  set +e
  timeout 120 "$@" > out.log 2> err.log
  status=$?
  set -e
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  cat out.log err.log
  echo "exit status $status after ${elapsed_ms} ms"
  [[ $status -ne 124 ]] || fail "the run hung (killed after 120 s)"
  [[ $status -ne 0 ]] || fail "exit status 0 (want a non-zero status)"
  local count
  count=$(grep -c "pathkernel: error:" err.log || true)
  [[ $count -eq 1 ]] || fail "$count error messages (want exactly one)"
  tr '\n' ' ' < err.log | grep -Eq -- "$expect" || fail "message does not match: $expect"
  if grep -q "pathkernel: .*rank [0-9]* (" err.log || grep -q "MPI_ABORT" err.log; then
    fail "reported as an internal error (the job was aborted)"
  fi
  (( elapsed_ms < max_seconds * 1000 )) || fail "took ${elapsed_ms} ms (want less than $max_seconds s)"
}

no_files() {
  for f in "$@"; do [[ ! -e "$f" ]] || fail "$f was left behind"; done
}

attribute() {  # attribute FILE NAME: the value of a scalar root attribute
  h5dump -a "/$2" "$1" | awk '/\(0\)/ {print $2}'
}

expect=""
case "$case_name" in
  run_file_disk_full)
    # The report this test comes from: a 300 KB file system for the run file.
    # Both ranks used to spin in MPI forever after one of them failed to write.
    mount_small 300
    expect="cannot write '$small/run.h5': No space left on device \(the unfinished '$small/run.h5.partial' was removed\)"
    expect_failure "${run2[@]}" "${settings[@]}" --steps 50 --out "$small/run.h5"
    no_files "$small/run.h5" "$small/run.h5.partial"
    ;;

  checkpoint_disk_full)
    # Room for one checkpoint, not for two: the second write fails, the first stays.
    "${run2[@]}" "${settings[@]}" --steps 10 --checkpoint-every 5 --checkpoint probe.h5 --keep-checkpoint --out probe_run.h5 > /dev/null
    size_kb=$(( $(stat -c %s probe.h5) / 1024 + 1536 ))
    rm -f probe.h5 probe_run.h5
    mount_small "$size_kb"
    expect="cannot write '$small/ck.h5': No space left on device .*the earlier '$small/ck.h5' is kept"
    expect_failure "${run2[@]}" "${settings[@]}" --steps 30 --checkpoint-every 10 --checkpoint "$small/ck.h5" \
      --out "$small/run.h5"
    no_files "$small/ck.h5.partial" "$small/run.h5" "$small/run.h5.partial"
    [[ "$(attribute "$small/ck.h5" complete)" == 1 ]] || fail "the earlier checkpoint is not complete"
    [[ "$(attribute "$small/ck.h5" step)" == 10 ]] || fail "the earlier checkpoint is not the one of step 10"
    # ... and the run continues from it.
    "${run2[@]}" "${settings[@]}" --steps 30 --restart "$small/ck.h5" --out resumed.h5 > resumed.log
    grep -q "resuming from $small/ck.h5 at step 10" resumed.log || fail "no restart from the earlier checkpoint"
    [[ "$(attribute resumed.h5 complete)" == 1 ]] || fail "the resumed run wrote no complete run file"
    ;;

  file_size_limit)
    # Every rank under the limit: the run file cannot grow past it.
    expect="cannot write 'run.h5': File too large \(the file size limit was reached\) \(the unfinished 'run.h5.partial' was removed\)"
    expect_failure mpiexec -n 2 --oversubscribe bash -c "ulimit -f $limit_kb; exec \"\$@\"" limited \
      "$program" train "${big[@]}" --out run.h5
    no_files run.h5 run.h5.partial
    ;;

  one_rank_write_fails)
    # Only rank 1 under the limit: its part of a collective write fails while
    # rank 0's succeeds. The ranks must agree on the failure instead of going on
    # to different collective calls (which waited for each other forever).
    expect="cannot write 'run.h5': File too large \(the file size limit was reached\)"
    expect_failure mpiexec --oversubscribe -n 1 "$program" train "${big[@]}" --out run.h5 : \
      -n 1 bash -c "ulimit -f $limit_kb; exec \"\$@\"" limited "$program" train "${big[@]}" --out run.h5
    no_files run.h5 run.h5.partial
    ;;

  restart_truncated)
    "${run2[@]}" "${settings[@]}" --steps 20 --checkpoint-every 10 --checkpoint ck.h5 --keep-checkpoint --out first.h5 > /dev/null
    head -c $(( $(stat -c %s ck.h5) / 2 )) ck.h5 > half.h5
    expect="'half.h5' is damaged \(truncated or corrupted\): truncated file"
    expect_failure "${run2[@]}" "${settings[@]}" --steps 20 --restart half.h5 --out run.h5
    no_files run.h5 run.h5.partial
    ;;

  restart_corrupted)
    "${run2[@]}" "${settings[@]}" --steps 20 --checkpoint-every 10 --checkpoint ck.h5 --keep-checkpoint --out first.h5 > /dev/null
    # Overwrite a few bytes of the header of the parameters' dataset.
    /usr/bin/python3 - ck.h5 <<'PY'
import sys, h5py
path = sys.argv[1]
with h5py.File(path, "r") as f:
    address = h5py.h5o.get_info(f["state/w"].id).addr
with open(path, "r+b") as f:
    f.seek(address + 6)
    f.write(b"\x5a" * 8)
PY
    expect="'ck.h5' is damaged \(truncated or corrupted\): /state/w"
    expect_failure "${run2[@]}" "${settings[@]}" --steps 20 --restart ck.h5 --out run.h5
    no_files run.h5 run.h5.partial
    ;;

  *)
    echo "unknown case $case_name"
    exit 2
    ;;
esac
echo "PASS: $case_name"

#!/usr/bin/env bash
# The batch scripts of jobs/ on a real single-node SLURM cluster brought up in
# a scratch folder. No job is submitted from the repository, and each finds
# jobs/pkjob.sh through its own Command= field (relative and absolute script
# paths, --chdir elsewhere).
# - train.sbatch is preempted once through its batch shell (USR1, as the
#   time-limit warning would), requeues itself and resumes; then it is requeued
#   from outside (scontrol requeue: SIGTERM) and resumes again. The final run
#   file must be bit-identical to an uninterrupted run at the same rank count.
# - Two array tasks each of sweep_lr.sbatch and sweep_rules.sbatch must write
#   run files with the lr, steps and path rule they announce; sweep_lr task 0
#   halves its time limit, and task 1, preempted, requeues itself alone.
# - converge.sbatch, krr.sbatch and figures.sbatch (of a run and of the
#   converge table) must write complete results; validate.sbatch as two array
#   tasks must merge its shares into the study one job computes; krr.sbatch of a missing file
#   and train.sbatch with too little memory (--mem-per-cpu) must fail clearly.
#
#   slurm_cluster_test.sh PROGRAM SOURCE_DIR
#
# Runs as root (daemons are started by hand: no systemd); installs slurmctld,
# slurmd, slurm-client, munge and hdf5-tools (h5dump) with apt-get when missing. SLURM's ports
# 6817/6818 are fixed: the test fails at once if another cluster holds them.
# Every daemon is stopped by its PID on exit, also on failure.
set -euo pipefail
program="$(realpath "$1")"
source_dir="$(realpath "$2")"
ranks=2
scratch="$(mktemp -d "${TMPDIR:-/tmp}/pk-slurm.XXXXXX")"
export SLURM_CONF="$scratch/slurm.conf"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
started_at=$SECONDS
log() { echo "[$((SECONDS - started_at))s] $*"; }
fail() {
  echo "FAIL: $*"
  exit 1
}

# ---- teardown (trap EXIT): jobs first, then the daemons by PID ---------------
declare -A daemon_pid=()   # name -> PID of a daemon started here (in the foreground, so $! is the daemon)
job_ids=()

# is_process PID NAME: true if PID is a running process named NAME.
is_process() {
  local comm=""
  { read -r comm < "/proc/$1/comm"; } 2>/dev/null || return 1
  [[ "$comm" == "$2" ]]
}
# stop_pid NAME PID: TERM, then KILL after 10 s; only if PID is still the process NAME.
stop_pid() {
  local name="$1" pid="$2"
  is_process "$pid" "$name" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    is_process "$pid" "$name" || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  echo "teardown: $name (pid $pid) ignored SIGTERM for 10 s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

teardown() {
  local status=$?
  set +e
  if [[ -n "${daemon_pid[slurmctld]:-}" && ${#job_ids[@]} -gt 0 ]]; then
    timeout 10 scancel "${job_ids[@]}" 2>/dev/null
    for _ in $(seq 1 100); do
      [[ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ]] && break
      sleep 0.2
    done
  fi
  for name in slurmd slurmctld munged; do
    [[ -n "${daemon_pid[$name]:-}" ]] && stop_pid "$name" "${daemon_pid[$name]}"
  done
  if ((status != 0)) && [[ -e "$scratch/slurm.conf" ]]; then
    for f in "$scratch"/logs/*.out "$scratch/slurmctld.log" "$scratch/slurmd.log"; do
      [[ -s "$f" ]] || continue
      echo "---- ${f#"$scratch"/} (tail) ----"
      tail -n 40 "$f"
    done
    echo "scratch folder kept for inspection: $scratch"
  else
    rm -r -- "$scratch"
  fi
  exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# ---- 1. install, and make sure no other cluster holds the ports --------------
if ! command -v slurmctld > /dev/null || ! command -v slurmd > /dev/null || ! command -v sbatch > /dev/null ||
  ! command -v munged > /dev/null || ! command -v h5dump > /dev/null; then
  log "installing slurmctld slurmd slurm-client munge hdf5-tools"
  install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge hdf5-tools > "$scratch/apt.log" 2>&1; }
  install || { apt-get update -qq > /dev/null 2>&1 && install; } || { cat "$scratch/apt.log"; fail "apt-get install failed"; }
fi
[[ -x "$program" ]] || fail "$program is not an executable"
for needed in slurmctld slurmd sbatch squeue scontrol scancel munged munge unmunge mpiexec h5dump; do
  command -v "$needed" > /dev/null || fail "$needed not found"
done

# PIDs of running slurmctld/slurmd processes, whoever started them.
slurm_daemons() {
  local dir
  for dir in /proc/[0-9]*; do
    is_process "${dir#/proc/}" slurmctld && echo "  slurmctld (pid ${dir#/proc/})"
    is_process "${dir#/proc/}" slurmd && echo "  slurmd (pid ${dir#/proc/})"
  done
  return 0
}
# True if some socket listens on TCP port $1 (hex in /proc/net/tcp*, state 0A = LISTEN).
port_in_use() {
  local hex
  hex="$(printf '%04X' "$1")"
  awk -v port=":$hex" '$2 ~ port"$" && $4 == "0A" { found = 1 } END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
for _ in $(seq 1 30); do
  [[ -z "$(slurm_daemons)" ]] && ! port_in_use 6817 && ! port_in_use 6818 && break
  sleep 1
done
others="$(slurm_daemons)"
if [[ -n "$others" ]] || port_in_use 6817 || port_in_use 6818; then
  fail "another SLURM cluster has been running on this machine for 30 s (ports 6817/6818 are fixed, one cluster at a time):
${others:-  something listens on 6817 or 6818}
stop it (by its PID) and run the test again"
fi

# ---- 2. munge with a private key and socket ---------------------------------
log "starting munged, slurmctld and slurmd in $scratch"
mkdir -p "$scratch/state" "$scratch/spool" "$scratch/runs"
dd if=/dev/urandom of="$scratch/munge.key" bs=1024 count=1 status=none
chmod 400 "$scratch/munge.key"
munge_socket="$scratch/munge.socket"
munged --foreground --force --socket="$munge_socket" --key-file="$scratch/munge.key" \
  --pid-file="$scratch/munged.pid" --log-file="$scratch/munged.log" --seed-file="$scratch/munge.seed" \
  > "$scratch/munged.out" 2>&1 &
daemon_pid[munged]=$!
for _ in $(seq 1 50); do [[ -S "$munge_socket" ]] && break; sleep 0.1; done
munge -S "$munge_socket" -n | unmunge -S "$munge_socket" > /dev/null || fail "munge self-test failed"

# ---- 3. slurm.conf, slurmctld, slurmd ---------------------------------------
host="$(hostname -s)"
memory_mb=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
cat > "$SLURM_CONF" << EOF
ClusterName=pktest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$munge_socket,cred_expire=10
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/slurmctld.log
SlurmdLogFile=$scratch/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerParameters=sched_interval=5,batch_sched_delay=0
KillWait=5
EnforcePartLimits=ALL
SlurmdParameters=config_overrides
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=$memory_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -c -f "$SLURM_CONF" > "$scratch/slurmctld.out" 2>&1 &
daemon_pid[slurmctld]=$!
slurmd -D -f "$SLURM_CONF" > "$scratch/slurmd.out" 2>&1 &
daemon_pid[slurmd]=$!
node_state=""
for _ in $(seq 1 150); do
  node_state="$(timeout 5 sinfo -h -N -o %T 2>/dev/null || true)"
  [[ "$node_state" == idle ]] && break
  for name in slurmctld slurmd; do
    [[ -e "/proc/${daemon_pid[$name]}" ]] || { cat "$scratch/$name.out"; fail "$name exited at start"; }
  done
  sleep 0.2
done
[[ "$node_state" == idle ]] || fail "the node did not become idle in 30 s (state '$node_state')"
log "cluster up: node $host idle"

# ---- 4. helpers for jobs --------------------------------------------------------
# Every job finds jobs/pkjob.sh through its own Command= field: no job is
# submitted from the repository, and PK_JOBS_DIR is not set. PK_PROGRAM is,
# because the build folder need not be build/ of the source folder.
export PK_PROGRAM="$program"
unset PK_JOBS_DIR PK_WORK_DIR
logs="$scratch/logs"
mkdir -p "$logs" "$scratch/elsewhere" "$scratch/submit" "$scratch/post" "$scratch/sweeps"

# submit FOLDER SBATCH-ARGS...: sbatch called in FOLDER; prints the job id.
submit() {
  local folder="$1"
  shift
  (cd "$folder" && sbatch --parsable "$@")
}
job_state() { timeout 10 squeue -h -j "$1" -o %T 2> /dev/null || true; }
# The state of a job that has left the queue (slurmctld keeps it for MinJobAge, 300 s).
final_state() { timeout 10 scontrol show job "$1" 2> /dev/null | sed -n 's/^ *JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
time_limit() { timeout 10 scontrol show job "$1" 2> /dev/null | sed -n 's/.*TimeLimit=\([^ ]*\).*/\1/p' | head -n 1; }
in_queue() { [[ -n "$(timeout 10 squeue -h -j "$1" -t PD,R,CG,RQ,RS,S -o %T 2> /dev/null)" ]]; }
gone() {
  local id
  for id in "$@"; do ! in_queue "$id" || return 1; done
}
count() {
  local n
  n="$(grep -c -- "$2" "$1" 2> /dev/null)" || true
  echo "${n:-0}"
}
log_has() { (($(count "$1" "$2") >= $3)); }
# wait_until SECONDS WHAT COMMAND...: poll COMMAND every 0.2 s.
wait_until() {
  local limit="$1" what="$2"
  shift 2
  local end=$((SECONDS + limit))
  until "$@"; do
    ((SECONDS < end)) || fail "timed out after $limit s waiting for $what"
    sleep 0.2
  done
}
# An HDF5 result file with the root attribute complete = 1.
complete() { h5dump -a /complete "$1" 2> /dev/null | grep -q '(0): 1'; }

# ---- 5. the reference: the train config straight through with mpiexec -------
cd "$scratch"
train_dir="$scratch/elsewhere"
cat > "$train_dir/long.ini" << 'EOF'
data = builtin:moons
loss = logistic
hidden = 16,16
lr = 0.05
steps = 600
n-train = 1024
n-test = 128
path-rule = gauss:2
checkpoint-every = 25
progress-every = 100
EOF
log "reference run with mpiexec -n $ranks"
mpiexec -n "$ranks" --oversubscribe "$program" train --config "$train_dir/long.ini" --out "$scratch/reference.h5" \
  > "$scratch/reference.log" 2>&1 || { cat "$scratch/reference.log"; fail "the reference run failed"; }
log "reference run done"

# ---- 6. train.sbatch from another folder, preempted and requeued ---------------
# Submitted in $train_dir (outside the repository, no jobs/ there) with a
# relative script path: the job runs there, so long.ini and the default
# PK_WORK_DIR runs/ are relative to it.
script="$(realpath --relative-to="$train_dir" "$source_dir/jobs/train.sbatch")"
run_file="$train_dir/runs/long.h5"
checkpoint="$run_file.ckpt"
job_log="$logs/train.out"
job_id="$(submit "$train_dir" --ntasks="$ranks" --output="$job_log" "$script" long.ini)"
job_ids+=("$job_id")
log "submitted $script in $train_dir as job $job_id"

wait_until 60 "the first checkpoint of job $job_id" test -e "$checkpoint"
log "first checkpoint exists; preempting: scancel --signal=USR1 --batch $job_id"
scancel --signal=USR1 --batch "$job_id"
wait_until 30 "the stop on SIGUSR1" log_has "$job_log" "stopped by SIGUSR1 after step" 1
[[ ! -e "$run_file" ]] || fail "a stopped run wrote its run file"
wait_until 30 "the self-requeue" log_has "$job_log" "job $job_id: requeueing to continue" 1
log "stopped and requeued itself; waiting for the second start"
wait_until 90 "the resume after the requeue" log_has "$job_log" "resuming from $checkpoint at step" 1
log "resumed: $(grep "resuming from" "$job_log" | tail -n 1 | sed 's/^ *//')"

# Requeue from outside once the resumed run has made progress (if it is still running).
sleep 3
requeued_outside=0
if [[ "$(job_state "$job_id")" == RUNNING && ! -e "$run_file" ]]; then
  log "requeue from outside: scontrol requeue $job_id"
  scontrol requeue "$job_id"
  requeued_outside=1
  wait_until 30 "the stop on SIGTERM" log_has "$job_log" "stopped by SIGTERM after step" 1
  wait_until 90 "the resume after scontrol requeue" log_has "$job_log" "resuming from $checkpoint at step" 2
  log "resumed: $(grep "resuming from" "$job_log" | tail -n 1 | sed 's/^ *//')"
else
  log "the run finished before it could be requeued from outside: skipping that part"
fi

wait_until 180 "job $job_id to finish" test -e "$run_file"
wait_until 30 "job $job_id to leave the queue" gone "$job_id"
log "job $job_id finished"

grep -q "job $job_id: on .* scripts from $source_dir/jobs" "$job_log" ||
  fail "the job did not report finding jobs/ in $source_dir"
grep -q "job $job_id: plan: about .* per rank, checkpoint about" "$job_log" || fail "the job log has no plan (dry run)"
grep -q "job $job_id: finished, wrote $run_file" "$job_log" || fail "the job log does not report the finished run"
grep -q "job $job_id: stopped [0-9]* s after SIGUSR1 (exit 0) with the checkpoint" "$job_log" ||
  fail "the job log does not report the stop on SIGUSR1"
grep -q "job $job_id: error:" "$job_log" && fail "the job log reports an error"
starts=$(count "$job_log" "job $job_id: start ")
expected=$((2 + requeued_outside))
((starts == expected)) || fail "expected $expected starts of the job, the log shows $starts"
/usr/bin/python3 "$source_dir/tests/cli/compare_runs.py" "$scratch/reference.h5" "$run_file" ||
  fail "the requeued run differs from the uninterrupted run"
echo "---- job log ----"
grep -E "^job |stopped by|resuming from" "$job_log"

# ---- 7. the sweeps: two array tasks of each; the larger lr task is preempted ----
# Submitted in $scratch with absolute script paths. The config has per-command
# sections: [train] holds the sweep's eps and S, [converge] the converge job's
# settings (step 8).
config="$scratch/small.ini"
cat > "$config" << 'EOF'
# read by every command
data = builtin:moons
loss = logistic
hidden = 8
n-test = 16
[train]
n-train = 768
lr = 0.1    # eps of sweep_lr
steps = 300
checkpoint-every = 10
[converge]
n-train = 64
steps = 40  # not read by train
halvings = 2
gauss-max = 1
EOF
sweep_dir="$scratch/sweeps"
# sweep SCRIPT ARRAY [sbatch options]: one rank per task, so the two tasks of an array run at once.
sweep() {
  local script="$1" array="$2"
  shift 2
  PK_WORK_DIR="$sweep_dir" submit "$scratch" --ntasks=1 --array="$array" --output="$logs/$script-%a.out" "$@" \
    "$source_dir/jobs/$script.sbatch" "$config" small
}
# Submitted for the longer task 1 (--time); task 0 trains half the steps and lowers its limit to half.
lr_array="$(sweep sweep_lr 0-1 --time=00:40:00)"
rules_array="$(sweep sweep_rules 2-3)"
job_ids+=("$lr_array" "$rules_array")
log "submitted jobs/sweep_lr.sbatch (tasks 0-1, job $lr_array) and jobs/sweep_rules.sbatch (tasks 2-3, job $rules_array)"

# Task 1 is the array's last: its SLURM_JOB_ID is the array's id, and requeueing
# that id would requeue task 0 too. It must requeue itself alone.
wait_until 60 "the first checkpoint of task ${lr_array}_1" test -e "$sweep_dir/small_lr-1.h5.ckpt"
log "preempting task ${lr_array}_1: scancel --signal=USR1 --batch ${lr_array}_1"
scancel --signal=USR1 --batch "${lr_array}_1"
wait_until 30 "the self-requeue of task ${lr_array}_1" log_has "$logs/sweep_lr-1.out" "requeueing to continue" 1

sweep_files=(small_lr-0.h5 small_lr-1.h5 small_rule-gauss2.h5 small_rule-gauss3.h5)
sweeps_done() {
  local f
  for f in "${sweep_files[@]}"; do [[ -e "$sweep_dir/$f" ]] || return 1; done
}
wait_until 180 "the four sweep run files" sweeps_done
wait_until 30 "the sweeps to leave the queue" gone "$lr_array" "$rules_array"
log "sweeps finished"
/usr/bin/python3 - "$sweep_dir" << 'EOF' || { cat "$logs"/sweep_*.out; fail "a sweep task ran other settings"; }
import sys
import h5py
expected = {"small_lr-0.h5": (0.1, 300, "left"), "small_lr-1.h5": (0.05, 600, "left"),
            "small_rule-gauss2.h5": (0.1, 300, "gauss:2"), "small_rule-gauss3.h5": (0.1, 300, "gauss:3")}
bad = []
for name, want in expected.items():
    with h5py.File(sys.argv[1] + "/" + name, "r") as f:
        c = f["config"].attrs
        got = (float(c["lr"]), int(c["steps"]), str(c["path_rule"]))
        if got != want or int(f.attrs["complete"]) != 1:
            bad.append("%s: (lr, steps, path rule) = %s, expected %s" % (name, got, want))
print("\n".join(bad) if bad else "sweep run files: lr, steps and path rule as each task announced")
sys.exit(1 if bad else 0)
EOF
(($(count "$logs/sweep_lr-1.out" "job ${lr_array}_1: start ") == 2)) || fail "task ${lr_array}_1 should have started twice"
log_has "$logs/sweep_lr-1.out" "job ${lr_array}_1: start 2 .*, resuming from" 1 || fail "task ${lr_array}_1 did not resume"
(($(count "$logs/sweep_lr-0.out" "job ${lr_array}_0: start ") == 1)) ||
  fail "task ${lr_array}_0 was started more than once: the requeue of task 1 reached it"
limits="$(time_limit "${lr_array}_0") $(time_limit "${lr_array}_1")"
[[ "$limits" == "00:20:00 00:40:00" ]] || fail "sweep_lr time limits (task 0, task 1) are '$limits', expected 00:20:00 00:40:00"
log "sweep_lr time limits: task 0 $(grep -o "time limit .*" "$logs/sweep_lr-0.out")"

# ---- 8. converge, krr and figures; two jobs that must fail clearly -------------
# converge is submitted in $scratch/submit with a relative script path and runs
# in $scratch/post (--chdir): the script path is relative to the submit folder,
# the config and runs/ to the working folder.
script="$(realpath --relative-to="$scratch/submit" "$source_dir/jobs/converge.sbatch")"
converge_id="$(submit "$scratch/submit" --chdir="$scratch/post" --output="$logs/converge.out" "$script" ../small.ini)"
krr_id="$(submit "$scratch" --chdir="$sweep_dir" --output="$logs/krr.out" "$source_dir/jobs/krr.sbatch" \
  small_lr-0.h5 --ridge 1e-3,1e-1)"
figures_id="$(submit "$scratch" --output="$logs/figures.out" "$source_dir/jobs/figures.sbatch" "$sweep_dir/small_lr-0.h5")"
figures_converge_id="$(submit "$scratch" --dependency=afterok:"$converge_id" --output="$logs/figures-converge.out" \
  "$source_dir/jobs/figures.sbatch" converge "$scratch/post/runs/small_converge.h5")"
# replay.sbatch: the run's own test points, as a queries file, must give the run's test rows.
/usr/bin/python3 - "$sweep_dir/small_lr-0.h5" "$scratch/queries.h5" << 'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as run, h5py.File(sys.argv[2], "w") as q:
    q["X"] = run["data/test/X"][()]
    q["y"] = run["data/test/y"][()]
PY
replay_id="$(submit "$scratch" --output="$logs/replay.out" "$source_dir/jobs/replay.sbatch" \
  "$sweep_dir/small_lr-0.h5" queries.h5 small_lr-0)"
missing_id="$(submit "$scratch" --output="$logs/krr-missing.out" "$source_dir/jobs/krr.sbatch" missing.h5)"
memory_id="$(PK_WORK_DIR="$scratch/post/runs" submit "$scratch" --mem-per-cpu=1 --output="$logs/train-memory.out" \
  "$source_dir/jobs/train.sbatch" "$config" memory)"
# A validation study of a sweep run as two array tasks of one rank; the task that finishes last merges.
study=(--queries test:0-3 --topk 2 --lds-subsets 4 --loo 3)
validate_id="$(PK_WORK_DIR="$scratch/validate" submit "$scratch" --ntasks=1 --array=0-1 \
  --output="$logs/validate-%a.out" "$source_dir/jobs/validate.sbatch" "$sweep_dir/small_lr-0.h5" "${study[@]}")"
post_ids=("$converge_id" "$krr_id" "$figures_id" "$figures_converge_id" "$replay_id" "$missing_id" "$memory_id"
  "$validate_id")
job_ids+=("${post_ids[@]}")
log "submitted converge.sbatch, krr.sbatch, figures.sbatch (a run, a converge table), and two jobs that must fail"
wait_until 150 "the converge, krr and figures jobs to finish" gone "${post_ids[@]}"
log "converge, krr and figures jobs finished"

for id in "$converge_id" "$krr_id" "$figures_id" "$figures_converge_id" "$replay_id" "${validate_id}_0" \
  "${validate_id}_1"; do
  [[ "$(final_state "$id")" == COMPLETED ]] ||
    { cat "$logs"/converge.out "$logs"/krr.out "$logs"/figures*.out "$logs"/replay.out "$logs"/validate-*.out
      fail "job $id ended $(final_state "$id")"; }
done
replayed="$scratch/runs/small_lr-0.queries.h5"
complete "$replayed" || fail "$replayed is missing or not complete"
/usr/bin/python3 - "$sweep_dir/small_lr-0.h5" "$replayed" << 'PY' || fail "the replayed rows differ from the run's test rows"
import sys, h5py, numpy as np
run, q = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
for name in ("kernel/path/%s", "kernel/contrib/%s", "predict/%s/network", "predict/%s/kernel_machine"):
    a, b = run[name % "test"][()], q[name % "query"][()]
    assert np.abs(a - b).max() <= 1e-12 * np.abs(a).max(), name
PY
log "replay.sbatch: the run's test points replayed as new points give its test rows"
complete "$scratch/validate/small_lr-0_validate.h5" || { cat "$logs"/validate-*.out; fail "the shares were not merged"; }
mpiexec -n 2 --oversubscribe "$program" validate --run "$sweep_dir/small_lr-0.h5" "${study[@]}" --out "$scratch/validate/single.h5" \
  > /dev/null || fail "pathkernel validate of the same study failed"
/usr/bin/python3 "$source_dir/tests/cli/compare_runs.py" "$scratch/validate/single.h5" \
  "$scratch/validate/small_lr-0_validate.h5" || fail "the merged array study differs from the single job"
log "validate.sbatch: two shares merged by the last task, bit-identical to one job"
table="$scratch/post/runs/small_converge.h5"
complete "$table" || fail "$table is missing or not complete"
for f in left_0 left_1 left_2 gauss_1; do
  complete "$scratch/post/runs/small_converge_runs/$f.h5" || fail "the converge job did not keep a complete $f.h5"
done
complete "$sweep_dir/small_lr-0.krr.h5" || fail "$sweep_dir/small_lr-0.krr.h5 is missing or not complete"
for f in predictions kernels loss explain; do
  [[ -s "$sweep_dir/small_lr-0_figures/$f.png" ]] || fail "figures.sbatch wrote no $f.png"
done
[[ -s "$scratch/post/runs/small_converge_figures/converge.png" ]] || fail "figures.sbatch converge wrote no converge.png"
log "converge table and its runs, krr result complete; figures of the run and of the table written"

[[ "$(final_state "$missing_id")" == FAILED ]] || fail "krr.sbatch of a missing run file ended $(final_state "$missing_id")"
grep -q "error: 'missing.h5' does not exist" "$logs/krr-missing.out" || fail "krr.sbatch of a missing file: no clear error"
[[ "$(final_state "$memory_id")" == FAILED ]] || fail "train.sbatch with 1 MB per rank ended $(final_state "$memory_id")"
grep -q "error: the job has 1M per rank but the run needs about" "$logs/train-memory.out" ||
  { cat "$logs/train-memory.out"; fail "train.sbatch with too little memory: no clear error"; }
[[ ! -e "$scratch/post/runs/memory.h5.ckpt" ]] || fail "train.sbatch with too little memory started training"
log "krr.sbatch of a missing file and train.sbatch with too little memory failed with their reasons"

log "PASS: train.sbatch submitted from another folder stopped" \
  "(USR1$( ((requeued_outside)) && echo ", then SIGTERM by scontrol requeue")), resumed $((starts - 1)) times," \
  "and its run file is bit-identical to an uninterrupted run at $ranks ranks"
log "PASS: sweep_lr.sbatch and sweep_rules.sbatch tasks wrote the runs they announced;" \
  "an array task requeued itself alone; task 0 halved its time limit"
log "PASS: converge.sbatch, krr.sbatch, figures.sbatch and validate.sbatch wrote complete results; bad jobs failed clearly"

#!/usr/bin/env bash
# jobs/train.sbatch on a real single-node SLURM cluster brought up in a scratch
# folder: the job is preempted once through its batch shell (USR1, as the
# time-limit warning would), requeues itself and resumes; then it is requeued
# from outside (scontrol requeue: SIGTERM) and resumes again. The final run
# file must be bit-identical to an uninterrupted run at the same rank count.
# Then two array tasks each of jobs/sweep_lr.sbatch and jobs/sweep_rules.sbatch
# must write run files with the lr, steps and path rule they announce.
#
#   slurm_cluster_test.sh PROGRAM SOURCE_DIR
#
# Runs as root (daemons are started by hand: no systemd); installs slurmctld,
# slurmd, slurm-client and munge with apt-get when missing. SLURM's ports
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
    for f in train.out slurmctld.log slurmd.log; do
      [[ -s "$scratch/$f" ]] || continue
      echo "---- $f (tail) ----"
      tail -n 40 "$scratch/$f"
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
  ! command -v munged > /dev/null; then
  log "installing slurmctld slurmd slurm-client munge"
  install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge > "$scratch/apt.log" 2>&1; }
  install || { apt-get update -qq > /dev/null 2>&1 && install; } || { cat "$scratch/apt.log"; fail "apt-get install failed"; }
fi
[[ -x "$program" ]] || fail "$program is not an executable"
for needed in slurmctld slurmd sbatch squeue scontrol scancel munged munge unmunge mpiexec; do
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

# ---- 4. the reference: the same config straight through with mpiexec -------
cd "$scratch"
config="$scratch/long.ini"
cat > "$config" << 'EOF'
data = builtin:moons
loss = logistic
hidden = 16,16
lr = 0.05
steps = 1000
n-train = 1024
n-test = 128
path-rule = gauss:2
checkpoint-every = 25
progress-every = 100
EOF
log "reference run with mpiexec -n $ranks"
mpiexec -n "$ranks" --oversubscribe "$program" train --config "$config" --out "$scratch/reference.h5" \
  > "$scratch/reference.log" 2>&1 || { cat "$scratch/reference.log"; fail "the reference run failed"; }
log "reference run done"

# ---- 5. the job, preempted through its batch shell and requeued from outside --
run_file="$scratch/runs/long.h5"
checkpoint="$run_file.ckpt"
job_log="$scratch/train.out"
job_id="$(PK_PROGRAM="$program" PK_WORK_DIR="$scratch/runs" sbatch --parsable --ntasks="$ranks" \
  --output="$job_log" --chdir="$scratch" "$source_dir/jobs/train.sbatch" "$config")"
job_ids+=("$job_id")
log "submitted jobs/train.sbatch as job $job_id"

job_state() { timeout 10 squeue -h -j "$job_id" -o %T 2>/dev/null || true; }
count() {
  local n
  n="$(grep -c -- "$1" "$job_log" 2>/dev/null)" || true
  echo "${n:-0}"
}
# wait_until SECONDS WHAT COMMAND...: poll COMMAND every 0.2 s.
wait_until() {
  local limit="$1" what="$2"
  shift 2
  local end=$((SECONDS + limit))
  until "$@"; do
    ((SECONDS < end)) || fail "timed out after $limit s waiting for $what (job state '$(job_state)')"
    sleep 0.2
  done
}
log_has() { (($(count "$1") >= $2)); }

wait_until 60 "the first checkpoint" test -e "$checkpoint"
log "first checkpoint exists; preempting: scancel --signal=USR1 --batch $job_id"
scancel --signal=USR1 --batch "$job_id"
wait_until 30 "the stop on SIGUSR1" log_has "stopped by SIGUSR1 after step" 1
[[ ! -e "$run_file" ]] || fail "a stopped run wrote its run file"
wait_until 30 "the self-requeue" log_has "requeueing to continue from" 1
log "stopped and requeued itself; waiting for the second start"
wait_until 90 "the resume after the requeue" log_has "resuming from $checkpoint at step" 1
log "resumed: $(grep "resuming from" "$job_log" | tail -n 1 | sed 's/^ *//')"

# Requeue from outside once the resumed run has made progress (if it is still running).
sleep 3
requeued_outside=0
if [[ "$(job_state)" == RUNNING && ! -e "$run_file" ]]; then
  log "requeue from outside: scontrol requeue $job_id"
  scontrol requeue "$job_id"
  requeued_outside=1
  wait_until 30 "the stop on SIGTERM" log_has "stopped by SIGTERM after step" 1
  wait_until 90 "the resume after scontrol requeue" log_has "resuming from $checkpoint at step" 2
  log "resumed: $(grep "resuming from" "$job_log" | tail -n 1 | sed 's/^ *//')"
else
  log "the run finished before it could be requeued from outside: skipping that part"
fi

wait_until 180 "the job to finish" test -e "$run_file"
wait_until 30 "the job to leave the queue" bash -c "[[ -z \"\$(timeout 10 squeue -h -j $job_id -t PD,R,CG,RQ,RS,S -o %T 2>/dev/null)\" ]]"
log "job $job_id finished"

# ---- 6. checks ----------------------------------------------------------------
grep -q "job $job_id: finished, wrote $run_file" "$job_log" || fail "the job log does not report the finished run"
grep -q "pathkernel failed" "$job_log" && fail "the job log reports a failed start"
starts=$(count "job $job_id: start ")
expected=$((2 + requeued_outside))
((starts == expected)) || fail "expected $expected starts of the job, the log shows $starts"
/usr/bin/python3 "$source_dir/tests/cli/compare_runs.py" "$scratch/reference.h5" "$run_file" ||
  fail "the requeued run differs from the uninterrupted run"
echo "---- job log ----"
grep -E "^job |stopped by|resuming from|wrote " "$job_log"

# ---- 7. the sweeps: two array tasks of each, run with the settings they announce
sweep_config="$scratch/small.ini"
cat > "$sweep_config" << 'EOF'
data = builtin:moons
loss = logistic
hidden = 8
lr = 0.1
steps = 40
n-train = 64
n-test = 16
EOF
sweep_dir="$scratch/sweeps"
# submit_sweep SCRIPT ARRAY: one rank per task, so the two tasks of an array run at once.
submit_sweep() {
  PK_PROGRAM="$program" PK_WORK_DIR="$sweep_dir" sbatch --parsable --ntasks=1 --array="$2" \
    --output="$scratch/$1-%a.out" --chdir="$scratch" "$source_dir/jobs/$1.sbatch" "$sweep_config" small
}
job_ids+=("$(submit_sweep sweep_lr 0-1)" "$(submit_sweep sweep_rules 2-3)")
log "submitted jobs/sweep_lr.sbatch (tasks 0-1) and jobs/sweep_rules.sbatch (tasks 2-3)"
sweep_files=(small_lr-0.h5 small_lr-1.h5 small_rule-gauss2.h5 small_rule-gauss3.h5)
sweeps_done() {
  local f
  for f in "${sweep_files[@]}"; do [[ -e "$sweep_dir/$f" ]] || return 1; done
}
wait_until 180 "the four sweep run files" sweeps_done
/usr/bin/python3 - "$sweep_dir" << 'EOF' || { cat "$scratch"/sweep_*.out; fail "a sweep task ran other settings"; }
import sys
import h5py
expected = {"small_lr-0.h5": (0.1, 40, "left"), "small_lr-1.h5": (0.05, 80, "left"),
            "small_rule-gauss2.h5": (0.1, 40, "gauss:2"), "small_rule-gauss3.h5": (0.1, 40, "gauss:3")}
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
log "PASS: sweep_lr.sbatch and sweep_rules.sbatch array tasks wrote the runs they should"
log "PASS: train.sbatch stopped (USR1$( ((requeued_outside)) && echo ", then SIGTERM by scontrol requeue"))," \
  "resumed $((starts - 1)) times, and its run file is bit-identical to an uninterrupted run at $ranks ranks"

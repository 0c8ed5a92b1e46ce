# shellcheck shell=bash
# What the batch scripts in jobs/ share; each of them sources this file (it is
# not run on its own). A script finds it through its job's Command= field, as
# the lines under "find jobs/" at the top of each script do (jobs/README.md,
# "How a job finds jobs/"); the folder above jobs/ is taken as the repository,
# with build/pathkernel and analysis/pkplot.py.
#
#   pk_setup                     threads, the repository; logs where the job runs
#   pk_setup_work_dir            PK_WORK_DIR (default runs/), created
#   pk_find_program              PK_PROGRAM
#   pk_catch_stops               USR1 and TERM ask a running step for a checkpoint
#   pk_run_checkpointed OUT ...  one start of `pathkernel train ... --out OUT`
#   pk_scale_time_limit NUM DEN  a sweep task's own time limit, NUM/DEN of the submitted one
#   pk_ini_value KEY CONFIG CMD  a setting as `pathkernel CMD --config CONFIG` reads it
#   pk_srun ARGS...              srun of pathkernel on every rank of the job
#   pk_log, pk_fail              "job ID: ..." lines in the job log
#
# Environment (all optional): PK_PROGRAM (or PATHKERNEL), PK_WORK_DIR, PK_MAX_STARTS, PK_MPI,
# PK_PYTHON; PK_JOBS_DIR is set by the script that sources this file.

# The job as scontrol names it: an array task is ARRAYID_TASK. (The last task
# of an array has SLURM_JOB_ID equal to the array's id, and `scontrol requeue`
# or `update` of that id acts on every task of the array.)
if [[ -n "${SLURM_ARRAY_JOB_ID:-}" && -n "${SLURM_ARRAY_TASK_ID:-}" ]]; then
  pk_job="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
else
  pk_job="${SLURM_JOB_ID:-local}"
fi

pk_log() { echo "job $pk_job: $*"; }
pk_fail() {
  pk_log "error: $*" >&2
  exit 1
}

# pk_input PATH: PATH made absolute (relative to the working folder); fails if it does not exist.
pk_input() {
  [[ -e "$1" ]] || pk_fail "'$1' does not exist (relative paths are taken from the working folder $PWD)"
  realpath -- "$1"
}

# The working folder is SLURM's: where sbatch was called, or sbatch --chdir.
# Relative paths (arguments, PK_WORK_DIR, paths inside INI files) start there.
pk_setup() {
  PK_JOBS_DIR="$(realpath -- "$PK_JOBS_DIR")"
  PK_SOURCE_DIR="$(dirname -- "$PK_JOBS_DIR")"
  PK_MAX_STARTS="${PK_MAX_STARTS:-50}"
  PK_MPI="${PK_MPI:-pmix}"
  # One BLAS thread per CPU of the task, whichever BLAS the build links (docs/BUILDING.md).
  export OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}" OPENBLAS_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"
  export BLIS_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}" MKL_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"
  pk_log "on $(hostname -s) in $PWD, scripts from $PK_JOBS_DIR"
}

# PK_WORK_DIR, the folder of run files and checkpoints: created; default runs/.
pk_setup_work_dir() {
  PK_WORK_DIR="$(realpath -m -- "${PK_WORK_DIR:-runs}")"
  mkdir -p -- "$PK_WORK_DIR"
  pk_log "results in $PK_WORK_DIR"
}

# PK_PROGRAM: as given (or PATHKERNEL, which the module file sets), else build/pathkernel of
# the repository, else bin/pathkernel of the prefix the scripts were installed into
# (PREFIX/share/pathkernel/jobs), else pathkernel on PATH.
pk_find_program() {
  local program="${PK_PROGRAM:-${PATHKERNEL:-}}" installed
  installed="$(realpath -m -- "$PK_SOURCE_DIR/../../bin/pathkernel")"
  if [[ -z "$program" ]]; then
    program="$PK_SOURCE_DIR/build/pathkernel"
    [[ -x "$program" ]] || program="$installed"
    [[ -x "$program" ]] || program="$(command -v pathkernel)" ||
      pk_fail "no pathkernel: neither $PK_SOURCE_DIR/build/pathkernel, $installed nor one on PATH; set PK_PROGRAM or PATHKERNEL"
  fi
  [[ "$program" == */* ]] || program="$(command -v -- "$program")" ||
    pk_fail "PK_PROGRAM/PATHKERNEL '${PK_PROGRAM:-$PATHKERNEL}' is not on PATH"
  [[ -x "$program" && ! -d "$program" ]] || pk_fail "PK_PROGRAM/PATHKERNEL '$program' is not an executable"
  PK_PROGRAM="$(realpath -- "$program")"
  pk_log "program $PK_PROGRAM"
}

# pk_srun ARGS...: pathkernel ARGS on every rank of the job.
pk_srun() { srun --mpi="$PK_MPI" "$PK_PROGRAM" "$@"; }

# pk_ini_value KEY CONFIG COMMAND: the value of KEY among the lines `pathkernel
# COMMAND` reads (those before any [section] and those of [COMMAND]; # starts a
# comment); fails if KEY is not set there.
pk_ini_value() {
  awk -v key="$1" -v command="$3" '
    /^[ \t]*\[/ { section = substr($0, index($0, "[") + 1); sub(/\].*/, "", section); next }
    section != "" && section != command { next }
    { sub(/#.*/, "") }
    index($0, "=") {
      k = substr($0, 1, index($0, "=") - 1); v = substr($0, index($0, "=") + 1)
      gsub(/^[ \t]+|[ \t\r]+$/, "", k); gsub(/^[ \t]+|[ \t\r]+$/, "", v)
      if (k == key) { value = v; found = 1 }
    }
    END { if (!found) exit 1; print value }' "$2" ||
    pk_fail "set '$1 = ...' in $2 (before any section, or under [$3])"
}

# ---- time limits --------------------------------------------------------------

# pk_seconds TIME: seconds of a SLURM time ([D-]H:M:S, M:S or M); fails on UNLIMITED.
pk_seconds() {
  local days=0 rest="$1" a b c
  [[ "$rest" =~ ^([0-9]+-)?[0-9]+(:[0-9]+){0,2}$ ]] || return 1
  if [[ "$rest" == *-* ]]; then days="${rest%%-*}" rest="${rest#*-}"; fi
  IFS=: read -r a b c <<< "$rest"
  if [[ -n "$c" ]]; then
    echo $((((10#$days * 24 + 10#$a) * 60 + 10#$b) * 60 + 10#$c))
  elif [[ -n "$b" ]]; then
    echo $((10#$days * 86400 + 10#$a * 60 + 10#$b))
  else
    echo $((10#$days * 86400 + 10#$a * 60))
  fi
}

# pk_scale_time_limit NUM DEN: at the first start, lower this job's time limit
# to NUM/DEN of the submitted one (whole minutes, at least 10). SLURM lets a
# user lower a job's limit but only an administrator raise it, so a sweep is
# submitted with the time of its longest task and each task lowers its own.
# The lowered limit stays across requeues, and --signal follows it.
pk_scale_time_limit() {
  local num="$1" den="$2" limit seconds minutes
  ((${SLURM_RESTART_COUNT:-0} == 0 && num < den)) || return 0
  limit="$(squeue -h -j "$pk_job" -o %l 2> /dev/null)" || limit=""
  if ! seconds="$(pk_seconds "$limit")"; then
    pk_log "time limit '${limit:-unknown}' kept (not a finite limit this script can scale)"
    return 0
  fi
  minutes=$(((seconds * num / den + 59) / 60))
  ((minutes >= 10)) || minutes=10
  if ((minutes * 60 >= seconds)); then
    pk_log "time limit $limit kept ($num/$den of it would be under 10 minutes)"
  elif scontrol update JobId="$pk_job" TimeLimit="$minutes"; then
    pk_log "time limit $limit lowered to $minutes minutes ($num/$den of it, as this task trains $num/$den the steps)"
  else
    pk_log "warning: could not lower the time limit $limit to $minutes minutes; the task keeps $limit"
  fi
}

# ---- memory: the plan of a run (pathkernel train --dry-run) --------------------

# pk_megabytes "297 MB" | "6.44 GB": megabytes (10^6 bytes).
pk_megabytes() { awk '{ v = $1; if ($2 ~ /^GB/) v *= 1000; printf "%.0f", v + 0.5 }' <<< "$1"; }

# The memory SLURM gave each rank of this job in MB (--mem-per-cpu, or --mem
# shared by the ranks of the busiest node); empty when the job asked for none.
pk_allocated_per_rank() {
  if [[ -n "${SLURM_MEM_PER_CPU:-}" ]]; then
    echo $((SLURM_MEM_PER_CPU * ${SLURM_CPUS_PER_TASK:-1}))
  elif [[ -n "${SLURM_MEM_PER_NODE:-}" && "${SLURM_MEM_PER_NODE}" != 0 ]]; then
    local most
    most="$(tr ',' '\n' <<< "${SLURM_TASKS_PER_NODE:-1}" | sed 's/(.*//' | sort -n | tail -n 1)"
    echo $((SLURM_MEM_PER_NODE / most))
  fi
}

# pk_plan OUT [train options]: the dry run at this job's rank count. Prints
# the settings, the memory per rank and the file sizes; fails if the memory
# SLURM gave each rank cannot hold the run. A rank peaks at about 1.5 times the
# estimate (plus about 50 MB of libraries) while the run file is written, so
# 1.5 x estimate + 256 MB per rank is what to ask for.
pk_plan() {
  local out="$1" plan status=0
  shift
  plan="$(pk_srun "${PK_COMMAND:-train}" "$@" --out "$out" --dry-run)" || status=$?
  ((status == 0)) || echo "$plan"
  ((status == 0)) ||
    pk_fail "pathkernel ${PK_COMMAND:-train} --dry-run failed (exit $status): the settings are not valid; see the error above"
  local memory checkpoint estimate ask allocated
  memory="$(sed -n 's/^ *memory *about \([0-9.e+]* [MG]B\) per rank.*/\1/p' <<< "$plan")"
  checkpoint="$(sed -n 's/^ *files *checkpoint about \([0-9.e+]* [MG]B\).*/\1/p' <<< "$plan")"
  if [[ -z "$memory" ]]; then
    pk_log "warning: no memory estimate in the dry run's output; memory not checked"
    return 0
  fi
  estimate="$(pk_megabytes "$memory")"
  ask=$((estimate * 3 / 2 + 256))
  pk_log "plan: about $memory per rank, checkpoint about ${checkpoint:-?}; ask for ${ask}M per rank" \
    "(--mem-per-cpu=${ask}M at one CPU per rank, or --mem = ranks per node x ${ask}M)"
  pk_log "plan: --signal=B:USR1@T needs T >= 60 s + one step + the checkpoint's write time (every stop below reports it)"
  allocated="$(pk_allocated_per_rank)"
  [[ -n "$allocated" ]] || return 0
  if ((allocated < estimate + 64)); then
    pk_fail "the job has ${allocated}M per rank but the run needs about $memory per rank:" \
      "resubmit with --mem-per-cpu=${ask}M (or more ranks, or --skip-train-kernels)"
  elif ((allocated < ask)); then
    pk_log "warning: ${allocated}M per rank may run out while the run file is written; ${ask}M is safe"
  fi
}

# ---- stop, checkpoint, requeue -------------------------------------------------

# USR1 or TERM to the batch script is forwarded to the running job step:
# pathkernel finishes its step, writes the checkpoint and exits 0 without a
# run file. USR1 comes from --signal=B:USR1@T or `scancel --signal=USR1
# --batch`: the job then requeues itself. TERM comes from `scontrol requeue`,
# preemption or scancel: SLURM itself requeues or ends the job. Bash runs traps
# only between commands, so the step runs in the background and the script
# waits for it.
pk_stop_signal=""
pk_stop_at=0
pk_signals=0
pk_step_pid=""
pk_forward_stop() {
  if [[ -z "$pk_stop_signal" ]]; then pk_stop_signal="$1" pk_stop_at=$SECONDS; fi
  pk_signals=$((pk_signals + 1))
  if [[ -n "$pk_step_pid" ]]; then
    pk_log "SIG$1 at $(date +%T), asking pathkernel for a checkpoint"
    kill -s "$1" "$pk_step_pid" 2> /dev/null || true
  else
    pk_log "SIG$1 at $(date +%T)"
  fi
}
pk_catch_stops() {
  trap 'pk_forward_stop USR1' USR1
  trap 'pk_forward_stop TERM' TERM
}

# pk_run_checkpointed OUT [pathkernel train options]: one start of the run
# whose run file is OUT (PK_COMMAND=replay: of a replay and its queries file). Resumes from OUT.ckpt (which exists only when
# complete: pathkernel writes it under a temporary name and renames it); the
# first start prints the plan (pk_plan) before training.
pk_run_checkpointed() {
  local out="$1"
  shift
  local checkpoint="$out.ckpt" start=$((${SLURM_RESTART_COUNT:-0} + 1)) resume=() status=0 seen
  if [[ -e "$out" ]]; then
    pk_log "$out exists, nothing to do"
    return 0
  fi
  pk_find_program
  if [[ -e "$checkpoint" ]]; then
    resume=(--restart "$checkpoint")
    pk_log "start $start at $(date +%T), resuming from $checkpoint"
  else
    pk_log "start $start at $(date +%T), from the beginning"
    pk_plan "$out" "$@"
  fi
  if [[ -z "$pk_stop_signal" ]]; then
    # srun itself in the background (not a function, which would run in a
    # subshell): $! is srun, which forwards a signal to every rank.
    srun --mpi="$PK_MPI" "$PK_PROGRAM" "${PK_COMMAND:-train}" "$@" --out "$out" --checkpoint "$checkpoint" \
      "${resume[@]}" &
    pk_step_pid=$!
    # A signal that came before $! was known is forwarded now.
    if [[ -n "$pk_stop_signal" ]]; then kill -s "$pk_stop_signal" "$pk_step_pid" 2> /dev/null || true; fi
    while :; do
      seen=$pk_signals
      wait "$pk_step_pid" && status=0 || status=$?
      # A trapped signal ends `wait` early while the step goes on: wait again.
      ((pk_signals != seen)) || break
    done
    pk_step_pid=""
  fi
  if [[ -e "$out" ]]; then
    pk_log "finished, wrote $out"
    return 0
  fi
  if [[ -z "$pk_stop_signal" ]]; then
    pk_fail "pathkernel failed (exit $status); see its error above. Not requeued."
  fi
  pk_log "stopped $((SECONDS - pk_stop_at)) s after SIG$pk_stop_signal (exit $status)" \
    "$([[ -e "$checkpoint" ]] && echo "with the checkpoint $checkpoint" || echo "before any checkpoint")"
  if [[ "$pk_stop_signal" == USR1 ]]; then
    ((start < PK_MAX_STARTS)) ||
      pk_fail "stopped after $start starts (PK_MAX_STARTS); resubmit the same command to continue"
    pk_log "requeueing to continue"
    scontrol requeue "$pk_job" || pk_fail "scontrol requeue $pk_job failed; resubmit the same command to continue"
  else
    pk_log "SLURM requeues or ends the job"
  fi
}

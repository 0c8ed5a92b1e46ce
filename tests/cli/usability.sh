#!/usr/bin/env bash
# Whole-program checks of what a user sees: the command line (help, version),
# the final report of a run, the loss-growth warning, --pid-file, and explain
# (scores toward the predicted class, labels and probabilities, aggregates
# over chosen points, a data file changed after the run), and validate's
# defaults on a small run.
#
#   usability.sh PROGRAM SOURCE_DIR CASE
set -euo pipefail
program="$1"
source_dir="$2"
case_name="$3"
source "$(dirname "$0")/common.sh"
# A small logistic run on a copy of the shipped digits (3 against 8).
digits_run() {
  cp "$source_dir/data/digits2.h5" d.h5
  pk 2 train --data d.h5 --hidden 8 --lr 0.1 --steps 40 --out run.h5 "$@" > train.log
}

case "$case_name" in
  version)
    # The first line names the version; then the libraries it runs on, once (rank 0), and a DGEMM rate.
    out=$(pk 2 --version) || fail "--version exited non-zero"
    [[ "$(head -n 1 <<< "$out")" =~ ^pathkernel\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version printed '$out'"
    for name in PETSc SLEPc HDF5 MPI BLAS; do
      [[ $(grep -c "^  $name " <<< "$out") -eq 1 ]] || fail "--version names $name not once: '$out'"
    done
    grep -qE "^  PETSc   [0-9.]+, (32|64)-bit PetscInt$" <<< "$out" || fail "no PetscInt width: '$out'"
    grep -qE "^  BLAS    .*DGEMM [0-9]+\.[0-9] GFLOP/s$" <<< "$out" || fail "no DGEMM rate: '$out'"
    # A user's OPENBLAS_CORETYPE is kept, never replaced by the build's choice.
    if grep -q "^  BLAS    OpenBLAS" <<< "$out"; then
      out=$(OPENBLAS_CORETYPE=Sandybridge pk 1 --version)
      grep -q "core Sandybridge (OPENBLAS_CORETYPE)" <<< "$out" || fail "OPENBLAS_CORETYPE not kept: '$out'"
    fi
    ;;
  help)
    # --help, -h and help print the same command list, exit 0, once (rank 0).
    pk 2 --help > a.txt && pk 2 help > b.txt && pk 2 -h > c.txt || fail "a help form exited non-zero"
    cmp -s a.txt b.txt && cmp -s a.txt c.txt || fail "help forms differ"
    # Aligned: every command's description starts in the same column.
    columns=$(awk '/^commands:/ {on = 1; next} on && NF == 0 {exit} on {match($0, /^  [a-z]+ +/); print RLENGTH}' a.txt | sort -u)
    [[ $(grep -c . <<< "$columns") -eq 1 ]] || { cat a.txt; fail "command list not aligned ($columns)"; }
    for c in train explain krr converge replay predict dynamics validate bench; do grep -q "^  $c " a.txt || fail "$c missing from the list"; done
    # Into a file first: grep -q stops reading at its match, and the broken pipe would fail the run.
    pk 2 help train > d.txt || fail "help train exited non-zero"
    grep -q "^usage: pathkernel train" d.txt || fail "help train is not train --help"
    ;;
  help_texts)
    # Every command has a usage line; none points to a document the repository lacks.
    for c in train explain krr converge replay predict dynamics validate bench; do
      pk 1 "$c" --help > "$c.txt" || fail "$c --help exited non-zero"
      grep -q "^usage: pathkernel $c" "$c.txt" || fail "$c --help has no usage line"
      pk 1 "$c" -h > "$c-h.txt" || fail "$c -h exited non-zero"
      cmp -s "$c.txt" "$c-h.txt" || fail "$c -h is not $c --help"
    done
    ! grep -n "SPEC" ./*.txt || fail "a help text points to a SPEC"
    grep -q "docs/THEORY.md\|README" krr.txt || fail "krr --help points to no document"
    # converge: its output is the table file; options it does not use are not listed as its own.
    grep -q -- "--out .*convergence table file" converge.txt || fail "converge names --out a run file"
    for o in path-rule checkpoint-every restart keep-checkpoint progress-every pid-file; do
      ! grep -q "^  --$o " converge.txt || fail "converge --help lists --$o as an option"
    done
    grep -q "Accepted and ignored" converge.txt || fail "converge --help does not say which options it ignores"
    ;;
  final_line)
    digits_run
    grep -Eq "final loss [0-9.e+-]+, test loss [0-9.e+-]+, accuracy train [01]\.[0-9]{4}/test [01]\.[0-9]{4}$" train.log ||
      { cat train.log; fail "final line without test loss and accuracies"; }
    # The printed values are the last entries of the histories, each [S+1].
    py run.h5 "$(grep "final loss" train.log)" <<'PY'
import sys, h5py, re
f = h5py.File(sys.argv[1]); line = sys.argv[2]
h = f["history"]; S = int(f["summary"].attrs["steps"])
for name in ("loss", "test_loss", "train_accuracy", "test_accuracy"):
    assert h[name].shape == (S + 1,), (name, h[name].shape)
nums = [float(x) for x in re.findall(r"[0-9][0-9.e+-]*", line)]
assert abs(nums[0] - h["loss"][-1]) <= 1e-3 * h["loss"][-1] and abs(nums[1] - h["test_loss"][-1]) <= 1e-3 * h["test_loss"][-1]
assert abs(nums[2] - h["train_accuracy"][-1]) < 1e-4 and abs(nums[3] - h["test_accuracy"][-1]) < 1e-4, nums
PY
    # Regression: no accuracy, and no test loss without a test split.
    pk 2 train --hidden 4 --steps 5 --n-test 0 --out reg.h5 > reg.log
    grep -Eq "final loss [0-9.e+-]+$" reg.log || { cat reg.log; fail "regression final line"; }
    ;;
  loss_warning)
    pk 2 train --hidden 4 --n-train 20 --activation identity --lr 0.8 --steps 3 --out w.h5 > w.log 2>&1 ||
      { cat w.log; fail "a growing run that stays finite must finish"; }
    [[ $(grep -c "warning: the training loss grew" w.log) -eq 1 ]] || { cat w.log; fail "want exactly one warning"; }
    grep -q "more than 100 times.*--lr 0.8" w.log || fail "the warning does not name the factor and the learning rate"
    pk 2 train --hidden 4 --steps 20 --out ok.h5 > ok.log
    ! grep -q "warning" ok.log || fail "a converging run warned"
    ;;
  pid_file)
    # One line per rank, in rank order; SIGUSR1 to the first stops the run cleanly; the file is removed.
    pk 3 train --hidden 32 --steps 1000000 --progress-every 10 --out long.h5 --pid-file pids --checkpoint ck.h5 \
      > long.log 2>&1 &
    launcher=$!
    for _ in $(seq 1 600); do [[ -s pids ]] && grep -q "step " long.log && break; sleep 0.05; done
    [[ $(wc -l < pids) -eq 3 ]] || fail "want 3 lines in the pid file, have $(wc -l < pids)"
    rank=0
    for pid in $(cat pids); do
      grep -q pathkernel "/proc/$pid/cmdline" || fail "pid $pid is no pathkernel rank"
      tr '\0' '\n' < "/proc/$pid/environ" > environ.txt
      grep -qx "OMPI_COMM_WORLD_RANK=$rank" environ.txt || fail "line $((rank + 1)) is not rank $rank"
      rank=$((rank + 1))
    done
    kill -USR1 "$(head -1 pids)"
    wait "$launcher" || fail "a run stopped by SIGUSR1 exits with status 0"
    grep -q "stopped by SIGUSR1" long.log || fail "no stop message"
    [[ ! -e pids && ! -e long.h5 && -e ck.h5 ]] || fail "after the stop: pid file kept, run file written or no checkpoint"
    pk 2 train --hidden 4 --steps 5 --out short.h5 --pid-file pids2 > short.log
    [[ ! -e pids2 ]] || fail "the pid file outlived a finished run"
    ;;
  explain_scores)
    digits_run
    pk 2 explain --run run.h5 --query test:0-29 --top 4 > table.txt
    pk 2 explain --run run.h5 --query test:0-29 --top 4 --format csv > e.csv
    pk 2 explain --run run.h5 --query test:0-29 --top 4 --format json > e.json
    # digits2 names its classes (3, 8): the names follow the class numbers.
    grep -Eq "^query test:0   true label [01] \((3|8)\), predicted class [01] \((3|8)\) \(p = 0\.[0-9]+\)" table.txt ||
      { head -3 table.txt; fail "table heading"; }
    grep -q "score=-C" table.txt && grep -q "score=+C" table.txt || fail "no column header naming the score of both classes"
    py d.h5 e.csv e.json <<'PY'
import sys, csv, json, h5py, math
y = h5py.File(sys.argv[1])["test/y"][:]
rows = list(csv.DictReader(open(sys.argv[2])))
queries = json.load(open(sys.argv[3]))["queries"]
assert len(queries) == 30
for q in queries:
    j = int(q["query"].split(":")[1])
    assert q["true_label"] == y[j], q["query"]
    f = q["network"]; k = 1 if f > 0 else 0
    assert q["predicted_class"] == k and q["explained_class"] == k
    p1 = 1 / (1 + math.exp(-f)); assert abs(q["probability"] - (p1 if k else 1 - p1)) < 1e-12
    for who, sign in (("proponents", 1), ("opponents", -1)):
        for e in q[who]:
            # The score points toward the predicted class: s C with s = -1 for class 0.
            assert e["score"] == (1 if k else -1) * e["contribution"] and sign * e["score"] > 0, (q["query"], e)
assert any(q["predicted_class"] == 0 for q in queries) and any(q["predicted_class"] == 1 for q in queries)
assert {r["role"] for r in rows} == {"proponent", "opponent"} and "score" in rows[0] and "coefficient" in rows[0]
for r in rows:
    assert int(float(r["true_label"])) == y[int(r["query"].split(":")[1])]
PY
    ;;
  explain_softmax)
    pk 2 train --data builtin:blobs --hidden 8 --lr 0.1 --steps 30 --out b.h5 > /dev/null
    pk 2 explain --run b.h5 --query test:0,1 --top 3 > t.txt
    grep -q "score=C_k-mean" t.txt || fail "softmax score header"
    ! grep -q "a_i(x)" <(grep -v "^note:" t.txt) || fail "a_i shown for C > 1"
    [[ $(grep -c "^note: a_i(x) = C(x,i)/K^p(x,x_i) is not shown for C > 1" t.txt) -eq 1 ]] || fail "say once why a_i is missing"
    pk 2 explain --run b.h5 --query test:0 --class 2 > c.txt
    grep -q "explained class 2" c.txt || fail "--class does not pick the explained class"
    ;;
  explain_aggregate)
    digits_run
    ones=$(py d.h5 <<'PY'
import sys, h5py; print(int((h5py.File(sys.argv[1])["test/y"][:] == 1).sum()))
PY
)
    pk 2 explain --run run.h5 --aggregate --query test:label=1 --top 3 > l.txt
    grep -q "aggregate over $ones points (test:label=1)" l.txt || { cat l.txt; fail "label=1 should select $ones points"; }
    pk 2 explain --run run.h5 --aggregate --query test:11,14 --top 3 > two.txt
    grep -q "aggregate over 2 points (test:11,test:14)" two.txt || { cat two.txt; fail "test:11,14 is two points"; }
    pk 2 explain --run run.h5 --aggregate --top 3 > all.txt
    grep -q "aggregate over 90 points (test:all)" all.txt || fail "the default is every test point"
    pk 2 explain --run run.h5 --query test:11,14 > q.txt
    [[ $(grep -c "^query test:" q.txt) -eq 2 ]] || fail "--query test:11,14 explains two points"
    ;;
  explain_changed_data)
    # Train on a copy, change one label of the copy: explain refuses with one message naming the SHA-256.
    digits_run
    cp d.h5 original.h5
    py d.h5 <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f["train/y"][3] = 1 - f["train/y"][3]
PY
    set +e
    pk 2 explain --run run.h5 --query test:0 > out.log 2> err.log
    status=$?
    set -e
    [[ $status -ne 0 ]] || fail "explain accepted a changed data file"
    [[ $(grep -c "pathkernel: error:" err.log) -eq 1 ]] || { cat err.log; fail "want exactly one error message"; }
    grep -q "'d.h5' is not the data the run 'run.h5' was trained on: the SHA-256 of its datasets is [0-9a-f]\{64\}, the run recorded [0-9a-f]\{64\}" err.log ||
      { cat err.log; fail "message does not name the SHA-256 difference"; }
    [[ ! -s out.log ]] || fail "explain printed a report"
    pk 2 explain --run run.h5 --query test:0 --data original.h5 > fixed.log || fail "--data with the original was refused"
    grep -q "labels from 'original.h5'" fixed.log || fail "labels not read from --data"
    ;;
  explicit_mse_on_integer_labels)
    # --loss mse on class ids is the user's choice: accepted (only --loss auto refuses to guess).
    py d.h5 <<'PY'
import sys, h5py, numpy as np
rng = np.random.default_rng(0)
with h5py.File(sys.argv[1], "w") as f:
    f["train/X"] = rng.normal(size=(20, 3)); f["train/y"] = rng.integers(0, 3, 20)
PY
    pk 2 train --data d.h5 --loss mse --hidden 4 --steps 3 --out m.h5 > m.log || { cat m.log; fail "explicit --loss mse refused"; }
    ;;
  explain_problems_together)
    # explain reports every problem of its options at once, values that are not numbers included.
    set +e
    pk 2 explain --top many --format xml --query valid:3 > out.log 2> err.log
    status=$?
    set -e
    [[ $status -ne 0 && $(grep -c "pathkernel: error:" err.log) -eq 1 ]] || { cat err.log; fail "want one error and a non-zero exit"; }
    for m in "--top 'many' is not a whole number" "explain needs --run" "unknown --format 'xml'" "malformed --query 'valid:3'"; do
      grep -qF -- "$m" err.log || { cat err.log; fail "missing: $m"; }
    done
    ;;
  krr_mse_label)
    # krr's mse column is the plain mean squared error, twice the halved training loss (C = 1): its header says so.
    pk 2 train --hidden 8 --steps 30 --out reg.h5 > /dev/null
    pk 2 krr --run reg.h5 --kernel rbf > k.txt
    grep -q "train mean(f-y)^2 .*test mean(f-y)^2" k.txt || { cat k.txt; fail "krr header does not name the error"; }
    grep -q "not the halved training loss" k.txt || fail "krr does not say how its error relates to the loss"
    network=$(awk '/^network / {print $2}' k.txt)
    py reg.h5 "$network" <<'PY'
import sys, h5py
loss = h5py.File(sys.argv[1])["history/loss"][-1]
assert abs(float(sys.argv[2]) - 2 * loss) <= 1e-4 * 2 * loss, (sys.argv[2], 2 * loss)
PY
    ;;
  validate_small_run)
    # The defaults (top-k 5,10,20, 20 leave-one-out) fit a run of 12 examples, with a note;
    # given values are kept and refused.
    pk 2 train --data builtin:moons --n-train 12 --n-test 4 --hidden 4 --steps 20 --out run.h5 > /dev/null
    pk 2 validate --run run.h5 --out v.h5 > v.txt || { cat v.txt; fail "validate with defaults failed on N = 12"; }
    grep -q "^note: N = 12 training examples: the default top-k removal is k = 5,10 .* K = 12" v.txt ||
      { cat v.txt; fail "no note on the fitted defaults"; }
    py v.h5 <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1])
assert list(f["topk/k"][()]) == [5, 10], f["topk/k"][()]
assert f["loo/example"].size == 12, f["loo/example"].size
PY
    ! pk 2 validate --run run.h5 --out w.h5 --topk 5,20 > w.txt 2>&1 || fail "a given --topk 20 at N = 12 was accepted"
    grep -q "k must be at most 11" w.txt || { cat w.txt; fail "the refusal does not name the limit"; }
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
echo "PASS: $case_name"

#!/usr/bin/env bash
# Whole-program checks of what a new user trips over: a dry run that would be
# refused, the residual of the left rule, dynamics of a run that kept only its
# first and last tangent kernels, the misclassified and correct query selectors,
# class names from the data file (in explain's tables, predict, --aggregate,
# csv and json), the contributions' sums, a damaged compressed chunk, -h on
# every command, and a build without GoogleTest.
#
#   frictions.sh PROGRAM SOURCE_DIR CASE
set -euo pipefail
program="$1"
source_dir="$2"
case_name="$3"
source "$(dirname "$0")/common.sh"
digits_run() {  # a small logistic run on a copy of the shipped digits (3 against 8); options replace lr and steps
  cp "$source_dir/data/digits2.h5" d.h5
  local options=(--lr 0.1 --steps 40)
  (($# == 0)) || options=("$@")
  pk 2 train --data d.h5 --hidden 8 "${options[@]}" --out run.h5 > train.log
}

case "$case_name" in
  dry_run_refused)
    # A dry run of a run that does not fit exits non-zero with the refusal and what would fit.
    set +e
    pk 2 train --n-train 200000 --n-test 1000 --optimizer adam --dry-run --out big.h5 > out.log 2> err.log
    status=$?
    set -e
    cat out.log err.log
    [[ $status -ne 0 ]] || fail "a dry run that would be refused exited 0"
    grep -q "memory  about" out.log || fail "the dry run did not print its plan first"
    grep -Eq "pathkernel: error: --dry-run: this run would be refused: this run needs about [0-9.]+ GB per rank" err.log ||
      fail "no refusal message"
    grep -Eq "use more ranks \([0-9]+ ranks with [0-9.]+ [GM]B each" err.log || fail "no number of ranks that would fit"
    grep -Eq "the kernel rows of [0-9]+ points fit on 2 ranks" err.log || fail "no number of query points that would fit"
    grep -q -- "--skip-train-kernels (then" err.log || fail "--skip-train-kernels not offered"
    [[ ! -e big.h5 ]] || fail "a dry run wrote its run file"
    # Already given: --skip-train-kernels is not advised again.
    set +e
    pk 2 train --n-train 200000 --n-test 100000 --skip-train-kernels --dry-run --out big.h5 > out2.log 2> err2.log
    status=$?
    set -e
    cat err2.log
    [[ $status -ne 0 ]] || fail "the second dry run exited 0"
    ! grep -q -- "--skip-train-kernels (then" err2.log || fail "--skip-train-kernels advised although given"
    # A dry run that fits still exits 0 and writes nothing.
    pk 2 train --n-train 100 --dry-run --out small.h5 > ok.log || fail "a dry run that fits failed"
    [[ ! -e small.h5 ]] || fail "a dry run wrote its run file"
    ;;
  residual_hint)
    # Adam under the default rule leaves a visible residual: the last lines say so, with the remedy.
    pk 2 train --data builtin:moons --n-train 40 --n-test 10 --hidden 8 --optimizer adam --lr 0.05 --steps 40 \
      --out adam.h5 > adam.log
    cat adam.log
    grep -q "note: the relative residual .* is above 1e-03: the path rule left (the default, the paper's rule) is first order" adam.log ||
      fail "no residual note under the left rule"
    grep -q -- "--path-rule gauss:4 (Adam moves every weight by about lr a step) lowers it (its error falls like the step to the power 8" adam.log ||
      fail "no gauss:4 remedy for adam"
    grep -q "at about 4 times the left rule's kernel work per step" adam.log || fail "no cost of the remedy"
    # The note's number is the run's largest relative residual, as stored.
    py adam.h5 "$(grep -o 'relative residual [0-9.e+-]* is above' adam.log | awk '{print $3}')" <<'PY'
import sys, h5py
s = h5py.File(sys.argv[1])["summary"].attrs
stored = max(float(s["rel_residual_train"]), float(s["rel_residual_test"]))
printed = float(sys.argv[2])
assert stored > 1e-3 and abs(printed - stored) <= 0.06 * stored, (printed, stored)
PY
    # The remedy removes the note; a small residual never shows it.
    pk 2 train --data builtin:moons --n-train 40 --n-test 10 --hidden 8 --optimizer adam --lr 0.05 --steps 40 \
      --path-rule gauss:4 --out exact.h5 > exact.log
    ! grep -q "note: the relative residual" exact.log || { cat exact.log; fail "a note under gauss:4"; }
    grep -q "wrote exact.h5 in [0-9.e+-]* s; the whole run took [0-9.e+-]* s" exact.log ||
      { cat exact.log; fail "the last line does not separate writing from the whole run"; }
    # One piece of advice per rule, each starting its own line (the text wraps to the terminal).
    pk 1 train --help | tr -s ' ' > help.txt
    grep -q "^ *left: the paper's rule; one evaluation a" help.txt || fail "no advice for left in --help"
    grep -q "^ *gauss:q: q evaluations a step" help.txt || fail "no advice for gauss:q in --help"
    tr '\n' ' ' < help.txt | tr -s ' ' | grep -q "gauss:4 for adam and adamw" || fail "no gauss:4 for adam in --help"
    ;;
  dynamics_tangent_ends)
    # --tangent-kernels without --snapshots: K^g at w_0 and w_S are the two snapshots.
    pk 2 train --data builtin:moons --n-train 24 --n-test 6 --hidden 6 --lr 0.2 --steps 30 --tangent-kernels \
      --out run.h5 > /dev/null
    pk 2 dynamics --run run.h5 --out run.dynamics.h5 > dyn.log || { cat dyn.log; fail "dynamics refused the run"; }
    cat dyn.log
    grep -q "snapshots: the run kept none (no --snapshots); its tangent kernels at w_0 (step 0) and w_S (step 30" dyn.log ||
      fail "the output does not say where the snapshots come from"
    py run.h5 run.dynamics.h5 <<'PY'
import sys, h5py, numpy as np
run, dyn = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
assert list(dyn["snapshots/steps"][()]) == [0, 30], dyn["snapshots/steps"][()]
K0, KS = run["kernel/tangent/initial/train"][()], run["kernel/tangent/final/train"][()]
d = 1 - np.sum(K0 * KS) / (np.linalg.norm(K0) * np.linalg.norm(KS))
got = dyn["snapshots/distance_first"][()]
assert abs(got[0]) < 1e-12 and abs(got[1] - d) <= 1e-9 * max(1.0, abs(d)), (got, d)
tr = np.trace(KS)
assert abs(dyn["snapshots/trace"][1] - tr) <= 1e-9 * abs(tr), (dyn["snapshots/trace"][()], tr)
PY
    ;;
  explain_selectors)
    # test:misclassified and test:correct are exactly the points whose predicted class differs from / equals the label.
    digits_run --steps 4 --lr 0.05
    pk 2 explain --run run.h5 --query test:misclassified --format csv > wrong.csv || fail "explain test:misclassified"
    pk 2 explain --run run.h5 --query test:correct --format csv > right.csv || fail "explain test:correct"
    py run.h5 d.h5 wrong.csv right.csv <<'PY'
import sys, csv, h5py, numpy as np
run, data = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
f = run["predict/test/network"][()].reshape(-1)
wrong = np.flatnonzero((f > 0).astype(int) != data["test/y"][()].astype(int))
def queries(path):
    rows = list(csv.DictReader(open(path)))
    return sorted({int(r["query"].split(":")[1]) for r in rows})
assert 0 < wrong.size < f.size, "the run should misclassify some test points, not all: %d" % wrong.size
assert queries(sys.argv[3]) == list(wrong), (queries(sys.argv[3]), list(wrong))
assert queries(sys.argv[4]) == sorted(set(range(f.size)) - set(wrong)), "correct is not the complement"
PY
    ;;
  explain_class_names)
    # digits2 names its classes 3 and 8: explain shows them beside the class numbers.
    digits_run
    pk 2 explain --run run.h5 --query test:0 > e.txt
    cat e.txt
    grep -Eq "true label [01] \((3|8)\), predicted class [01] \((3|8)\)" e.txt || fail "no class names in the heading"
    grep -Eq "^ +1 +[0-9]+ +[01] \((3|8)\) " e.txt || fail "no class names in the label column"
    # The sums toward and against replace a share that means nothing when the contributions cancel.
    grep -Eq "sums of C\(x,i\): top proponents .*; all N: positive [0-9.e+-]+, negative -[0-9.e+-]+" e.txt ||
      fail "no sums of positive and negative contributions"
    grep -Eq "share of f_S - f_0: top proponents and opponents|the contributions cancel" e.txt || fail "no share line"
    # An adam run's a_i is said not to be Domingos' coefficient.
    pk 2 train --data d.h5 --hidden 8 --optimizer adam --lr 0.01 --steps 10 --out adam.h5 > /dev/null
    pk 2 explain --run adam.h5 --query test:0 > a.txt
    grep -q "note: this run used adam: a_i(x) = C(x,i)/K^p(x,x_i) is not Domingos' coefficient" a.txt ||
      { cat a.txt; fail "no note on a_i under adam"; }
    ! grep -q "is not Domingos' coefficient" e.txt || fail "the a_i note on an sgd run"
    ;;
  class_names_everywhere)
    # The data file's class names follow every class number: predict, explain --aggregate, csv and json.
    digits_run
    names=$(py d.h5 <<'PY'
import sys, h5py
v = h5py.File(sys.argv[1]).attrs["class_names"]
print(v if isinstance(v, str) else v.decode())
PY
)
    [[ "$names" == "3,8" ]] || fail "digits2's class_names is '$names'"
    pk 2 predict --run run.h5 --queries d.h5:test > p.txt
    grep -Eq "^query:0 +f_S [-0-9.e]+ +f_0 [-0-9.e]+ +class [01] \((3|8)\) \(p = 0\.[0-9]+\)" p.txt ||
      { head -3 p.txt; fail "predict's table has no class names"; }
    pk 2 predict --run run.h5 --queries d.h5:test --format csv > p.csv
    pk 2 predict --run run.h5 --queries d.h5:test --format json > p.json
    pk 2 explain --run run.h5 --aggregate --top 3 > a.txt
    cat a.txt
    grep -Eq "^ +1 +[0-9]+ +[01] \((3|8)\) " a.txt || fail "explain --aggregate's label column has no class names"
    pk 2 explain --run run.h5 --aggregate --class 1 --top 3 > a1.txt
    grep -q "toward class 1 (8)" a1.txt || { head -3 a1.txt; fail "--aggregate --class 1 does not name the class"; }
    pk 2 explain --run run.h5 --aggregate --top 3 --format csv > a.csv
    pk 2 explain --run run.h5 --aggregate --top 3 --format json > a.json
    pk 2 explain --run run.h5 --query test:0-5 --top 3 --format csv > e.csv
    pk 2 explain --run run.h5 --query test:0-5 --top 3 --format json > e.json
    py d.h5 run.h5 <<'PY' || fail "class names in csv and json"
import sys, csv, json, h5py
data, run = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
names = ["3", "8"]
ytest, ytrain = data["test/y"][()].astype(int), data["train/y"][()].astype(int)
f = run["predict/test/network"][()].reshape(-1)
rows = list(csv.DictReader(open("p.csv")))
assert len(rows) == f.size and all(r["class_name"] == names[int(r["class"])] for r in rows), rows[:2]
assert all(int(r["class"]) == int(f[int(r["query"])] > 0) for r in rows)
p = json.load(open("p.json"))
assert p["class_names"] == names and all(q["class_name"] == names[q["class"]] for q in p["queries"])
for r in csv.DictReader(open("a.csv")):
    assert int(r["label"]) == ytrain[int(r["train_index"])] and r["label_name"] == names[int(r["label"])], r
a = json.load(open("a.json"))
assert a["class_names"] == names
for role in ("most_positive", "most_negative", "self_influence"):
    for e in a[role]:
        assert e["label"] == ytrain[e["train_index"]] and e["label_name"] == names[e["label"]], (role, e)
for r in csv.DictReader(open("e.csv")):
    q = int(r["query"].split(":")[1])
    assert int(r["true_label"]) == ytest[q] and r["true_label_name"] == names[ytest[q]], r
    assert r["predicted_class_name"] == names[int(r["predicted_class"])], r
    assert r["explained_name"] == names[int(r["explained"])], r
    assert r["label_name"] == names[int(r["label"])] and int(r["label"]) == ytrain[int(r["train_index"])], r
for q in json.load(open("e.json"))["queries"]:
    assert q["true_label_name"] == names[q["true_label"]] and q["predicted_class_name"] == names[q["predicted_class"]]
    assert q["explained_class_name"] == names[q["explained_class"]] and q["class_names"] == names
    for e in q["proponents"] + q["opponents"]:
        assert e["label_name"] == names[e["label"]], e
PY
    # Without names (built-in data): the numbers alone, the name columns empty.
    pk 2 train --data builtin:moons --n-train 20 --n-test 6 --hidden 4 --steps 5 --out m.h5 > /dev/null
    pk 2 explain --run m.h5 --query test:0 --format json > m.json
    py <<'PY' || fail "a run without class names"
import json
q = json.load(open("m.json"))["queries"][0]
assert q["true_label_name"] is None and q["predicted_class_name"] is None and "class_names" not in q, q
PY
    ;;
  damaged_chunk)
    # Damage inside a compressed chunk: the same plain message as other damage, naming file and dataset.
    cp "$source_dir/data/digits2.h5" d.h5
    py d.h5 <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    info = f["train/X"].id.get_chunk_info(0)
offset, size = info.byte_offset, info.size
with open(sys.argv[1], "r+b") as raw:
    raw.seek(offset + size // 2)
    raw.write(bytes([0xA5]) * 64)
PY
    source "$source_dir/tests/cli/refusal.sh"
    expect_refusal "'d.h5' is damaged \(truncated or corrupted\): the values of its dataset /train/X cannot be read" run.h5 -- \
      mpiexec -n 2 --oversubscribe "$program" train --data d.h5 --hidden 4 --steps 2 --out run.h5
    ! grep -q "HDF5 error\|inflate" err.log || fail "an HDF5 internal message reached the user"
    ;;
  help_short)
    for c in train explain krr converge replay predict dynamics validate bench; do
      pk 1 "$c" --help > "$c.txt" || fail "$c --help exited non-zero"
      grep -q -- "-h \[ --help \]" "$c.txt" || { cat "$c.txt"; fail "$c --help does not list -h [ --help ]"; }
    done
    ;;
  build_without_gtest)
    # -DPK_BUILD_TESTS=OFF configures on a machine without GoogleTest (hidden from find_package here).
    cmake -S "$source_dir" -B b -DPK_BUILD_TESTS=OFF -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON > cmake.log 2>&1 ||
      { cat cmake.log; fail "configuring without tests needs GoogleTest"; }
    # bootstrap.sh builds on every core even when OMP_NUM_THREADS=1 (as in many job scripts).
    jobs=$(grep -o 'cmake --build build -j "\$([^)]*)"' "$source_dir/bootstrap.sh" | sed 's/.*-j "\$(\(.*\))"/\1/')
    [[ -n "$jobs" ]] || fail "no -j in bootstrap.sh's build command"
    [[ $(OMP_NUM_THREADS=1 bash -c "$jobs") -eq $(getconf _NPROCESSORS_ONLN) ]] ||
      fail "bootstrap.sh's -j \$($jobs) is not the number of cores under OMP_NUM_THREADS=1"
    ;;
  validate_columns)
    # The random score's predicted column is blank; the note says what the columns mean.
    pk 2 train --data builtin:moons --n-train 12 --n-test 4 --hidden 4 --steps 20 --out run.h5 > /dev/null
    pk 2 validate --run run.h5 --out v.h5 --scores path,random --topk 2 --loo 4 --lds-subsets 4 > v.txt ||
      { cat v.txt; fail "validate failed"; }
    cat v.txt
    grep -Eq "^random +[-0-9.]+ +[0-9.]+ +[-0-9.na]+ +[0-9.na]+ +2 +[-0-9.e]+ +- " v.txt || fail "random's predicted column is not blank"
    grep -Eq "^path +[-0-9.]+ +[0-9.]+ +[-0-9.na]+ +[0-9.na]+ +2 +[-0-9.e]+ +[-0-9.e]+ " v.txt || fail "path's predicted column is blank"
    grep -q "none for random" v.txt || fail "no note on the columns"
    # test:correct follows exactly the test points the run classifies correctly.
    pk 2 validate --run run.h5 --out c.h5 --queries test:correct --scores path --topk none --loo 2 --lds-subsets 0 > c.txt ||
      { cat c.txt; fail "validate --queries test:correct failed"; }
    py run.h5 c.h5 <<'PY'
import sys, h5py, numpy as np
run, study = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
f = run["predict/test/network"][()].reshape(-1)
right = np.flatnonzero((f > 0).astype(int) == run["data/test/y"][()].astype(int))
rows = study["queries/row"][()] if "row" in study["queries"] else None
assert rows is not None and list(rows) == list(right), (rows, right)
PY
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
echo "PASS: $case_name"

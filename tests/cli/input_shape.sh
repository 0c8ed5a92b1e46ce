#!/usr/bin/env bash
# --input-shape C,H,W: flat rows [N, D] read as images. A flat data file with
# the option trains bit for bit as the same values stored as images [N, C, H, W];
# predict and replay reshape flat query rows as the run's images and refuse
# images of another shape; bench takes --layers with --input-shape.
#
#   input_shape.sh PROGRAM CASE     (CASE: same_as_images_<ranks> | queries | bench)
set -euo pipefail
program="$1"
case_name="$2"
source "$(dirname "$0")/common.sh"
compare="$(dirname "$0")/compare_runs.py"

# 24 training and 9 test images of 2 channels, 6 x 5 pixels; the same values flat.
py <<'PY'
import h5py, numpy as np
rng = np.random.default_rng(3)
X, Xt = rng.normal(size=(24, 2, 6, 5)), rng.normal(size=(9, 2, 6, 5))
y, yt = (X[:, 0, 2, 2] > 0).astype(float), (Xt[:, 0, 2, 2] > 0).astype(float)
for name, shape in (("images.h5", lambda a: a), ("flat.h5", lambda a: a.reshape(len(a), -1))):
    with h5py.File(name, "w") as f:
        f["train/X"] = shape(X); f["train/y"] = y; f["test/X"] = shape(Xt); f["test/y"] = yt
        f.attrs["loss"] = "logistic"
with h5py.File("queries_flat.h5", "w") as f: f["X"] = Xt.reshape(9, -1)
with h5py.File("queries_images.h5", "w") as f: f["X"] = Xt
with h5py.File("queries_other.h5", "w") as f: f["X"] = Xt.reshape(9, 2, 5, 6)
PY
net=(--layers conv:3:3:p1,avgpool:2,conv:2:2,dense:4 --lr 0.2 --steps 5 --path-rule gauss:2 --tangent-kernels
     --layer-kernels)

case "$case_name" in
  same_as_images_*)
    n="${case_name##*_}"
    pk "$n" train --data images.h5 "${net[@]}" --out images_run.h5 > a.log || { cat a.log; fail "train on images"; }
    pk "$n" train --data flat.h5 --input-shape 2,6,5 "${net[@]}" --out flat_run.h5 > b.log || { cat b.log; fail "train on flat rows"; }
    /usr/bin/python3 "$compare" flat_run.h5 images_run.h5 0 || fail "the flat rows with --input-shape do not train as the images"
    py <<'PY' || fail "/config"
import h5py
for name in ("images_run.h5", "flat_run.h5"):
    assert list(h5py.File(name, "r")["config"].attrs["input_shape"]) == [2, 6, 5], name
PY
    ;;
  queries)
    pk 2 train --data flat.h5 --input-shape 2,6,5 "${net[@]}" --out flat_run.h5 > b.log || { cat b.log; fail "train"; }
    pk 2 train --data images.h5 "${net[@]}" --out images_run.h5 > a.log || { cat a.log; fail "train"; }
    # Flat and image queries give the run's own test predictions, on either run.
    for run in flat_run.h5 images_run.h5; do
      for q in queries_flat.h5 queries_images.h5; do
        pk 2 predict --run $run --queries $q --out p_${run%.h5}_${q%.h5}.h5 > /dev/null || fail "predict $run $q"
        py $run p_${run%.h5}_${q%.h5}.h5 <<'PY' || fail "predictions of $q on $run"
import sys, h5py, numpy as np
r, p = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
assert np.array_equal(r["predict/test/network"][...], p["predict/query/network"][...])
PY
      done
    done
    # A replay of the flat run finds its flat data file and takes flat queries.
    pk 2 replay --run flat_run.h5 --queries queries_flat.h5 --out q.h5 > /dev/null || fail "replay"
    py <<'PY' || fail "replay rows"
import h5py, numpy as np
r, q = h5py.File("flat_run.h5", "r"), h5py.File("q.h5", "r")
for a, b in (("kernel/path/test", "kernel/path/query"), ("kernel/contrib/test", "kernel/contrib/query")):
    assert np.max(np.abs(r[a][...] - q[b][...])) <= 1e-12 * np.max(np.abs(r[a][...])), a
PY
    # Images of another shape (the same D) are refused by both.
    for command in predict replay; do
      if pk 2 $command --run flat_run.h5 --queries queries_other.h5 --out o.h5 > out.log 2> err.log; then
        fail "$command took images of another shape"
      fi
      grep -q "are images of shape 2x5x6 but the run was trained on images of shape 2x6x5" err.log ||
        { cat err.log; fail "$command: no clear message"; }
      [[ ! -e o.h5 ]] || fail "$command left o.h5"
    done
    ;;
  bench)
    # bench on a CNN: the conv layers' kernel work and its ratio to DGEMM; conflicting sizes refused.
    pk 2 bench --layers conv:3:3,avgpool:2,dense:4 --input-shape 2,8,8 --n-train 40 --steps 1 > bench.log ||
      { cat bench.log; fail "bench --layers"; }
    grep -qE "conv layers' kernel work .* ms per step and rank \(gradients .* ms, Gram .* ms\), .* GFLOP/s/rank = [0-9.]+ of the DGEMM rate" bench.log ||
      { cat bench.log; fail "no conv line"; }
    grep -q "conv:3:3,avgpool:2,dense:4" bench.log || fail "the table does not name the layers"
    if pk 1 bench --inputs 5 --input-shape 1,2,2 --layers conv:2:1 > out.log 2> err.log; then fail "bench took --inputs 5 with 1,2,2"; fi
    grep -q "disagrees with --input-shape 1,2,2 (C\*H\*W = 4)" err.log || { cat err.log; fail "bench: no clear message"; }
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
echo "PASS: $case_name"

#!/usr/bin/env bash
# pathkernel data: small IDX files written here (plain and gzip) become a data
# file whose rows are the images / 255 with the renumbered labels, the
# stratified sample and the sources' SHA-256 recorded; an MLP trains on its 4-D
# X; bad sources are refused with one message and leave no file.
#
#   image_data.sh PROGRAM CASE
set -euo pipefail
program="$1"
case_name="$2"
source "$(dirname "$0")/common.sh"

# 60 training and 30 test images of 5x6 pixels, labels r % 4 (classes 0..3); the training files gzip-compressed.
py <<'PY'
import gzip, struct
def idx(dims, values):
    return struct.pack(">BBBB", 0, 0, 8, len(dims)) + b"".join(struct.pack(">I", d) for d in dims) + bytes(values)
for name, n, opener in (("train", 60, gzip.open), ("test", 30, open)):
    pixels = [(7 * k + (3 if name == "test" else 0)) % 256 for k in range(n * 30)]
    with opener(name + "-images.idx" + (".gz" if opener is gzip.open else ""), "wb") as f: f.write(idx([n, 5, 6], pixels))
    with opener(name + "-labels.idx" + (".gz" if opener is gzip.open else ""), "wb") as f: f.write(idx([n], [r % 4 for r in range(n)]))
PY
sources=(--train-images train-images.idx.gz --train-labels train-labels.idx.gz --test-images test-images.idx
         --test-labels test-labels.idx)

# Refused with one message naming MESSAGE, non-zero status, and no file at out.h5 (nor a .partial).
refused() {
  local message="$1"; shift
  if pk 2 data "$@" --out out.h5 > out.txt 2> err.txt; then fail "accepted: $*"; fi
  grep -q -- "$message" err.txt || { cat err.txt; fail "message lacks '$message'"; }
  [[ $(grep -c "error" err.txt) -eq 1 ]] || { cat err.txt; fail "not one message"; }
  [[ ! -e out.h5 && ! -e out.h5.partial ]] || fail "a file was left"
}

case "$case_name" in
  rows)
    pk 2 data "${sources[@]}" --classes 3,1 --n-train 9 --n-test 4 --seed 5 --out d.h5 > out.txt
    grep -q "wrote d.h5: 9 training and 4 test images of 1x5x6, loss logistic" out.txt || { cat out.txt; fail "report"; }
    py <<'PY' || fail "the file's rows"
import gzip, hashlib, struct, h5py, numpy as np
def load(path):
    raw = (gzip.open if path.endswith(".gz") else open)(path, "rb").read()
    ndim = raw[3]; dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw[4 + 4 * ndim:], np.uint8).reshape(dims)
with h5py.File("d.h5", "r") as f:
    assert f.attrs["loss"] == "logistic" if isinstance(f.attrs["loss"], str) else f.attrs["loss"].decode() == "logistic"
    assert list(f.attrs["classes"]) == [3, 1]
    for split, images, labels, n in (("train", "train-images.idx.gz", "train-labels.idx.gz", 9),
                                     ("test", "test-images.idx", "test-labels.idx", 4)):
        X, y, rows = f[split + "/X"][...], f[split + "/y"][...], f.attrs[split + "_sample_index"]
        assert X.shape == (n, 1, 5, 6) and X.dtype == np.float64 and y.dtype == np.float64, (X.shape, y.dtype)
        assert list(rows) == sorted(rows) and len(set(rows)) == n
        src, lab = load(images), load(labels)
        assert np.array_equal(X[:, 0], src[rows].astype(np.float64) / 255.0)
        assert np.array_equal(y, np.where(lab[rows] == 3, 0.0, 1.0)), (y, lab[rows])
        assert sorted(np.bincount(y.astype(int))) == sorted([n - n // 2, n // 2])
        for kind, path in (("images", images), ("labels", labels)):
            got = f.attrs[split + "_" + kind + "_sha256"]
            got = got if isinstance(got, str) else got.decode()
            assert got == hashlib.sha256(open(path, "rb").read()).hexdigest(), kind
PY
    # The same seed gives the same file's rows; a softmax file from three classes.
    pk 1 data "${sources[@]}" --classes 3,1 --n-train 9 --n-test 4 --seed 5 --out e.h5 > /dev/null
    h5diff d.h5 e.h5 /train/X && h5diff d.h5 e.h5 /test/y || fail "rank count changed the sample"
    pk 2 data "${sources[@]}" --classes 2,0,1 --out s.h5 > /dev/null
    py <<'PY' || fail "softmax file"
import h5py, numpy as np
with h5py.File("s.h5", "r") as f:
    y = f["train/y"][...]
    assert y.dtype == np.int64 and len(y) == 45 and set(y) == {0, 1, 2}
    assert (f.attrs["loss"] if isinstance(f.attrs["loss"], str) else f.attrs["loss"].decode()) == "softmax"
PY
    ;;
  train_mlp)
    # An MLP flattens 4-D inputs: it trains on the file, at 2 and 3 ranks alike.
    pk 1 data "${sources[@]}" --classes 0,2 --out d.h5 > /dev/null
    pk 2 train --data d.h5 --hidden 4 --lr 0.1 --steps 5 --path-rule gauss:2 --out r2.h5 > /dev/null || fail "train 2"
    pk 3 train --data d.h5 --hidden 4 --lr 0.1 --steps 5 --path-rule gauss:2 --out r3.h5 > /dev/null || fail "train 3"
    py <<'PY' || fail "runs differ"
import h5py, numpy as np
a, b = h5py.File("r2.h5", "r"), h5py.File("r3.h5", "r")
for name in ("kernel/path/train", "kernel/contrib/test", "predict/test/network"):
    x, y = a[name][...], b[name][...]
    assert np.max(np.abs(x - y)) <= 1e-12 * np.max(np.abs(y)), name
assert a["kernel/path/train"].shape == (30, 30)
assert a.attrs["complete"] == 1
PY
    ;;
  train_cnn)
    # A CNN on the images: the same kernels at 1, 2 and 3 ranks, its layers and input shape in /config,
    # and the commands that rebuild the network from the run file (predict, replay, explain) take it.
    pk 1 data "${sources[@]}" --classes 0,2 --out d.h5 > /dev/null
    for n in 1 2 3; do
      pk $n train --data d.h5 --layers conv:2:3:p1,maxpool:2,conv:3:2:p1,dense:4 --lr 0.1 --steps 6 \
        --path-rule gauss:3 --tangent-kernels --out r$n.h5 > train$n.log || { cat train$n.log; fail "train at $n ranks"; }
    done
    py <<'PY' || fail "CNN runs"
import h5py, numpy as np
runs = [h5py.File("r%d.h5" % n, "r") for n in (1, 2, 3)]
for name in ("kernel/path/train", "kernel/contrib/test", "kernel/tangent/final/test", "predict/test/network",
             "params/final/layer_1/W"):
    ref = runs[0][name][...]
    for r in runs[1:]:
        assert np.max(np.abs(r[name][...] - ref)) <= 1e-12 * np.max(np.abs(ref)), name
c = runs[0]["config"].attrs
text = lambda v: v if isinstance(v, str) else v.decode()
assert text(c["layers"]) == "conv:2:3:p1,maxpool:2,conv:3:2:p1,dense:4", c["layers"]
assert list(c["input_shape"]) == [1, 5, 6] and "hidden" not in c
assert runs[0]["params/final/layer_0/W"].shape == (2, 1, 3, 3)
assert runs[0]["params/final/layer_1/W"].shape == (3, 2, 2, 2)
PY
    pk 2 predict --run r2.h5 --queries d.h5:test --format csv > p.csv || fail "predict"
    pk 2 replay --run r2.h5 --queries d.h5:test --out q.h5 > /dev/null || fail "replay"
    py <<'PY' || fail "replay rows"
import h5py, numpy as np
r, q = h5py.File("r2.h5", "r"), h5py.File("q.h5", "r")
for a, b in (("kernel/path/test", "kernel/path/query"), ("kernel/contrib/test", "kernel/contrib/query")):
    assert np.max(np.abs(r[a][...] - q[b][...])) <= 1e-12 * np.max(np.abs(r[a][...])), a
PY
    pk 2 explain --run r2.h5 --query test:0 > e.txt || fail "explain"
    ;;
  superposition_notes)
    # --superposition where no Gamma can be kept: the run says so at start-up, and writes none.
    pk 1 data "${sources[@]}" --classes 0,2 --out d.h5 > /dev/null
    pk 2 train --data d.h5 --layers conv:2:3,dense:4 --optimizer adam --lr 0.01 --steps 3 --superposition \
      --out adam.h5 > adam.log || fail "adam run"
    grep -q "note    --superposition: no Gamma under adam and adamw" adam.log || { cat adam.log; fail "no adam note"; }
    pk 2 train --data d.h5 --layers avgpool:2,dense:4 --lr 0.1 --steps 3 --superposition --out pool.h5 > pool.log ||
      fail "pooling-first run"
    grep -q "note    --superposition needs a first layer with parameters" pool.log || { cat pool.log; fail "no pool note"; }
    pk 2 train --data d.h5 --layers conv:2:3,dense:4 --lr 0.1 --steps 3 --superposition --out sgd.h5 > sgd.log ||
      fail "sgd run"
    if grep -q "note    --superposition" sgd.log; then fail "a note where Gamma is kept"; fi
    py <<'PY'
import h5py
assert "Gamma" not in h5py.File("adam.h5", "r")["superposition"], "adam wrote a Gamma"
assert "superposition" not in h5py.File("pool.h5", "r"), "a pooling-first run wrote /superposition"
assert "Gamma" in h5py.File("sgd.h5", "r")["superposition"], "sgd wrote no Gamma"
PY
    ;;
  wrong_magic) printf 'not an idx file' > bad.idx; refused "has the magic number" --train-images bad.idx --train-labels train-labels.idx.gz ;;
  labels_as_images) refused "not 0x00000803 (images)" --train-images train-labels.idx.gz --train-labels train-labels.idx.gz ;;
  truncated) head -c 500 test-images.idx > cut.idx; refused "is truncated" --train-images cut.idx --train-labels test-labels.idx ;;
  truncated_gzip) head -c 200 train-images.idx.gz > cut.gz; refused "damaged or truncated gzip" --train-images cut.gz --train-labels train-labels.idx.gz ;;
  class_absent) refused "class 7 does not occur in 'train-labels.idx.gz'" "${sources[@]}" --classes 1,7 ;;
  class_too_small) refused "class 1 has 15 examples" "${sources[@]}" --classes 1,2 --n-train 40 ;;
  count_mismatch) refused "holds 60 images but 'test-labels.idx' 30 labels" --train-images train-images.idx.gz --train-labels test-labels.idx ;;
  bad_classes) refused "names class 1 twice" "${sources[@]}" --classes 1,1 ;;
  fashion_with_files) refused "names the four files itself" --fashion-mnist --train-images x --train-labels y ;;
  *) fail "unknown case $case_name" ;;
esac
echo "ok: $case_name"

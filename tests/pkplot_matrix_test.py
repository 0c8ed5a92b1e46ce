#!/usr/bin/python3
"""Every figure of analysis/pkplot.py on every kind of file pathkernel writes.

The matrix: the optimizers sgd, momentum, adam and adamw, each with the losses
logistic, softmax and mse (4x4-pixel inputs, so that every figure, the
superposition included, is drawn or skipped with a note), and the files a run
leads to: the run file, a replay's queries file, a validation study and a
dynamics file (each of those for every optimizer, on a loss that rotates).
Also checked: a data file of images [N, 1, H, W], the misclassified and correct query selectors against the run's
predictions, the test loss and accuracies in loss.png, colour limits that a
few bright kernel rows do not set, and CNN runs on IDX images (pathkernel
data, sgd and adam): explain.png as images titled with their contributions,
the first conv layer's filters in superposition.png, their change rebuilt
from Gamma [N, K, H', W'] against the patches summed one by one and, for a
run trained with --superposition, against the change itself.

Usage: pkplot_matrix_test.py PATHKERNEL_BINARY SOURCE_DIR
Set PKPLOT_TEST_OUT=folder to keep the files (default: a temporary folder).
"""

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import h5py  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(SRC, "analysis"))
sys.dont_write_bytecode = True  # keep the source tree clean
import pkplot  # noqa: E402
from pkfigures import run_figures  # noqa: E402

ENV = dict(os.environ)
ENV.update({"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OPENBLAS_NUM_THREADS": "1",
            "OMPI_MCA_btl_vader_single_copy_mechanism": "none", "MPLBACKEND": "Agg"})
MPIEXEC = [shutil.which("mpiexec"), "-n", "2", "--oversubscribe"] if shutil.which("mpiexec") else []
FAILURES = []

OPTIMIZERS = {"sgd": ["--lr", "0.1"], "momentum": ["--lr", "0.05"], "adam": ["--lr", "0.01"],
              "adamw": ["--lr", "0.01", "--weight-decay", "1e-3"]}
DATA = {"logistic": "builtin:moons", "softmax": "builtin:blobs", "mse": "builtin:regression"}
RUN_FIGURES = ("predictions", "kernels", "loss", "explain", "superposition")
# The loss each optimizer's replay, study and dynamics are made on.
FOLLOW_UP = {"sgd": "logistic", "momentum": "softmax", "adam": "mse", "adamw": "logistic"}


def check(cond, msg):
    print("%s  %s" % ("ok  " if cond else "FAIL", msg))
    if not cond:
        FAILURES.append(msg)


def pathkernel(args, cwd):
    p = subprocess.run(MPIEXEC + [BIN] + args, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=240)
    if p.returncode != 0:
        print("pathkernel %s\n%s\n%s" % (" ".join(args), p.stdout, p.stderr))
    check(p.returncode == 0, "pathkernel %s" % " ".join(args[:1] + [os.path.basename(a) for a in args[1:4]]))
    return p


def plot(args, cwd, expect=0):
    """pkplot's main() in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = pkplot.main(list(args))
    finally:
        os.chdir(here)
    if code != expect:
        print("pkplot %s\n%s\n%s" % (" ".join(args), out.getvalue(), err.getvalue()))
    check(code == expect, "pkplot %s exits %d" % (" ".join(os.path.basename(a) for a in args[:3]), expect))
    return code, out.getvalue(), err.getvalue()


def drawn(path):
    """The PNG exists and is not blank."""
    if not os.path.exists(path):
        return False
    img = mpimg.imread(path)
    return img.ndim == 3 and img.shape[0] > 100 and float(img[..., :3].var()) > 0


def run_matrix(tmp):
    runs = {}
    for optimizer, options in OPTIMIZERS.items():
        for loss, data in DATA.items():
            name = "%s_%s" % (optimizer, loss)
            run = os.path.join(tmp, name + ".h5")
            # Snapshots and layer kernels where the dynamics file is made; tangent kernels everywhere (kernels.png).
            extra = ["--snapshots", "0,6,12", "--layer-kernels"] if FOLLOW_UP[optimizer] == loss else []
            pathkernel(["train", "--data", data, "--loss", loss, "--inputs", "16", "--n-train", "24", "--n-test", "8",
                        "--hidden", "6", "--optimizer", optimizer, "--steps", "12", "--tangent-kernels",
                        "--out", run] + options + extra, tmp)
            runs[(optimizer, loss)] = run
            out = os.path.join(tmp, name)
            code, stdout, _ = plot([run, "--outdir", out], tmp)
            for figure in RUN_FIGURES[:4]:
                check(drawn(os.path.join(out, figure + ".png")), "%s: %s.png drawn" % (name, figure))
            if optimizer in ("adam", "adamw"):
                # No /superposition/Gamma under Adam: skipped with a note that says why, not an error.
                check(not os.path.exists(os.path.join(out, "superposition.png"))
                      and "superposition.png skipped: the run used %s" % optimizer in stdout,
                      "%s: superposition.png skipped with a note" % name)
                _, _, err = plot([run, "--outdir", out, "--only", "superposition"], tmp, expect=1)
                check("no /superposition/Gamma is stored" in err, "%s: --only superposition says why not" % name)
            else:
                check(drawn(os.path.join(out, "superposition.png")), "%s: superposition.png drawn" % name)
    return runs


def check_selectors(runs, tmp):
    for (optimizer, loss), run in runs.items():
        if optimizer != "sgd":
            continue
        with h5py.File(run, "r") as f:
            net = f["predict/test/network"][()].reshape(8, -1)
            y = f["data/test/y"][()]
        if loss == "mse":
            _, _, err = plot([run, "--outdir", tmp, "--only", "explain", "--query", "test:misclassified"], tmp,
                             expect=1)
            check("compares classes" in err, "mse: test:misclassified is refused with a reason")
            continue
        predicted = (net[:, 0] > 0).astype(int) if net.shape[1] == 1 else np.argmax(net, axis=1)
        label = np.rint(y.reshape(8, -1)[:, 0]).astype(int) if np.ndim(y) == 1 or y.shape[1] == 1 else \
            np.argmax(y, axis=1)
        for outcome, points in (("correct", np.flatnonzero(predicted == label)),
                                ("misclassified", np.flatnonzero(predicted != label))):
            if points.size == 0:
                _, _, err = plot([run, "--outdir", tmp, "--only", "explain", "--query", "test:" + outcome], tmp,
                                 expect=1)
                check("every test point" in err, "%s: no %s point, said so" % (loss, outcome))
                continue
            k = points.size - 1
            _, stdout, _ = plot([run, "--outdir", tmp, "--only", "explain", "--query", "test:%s:%d" % (outcome, k)],
                                tmp)
            check("explain test:%d," % points[k] in stdout, "%s: test:%s:%d is test:%d" % (loss, outcome, k, points[k]))


def check_follow_ups(runs, tmp):
    for optimizer, loss in FOLLOW_UP.items():
        run = runs[(optimizer, loss)]
        name = "%s_%s" % (optimizer, loss)
        # A replay of the run's test points as new points: the explanation of one of them.
        points = os.path.join(tmp, name + "_points.h5")
        with h5py.File(run, "r") as f, h5py.File(points, "w") as q:
            q["X"] = f["data/test/X"][()]
            q["y"] = f["data/test/y"][()]
        replayed = os.path.join(tmp, name + "_replay.h5")
        pathkernel(["replay", "--run", run, "--queries", points, "--out", replayed], tmp)
        out = os.path.join(tmp, name + "_replay")
        plot([replayed, "--outdir", out, "--query", "query:2"], tmp)
        check(drawn(os.path.join(out, "explain.png")), "%s replay: explain.png drawn" % name)
        # A validation study with every score.
        study = os.path.join(tmp, name + "_validate.h5")
        pathkernel(["validate", "--run", run, "--queries", "test:0-3", "--topk", "2", "--lds-subsets", "3", "--loo",
                    "3", "--scores", "path,tangent-initial,tangent-final,random", "--out", study], tmp)
        out = os.path.join(tmp, name + "_validate")
        plot(["validate", study, "--outdir", out], tmp)
        for figure in ("validate_topk", "validate_lds"):
            check(drawn(os.path.join(out, figure + ".png")), "%s study: %s.png drawn" % (name, figure))
        # The kernel's dynamics with eigenpairs: every figure.
        dyn = os.path.join(tmp, name + ".dynamics.h5")
        pathkernel(["dynamics", "--run", run, "--eigen", "2", "--eigenvectors", "--out", dyn], tmp)
        out = os.path.join(tmp, name + "_dynamics")
        plot(["dynamics", dyn, "--outdir", out], tmp)
        for figure in ("distance", "alignment", "spectrum", "eigenvectors"):
            check(drawn(os.path.join(out, "dynamics_%s.png" % figure)), "%s dynamics: %s drawn" % (name, figure))


def check_loss_and_colours(runs, tmp):
    # Classification runs store the test loss and accuracies: loss.png gets a second panel.
    widths = {loss: mpimg.imread(os.path.join(tmp, "sgd_%s" % loss, "loss.png")).shape[1] for loss in DATA}
    check(widths["logistic"] > 1.6 * widths["mse"] and widths["softmax"] > 1.6 * widths["mse"],
          "loss.png has an accuracy panel for classification (widths %s)" % widths)
    with h5py.File(runs[("sgd", "mse")], "r") as f:
        check("test_loss" in f["history"], "the mse run stores a test loss for loss.png")
    # Two bright examples (their rows and columns) of 200 do not set the colour limits.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 5))
    K = X @ X.T
    bright = K.copy()
    bright[:2] *= 1000.0
    bright[:, :2] *= 1000.0
    _, vmin, vmax = run_figures._colour_scale(bright)
    check(vmax <= np.abs(K).max() and vmax < np.abs(bright).max() / 100.0,
          "colour limits ignore two bright examples (vmax %.3g, brightest %.3g)" % (vmax, np.abs(bright).max()))


def check_image_data(tmp):
    """A data file of images [N, 1, H, W] (as pathkernel data writes): every figure, drawn in their shape."""
    rng = np.random.default_rng(3)
    path = os.path.join(tmp, "images.h5")
    with h5py.File(path, "w") as f:
        f.attrs["loss"] = "softmax"
        for split, n in (("train", 30), ("test", 9)):
            y = np.arange(n) % 3
            X = rng.uniform(0, 0.2, size=(n, 1, 4, 6))
            X[np.arange(n), 0, y, :] += 0.8  # class k lights row k of the 4 x 6 image
            f["%s/X" % split] = X
            f["%s/y" % split] = y.astype(np.int64)
    run = os.path.join(tmp, "images_run.h5")
    pathkernel(["train", "--data", path, "--hidden", "6", "--steps", "10", "--lr", "0.1", "--out", run], tmp)
    out = os.path.join(tmp, "images")
    plot([run, "--outdir", out, "--units", "2"], tmp)
    for figure in RUN_FIGURES:
        check(drawn(os.path.join(out, figure + ".png")), "image data [N, 1, 4, 6]: %s.png drawn" % figure)
    opened = pkplot.Run(run)
    opened.data()
    check(opened.image_hw == "4x6", "image data: the shape 4x6 is taken from the data file (%s)" % opened.image_hw)
    opened.close()


def write_idx(path, dims, values):
    """An IDX file (the MNIST format pathkernel data reads): magic 0x0000080N, big-endian sizes, uint8 values."""
    import struct
    with open(path, "wb") as f:
        f.write(struct.pack(">BBBB", 0, 0, 8, len(dims)) + b"".join(struct.pack(">I", d) for d in dims))
        f.write(np.asarray(values, dtype=np.uint8).tobytes())


def recorded_titles(call):
    """Runs call() and returns the titles of every axes of the figures it saves (their text as drawn)."""
    from pkfigures import filter_figures
    titles = []
    modules = (run_figures, filter_figures)
    original = run_figures.save

    def save(fig, outdir, name):
        titles.extend(ax.get_title() for ax in fig.axes)
        if fig._suptitle is not None:
            titles.append(fig._suptitle.get_text())
        return original(fig, outdir, name)

    for module in modules:
        module.save = save
    try:
        call()
    finally:
        for module in modules:
            module.save = original
    return titles


def check_conv_superposition():
    """The filters' change rebuilt from Gamma [N, K, H', W'] agrees with the patches summed one by one."""
    from pkfigures.filter_figures import conv_superposition
    rng = np.random.default_rng(5)
    for cin, h, w, k, stride, padding in ((1, 7, 9, 3, 1, 0), (2, 6, 5, 2, 2, 1)):
        ho, wo = (h + 2 * padding - k) // stride + 1, (w + 2 * padding - k) // stride + 1
        X, G = rng.normal(size=(4, cin, h, w)), rng.normal(size=(4, 3, ho, wo))
        Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        direct = np.zeros((3, cin, k, k))
        for i in range(4):
            for y in range(ho):
                for x in range(wo):
                    patch = Xp[i, :, y * stride:y * stride + k, x * stride:x * stride + k]
                    direct += G[i, :, y, x][:, None, None, None] * patch[None]
        got = conv_superposition(G, X, k, stride, padding)
        check(np.max(np.abs(got - direct)) <= 1e-12 * np.max(np.abs(direct)),
              "conv superposition sum (C_in %d, k %d, stride %d, padding %d) against the patches one by one"
              % (cin, k, stride, padding))


def check_cnn(tmp):
    """CNN runs on IDX images written here and read by pathkernel data: explain.png shows the query and its
    top training images with their contributions as titles, superposition.png the first layer's filters; a flat
    copy of the data is still drawn as images from /config input_shape."""
    rng = np.random.default_rng(7)
    for split, n in (("train", 60), ("test", 20)):
        labels = np.arange(n) % 3
        pixels = rng.integers(0, 60, size=(n, 7, 9))
        for r, c in enumerate(labels):
            pixels[r, :, 3 * c:3 * c + 3] += 180  # class c lights columns 3c..3c+2 of the 7 x 9 image
        write_idx(os.path.join(tmp, split + "-images.idx"), (n, 7, 9), pixels)
        write_idx(os.path.join(tmp, split + "-labels.idx"), (n,), labels)
    sources = ["--train-images", "train-images.idx", "--train-labels", "train-labels.idx",
               "--test-images", "test-images.idx", "--test-labels", "test-labels.idx"]
    pathkernel(["data"] + sources + ["--classes", "2,0", "--n-train", "30", "--n-test", "10", "--out", "cnn2.h5"], tmp)
    pathkernel(["data"] + sources + ["--out", "cnn3.h5"], tmp)
    with h5py.File(os.path.join(tmp, "cnn2.h5"), "r") as d, h5py.File(os.path.join(tmp, "cnn2_flat.h5"), "w") as flat:
        for key, value in d.attrs.items():
            flat.attrs[key] = value
        for split in ("train", "test"):
            flat[split + "/X"] = d[split + "/X"][()].reshape(d[split + "/X"].shape[0], -1)
            flat[split + "/y"] = d[split + "/y"][()]
    help_text = subprocess.run([BIN, "train", "--help"], env=ENV, stdout=subprocess.PIPE,
                               universal_newlines=True).stdout
    gamma = ["--superposition"] if "--superposition" in help_text else []
    layers = ["--layers", "conv:2:3,avgpool:2,dense:4"]
    cases = (("cnn_sgd_logistic", "cnn2.h5", ["--optimizer", "sgd", "--lr", "0.2"] + gamma),
             ("cnn_sgd_softmax", "cnn3.h5", ["--optimizer", "sgd", "--lr", "0.2", "--batch-size", "20"]),
             ("cnn_adam_softmax", "cnn3.h5", ["--optimizer", "adam", "--lr", "0.01"]))
    for name, data, options in cases:
        run = os.path.join(tmp, name + ".h5")
        pathkernel(["train", "--data", data, "--steps", "8", "--out", run] + layers + options, tmp)
        out = os.path.join(tmp, name)
        def draw():
            _, stdout, _ = plot([run, "--outdir", out, "--query", "test:1", "--top", "3"], tmp)
            check("is not an image" not in stdout, "%s: explain.png draws images, not a bar chart" % name)
        titles = recorded_titles(draw)
        for figure in RUN_FIGURES:
            check(drawn(os.path.join(out, figure + ".png")), "%s: %s.png drawn" % (name, figure))
        with h5py.File(run, "r") as f:
            contrib = f["kernel/contrib/test"][1].reshape(-1, int(np.asarray(f["config"].attrs["outputs"])))
            net = f["predict/test/network"][1].reshape(-1)
            gamma_stored = "superposition/Gamma" in f
        scores, k = run_figures.explain_scores("logistic" if contrib.shape[1] == 1 else "softmax", contrib, net, None)
        pro, opp = run_figures.top_examples(scores, 3)
        column = 0 if contrib.shape[1] == 1 else k
        for i in list(pro) + list(opp):
            want = "#%d " % i
            match = [t for t in titles if t.startswith(want)]
            check(len(match) == 1 and ("%+.3g" % contrib[i, column]) in match[0],
                  "%s: training image #%d titled with its contribution %+.3g (%s)"
                  % (name, i, contrib[i, column], match))
        check(any(t.startswith("filter 1") for t in titles),
              "%s: superposition.png shows the first conv layer's filters" % name)
        if gamma_stored:  # the bottom row rebuilds the filters' change from Gamma: the identity holds
            import re
            found = [float(m) for t in titles for m in re.findall(r"max \|change - rebuilt\| = ([0-9.e+-]+)", t)]
            check(len(found) == 1 and found[0] <= 1e-9, "%s: filters' change rebuilt from Gamma (%s)" % (name, found))
    # Flat rows (a [N, D] copy, D = 63 is no square): the run's /config input_shape still makes them images.
    run = os.path.join(tmp, "cnn_sgd_logistic.h5")
    _, stdout, _ = plot([run, "--outdir", os.path.join(tmp, "cnn_flat"), "--data", "cnn2_flat.h5", "--only",
                         "explain"], tmp)
    check("is not an image" not in stdout and drawn(os.path.join(tmp, "cnn_flat", "explain.png")),
          "flat copy of image data: explain.png drawn as 7 x 9 images from /config input_shape")
    opened = pkplot.Run(run)
    check(opened.input_shape() == (1, 7, 9) and opened.first_conv() == (2, 3, 1, 0),
          "the run's input shape %s and first conv layer %s" % (opened.input_shape(), opened.first_conv()))
    opened.close()


def main():
    keep = os.environ.get("PKPLOT_TEST_OUT")
    tmp = keep or tempfile.mkdtemp(prefix="pkplot_matrix_")
    os.makedirs(tmp, exist_ok=True)
    t0 = time.time()
    try:
        runs = run_matrix(tmp)
        check_selectors(runs, tmp)
        check_follow_ups(runs, tmp)
        check_loss_and_colours(runs, tmp)
        check_image_data(tmp)
        check_conv_superposition()
        check_cnn(tmp)
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s), %.1f s" % (len(FAILURES), time.time() - t0))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())

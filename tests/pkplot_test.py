#!/usr/bin/python3
"""Figures test: trains small real runs, renders every figure of
analysis/pkplot.py and checks that each PNG exists and is not blank.

Runs: digits 3 vs 8 with a test split and tangent kernels; a data file without
a test split; ten digit classes with kernels on one colour scale; multi-output
regression; built-in regression without train kernel blocks; softmax blobs;
convergence tables; the kernel dynamics of a digits run with snapshots; and
validation studies of two of those runs. For explain, the proponents and
opponents pkplot prints are checked against the largest scores toward the
predicted class computed here.

Usage: pkplot_test.py PATHKERNEL_BINARY SOURCE_DIR

Set PKPLOT_TEST_OUT=folder to keep the files (default: a temporary folder).
"""

import os
import re
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
PKPLOT_DIR = os.path.join(SRC, "analysis")
PKPLOT = os.path.join(PKPLOT_DIR, "pkplot.py")
PY = sys.executable or "/usr/bin/python3"

ENV = dict(os.environ)
ENV.update({"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
            "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"})

FAILURES = []


def check(cond, msg):
    if cond:
        print("ok    %s" % msg)
    else:
        print("FAIL  %s" % msg)
        FAILURES.append(msg)


def run(cmd, cwd, expect=0):
    t = time.time()
    p = subprocess.run(cmd, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=240)
    if p.returncode != expect:
        print("command: %s\nstdout:\n%s\nstderr:\n%s" % (" ".join(cmd), p.stdout, p.stderr))
    check(p.returncode == expect, "exit %d (want %d, %.1f s): %s"
          % (p.returncode, expect, time.time() - t, " ".join(os.path.basename(c) for c in cmd[:4])))
    return p


def pathkernel(command, args, cwd, out):
    """Run a pathkernel command on 2 ranks and check that it wrote OUT."""
    mpiexec = shutil.which("mpiexec")
    cmd = ([mpiexec, "-n", "2", "--oversubscribe"] if mpiexec else []) + [BIN, command] + args + ["--out", out]
    run(cmd, cwd)
    check(os.path.exists(out), "%s wrote %s" % (command, os.path.basename(out)))


def train(args, cwd, out):
    pathkernel("train", args, cwd, out)


def pkplot_module():
    if PKPLOT_DIR not in sys.path:
        sys.path.insert(0, PKPLOT_DIR)
    sys.dont_write_bytecode = True  # keep the source tree clean
    import pkplot
    return pkplot


class Result:
    def __init__(self, code, stdout, stderr):
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


def pkplot(args, cwd, expect=0, subprocess_=False):
    """Run pkplot as a program, or (faster) call its main() in this process."""
    if subprocess_:
        return run([PY, PKPLOT] + args, cwd, expect)
    import contextlib
    import io
    module = pkplot_module()
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    t = time.time()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = module.main(list(args))
            except SystemExit as e:
                code = e.code
    finally:
        os.chdir(here)
    if code != expect:
        print("pkplot %s\nstdout:\n%s\nstderr:\n%s" % (" ".join(args), out.getvalue(), err.getvalue()))
    check(code == expect, "exit %s (want %d, %.1f s): pkplot %s"
          % (code, expect, time.time() - t, " ".join(os.path.basename(a) for a in args[:2])))
    return Result(code, out.getvalue(), err.getvalue())


def check_png(path):
    name = os.path.relpath(path, os.path.dirname(os.path.dirname(path)))
    if not os.path.exists(path):
        check(False, "%s exists" % name)
        return
    img = mpimg.imread(path)
    rgb = img[..., :3].reshape(-1, 3)
    q = np.round(rgb * 255).astype(np.int64)
    colours = np.unique((q[:, 0] << 16) | (q[:, 1] << 8) | q[:, 2]).size
    check(img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100, "%s has a sensible size %s"
          % (name, img.shape[:2]))
    check(float(rgb.var()) > 0 and colours > 10, "%s not blank (%d colours, variance %.3g)"
          % (name, colours, float(rgb.var())))


def make_converge(path, layout):
    lr = np.array([0.2, 0.1, 0.05, 0.025, 0.0125])
    r = 3e-2 * lr ** 2
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "pathkernel-converge"
        f.attrs["format_version"] = 1
        if layout == "datasets":
            f["lr"] = lr
            f["steps"] = np.full(lr.size, 100, dtype=np.int64)
            f["max_abs_residual_train"] = r
            f["max_abs_residual_test"] = 1.3 * r
            f["rel_residual_train"] = r / 2
            f["rel_residual_test"] = 1.3 * r / 2
            f.attrs["order"] = 2.0
            f["gauss_q"] = np.arange(1, 6, dtype=np.int64)
            f["gauss_max_abs_residual"] = np.array([1e-4, 1e-8, 1e-12, 0.0, 3e-15])
        else:  # everything as attributes, order as a scalar dataset, no Gauss rules
            f.attrs["lr"] = lr
            f.attrs["steps"] = np.array([50, 100, 200, 400, 800])
            f.attrs["max_abs_residual_train"] = r
            f.attrs["max_abs_residual_test"] = 1.1 * r
            f["order"] = 2.0


def make_train_only(src, path, class_names):
    """A data file with the training split of SRC only (the test split is optional)."""
    with h5py.File(src, "r") as s, h5py.File(path, "w") as d:
        s.copy("train", d)
        d.attrs["loss"] = s.attrs["loss"]
        d.attrs["class_names"] = class_names


def expected_explain(run_file, query, top, output=None):
    """Proponents and opponents of a query computed from the run file: the training examples
    with the largest positive and the most negative score toward the predicted class (or the
    chosen output)."""
    split, j = query.split(":")
    with h5py.File(run_file, "r") as f:
        loss = f["config"].attrs["loss"]
        loss = loss.decode() if isinstance(loss, bytes) else loss
        contrib = np.asarray(f["kernel/contrib/" + split][int(j)], dtype=float)
        net = np.atleast_1d(f["predict/%s/network" % split][int(j)])
    if loss == "logistic":
        k = int(net[0] > 0)
        score = contrib if k == 1 else -contrib
    elif loss == "softmax":
        k = int(np.argmax(net)) if output is None else output
        score = contrib[:, k] - contrib.mean(axis=1)
    else:
        k = 0 if output is None else output
        score = contrib[:, k] if contrib.ndim == 2 else contrib
    pro = [int(i) for i in np.argsort(-score, kind="stable")[:top] if score[i] > 0]
    opp = [int(i) for i in np.argsort(score, kind="stable")[:top] if score[i] < 0]
    return k, pro, opp


def check_explain(p, run_file, query, top=5, output=None):
    """pkplot's explain line names the expected class or output, proponents and opponents."""
    m = re.search(r"explain (\S+), score toward (?:class|output) (\d+): proponents ([\d,]*); opponents ([\d,]*)",
                  p.stdout)
    if not m:
        check(False, "explain line on stdout for %s" % query)
        return
    ints = lambda t: [int(v) for v in t.split(",") if v]  # noqa: E731
    got = (int(m.group(2)), ints(m.group(3)), ints(m.group(4)))
    want = expected_explain(run_file, query, top, output)
    check(m.group(1) == query and got == want, "%s %s: proponents/opponents toward %d are %s / %s (want %s)"
          % (os.path.basename(run_file), query, got[0], got[1], got[2], want))


def main():
    keep = os.environ.get("PKPLOT_TEST_OUT")
    tmp = keep or tempfile.mkdtemp(prefix="pkplot_test_")
    os.makedirs(tmp, exist_ok=True)
    t0 = time.time()
    try:
        # 1. Real digits run, started in the source folder with a relative data path.
        digits = os.path.join(tmp, "digits.h5")
        train(["--data", "data/digits2.h5", "--loss", "logistic", "--hidden", "8", "--lr", "0.1",
               "--steps", "60", "--path-rule", "gauss:2", "--tangent-kernels"], SRC, digits)
        figs = os.path.join(tmp, "digits")
        p = pkplot([digits, "--outdir", figs, "--data", os.path.join(SRC, "data", "digits2.h5"),
                    "--query", "test:3", "--units", "3", "--class-names", "three,eight"], tmp, subprocess_=True)
        for n in ("predictions", "kernels", "loss", "explain", "superposition"):
            check_png(os.path.join(figs, n + ".png"))
        check_explain(p, digits, "test:3")
        for q in ("test:0", "test:1", "train:5"):
            check_explain(pkplot([digits, "--outdir", figs, "--query", q, "--only", "explain"], tmp), digits, q)
        p = pkplot([digits, "--outdir", figs, "--class-names", "a,b,c"], tmp, expect=1)
        check("--class-names" in p.stderr, "a wrong number of class names is refused")
        # The relative /config data path resolves from the folder the run was started in ...
        figs2 = os.path.join(tmp, "digits_cwd")
        pkplot([digits, "--outdir", figs2, "--only", "explain"], SRC)
        check_png(os.path.join(figs2, "explain.png"))
        # ... and from elsewhere through the recorded absolute path /config data_file ...
        pkplot([digits, "--outdir", os.path.join(tmp, "elsewhere"), "--only", "explain"], tmp)
        check_png(os.path.join(tmp, "elsewhere", "explain.png"))
        # ... and without that, elsewhere it fails clearly, naming --data.
        orphan = os.path.join(tmp, "orphan.h5")
        shutil.copy(digits, orphan)
        with h5py.File(orphan, "r+") as f:
            del f["config"].attrs["data_file"]
        p = pkplot([orphan, "--outdir", os.path.join(tmp, "nodata"), "--only", "explain"], tmp, expect=1)
        check("--data" in p.stderr and "digits2.h5" in p.stderr, "missing data file message names --data")
        # ... unless the data path is valid relative to the run file's folder.
        moved = os.path.join(tmp, "moved")
        os.makedirs(os.path.join(moved, "data"), exist_ok=True)
        shutil.copy(os.path.join(SRC, "data", "digits2.h5"), os.path.join(moved, "data"))
        shutil.copy(orphan, moved)
        pkplot([os.path.join(moved, "orphan.h5"), "--outdir", moved, "--only", "explain"], tmp)
        check_png(os.path.join(moved, "explain.png"))
        p = pkplot([digits, "--outdir", os.path.join(tmp, "nodata"), "--query", "test:999",
                    "--data", os.path.join(SRC, "data", "digits2.h5"), "--only", "explain"], tmp, expect=1)
        check("out of range" in p.stderr, "query out of range is reported")

        # 2. A data file without a test split: every figure renders, explain defaults to a
        #    training point, and a test query is refused with one clear message.
        only = os.path.join(tmp, "train_only.h5")
        make_train_only(os.path.join(SRC, "data", "digits2.h5"), only, "3,8")
        run_only = os.path.join(tmp, "train_only_run.h5")
        train(["--data", only, "--hidden", "8", "--lr", "0.1", "--steps", "40", "--tangent-kernels"],
              tmp, run_only)
        figs = os.path.join(tmp, "train_only")
        p = pkplot([run_only, "--outdir", figs], tmp)
        for n in ("predictions", "kernels", "loss", "explain", "superposition"):
            check_png(os.path.join(figs, n + ".png"))
        check_explain(p, run_only, "train:0")
        opened = pkplot_module().Run(run_only)
        check(opened.class_names() == ["3", "8"], "class names from the data file's attribute class_names")
        opened.close()
        p = pkplot([run_only, "--outdir", figs, "--query", "test:0"], tmp, expect=1)
        check("no test split" in p.stderr and len(p.stderr.strip().splitlines()) == 1,
              "a test query on a run without a test split: one clear message")

        # 2b. The test points the run never saw, replayed as new points: the explanation figure of
        #     the queries file, toward the same proponents and opponents as its rows say.
        replayed = os.path.join(tmp, "replayed.h5")
        mpiexec = shutil.which("mpiexec")
        run(([mpiexec, "-n", "2", "--oversubscribe"] if mpiexec else []) +
            [BIN, "replay", "--run", run_only, "--queries", os.path.join(SRC, "data", "digits2.h5") + ":test",
             "--out", replayed], tmp)
        figs = os.path.join(tmp, "replayed")
        p = pkplot([replayed, "--outdir", figs, "--query", "query:4"], tmp)
        check_png(os.path.join(figs, "explain.png"))
        check_explain(p, replayed, "query:4")
        p = pkplot([replayed, "--outdir", figs, "--query", "test:0"], tmp, expect=1)
        check("query only" in p.stderr, "a test query on a queries file: one clear message")

        # 3. Ten classes (softmax), kernels on one colour scale; explain toward the predicted
        #    class and toward a chosen one.
        digits10 = os.path.join(tmp, "digits10.h5")
        train(["--data", os.path.join(SRC, "data", "digits10.h5"), "--hidden", "8", "--lr", "0.1",
               "--steps", "30", "--tangent-kernels"], tmp, digits10)
        figs = os.path.join(tmp, "digits10")
        p = pkplot([digits10, "--outdir", figs, "--query", "test:5", "--shared-scale"], tmp)
        for n in ("predictions", "kernels", "loss", "explain", "superposition"):
            check_png(os.path.join(figs, n + ".png"))
        check_explain(p, digits10, "test:5")
        p = pkplot([digits10, "--outdir", figs, "--query", "test:5", "--output", "3", "--only", "explain"], tmp)
        check_explain(p, digits10, "test:5", output=3)

        # 4. Multi-output regression (built-in, two outputs): explain each output.
        reg2 = os.path.join(tmp, "reg2.h5")
        train(["--data", "builtin:regression2", "--n-train", "64", "--n-test", "32", "--hidden", "8",
               "--lr", "0.05", "--steps", "30", "--tangent-kernels"], tmp, reg2)
        figs = os.path.join(tmp, "reg2")
        p = pkplot([reg2, "--outdir", figs, "--top", "4"], tmp)
        for n in ("predictions", "kernels", "loss", "explain"):
            check_png(os.path.join(figs, n + ".png"))
        check_explain(p, reg2, "test:0", top=4)
        p = pkplot([reg2, "--outdir", figs, "--query", "train:7", "--output", "1", "--only", "explain"], tmp)
        check_explain(p, reg2, "train:7", output=1)
        p = pkplot([reg2, "--outdir", figs, "--class-names", "a,b", "--only", "loss"], tmp, expect=1)
        check("classification" in p.stderr, "--class-names on a regression run is refused")

        # 5. Built-in non-image regression without train kernel blocks: bar-chart explain,
        #    superposition skipped, kernels fall back to test x train.
        reg = os.path.join(tmp, "reg.h5")
        train(["--data", "builtin:regression", "--n-train", "48", "--n-test", "24", "--hidden", "8",
               "--lr", "0.05", "--steps", "30", "--skip-train-kernels"], tmp, reg)
        figs = os.path.join(tmp, "reg")
        p = pkplot([reg, "--outdir", figs], tmp)
        for n in ("predictions", "kernels", "loss", "explain"):
            check_png(os.path.join(figs, n + ".png"))
        check(not os.path.exists(os.path.join(figs, "superposition.png")) and "not an image" in p.stdout,
              "non-image data: superposition skipped with a note")
        # ... and its test points replayed as new points: built-in data, whose training labels
        # travel in the queries file.
        reg_only = os.path.join(tmp, "reg_only.h5")
        train(["--data", "builtin:regression", "--n-train", "48", "--n-test", "0", "--hidden", "8",
               "--lr", "0.05", "--steps", "30"], tmp, reg_only)
        points = os.path.join(tmp, "reg_points.h5")
        with h5py.File(reg, "r") as source, h5py.File(points, "w") as q:
            q["X"] = source["data/test/X"][()]
            q["y"] = source["data/test/y"][()]
        reg_replayed = os.path.join(tmp, "reg_replayed.h5")
        run(([mpiexec, "-n", "2", "--oversubscribe"] if mpiexec else []) +
            [BIN, "replay", "--run", reg_only, "--queries", points, "--out", reg_replayed], tmp)
        p = pkplot([reg_replayed, "--outdir", os.path.join(tmp, "reg_replayed"), "--query", "query:3"], tmp)
        check_png(os.path.join(tmp, "reg_replayed", "explain.png"))
        check_explain(p, reg_replayed, "query:3")

        # 6. Softmax, ntk, weight decay, 4x4 "images".
        blobs = os.path.join(tmp, "blobs.h5")
        train(["--data", "builtin:blobs", "--loss", "softmax", "--inputs", "16", "--n-train", "48",
               "--n-test", "24", "--hidden", "8", "--lr", "0.1", "--steps", "30", "--weight-decay", "1e-3",
               "--param", "ntk"], tmp, blobs)
        figs = os.path.join(tmp, "blobs")
        pkplot([blobs, "--outdir", figs, "--units", "2"], tmp)
        for n in ("predictions", "kernels", "loss", "explain", "superposition"):
            check_png(os.path.join(figs, n + ".png"))

        # 7. Convergence files in both layouts.
        for layout in ("datasets", "attributes"):
            conv = os.path.join(tmp, "converge_%s.h5" % layout)
            make_converge(conv, layout)
            out = os.path.join(tmp, "converge_" + layout)
            pkplot(["converge", conv, "--outdir", out], tmp)
            check_png(os.path.join(out, "converge.png"))
        # A real convergence table of a run without a test split.
        conv = os.path.join(tmp, "converge_train_only.h5")
        pathkernel("converge", ["--n-train", "32", "--n-test", "0", "--hidden", "8", "--steps", "20",
                                "--halvings", "2", "--gauss-max", "2"], tmp, conv)
        pkplot(["converge", conv, "--outdir", os.path.join(tmp, "converge_train_only")], tmp)
        check_png(os.path.join(tmp, "converge_train_only", "converge.png"))

        # 8. Validation studies: the digits run (logistic, tangent baselines) and the regression run
        #    (mse, path and random only); a share file is refused until merged.
        for run_file, name in ((digits, "validate_digits"), (reg, "validate_reg")):
            study = os.path.join(tmp, name + ".h5")
            pathkernel("validate", ["--run", run_file, "--queries", "test:0-5", "--topk", "2,5", "--lds-subsets", "6",
                                    "--loo", "5"], tmp, study)
            out = os.path.join(tmp, name)
            pkplot(["validate", study, "--outdir", out], tmp)
            for n in ("validate_topk", "validate_lds"):
                check_png(os.path.join(out, n + ".png"))
        share = os.path.join(tmp, "validate_share.h5")
        pathkernel("validate", ["--run", reg, "--queries", "test:0-2", "--topk", "2", "--lds-subsets", "3", "--loo", "2",
                                "--share", "0/2"], tmp, share)
        p = pkplot(["validate", share, "--outdir", tmp], tmp, expect=1)
        check("--merge" in p.stderr, "a share file is refused, naming --merge")

        # 9. Wrong format or version: exit code 2 with a clear message.
        bad = os.path.join(tmp, "bad.h5")
        with h5py.File(bad, "w") as f:
            f.attrs["format"] = "something-else"
            f.attrs["format_version"] = 1
        p = pkplot([bad, "--outdir", tmp], tmp, expect=2)
        check("pathkernel-run" in p.stderr, "wrong format message names the expected format")
        with h5py.File(bad, "w") as f:
            f.attrs["format"] = "pathkernel-converge"
            f.attrs["format_version"] = 7
        p = pkplot(["converge", bad, "--outdir", tmp], tmp, expect=2)
        check("format_version" in p.stderr, "wrong version message")
        p = pkplot([os.path.join(tmp, "converge_datasets.h5"), "--outdir", tmp], tmp, expect=2)
        p = pkplot(["converge", digits, "--outdir", tmp], tmp, expect=2)
        with open(os.path.join(tmp, "text.h5"), "w") as f:
            f.write("not hdf5\n")
        pkplot([os.path.join(tmp, "text.h5"), "--outdir", tmp], tmp, expect=2, subprocess_=True)

        # 10. A missing dataset is named in the error.
        broken = os.path.join(tmp, "broken.h5")
        shutil.copy(reg, broken)
        with h5py.File(broken, "a") as f:
            del f["/history/loss"]
        p = pkplot([broken, "--outdir", tmp, "--only", "loss"], tmp, expect=1)
        check("/history/loss" in p.stderr, "missing dataset is named")

        # 11. --help names the converge, dynamics and validate subcommands and the options.
        p = pkplot(["--help"], tmp)
        check(all(w in p.stdout for w in ("converge", "dynamics", "validate", "--class-names", "--shared-scale",
                                          "--output")),
              "--help mentions converge, dynamics, validate, --class-names, --shared-scale and --output")

        # 12. Kernel dynamics: a digits run with snapshots and layer kernels, measured with
        #     eigenpairs; every dynamics figure, the eigenvectors on the 8x8 images.
        snap = os.path.join(tmp, "snapshots.h5")
        train(["--data", os.path.join(SRC, "data", "digits2.h5"), "--hidden", "8,8", "--lr", "0.1", "--steps", "60",
               "--snapshots", "log:5", "--layer-kernels"], tmp, snap)
        dyn = os.path.join(tmp, "snapshots.dynamics.h5")
        pathkernel("dynamics", ["--run", snap, "--eigen", "4", "--eigenvectors"], tmp, dyn)
        figs = os.path.join(tmp, "dynamics")
        pkplot(["dynamics", dyn, "--outdir", figs, "--class-names", "three,eight"], tmp, subprocess_=True)
        for n in ("distance", "alignment", "spectrum", "eigenvectors"):
            check_png(os.path.join(figs, "dynamics_%s.png" % n))
        # Without eigenpairs the spectrum and the eigenvectors are skipped with a note ...
        plain = os.path.join(tmp, "plain.dynamics.h5")
        pathkernel("dynamics", ["--run", snap, "--kernels", "snapshots"], tmp, plain)
        p = pkplot(["dynamics", plain, "--outdir", os.path.join(tmp, "plain")], tmp)
        check(os.path.exists(os.path.join(tmp, "plain", "dynamics_alignment.png"))
              and not os.path.exists(os.path.join(tmp, "plain", "dynamics_spectrum.png"))
              and "skipped" in p.stdout, "a dynamics file without eigenpairs: spectrum skipped with a note")
        # ... and asked for by name, refused with a message naming --eigen.
        p = pkplot(["dynamics", plain, "--outdir", tmp, "--only", "spectrum"], tmp, expect=1)
        check("--eigen" in p.stderr, "the spectrum of a file without eigenvalues names --eigen")
        p = pkplot(["dynamics", snap, "--outdir", tmp], tmp, expect=2)
        check("pathkernel-dynamics" in p.stderr, "a run file given to pkplot dynamics: wrong format")
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s), %.1f s" % (len(FAILURES), time.time() - t0))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""pkplot: figures for a paper from pathkernel HDF5 files.

Usage:
  pkplot.py RUN.h5 [--outdir DIR] [options]       figures of a run (pathkernel train)
  pkplot.py converge CONVERGE.h5 [--outdir DIR]   figure of a convergence table (pathkernel converge)
  pkplot.py dynamics DYNAMICS.h5 [--outdir DIR]   figures of the kernel during training (pathkernel dynamics)
  pkplot.py validate VALIDATE.h5 [--outdir DIR]   figures of a validation study (pathkernel validate)

A run file (format "pathkernel-run", version 1) gives
  predictions.png    network f_S(x) against the kernel machine y_KM(x), train and test, and the
                     residual |r(x)| = |f_S(x) - y_KM(x)| of every point on a log axis
  kernels.png        path kernel and tangent kernels, train x train, grouped by class
  loss.png           training loss over the steps
  explain.png        a query next to the training examples that most support and most oppose
                     its prediction, and the scores of all training examples
  superposition.png  first-layer weight changes W_1^S - W_1^0 = sum_i Gamma_i x_i^T (image inputs)
A replay's queries file (format "pathkernel-queries", version 1: a run's rows for new points,
pathkernel replay) gives
  explain.png        as above for one of its points, --query query:INDEX (default query:0)
A convergence file (format "pathkernel-converge", version 1) gives
  converge.png       the absolute and the relative residual max|r| of the train and the test
                     points against the learning rate, and max|r| of the gauss:q rules

Options for a run file:
  --outdir DIR           folder for the PNG files, created if needed (default: .)
  --only LIST            comma-separated subset of predictions,kernels,loss,explain,superposition
  --data FILE            the data file with the inputs and labels (see below)
  --class-names A,B,...  class names in class order; default: the data file's root attribute
                         class_names (one comma-separated string), else the class numbers
  --query SPLIT:INDEX    the point explained (default test:0, or train:0 without a test split;
                         query:0 for a queries file)
  --top K                proponents and opponents shown (default 5)
  --output K             softmax: the class explained (default: the predicted class);
                         mse: the output explained (default 0)
  --shared-scale         kernels.png: one colour scale for every kernel panel (default: one each);
                         the figure's title says which
  --units N              superposition.png: the N first-layer units that moved most (default 4)
  --image-shape HxW      shape of an input image (default: square, D = H*H with H >= 4)
Option for a convergence file: --outdir DIR.

A dynamics file (format "pathkernel-dynamics", version 1) gives
  dynamics_distance.png      distance of the tangent kernel K^g_s to the first and the last snapshot,
                             and its velocity between snapshots, against the step (log axis)
  dynamics_alignment.png     centred kernel-target alignment of K^g_s against the step, with K^p and
                             each of its layers as lines
  dynamics_spectrum.png      the largest eigenvalues of K^g_s against the step, and the spectrum's shape
                             lambda_k / lambda_1 at the start, the end and of K^p (needs --eigen)
  dynamics_eigenvectors.png  the leading eigenvectors v_k as images sum_i v_ik x_i, at the start, the
                             end and of K^p, with their mean entry per class (needs --eigenvectors and
                             the run's data: --run RUN.h5, --data FILE)
Options for a dynamics file: --outdir, --run, --data, --class-names, --vectors N, --image-shape, --only.

A validation file (format "pathkernel-validate", version 1, a finished study) gives
  validate_topk.png  per score, the actual change of each query's output after its top-k examples
                     were removed and the network retrained, against the change the score predicts
  validate_lds.png   per score, the linear datamodeling score and the leave-one-out correlation
                     (mean and sd over the queries, and every query)

explain.png ranks training example i by its score toward the explained class or output:
  logistic  s C(x, i), s = +1 if f_S(x) > 0 (predicted class 1), else -1
  softmax   C_k(x, i) - mean_c C_c(x, i), k the predicted class argmax_c f_S(x)_c (or --output)
  mse       C_k(x, i) of output k (--output, default 0)
Proponents have the largest positive scores, opponents the most negative. pkplot
prints them on one line:
  explain SPLIT:J, score toward class|output K: proponents I,I,...; opponents I,I,...

Inputs and labels: --data FILE if given; otherwise /data in the run file for
built-in data; otherwise the data file named by /config `data`, tried in this
order: as written (relative to the working folder), relative to the folder of
the run file, then /config `data_file` (the absolute path recorded by the run).
The test split is optional: a run on a data file with only /train/X, /train/y
has no /predict/test and no /kernel/*/test; every figure then shows the
training points only, and explain refuses a test query.

Exit codes: 0 success, 1 missing data or bad arguments, 2 not a file of the
expected format or version.
"""

import argparse
import hashlib
import math
import os
import sys

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import gridspec, patches, ticker  # noqa: E402

try:
    import h5py
except ImportError:  # pragma: no cover
    sys.stderr.write("pkplot: the Python package h5py is required (Debian: python3-h5py)\n")
    sys.exit(1)

RUN_FORMAT = "pathkernel-run"
QUERIES_FORMAT = "pathkernel-queries"  # a replay's rows for new points (set "query") of a run
CONVERGE_FORMAT = "pathkernel-converge"
VALIDATE_FORMAT = "pathkernel-validate"
SUPPORTED_VERSION = 1

DPI = 150
CLASS_COLORS = plt.get_cmap("tab10").colors

plt.rcParams.update({
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "figure.titlesize": 11,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "savefig.bbox": "tight",
    "savefig.dpi": DPI,
})


class PkError(Exception):
    """An error with a message for the user and an exit code."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def _str(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _str(value[()])
    if isinstance(value, np.ndarray) and value.size == 1:
        return _str(value.reshape(-1)[0])
    return str(value)


def _scalar(value):
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError("not a scalar")
    return arr.reshape(-1)[0].item()


# --------------------------------------------------------------------------- files

def open_checked(path, fmt):
    """Open an HDF5 file and check its format and format_version attributes."""
    if not os.path.exists(path):
        raise PkError("'%s' does not exist" % path, 1)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise PkError("'%s' is not an HDF5 file (%s)" % (path, e), 2)
    formats = (fmt,) if isinstance(fmt, str) else tuple(fmt)
    expected = " or ".join('"%s"' % f_ for f_ in formats)
    got = f.attrs.get("format")
    if got is None:
        f.close()
        raise PkError("'%s' has no 'format' attribute; expected format %s" % (path, expected), 2)
    if _str(got) not in formats:
        f.close()
        raise PkError("'%s' has format \"%s\"; expected %s" % (path, _str(got), expected), 2)
    version = f.attrs.get("format_version")
    if version is None:
        f.close()
        raise PkError("'%s' has no 'format_version' attribute" % path, 2)
    try:
        version = int(_scalar(version))
    except (TypeError, ValueError):
        f.close()
        raise PkError("'%s': format_version %r is not an integer" % (path, version), 2)
    if version != SUPPORTED_VERSION:
        f.close()
        raise PkError("'%s' has format_version %d; this tool reads version %d"
                      % (path, version, SUPPORTED_VERSION), 2)
    return f


def need(f, name, what=None):
    """Read a dataset or fail with a message naming it."""
    if name not in f or not isinstance(f[name], h5py.Dataset):
        hint = (" (%s)" % what) if what else ""
        raise PkError("'%s' has no dataset %s%s" % (f.filename, name, hint), 1)
    return f[name][()]


def has(f, name):
    return name in f and isinstance(f[name], h5py.Dataset)


class Run:
    """The parts of a run file the figures use, read lazily."""

    def __init__(self, path, data_override=None, class_names=None):
        self.path = path
        self.f = open_checked(path, (RUN_FORMAT, QUERIES_FORMAT))
        # A replay's queries file: the run's /config, and rows for new points under the set "query".
        self.is_queries = _str(self.f.attrs.get("format")) == QUERIES_FORMAT
        complete = self.f.attrs.get("complete")
        if complete is None or int(_scalar(complete)) != 1:
            raise PkError("'%s' is not complete (complete != 1): the run did not finish" % path, 2)
        if "config" not in self.f:
            raise PkError("'%s' has no /config group" % path, 1)
        self.cfg = {k: v for k, v in self.f["config"].attrs.items()}
        self.data_override = data_override
        self.class_names_option = class_names
        self._data = None
        self._data_error = None
        self._data_class_names = None
        self._class_names = False  # not looked up yet

    def close(self):
        self.f.close()

    def config(self, key, default=None):
        if key not in self.cfg:
            return default
        v = self.cfg[key]
        if isinstance(v, (bytes, str)):
            return _str(v)
        arr = np.asarray(v)
        return arr.reshape(-1)[0].item() if arr.size == 1 and arr.ndim <= 1 and key != "hidden" else v

    @property
    def weight_decay(self):
        try:
            return float(self.config("weight_decay", 0.0))
        except (TypeError, ValueError):
            return 0.0

    @property
    def loss(self):
        return self.config("loss", "")

    @property
    def is_classification(self):
        return self.loss in ("logistic", "softmax")

    @property
    def n_classes(self):
        """2 for logistic, C for softmax, None for regression."""
        return {"logistic": 2, "softmax": int(self.config("outputs", 0))}.get(self.loss)

    # ---- inputs and labels

    @property
    def splits(self):
        """The query sets of the file: train, and test when the run has a test split; query for a
        replay's queries file."""
        if self.is_queries:
            return ["query"]
        return ["train", "test"] if has(self.f, "/predict/test/network") else ["train"]

    def data_candidates(self, name):
        """Where the data file /config data is looked for, in order: as given (relative to the
        working folder), relative to the run file's folder, then /config data_file."""
        cands = [name, os.path.join(os.path.dirname(os.path.abspath(self.path)), name),
                 self.config("data_file", "")]
        return [c for k, c in enumerate(cands) if c and c not in cands[:k]]

    def data(self):
        """Dict split -> (X, y) for the splits the run has, or raise PkError saying where to find it."""
        if self._data is not None:
            return self._data
        if self._data_error is not None:
            raise self._data_error
        try:
            self._data = self._load_data()
        except PkError as e:
            self._data_error = e
            raise
        return self._data

    def try_data(self):
        """data(), or None for the figures that can do without labels (the error stays in _data_error)."""
        try:
            return self.data()
        except PkError:
            return None

    def _load_data(self):
        out = self._load_run_data()
        if self.is_queries:
            # The new points are in the queries file itself; their targets are optional.
            X = need(self.f, "/queries/X", "the replayed points")
            y = self.f["/queries/y"][()] if has(self.f, "/queries/y") else None
            out["query"] = (X, y)
        return out

    def _load_run_data(self):
        name = self.config("data", "")
        if self.data_override is None and (name.startswith("builtin:") or name == ""):
            # A replay's queries file of built-in data carries the training split (FORMAT.md 6).
            stored = ["train"] if self.is_queries else self.splits
            return {split: (need(self.f, "/data/%s/X" % split, "built-in data"),
                            need(self.f, "/data/%s/y" % split, "built-in data"))
                    for split in stored}
        if self.data_override is not None:
            path = self.data_override
            if not os.path.exists(path):
                raise PkError("data file '%s' (--data) does not exist" % path, 1)
        else:
            tried = self.data_candidates(name)
            path = next((p for p in tried if os.path.exists(p)), None)
            if path is None:
                raise PkError("the run's data file '%s' (/config data) was not found; tried %s; "
                              "pass --data FILE" % (name, ", ".join("'%s'" % t for t in tried)), 1)
        try:
            d = h5py.File(path, "r")
        except OSError as e:
            raise PkError("data file '%s' is not an HDF5 file (%s)" % (path, e), 2)
        with d:
            return self._read_data_file(d, path)

    def _read_data_file(self, d, path):
        out = {}
        for split in ("train", "test"):
            present = [has(d, "/%s/%s" % (split, part)) for part in ("X", "y")]
            if split == "test" and not any(present):
                continue  # the test split is optional
            if not all(present):
                raise PkError("data file '%s' has no dataset /%s/%s: not a pathkernel data file"
                              % (path, split, "X" if not present[0] else "y"), 2)
            X = d["/%s/X" % split][()]
            y = d["/%s/y" % split][()]
            if X.ndim != 2 or y.shape[0] != X.shape[0]:
                raise PkError("data file '%s': /%s/X must be [N, D] and /%s/y have N rows"
                              % (path, split, split), 2)
            out[split] = (X, y)
        if "class_names" in d.attrs:
            self._data_class_names = _str(d.attrs["class_names"])
        for split, key in (("train", "n_train"), ("test", "n_test")):
            if split == "test" and self.is_queries:
                continue  # a queries file holds the run's /config with no test rows
            n = self.config(key)
            rows = out[split][0].shape[0] if split in out else 0
            if n is not None and int(n) != rows:
                raise PkError("data file '%s' has %d %s rows but the run used %d: wrong file?"
                              % (path, rows, split, int(n)), 1)
        inputs = self.config("inputs")
        if inputs is not None and int(inputs) != out["train"][0].shape[1]:
            raise PkError("data file '%s' has D = %d but the run used D = %d"
                          % (path, out["train"][0].shape[1], int(inputs)), 1)
        want_sha = self.config("data_sha256", "")
        if want_sha:
            h = hashlib.sha256()
            for split in out:
                for a in out[split]:
                    a = a.astype("<i8" if a.dtype.kind in "iu" else "<f8")
                    h.update(np.ascontiguousarray(a).tobytes())
            if h.hexdigest() != want_sha:
                print("pkplot: warning: data file '%s' differs from the one the run used "
                      "(SHA-256 mismatch)" % path, file=sys.stderr)
        return out

    def labels(self, split):
        d = self.try_data()
        return None if d is None or split not in d else d[split][1]

    # ---- class names and label texts

    def class_names(self):
        """Names of the classes: --class-names, else the data file's root attribute class_names,
        else None (numeric classes)."""
        if self._class_names is False:
            self._class_names = self._find_class_names()
        return self._class_names

    def _find_class_names(self):
        if self.class_names_option is not None:
            names = [t.strip() for t in self.class_names_option.split(",")]
            if self.n_classes is None:
                raise PkError("--class-names is for classification runs; this run's loss is %s" % self.loss, 1)
            if len(names) != self.n_classes:
                raise PkError("--class-names gives %d names but the run has %d classes"
                              % (len(names), self.n_classes), 1)
            return names
        if self.n_classes is None or self.try_data() is None or self._data_class_names is None:
            return None
        names = [t.strip() for t in self._data_class_names.split(",")]
        if len(names) != self.n_classes:
            print("pkplot: warning: the data file's class_names has %d names but the run has %d classes; "
                  "showing class numbers" % (len(names), self.n_classes), file=sys.stderr)
            return None
        return names

    def class_label(self, c):
        """A class for a sentence: its name, or "class 3"."""
        names = self.class_names()
        return names[c] if names else "class %d" % c

    def class_short(self, c):
        """A class for a tick label: its name, or "3"."""
        names = self.class_names()
        return names[c] if names else "%d" % c

    def classes(self, split):
        """Integer class of every row of a split, or None (regression, or labels not available)."""
        y = self.labels(split)
        return None if y is None else class_of(y, self.is_classification)

    def label_text(self, y_row):
        """A target, short: the class name for classification, all values for regression."""
        if y_row is None:
            return "unknown"
        if self.is_classification:
            return self.class_label(int(class_of(np.asarray([y_row]), True)[0]))
        v = np.asarray(y_row, dtype=float).reshape(-1)
        return ("%.2g" % v[0]) if v.size == 1 else "(" + ", ".join("%.2g" % x for x in v) + ")"


# --------------------------------------------------------------------------- helpers

def image_shape(D, override=None):
    if override:
        try:
            h, w = (int(t) for t in override.lower().split("x"))
        except ValueError:
            raise PkError("--image-shape must look like 8x8", 1)
        if h * w != D:
            raise PkError("--image-shape %dx%d does not match D = %d" % (h, w, D), 1)
        return h, w
    s = int(round(math.sqrt(D)))
    if s * s == D and s >= 4:
        return s, s
    return None


def class_of(y, classification):
    """Integer class per row: the label, or the argmax of one-hot rows; None for regression."""
    if not classification:
        return None
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    return np.argmax(y, axis=1) if y.ndim == 2 else np.rint(y).astype(int)


def sort_order(y, classification):
    """Rows grouped by class, or sorted by the (first) target for regression."""
    if y is None:
        return None
    cls = class_of(y, classification)
    if cls is not None:
        return np.argsort(cls, kind="stable")
    y = np.asarray(y)
    key = y[:, 0] if y.ndim == 2 else y
    return np.argsort(key, kind="stable")


def fmt_e(x):
    return "%.2e" % x if np.isfinite(x) else str(x)


def sym_limit(*arrays):
    """The largest finite |value| of the arrays (1 when there is none), for a symmetric colour scale."""
    vals = np.concatenate([np.abs(np.asarray(a, dtype=float)).ravel() for a in arrays])
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return 1.0
    v = float(vals.max())
    return v if v > 0 else 1.0


def label_log_minor(ax):
    """Label the minor ticks of a log y axis that spans less than two decades."""
    ax.yaxis.set_minor_formatter(ticker.LogFormatterSciNotation(labelOnlyBase=False, minor_thresholds=(2, 0.5)))


def save(fig, outdir, name):
    path = os.path.join(outdir, name)
    fig.savefig(path)
    plt.close(fig)
    print("wrote %s" % path)
    return path


# --------------------------------------------------------------------------- figures

def fig_predictions(run, outdir):
    f = run.f
    splits = run.splits
    summ = f["summary"].attrs if "summary" in f else {}
    pred = {s: (np.asarray(need(f, "/predict/%s/network" % s), dtype=float),
                np.asarray(need(f, "/predict/%s/kernel_machine" % s), dtype=float)) for s in splits}
    pred = {s: (net.reshape(net.shape[0], -1), km.reshape(km.shape[0], -1)) for s, (net, km) in pred.items()}
    C = pred["train"][0].shape[1]
    if len(splits) == 2:  # train and test side by side, their residuals below
        fig = plt.figure(figsize=(9.8, 7.4), constrained_layout=True)
        gs = fig.add_gridspec(2, 2, height_ratios=[1.35, 1])
        cells, residual_cell = [gs[0, 0], gs[0, 1]], gs[1, :]
    else:  # train only: the residuals beside
        fig = plt.figure(figsize=(10.5, 4.4), constrained_layout=True)
        gs = fig.add_gridspec(1, 2, width_ratios=[1, 1.25])
        cells, residual_cell = [gs[0, 0]], gs[0, 1]
    logit = {"logistic": " (logit)", "softmax": " (logits)"}.get(run.loss, "")
    for col, split in enumerate(splits):
        ax = fig.add_subplot(cells[col])
        net, km = pred[split]
        cls = run.classes(split)
        if C > 1:
            for c in range(C):
                ax.scatter(km[:, c], net[:, c], s=9, alpha=0.7, lw=0, color=CLASS_COLORS[c % 10],
                           label=("output for %s" % run.class_label(c)) if run.is_classification else "output %d" % c)
        elif cls is not None and len(np.unique(cls)) <= 10:
            for c in np.unique(cls):
                m = cls == c
                ax.scatter(km[m, 0], net[m, 0], s=10, alpha=0.75, lw=0, color=CLASS_COLORS[int(c) % 10],
                           label="true %s" % run.class_label(int(c)))
        else:
            ax.scatter(km[:, 0], net[:, 0], s=10, alpha=0.75, lw=0, color="C0", label="one dot per point")
        lo = float(min(np.nanmin(km), np.nanmin(net)))
        hi = float(max(np.nanmax(km), np.nanmax(net)))
        pad = 0.05 * (hi - lo if hi > lo else 1.0)
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="0.3", lw=0.8, ls="--",
                label="$f_S = y_{KM}$", zorder=0)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_aspect("equal")
        txt = "max $|r|$ = %s" % fmt_e(float(np.nanmax(np.abs(net - km))))
        rel = summ.get("rel_residual_%s" % split)
        if rel is not None:
            txt += "\nrelative %s" % fmt_e(float(_scalar(rel)))
        ax.text(0.04, 0.96, txt, transform=ax.transAxes, va="top", ha="left",
                bbox=dict(boxstyle="round", fc="white", ec="0.7"))
        ax.set_title("%s points (%s = %d)" % (split, "N" if split == "train" else "M", net.shape[0]))
        ax.set_xlabel("kernel machine $y_{KM}(x) = b(x) + \\Sigma_i\\, C(x, i)$")
        ax.set_ylabel("network $f_S(x)$" + logit)
        ax.grid(alpha=0.3)
        if col == len(splits) - 1:
            handles = ax.get_legend_handles_labels()[0]
            if len(handles) > 4:
                ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
            else:
                ax.legend(loc="lower right")

    # The residual of every point (and output), on a log scale: its sign by the marker fill.
    ax = fig.add_subplot(residual_cell)
    r_all = np.concatenate([(net - km).ravel() for net, km in pred.values()])
    nonzero = np.abs(r_all[r_all != 0])
    floor = nonzero.min() / 3 if nonzero.size else 1e-16
    size = 12 if r_all.size <= 2000 else 4  # smaller markers when there are many points
    for split, colour, marker in (("train", "0.2", "o"), ("test", "#7b3294", "s")):
        if split not in pred:
            continue
        net, km = pred[split]
        x, r = km.ravel(), (net - km).ravel()
        for sel, fill, sign in ((r > 0, colour, "> 0"), (r < 0, "none", "< 0")):
            ax.scatter(x[sel], np.abs(r[sel]), s=size, marker=marker, facecolors=fill, edgecolors=colour,
                       linewidths=0.7 if size > 4 else 0.4, alpha=0.7, label="%s, $r$ %s" % (split, sign))
        if (r == 0).any():
            ax.scatter(x[r == 0], np.full((r == 0).sum(), floor), s=14, marker="x", color=colour,
                       label="%s, $r$ = 0 exactly (drawn at the bottom)" % split)
        ax.axhline(np.abs(r).max(), color=colour, lw=0.8, ls="--",
                   label="%s: max $|r|$ = %s" % (split, fmt_e(float(np.abs(r).max()))))
    ax.set_yscale("log")
    label_log_minor(ax)
    ax.set_xlabel("kernel machine $y_{KM}(x)$" + (" (every point and output)" if C > 1 else ""))
    ax.set_ylabel("residual $|r(x)| = |f_S(x) - y_{KM}(x)|$")
    ax.set_title("Residual per point: filled markers $r > 0$, open markers $r < 0$")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.suptitle("Network $f_S$ against the kernel machine $y_{KM}$ of its path kernel"
                 + ("" if "test" in splits else " (the run has no test split)"))
    return save(fig, outdir, "predictions.png")


def _colour_scale(*kernels):
    """(cmap, vmin, vmax) for kernel matrices: diverging and centred at 0 when they have real
    negative entries, sequential from 0 (negatives clipped) when those are negligible."""
    vmax = sym_limit(*kernels)
    if min(float(np.nanmin(K)) for K in kernels) < -0.05 * vmax:
        return "RdBu_r", -vmax, vmax
    return "viridis", 0.0, vmax


def _class_blocks(ax, run, cls, axis):
    """Lines between the class blocks of a sorted axis and one label at each block's centre;
    labels closer than 1/12 of the axis to the previous one are left out."""
    bounds = np.flatnonzero(np.diff(cls)) + 1
    line = ax.axvline if axis == "x" else ax.axhline
    for b in bounds:
        line(b - 0.5, color="k", lw=0.6)
    edges = np.concatenate([[0], bounds, [cls.size]])
    ticks, labels = [], []
    for a, b in zip(edges[:-1], edges[1:]):
        centre = (a + b) / 2.0 - 0.5
        if not ticks or centre - ticks[-1] >= cls.size / 12.0:
            ticks.append(centre)
            labels.append(run.class_short(int(cls[a])))
    small = len(edges) - 1 > 4
    crowded = small and max(len(t) for t in labels) > 3
    if axis == "x":
        ax.set_xticks(ticks)
        ax.set_xticklabels(labels, fontsize=7 if small else 8, rotation=90 if crowded else 0)
    else:
        ax.set_yticks(ticks)
        ax.set_yticklabels(labels, fontsize=7 if small else 8, rotation=0 if small else 90, va="center")
    ax.tick_params(axis=axis, length=0)


def fig_kernels(run, outdir, shared_scale=False):
    f = run.f
    split = "train"
    if not has(f, "/kernel/path/train"):
        if not has(f, "/kernel/path/test"):
            raise PkError("'%s' has neither /kernel/path/train nor /kernel/path/test" % f.filename, 1)
        split = "test"
        print("pkplot: note: no train x train kernel blocks (run used --skip-train-kernels); "
              "showing test x train")
    names = [("/kernel/path/%s" % split, "path kernel $K^p(x_j, x_i)$")]
    for when, w in (("initial", "w_0"), ("final", "w_S")):
        name = "/kernel/tangent/%s/%s" % (when, split)
        if has(f, name):
            names.append((name, "tangent kernel $K^g(x_j, x_i)$ at $%s$" % w))
    ytr, yq = run.labels("train"), run.labels(split)
    if ytr is None:
        print("pkplot: note: %s; kernels.png shows the examples in input order" % run._data_error, file=sys.stderr)
    col_order = sort_order(ytr, run.is_classification)
    row_order = sort_order(yq, run.is_classification)
    kernels = [need(f, name) for name, _ in names]
    if col_order is not None:
        kernels = [K[row_order][:, col_order] for K in kernels]
    col_cls, row_cls = run.classes("train"), run.classes(split)
    blocks = col_cls is not None and len(np.unique(col_cls)) <= 20  # lines and labels per class
    if col_cls is not None:
        col_cls, row_cls = col_cls[col_order], row_cls[row_order]
        by = " (grouped by class)" if blocks else " (sorted by class)"
    elif col_order is not None:
        by = " (sorted by target $y$, output 0)" if np.ndim(ytr) == 2 and np.shape(ytr)[1] > 1 else \
            " (sorted by target $y$)"
    else:
        by = " (input order)"
    fig, axes = plt.subplots(1, len(names), figsize=(3.9 * len(names) + 0.8, 4.0), squeeze=False,
                             constrained_layout=True)
    axes = axes[0]
    shared = _colour_scale(*kernels) if shared_scale else None
    for ax, K, (_, title) in zip(axes, kernels, names):
        cmap, vmin, vmax = shared or _colour_scale(K)
        im = ax.imshow(K, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest", aspect="auto")
        ax.set_title(title)
        ax.set_xlabel("training example $x_i$" + by)
        ax.set_ylabel("%s example $x_j$" % ("training" if split == "train" else "test") + by)
        if blocks:
            _class_blocks(ax, run, col_cls, "x")
            _class_blocks(ax, run, row_cls, "y")
        if not shared_scale:
            clipped = vmin == 0 and np.nanmin(K) < 0
            fig.colorbar(im, ax=ax, fraction=0.05, pad=0.02, extend="min" if clipped else "neither")
    if shared_scale:
        clipped = shared[1] == 0 and min(np.nanmin(K) for K in kernels) < 0
        cb = fig.colorbar(im, ax=list(axes), fraction=0.05, pad=0.02, extend="min" if clipped else "neither")
        cb.set_label("kernel value $K(x_j, x_i)$, one scale for all panels")
    what = ("Kernels between training examples, train \u00d7 train (N = %d)" % kernels[0].shape[0]
            if split == "train" else "Kernels test \u00d7 train (the train \u00d7 train block was not stored)")
    outputs = int(run.config("outputs", 1))
    notes = (["traced over the C = %d outputs" % outputs] if outputs > 1 else []) + \
        ["one colour scale shared by all panels" if shared_scale else "each panel on its own colour scale"]
    fig.suptitle("%s\n%s" % (what, "; ".join(notes)), fontsize=10)
    return save(fig, outdir, "kernels.png")


def fig_loss(run, outdir):
    f = run.f
    loss = np.asarray(need(f, "/history/loss"), dtype=float)
    fig, ax = plt.subplots(figsize=(5.4, 3.6))
    steps = np.arange(loss.size)
    pos = loss > 0
    label = "all N = %d training examples" % int(run.config("n_train", 0))
    if np.any(pos):
        ax.semilogy(steps[pos], loss[pos], color="C0", lw=1.5, label=label)
    else:
        ax.plot(steps, loss, color="C0", lw=1.5, label=label)
    ax.set_xlabel("gradient step $s$")
    ax.set_ylabel("%s loss $L(w_s)$ (without weight decay)" % run.loss)
    ax.grid(alpha=0.3, which="both")
    title = "Training loss: %s, learning rate $\\eta$ = %s, %d steps" % (run.loss, run.config("lr", "?"),
                                                                        loss.size - 1)
    if has(f, "/history/lr"):
        lr = np.asarray(f["/history/lr"][()], dtype=float)
        if lr.size and np.ptp(lr) > 0:
            ax2 = ax.twinx()
            ax2.plot(np.arange(lr.size), lr, color="C1", lw=1, ls="--")
            ax2.set_ylabel("learning rate $\\eta_s$ (dashed)", color="C1")
    if np.any(pos):
        label_log_minor(ax)
        ax.text(0.97, 0.80, "$L(w_0)$ = %.3g\n$L(w_S)$ = %.3g" % (loss[0], loss[-1]), transform=ax.transAxes,
                ha="right", va="top", fontsize=8, bbox=dict(boxstyle="round", fc="white", ec="0.7"))
    ax.legend(loc="upper right")
    ax.set_title(title)
    fig.tight_layout()
    return save(fig, outdir, "loss.png")


def resolve_query(run, query):
    """(split, index) of --query, checked against the run; default test:0, or train:0 without a test split."""
    if query is None:
        query = "query:0" if run.is_queries else "test:0" if "test" in run.splits else "train:0"
    try:
        split, j = query.split(":")
        j = int(j)
    except ValueError:
        raise PkError("--query must look like test:0, train:12 or query:3 (a queries file), got '%s'" % query, 1)
    if split not in ("train", "test", "query"):
        raise PkError("--query split must be train, test or query, got '%s'" % split, 1)
    if run.is_queries != (split == "query"):
        raise PkError("--query %s: %s" % (query, "a queries file holds the set query only (e.g. --query query:0)"
                                          if run.is_queries else "the set query is in a replay's queries file"), 1)
    if split not in run.splits:
        raise PkError("--query %s: the run has no test split (its data has only /train); "
                      "explain a training point instead, e.g. --query train:0" % query, 1)
    name = "/kernel/contrib/%s" % split
    if not has(run.f, name):
        raise PkError("--query %s: '%s' has no dataset %s (the run used --skip-train-kernels)"
                      % (query, run.f.filename, name), 1)
    n = run.f[name].shape[0]
    if not 0 <= j < n:
        raise PkError("--query %s: index out of range (the %s set has %d points)" % (query, split, n), 1)
    return split, j


def explain_scores(loss, contrib, network, output=None):
    """Score of every training example toward the class or output explained, for one query.

    contrib is the query's row of /kernel/contrib ([N], or [N, C]) and network its f_S(x) ([C]).
      logistic: s C(x, i), s = +1 if f_S(x) > 0 (predicted class 1), else -1;
      softmax:  C_k(x, i) - mean_c C_c(x, i), k the predicted class (argmax f_S(x)) or `output`;
      mse:      C_k(x, i) of output k (`output`, default 0).
    Returns (scores [N], k), k the class (classification) or the output (mse) explained.
    """
    network = np.asarray(network, dtype=float).reshape(-1)
    contrib = np.asarray(contrib, dtype=float).reshape(-1, network.size)
    if output is not None and not 0 <= output < network.size:
        raise PkError("--output %d out of range (the run has %d output%s)"
                      % (output, network.size, "s" if network.size > 1 else ""), 1)
    if loss == "logistic":
        k = 1 if network[0] > 0 else 0
        return (1.0 if k == 1 else -1.0) * contrib[:, 0], k
    if loss == "softmax":
        k = int(np.argmax(network)) if output is None else output
        return contrib[:, k] - contrib.mean(axis=1), k
    k = 0 if output is None else output
    return contrib[:, k], k


def top_examples(scores, top):
    """Proponents (the largest positive scores, largest first) and opponents (the most negative)."""
    down = np.argsort(-scores, kind="stable")[:top]
    up = np.argsort(scores, kind="stable")[:top]
    return down[scores[down] > 0], up[scores[up] < 0]


def class_probabilities(loss, network):
    """Probability of every class from the network output: sigmoid (logistic) or softmax."""
    z = np.asarray(network, dtype=float).reshape(-1)
    if loss == "logistic":
        p1 = 0.5 * (1.0 + np.tanh(0.5 * z[0]))
        return np.array([1.0 - p1, p1])
    e = np.exp(z - z.max())
    return e / e.sum()


def _term(v, fmt="%.4g"):
    """A number as a term of a sum: negative values in parentheses."""
    return (fmt % v) if v >= 0 else "(%s)" % (fmt % v)


def fig_explain(run, outdir, split, j, top, output=None, shape_override=None):
    f = run.f
    query = "%s:%d" % (split, j)
    net = np.asarray(need(f, "/predict/%s/network" % split)[j], dtype=float).reshape(-1)
    bias = np.asarray(need(f, "/predict/%s/bias" % split)[j], dtype=float).reshape(-1)
    km = np.asarray(need(f, "/predict/%s/kernel_machine" % split)[j], dtype=float).reshape(-1)
    scores, k = explain_scores(run.loss, f["/kernel/contrib/%s" % split][j], net, output)
    pro, opp = top_examples(scores, top)
    data = run.data()
    Xtr, ytr = data["train"]
    Xq, yq = data[split]
    yj = None if yq is None else yq[j]  # a replay's points may come without targets
    print("explain %s, score toward %s %d: proponents %s; opponents %s"
          % (query, "class" if run.is_classification else "output", k,
             ",".join(map(str, pro)), ",".join(map(str, opp))))

    C = net.size
    c = k if C > 1 else 0  # the output whose decomposition is shown
    sub = "_{%d}" % c if C > 1 else ""
    decomposition = ("$f_{S%s}(x) = b%s(x) + \\Sigma_i\\, C%s(x, i) + r%s(x)$:  %.4g = %s + %s + %s"
                     % ("," + str(c) if C > 1 else "", sub, sub, sub, net[c], _term(bias[c]),
                        _term(km[c] - bias[c]), _term(net[c] - km[c], "%.2g")))
    if run.is_classification:
        probs = class_probabilities(run.loss, net)
        pred = int(np.argmax(probs))
        about = run.class_label(k)
        header = ("Query %s: true %s, predicted %s (p = %.3f)"
                  % (query, run.label_text(yj), run.class_label(pred), probs[pred]))
        if k == pred:
            roles = ("supports the prediction (%s)" % about, "opposes the prediction (%s)" % about)
        else:
            header += "; explaining %s (p = %.3f)" % (about, probs[k])
            roles = ("supports %s" % about, "opposes %s" % about)
        if run.loss == "logistic":
            formula = "$%sC(x, i)$" % ("" if k == 1 else "-")
        else:
            formula = "$C_{%d}(x, i) - \\frac{1}{%d}\\Sigma_c\\, C_c(x, i)$" % (k, C)
        toward = "toward %s" % about
    else:
        header = ("Query %s: target y = %s, network $f_S(x)$ = %s"
                  % (query, run.label_text(yj), run.label_text(net)))
        out = "$f_S(x)$" if C == 1 else "output %d" % k
        roles = ("raises %s" % out, "lowers %s" % out)
        formula = "$C%s(x, i)$" % sub
        toward = "on %s" % out
    title = "%s\n%s" % (header, decomposition)
    red, blue = "#b2182b", "#2166ac"

    shp = image_shape(Xtr.shape[1], shape_override)
    if shp is None:
        print("pkplot: note: D = %d is not an image; explain.png shows a bar chart of the scores" % Xtr.shape[1])
        sel = np.concatenate([pro, opp[::-1]])
        fig, ax = plt.subplots(figsize=(max(6.0, 1.2 + 0.85 * sel.size), 4.0))
        ax.bar(np.arange(sel.size), scores[sel], color=[red if scores[i] > 0 else blue for i in sel])
        ax.axhline(0, color="k", lw=0.8)
        ax.set_xticks(np.arange(sel.size))
        ax.set_xticklabels(["#%d\n%s" % (i, run.label_text(ytr[i])) for i in sel], fontsize=7)
        ax.set_xlabel("training example: index $i$ and %s (top %d each way)"
                      % ("class" if run.is_classification else "target $y_i$", top))
        ax.set_ylabel("score %s: %s" % (toward, formula))
        ax.legend(handles=[patches.Patch(color=red, label=roles[0]),
                           patches.Patch(color=blue, label=roles[1])], loc="best")
        ax.grid(alpha=0.3, axis="y")
        ax.set_title(title)
        fig.tight_layout()
        return save(fig, outdir, "explain.png")

    n = max(len(pro), len(opp), 1)
    fig = plt.figure(figsize=(3.0 + 1.45 * n, 6.0))
    # Column 1 is an empty gap that holds the row labels of the tiles.
    gs = gridspec.GridSpec(3, n + 2, figure=fig, height_ratios=[1, 1, 0.9],
                           width_ratios=[1.5, 0.3] + [1] * n, hspace=0.6, wspace=0.25)
    lo, hi = float(min(Xtr.min(), Xq.min())), float(max(Xtr.max(), Xq.max()))
    axq = fig.add_subplot(gs[0:2, 0])
    axq.imshow(Xq[j].reshape(shp), cmap="gray_r", vmin=lo, vmax=hi, interpolation="nearest")
    axq.set_title("query %s\ntrue: %s" % (query, run.label_text(yj)))
    axq.set_xticks([])
    axq.set_yticks([])
    for r_, idxs, role, col in ((0, pro, roles[0], red), (1, opp, roles[1], blue)):
        for t in range(n):
            ax = fig.add_subplot(gs[r_, t + 2])
            ax.set_xticks([])
            ax.set_yticks([])
            if t >= len(idxs):
                ax.axis("off")
                continue
            i = idxs[t]
            ax.imshow(Xtr[i].reshape(shp), cmap="gray_r", vmin=lo, vmax=hi, interpolation="nearest")
            ax.set_title("#%d  %s\nscore %+.3g" % (i, run.label_text(ytr[i]), scores[i]), color=col, fontsize=8)
            for s in ax.spines.values():
                s.set_edgecolor(col)
                s.set_linewidth(2)
            if t == 0:
                ax.set_ylabel(role.replace(" (", "\n("), color=col)
    # The scores of all training examples, sorted, coloured by the training class.
    axc = fig.add_subplot(gs[2, :])
    srt = np.argsort(-scores, kind="stable")
    cls = run.classes("train")
    if cls is not None and len(np.unique(cls)) <= 10:
        for cc in np.unique(cls):
            pos = np.flatnonzero(cls[srt] == cc)
            axc.bar(pos, scores[srt][pos], width=1.0, color=CLASS_COLORS[int(cc) % 10],
                    label=run.class_label(int(cc)))
        axc.legend(title="training class", loc="upper left", bbox_to_anchor=(1.005, 1.0),
                   ncol=2 if len(np.unique(cls)) > 5 else 1)
    else:
        axc.bar(np.arange(srt.size), scores[srt], width=1.0, color="0.4")
    axc.axhline(0, color="k", lw=0.6)
    axc.set_xlim(-0.5, srt.size - 0.5)
    axc.set_xlabel("all N = %d training examples $i$, sorted by score" % srt.size)
    axc.set_ylabel("score")
    axc.set_title("score %s: %s" % (toward, formula))
    axc.grid(alpha=0.3, axis="y")
    fig.suptitle(title, y=1.0)
    return save(fig, outdir, "explain.png")


def fig_superposition(run, outdir, units, top=4, shape_override=None):
    f = run.f
    W0 = np.asarray(need(f, "/params/initial/layer_0/W"), dtype=float)
    WS = np.asarray(need(f, "/params/final/layer_0/W"), dtype=float)
    G = np.asarray(need(f, "/superposition/Gamma"), dtype=float)
    D = W0.shape[1]
    shp = image_shape(D, shape_override)
    if shp is None:
        print("pkplot: note: D = %d is not an image; superposition.png skipped" % D)
        return None
    Xtr, ytr = run.data()["train"]
    if G.shape[0] != Xtr.shape[0] or G.shape[1] != W0.shape[0] or Xtr.shape[1] != D:
        raise PkError("/superposition/Gamma %s does not match N = %d, first layer %s"
                      % (G.shape, Xtr.shape[0], W0.shape), 1)
    dW = WS - W0
    S = G.T @ Xtr  # [H_1, D]
    lam = run.weight_decay
    norms = np.linalg.norm(dW, axis=1)
    units = max(1, min(units, dW.shape[0]))
    chosen = np.argsort(norms)[::-1][:units]
    ncol = 2 + top
    fig, axes = plt.subplots(units, ncol, figsize=(1.6 * ncol + 1.0, 1.8 * units + 0.9), squeeze=False,
                             constrained_layout=True)
    for r, u in enumerate(chosen):
        contrib = np.abs(G[:, u]) * np.linalg.norm(Xtr, axis=1)
        best = np.argsort(contrib)[::-1][:top]
        terms = [G[i, u] * Xtr[i] for i in best]
        vmax = sym_limit(dW[u], S[u])
        tmax = sym_limit(*terms) if terms else 1.0
        panels = [(dW[u], "unit %d: $W_1^S - W_1^0$" % u, vmax),
                  (S[u], "unit %d: $\\sum_i \\Gamma_{i,%d}\\, x_i$" % (u, u), vmax)]
        for i, t in zip(best, terms):
            panels.append((t, "#%d  %s\n$\\Gamma_{i,%d}$ = %+.2g" % (i, run.label_text(ytr[i]), u, G[i, u]), tmax))
        ims = []
        for c, ax in enumerate(axes[r]):
            ax.set_xticks([])
            ax.set_yticks([])
            if c >= len(panels):
                ax.axis("off")
                continue
            img, title, lim = panels[c]
            ims.append(ax.imshow(np.asarray(img).reshape(shp), cmap="RdBu_r", vmin=-lim, vmax=lim,
                                 interpolation="nearest"))
            ax.set_title(title, fontsize=8)
        cb = fig.colorbar(ims[0], ax=list(axes[r][:2]), shrink=0.85, pad=0.02)
        cb.ax.tick_params(labelsize=6)
        cb.set_label("weight change", fontsize=7)
        if len(ims) > 2:
            cb = fig.colorbar(ims[2], ax=list(axes[r][2:len(panels)]), shrink=0.85, pad=0.02)
            cb.ax.tick_params(labelsize=6)
            cb.set_label("term $\\Gamma_{ij} x_i$", fontsize=7)
    resid = float(np.max(np.abs(dW - S)))
    title = ("Superposition of first-layer weight changes: $W_1^S - W_1^0 = \\sum_i \\Gamma_i x_i^T$"
             " (max |difference| %s)" % fmt_e(resid))
    if lam > 0:
        title = ("Superposition of first-layer weight changes (weight decay $\\lambda$ = %g):\n"
                 "the weight-decay term $-\\lambda \\sum_s \\epsilon_s W_1^s$ is not stored and not shown "
                 "(max |$\\Delta W - \\sum_i \\Gamma_i x_i^T$| = %s)" % (lam, fmt_e(resid)))
    if run.config("param", "standard") == "ntk":
        title += "\n(stored weights; the network uses $W/\\sqrt{\\mathrm{fan\\_in}}$)"
    title += ("\nleft: the %d units that moved most; right: the %d largest terms $\\Gamma_{ij} x_i$ "
              "(ranked by $|\\Gamma_{ij}|\\,\\|x_i\\|$)" % (units, top))
    fig.suptitle(title, fontsize=10)
    return save(fig, outdir, "superposition.png")


# --------------------------------------------------------------------------- converge

def _value(f, name, required=False):
    """A value of the convergence file stored as a dataset or as a root attribute."""
    if name in f and isinstance(f[name], h5py.Dataset):
        return np.asarray(f[name][()])
    if name in f.attrs:
        return np.asarray(f.attrs[name])
    if required:
        raise PkError("'%s' has no dataset or attribute %s" % (f.filename, name), 1)
    return None


def fit_order(lr, r):
    """Least-squares slope p of log r against log lr, or None with fewer than two usable points."""
    m = (lr > 0) & (r > 0) & np.isfinite(r)
    if m.sum() < 2:
        return None
    return float(np.polyfit(np.log(lr[m]), np.log(r[m]), 1)[0])


def _series(f, key, n):
    """A per-learning-rate dataset of the convergence file (n entries), or None when absent."""
    v = _value(f, key)
    if v is None:
        return None
    v = np.asarray(v, dtype=float).reshape(-1)
    if v.size != n:
        raise PkError("'%s': %s has %d entries but lr has %d" % (f.filename, key, v.size, n), 1)
    return v


def _first(v):
    return None if v is None or np.asarray(v).size == 0 else float(np.asarray(v).reshape(-1)[0])


def _lr_axis(ax, lr, lr_times_steps):
    """Learning rates as x ticks; the steps taken at each on a top axis when lr x steps is fixed."""
    ulr = np.unique(lr[lr > 0])
    if 0 < ulr.size <= 8:
        ax.set_xticks(ulr)
        ax.xaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_xlabel("learning rate $\\eta$ (left rule)")
    if lr_times_steps and 0 < ulr.size <= 8:
        top = ax.secondary_xaxis("top", functions=(lambda x: lr_times_steps / np.maximum(x, 1e-300),
                                                   lambda s: lr_times_steps / np.maximum(s, 1e-300)))
        top.set_xticks(lr_times_steps / ulr)
        top.xaxis.set_major_formatter(ticker.FormatStrFormatter("%d"))
        top.xaxis.set_minor_formatter(ticker.NullFormatter())
        top.set_xlabel("steps $S$ ($\\eta S$ = %g)" % lr_times_steps)


def fig_converge(path, outdir):
    f = open_checked(path, CONVERGE_FORMAT)
    with f:
        lr = np.asarray(_value(f, "lr", True), dtype=float).reshape(-1)
        absolute = {s: _series(f, "max_abs_residual_" + s, lr.size) for s in ("train", "test")}
        relative = {s: _series(f, "rel_residual_" + s, lr.size) for s in ("train", "test")}
        if absolute["train"] is None and absolute["test"] is None:
            raise PkError("'%s' has no max_abs_residual_train or max_abs_residual_test" % path, 1)
        orders = {"train": _first(_value(f, "order_train")), "test": _first(_value(f, "order_test"))}
        if orders["train"] is None:
            orders["train"] = _first(_value(f, "order"))
        steps = _value(f, "steps")
        cfg = f["config"].attrs if "config" in f else {}
        n_points = {s: int(_scalar(cfg["n_" + s])) if "n_" + s in cfg else None for s in ("train", "test")}
        lr_times_steps = _first(_value(f, "lr_times_steps"))
        gq = _value(f, "gauss_q")
        gr = _value(f, "gauss_max_abs_residual")
    if lr_times_steps is None and steps is not None:
        st = np.asarray(steps, dtype=float).reshape(-1)
        products = lr * st
        if st.size == lr.size and np.allclose(products, products[0]):
            lr_times_steps = float(products[0])
    sizes = {s: sym if n_points[s] is None else "%s = %d" % (sym, n_points[s])
             for s, sym in (("train", "N"), ("test", "M"))}
    gauss = gq is not None and gr is not None and np.asarray(gq).size > 0
    has_relative = any(v is not None for v in relative.values())
    panels = 1 + has_relative + gauss
    fig, axes = plt.subplots(1, panels, figsize=(4.6 * panels, 4.2), squeeze=False, constrained_layout=True)
    axes = list(axes[0])
    styles = {"train": dict(color="C0", marker="o"), "test": dict(color="C1", marker="s")}

    ax = axes.pop(0)
    for split, r in absolute.items():
        if r is None:
            continue
        m = (lr > 0) & (r > 0)
        p = orders[split] if orders[split] is not None else fit_order(lr, r)
        label = "%s (%s)" % (split, sizes[split]) + ("" if p is None else ": order $p$ = %.2f" % p)
        ax.loglog(lr[m], r[m], lw=1.2, ms=5, label=label, **styles[split])
    ref = absolute["train"] if absolute["train"] is not None else absolute["test"]
    m = (lr > 0) & (ref > 0)
    if m.sum() >= 2:
        # Slope-1 reference (the theory for the left rule) through the geometric centre of the points.
        xs = np.array([lr[m].min(), lr[m].max()])
        cx, cy = np.mean(np.log(lr[m])), np.mean(np.log(ref[m]))
        ax.loglog(xs, np.exp(cy + (np.log(xs) - cx)), color="0.4", ls=":", lw=1, label="slope 1 (theory)")
    _lr_axis(ax, lr, lr_times_steps)
    ax.set_ylabel("absolute residual max$_x\\, |r(x)|$")
    ax.set_title("Absolute residual, left rule")
    ax.grid(alpha=0.3, which="both")
    ax.legend()

    if has_relative:
        ax = axes.pop(0)
        for split, r in relative.items():
            if r is not None:
                m = (lr > 0) & (r > 0)
                ax.loglog(lr[m], r[m], lw=1.2, ms=5, label="%s (%s)" % (split, sizes[split]), **styles[split])
        _lr_axis(ax, lr, lr_times_steps)
        ax.set_ylabel("relative residual max$_x\\, |r(x)|\\, /$ max$_x\\, |f_S(x) - f_0(x)|$")
        ax.set_title("Relative residual, left rule")
        ax.grid(alpha=0.3, which="both")
        ax.legend()

    if gauss:
        ax = axes.pop(0)
        q = np.asarray(gq).reshape(-1)
        r = np.asarray(gr, dtype=float).reshape(-1)
        if r.size != q.size:
            raise PkError("'%s': gauss_max_abs_residual has %d entries but gauss_q has %d"
                          % (path, r.size, q.size), 1)
        m = r > 0
        both = "train (%s)" % sizes["train"] if n_points["test"] == 0 else "train and test together"
        ax.semilogy(q[m], r[m], marker="o", color="C2", lw=1.2, label=both)
        if (~m).any():
            ax.plot(q[~m], np.full((~m).sum(), r[m].min() if m.any() else 1e-16), "v", color="C2",
                    label="exactly 0 (drawn at the lowest value)")
        ax.set_xticks(q)
        ax.set_xlabel("Gauss-Legendre points $q$ per step (rule gauss:$q$)")
        ax.set_ylabel("absolute residual max$_x\\, |r(x)|$")
        ax.set_title("Absolute residual, gauss:$q$ rule at $\\eta$ = %g%s"
                     % (lr.max(), ", $S$ = %d" % round(lr_times_steps / lr.max()) if lr_times_steps else ""))
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    for ax in fig.axes:
        if ax.get_yscale() == "log":
            label_log_minor(ax)
    fig.suptitle("Convergence of the kernel machine $y_{KM}$ to the network $f_S$\nresidual "
                 "$r(x) = f_S(x) - y_{KM}(x)$, largest over the points of each series", fontsize=10)
    return save(fig, outdir, "converge.png")


# --------------------------------------------------------------------------- dynamics

DYNAMICS_FORMAT = "pathkernel-dynamics"
DYNAMICS_FIGURES = ["distance", "alignment", "spectrum", "eigenvectors"]


class Dynamics:
    """The series of a dynamics file (format pathkernel-dynamics): snapshots, path, path_layer."""

    def __init__(self, path):
        self.path = path
        self.f = open_checked(path, DYNAMICS_FORMAT)
        complete = self.f.attrs.get("complete")
        if complete is None or int(_scalar(complete)) != 1:
            raise PkError("'%s' is not complete (complete != 1)" % path, 2)
        cfg = self.f["config"].attrs if "config" in self.f else {}
        self.cfg = {k: _str(v) if isinstance(v, (bytes, str)) else v for k, v in cfg.items()}

    def close(self):
        self.f.close()

    def has(self, group):
        return group in self.f and isinstance(self.f[group], h5py.Group)

    def get(self, group, name):
        return np.asarray(need(self.f, "/%s/%s" % (group, name)), dtype=float)

    def snapshots(self):
        if not self.has("snapshots"):
            raise PkError("'%s' has no /snapshots: run pathkernel dynamics on a run trained with --snapshots"
                          % self.path, 1)
        return np.asarray(need(self.f, "/snapshots/steps")).astype(int)

    def eigenvalues(self, group):
        name = "/%s/eigenvalues" % group
        if not has(self.f, name):
            raise PkError("'%s' has no %s: run pathkernel dynamics with --eigen K" % (self.path, name), 1)
        return np.asarray(self.f[name][()], dtype=float)

    def run(self, override=None, data=None):
        """The run file the dynamics was measured on: --run, else /config run as given, else
        beside the dynamics file."""
        name = override or _str(self.cfg.get("run", ""))
        tried = [name, os.path.join(os.path.dirname(os.path.abspath(self.path)), os.path.basename(name))]
        path = next((p for p in tried if p and os.path.exists(p)), None)
        if path is None:
            raise PkError("the run file '%s' of '%s' was not found (tried %s); pass --run RUN.h5"
                          % (name, self.path, ", ".join("'%s'" % t for t in tried if t)), 1)
        return Run(path, data)


def _step_axis(ax, steps):
    """Steps on a log axis that still shows step 0: linear below 1, logarithmic above."""
    ax.set_xscale("symlog", linthresh=1.0, linscale=0.4)
    ax.set_xlim(-0.1 if steps.min() == 0 else steps.min() * 0.8, steps.max() * 1.3)
    ax.set_xlabel("gradient step $s$ (logarithmic above 1)")
    ax.grid(alpha=0.3, which="both")


def _layer_label(l):
    return "layer %d ($W_{%d}$, $b_{%d}$) of $K^p$" % (l + 1, l + 1, l + 1)


def fig_dynamics_distance(dyn, outdir):
    steps = dyn.snapshots()
    first, last = dyn.get("snapshots", "distance_first"), dyn.get("snapshots", "distance_last")
    velocity = dyn.get("snapshots", "velocity")
    fig, (ax, axv) = plt.subplots(1, 2, figsize=(10.4, 4.0), constrained_layout=True)
    ax.plot(steps, first, "o-", color="C0", ms=4, label="to the initial kernel $K^g_0$")
    ax.plot(steps, last, "s-", color="C3", ms=4, label="to the final kernel $K^g_S$")
    if dyn.has("path"):
        for value, colour, what in ((dyn.get("path", "distance_first")[0], "C0", "$K^g_0$"),
                                    (dyn.get("path", "distance_last")[0], "C3", "$K^g_S$")):
            if np.isfinite(value):
                ax.axhline(value, color=colour, ls=":", lw=1, label="path kernel $K^p$ to %s: %.3g" % (what, value))
    _step_axis(ax, steps)
    ax.set_ylabel("kernel distance $1 - \\langle K, K' \\rangle_F / (\\|K\\|_F \\|K'\\|_F)$")
    ax.set_title("Distance of the tangent kernel $K^g_s$ to the start and the end")
    ax.legend(fontsize=7)
    # Velocity is an average over the interval between two snapshots: drawn as a segment over it.
    for j in range(1, steps.size):
        if np.isfinite(velocity[j]) and velocity[j] > 0:
            axv.plot([steps[j - 1], steps[j]], [velocity[j], velocity[j]], color="C2", lw=2,
                     label="average over the interval" if j == 1 else None)
    axv.set_yscale("log")
    _step_axis(axv, steps)
    axv.set_ylabel("velocity: distance per unit of training time $t$")
    axv.set_title("Speed of the tangent kernel between snapshots ($t_s = \\sum_{r<s} \\epsilon_r$)")
    axv.legend(fontsize=7)
    fig.suptitle("How far the tangent kernel moves during training (train \u00d7 train, N = %s, %s snapshots)"
                 % (dyn.cfg.get("n_train", "?"), steps.size), fontsize=10)
    return save(fig, outdir, "dynamics_distance.png")


def fig_dynamics_alignment(dyn, outdir):
    steps = dyn.snapshots()
    fig, ax = plt.subplots(figsize=(6.8, 4.2), constrained_layout=True)
    ax.plot(steps, dyn.get("snapshots", "alignment"), "o-", color="k", ms=4, lw=1.5,
            label="tangent kernel $K^g_s$ at step $s$")
    if dyn.has("path"):
        ax.axhline(dyn.get("path", "alignment")[0], color="C3", lw=1.5, ls="--", label="path kernel $K^p$")
    if dyn.has("path_layer"):
        for l, value in enumerate(dyn.get("path_layer", "alignment")):
            ax.axhline(value, color=CLASS_COLORS[l % 10], lw=1, ls=":", label=_layer_label(l))
    _step_axis(ax, steps)
    ax.set_ylabel("centred alignment $\\langle HKH, Y\\rangle_F / (\\|HKH\\|_F \\|HYH\\|_F)$")
    ax.set_title("Alignment of the kernel with the targets, $Y = y y^T$\n(%s)"
                 % dyn.cfg.get("targets", "targets"))
    ax.legend(fontsize=7, loc="best")
    return save(fig, outdir, "dynamics_alignment.png")


def fig_dynamics_spectrum(dyn, outdir, count=8):
    steps = dyn.snapshots()
    values = dyn.eigenvalues("snapshots")
    count = min(count, values.shape[1])
    fig, (ax, axs) = plt.subplots(1, 2, figsize=(10.4, 4.0), constrained_layout=True)
    cmap = plt.get_cmap("viridis")
    for k in range(count):
        ax.plot(steps, values[:, k], "o-", ms=3, lw=1.2, color=cmap(k / max(count - 1, 1)),
                label="$\\lambda_{%d}$" % (k + 1))
    ax.set_yscale("log")
    _step_axis(ax, steps)
    ax.set_ylabel("eigenvalue of $K^g_s$")
    ax.set_title("The %d largest eigenvalues of the tangent kernel" % count)
    ax.legend(fontsize=7, ncol=2)
    # The spectrum's shape: lambda_k / lambda_1 at the first and last snapshot and of K^p.
    k = np.arange(1, values.shape[1] + 1)
    shapes = [(values[0], "$K^g_0$ (step %d)" % steps[0], "C0"), (values[-1], "$K^g_S$ (step %d)" % steps[-1], "C3")]
    if dyn.has("path") and has(dyn.f, "/path/eigenvalues"):
        shapes.append((dyn.eigenvalues("path")[0], "path kernel $K^p$", "k"))
    for v, label, colour in shapes:
        axs.semilogy(k, np.abs(v) / abs(v[0]), "o-", ms=3, color=colour, label=label)
    axs.set_xlabel("index $k$ (largest first)")
    axs.set_ylabel("$|\\lambda_k| / \\lambda_1$")
    axs.set_title("Shape of the spectrum")
    axs.grid(alpha=0.3, which="both")
    axs.legend(fontsize=7)
    fig.suptitle("Spectrum of the tangent kernel during training (symmetric part, train \u00d7 train)",
                 fontsize=10)
    return save(fig, outdir, "dynamics_spectrum.png")


def _eigenvector_sources(dyn):
    """(label, eigenvalues [E], eigenvectors [N, E]) of the initial and final snapshot and of K^p."""
    out = []
    if dyn.has("snapshots") and has(dyn.f, "/snapshots/eigenvectors"):
        steps = dyn.snapshots()
        vec, val = dyn.f["/snapshots/eigenvectors"], dyn.eigenvalues("snapshots")
        out.append(("$K^g_0$ (step %d)" % steps[0], val[0], np.asarray(vec[0], dtype=float)))
        out.append(("$K^g_S$ (step %d)" % steps[-1], val[-1], np.asarray(vec[-1], dtype=float)))
    if dyn.has("path") and has(dyn.f, "/path/eigenvectors"):
        out.append(("path kernel $K^p$", dyn.eigenvalues("path")[0],
                    np.asarray(dyn.f["/path/eigenvectors"][0], dtype=float)))
    if not out:
        raise PkError("'%s' has no eigenvectors: run pathkernel dynamics with --eigen K --eigenvectors"
                      % dyn.path, 1)
    return out


def fig_dynamics_eigenvectors(dyn, run, outdir, count=4, shape_override=None):
    sources = _eigenvector_sources(dyn)
    X, y = run.data()["train"]
    shp = image_shape(X.shape[1], shape_override)
    if shp is None:
        print("pkplot: note: D = %d is not an image; dynamics_eigenvectors.png skipped" % X.shape[1])
        return None
    count = min(count, sources[0][2].shape[1])
    cls = run.classes("train")
    bars = cls is not None and len(np.unique(cls)) <= 10
    ncol = len(sources) + (1 if bars else 0)
    fig, axes = plt.subplots(count, ncol, figsize=(2.2 * ncol + 1.4, 2.05 * count + 0.9), squeeze=False,
                             constrained_layout=True)
    for k in range(count):
        images = [X.T @ v[:, k] for _, _, v in sources]  # sum_i v_ik x_i
        lim = sym_limit(*images)
        for c, ((label, values, _), img) in enumerate(zip(sources, images)):
            ax = axes[k][c]
            im = ax.imshow(img.reshape(shp), cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title("%s\n$\\lambda_{%d}$ = %.3g" % (label, k + 1, values[k]), fontsize=7)
            if c == 0:
                ax.set_ylabel("eigenvector %d" % (k + 1))
        fig.colorbar(im, ax=list(axes[k][:len(sources)]), shrink=0.8, pad=0.02).ax.tick_params(labelsize=6)
        if bars:
            ax = axes[k][-1]
            v = sources[-1][2][:, k]
            classes = np.unique(cls)
            ax.bar(classes, [v[cls == c].mean() for c in classes], color=[CLASS_COLORS[int(c) % 10] for c in classes])
            ax.axhline(0, color="k", lw=0.6)
            ax.set_xticks(classes)
            ax.set_xticklabels([run.class_short(int(c)) for c in classes], fontsize=7)
            ax.set_title("mean entry per class,\n%s" % sources[-1][0], fontsize=7)
            ax.tick_params(axis="y", labelsize=6)
    fig.suptitle("Leading eigenvectors $v_k$ of the kernel as images $\\sum_i v_{ik}\\, x_i$ (red > 0, blue < 0)",
                 fontsize=10)
    return save(fig, outdir, "dynamics_eigenvectors.png")


# --------------------------------------------------------------------------- validate

SCORE_LABELS = {"path": "path kernel $C(x, i)$", "tangent-initial": "tangent kernel at $w_0$",
                "tangent-final": "tangent kernel at $w_S$", "random": "random"}


class Study:
    """A finished validation study (format "pathkernel-validate", kind "study")."""

    def __init__(self, path):
        self.path = path
        self.f = open_checked(path, VALIDATE_FORMAT)
        complete = self.f.attrs.get("complete")
        if complete is None or int(_scalar(complete)) != 1:
            raise PkError("'%s' is not complete (complete != 1): the study did not finish" % path, 2)
        kind = _str(self.f.attrs.get("kind", ""))
        if kind != "study":
            raise PkError("'%s' is a %s file, not a finished study: %s" % (
                path, kind or "?", "merge the shares first (pathkernel validate --merge)" if kind == "share"
                else "run the study to its end"), 1)
        cfg = self.f["config"].attrs if "config" in self.f else {}
        self.scores = _str(cfg.get("scores", "")).split(",")
        self.loss = _str(cfg.get("loss", ""))
        self.n_train = int(_scalar(cfg["n_train"])) if "n_train" in cfg else None
        self.fraction = float(_scalar(cfg["lds_fraction"])) if "lds_fraction" in cfg else None
        self.direction = np.asarray(need(self.f, "/reference/direction"), dtype=float)

    def close(self):
        self.f.close()

    def label(self, score):
        return SCORE_LABELS.get(score, score)


def _toward(study, values):
    """Changes [..., Q] times each query's direction: negative means away from the prediction."""
    return np.asarray(values, dtype=float) * study.direction


def fig_validate_topk(study, outdir):
    f = study.f
    ks = np.asarray(need(f, "/topk/k")).reshape(-1)
    if ks.size == 0:
        print("validate_topk.png skipped: the study has no top-k removals")
        return None
    actual = _toward(study, need(f, "/topk/actual"))  # [S, k, Q]
    predicted = _toward(study, need(f, "/topk/predicted"))
    flipped = np.asarray(f["/topk/flipped"][()]) if has(f, "/topk/flipped") else None
    n = len(study.scores)
    cols = min(n, 4)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.5 * cols, 3.4 * rows), squeeze=False, constrained_layout=True)
    for s, score in enumerate(study.scores):
        ax = axes[s // cols][s % cols]
        for k in range(ks.size):
            x, y = predicted[s, k], actual[s, k]
            label = "k = %d" % ks[k]
            if flipped is not None:
                done = flipped[s, k] >= 0
                label += ", %.0f%% flipped" % (100.0 * np.mean(flipped[s, k][done] == 1) if done.any() else 0)
            ax.scatter(x, y, s=12, alpha=0.75, lw=0, color="C%d" % k, label=label)
        x, y = predicted[s].ravel(), actual[s].ravel()
        ok = np.isfinite(x) & np.isfinite(y)
        r = np.corrcoef(x[ok], y[ok])[0, 1] if ok.sum() > 2 and np.ptp(x[ok]) > 0 and np.ptp(y[ok]) > 0 else np.nan
        # Calibration: the least-squares slope of actual on predicted through the origin.
        slope = float(np.dot(x[ok], y[ok]) / np.dot(x[ok], x[ok])) if ok.any() and np.dot(x[ok], x[ok]) > 0 else np.nan
        limits = []
        for v in (x[ok], y[ok]):  # each axis spans its own data and 0
            lo, hi = float(min(v.min(initial=0.0), 0.0)), float(max(v.max(initial=0.0), 0.0))
            pad = 0.06 * (hi - lo if hi > lo else 1.0)
            limits.append((lo - pad, hi + pad))
        ax.plot(limits[0], limits[0], color="0.4", ls="--", lw=0.8, label="actual = predicted")
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
        ax.axhline(0, color="0.8", lw=0.6, zorder=0)
        ax.axvline(0, color="0.8", lw=0.6, zorder=0)
        ax.set_title("%s\nPearson $r$ = %.2f, slope %.3g" % (study.label(score), r, slope))
        ax.set_xlabel("predicted change $-\\Sigma_{removed}\\, S(x, i)$")
        ax.set_ylabel("actual change after retraining")
        ax.grid(alpha=0.3)
        ax.legend(loc="best")
    for s in range(n, rows * cols):
        axes[s // cols][s % cols].set_visible(False)
    fig.suptitle("Top-k removal: the k training examples with the largest score toward each query's prediction "
                 "removed and the network retrained\n(one dot per query; changes of the %s output, signed so that "
                 "negative is away from the prediction; slope: least squares of actual on predicted through 0)" % ("predicted class's margin" if study.loss == "softmax"
                                                           else "network's"), fontsize=9)
    return save(fig, outdir, "validate_topk.png")


def fig_validate_lds(study, outdir):
    f = study.f
    lds = np.asarray(need(f, "/lds/spearman"), dtype=float)  # [S, Q]
    loo = np.asarray(need(f, "/loo/pearson"), dtype=float)
    m = int(np.asarray(need(f, "/lds/retrain")).size)
    k = int(np.asarray(need(f, "/loo/example")).size)
    fig, ax = plt.subplots(figsize=(1.9 * len(study.scores) + 2.5, 4.0), constrained_layout=True)
    x = np.arange(len(study.scores))
    rng = np.random.default_rng(0)  # jitter of the dots only
    for offset, values, name, colour, count in ((-0.2, lds, "LDS (Spearman, %d subsets keeping %s)", "C0", m),
                                                (0.2, loo, "leave-one-out (Pearson, %d examples)", "C1", k)):
        if count == 0:
            continue
        means = np.array([np.nanmean(v) if np.isfinite(v).any() else np.nan for v in values])
        sds = np.array([np.nanstd(v, ddof=1) if np.isfinite(v).sum() > 1 else 0.0 for v in values])
        label = name % (count, "%g%%" % (100 * study.fraction)) if "%s" in name else name % count
        ax.bar(x + offset, means, width=0.38, yerr=sds, capsize=3, color=colour, alpha=0.8, label=label)
        for s, v in enumerate(values):
            v = v[np.isfinite(v)]
            ax.scatter(x[s] + offset + rng.uniform(-0.1, 0.1, v.size), v, s=6, color="0.2", alpha=0.5, lw=0,
                       zorder=3)
    ax.axhline(0, color="0.4", lw=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels([study.label(s) for s in study.scores])
    ax.set_ylabel("correlation per query (bar: mean $\\pm$ sd over queries)")
    ax.set_ylim(-1.05, 1.05)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(loc="lower left")
    ax.set_title("Do the scores predict retraining? %d queries, N = %s training examples"
                 % (lds.shape[1], study.n_train))
    return save(fig, outdir, "validate_lds.png")


# --------------------------------------------------------------------------- main

def main_run(argv):
    p = argparse.ArgumentParser(
        prog="pkplot.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="pkplot.py RUN.h5 [--outdir DIR] [options]\n       pkplot.py converge CONVERGE.h5 [--outdir DIR]"
              "\n       pkplot.py dynamics DYNAMICS.h5 [--outdir DIR] [options]"
              "\n       pkplot.py validate VALIDATE.h5 [--outdir DIR]",
        description="Figures from a pathkernel run file: predictions.png, kernels.png, loss.png,\n"
                    "explain.png, superposition.png. For a convergence table of pathkernel converge:\n"
                    "pkplot.py converge CONVERGE.h5 writes converge.png (pkplot.py converge --help).\n"
                    "For a study of pathkernel validate: pkplot.py validate VALIDATE.h5 writes\n"
                    "validate_topk.png and validate_lds.png (pkplot.py validate --help).",
        epilog="Inputs and labels: --data FILE; else /data in the run file (built-in data); else the data\n"
               "file named by /config data, tried relative to the working folder, then to the run file's\n"
               "folder, then at /config data_file (absolute). The test split is optional.")
    p.add_argument("run", help="run file (format pathkernel-run), or a replay's queries file (pathkernel-queries)")
    p.add_argument("--outdir", default=".", metavar="DIR", help="folder for the PNG files (created)")
    p.add_argument("--data", default=None, metavar="FILE", help="data file with the inputs and labels (see below)")
    p.add_argument("--query", default=None, metavar="SPLIT:INDEX",
                   help="query of explain.png (default test:0, or train:0 for a run without a test split)")
    p.add_argument("--top", type=int, default=5, metavar="K", help="proponents/opponents shown (default 5)")
    p.add_argument("--output", type=int, default=None, metavar="K",
                   help="explain.png: softmax, the class to explain (default: the predicted class); "
                        "mse, the output (default 0)")
    p.add_argument("--class-names", default=None, metavar="A,B,...",
                   help="names of the classes, in class order (default: the data file's root attribute "
                        "class_names, else the class numbers)")
    p.add_argument("--shared-scale", action="store_true",
                   help="kernels.png: one colour scale for every kernel panel (default: one per panel)")
    p.add_argument("--units", type=int, default=4, metavar="N",
                   help="superposition.png: the first-layer units that moved most (default 4)")
    p.add_argument("--image-shape", default=None, metavar="HxW",
                   help="shape of an input image (default: square D)")
    p.add_argument("--only", default=None, metavar="LIST",
                   help="comma-separated subset of predictions,kernels,loss,explain,superposition")
    a = p.parse_args(argv)
    os.makedirs(a.outdir, exist_ok=True)
    figures = ["predictions", "kernels", "loss", "explain", "superposition"]
    if a.only:
        want = [w.strip() for w in a.only.split(",") if w.strip()]
        bad = [w for w in want if w not in figures]
        if bad:
            raise PkError("--only: unknown figure(s) %s" % ", ".join(bad), 1)
        figures = want
    run = Run(a.run, a.data, a.class_names)
    if run.is_queries and not a.only:
        figures = ["explain"]  # a queries file holds rows of new points only: their explanation
    try:
        run.class_names()  # a wrong --class-names stops here, before any figure is written
        if "explain" in figures:
            query = resolve_query(run, a.query)
        for name in figures:
            if name == "predictions":
                fig_predictions(run, a.outdir)
            elif name == "kernels":
                fig_kernels(run, a.outdir, a.shared_scale)
            elif name == "loss":
                fig_loss(run, a.outdir)
            elif name == "explain":
                fig_explain(run, a.outdir, *query, max(1, a.top), a.output, a.image_shape)
            elif name == "superposition":
                fig_superposition(run, a.outdir, a.units, shape_override=a.image_shape)
    finally:
        run.close()
    return 0


def main_converge(argv):
    p = argparse.ArgumentParser(prog="pkplot.py converge",
                                description="Figure from a pathkernel convergence file.")
    p.add_argument("file", help="convergence file (format pathkernel-converge)")
    p.add_argument("--outdir", default=".", metavar="DIR", help="folder for converge.png (created)")
    a = p.parse_args(argv)
    os.makedirs(a.outdir, exist_ok=True)
    fig_converge(a.file, a.outdir)
    return 0


def main_dynamics(argv):
    p = argparse.ArgumentParser(
        prog="pkplot.py dynamics", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Figures from a pathkernel dynamics file (pathkernel dynamics --run RUN.h5 --eigen K\n"
                    "--eigenvectors): dynamics_distance.png, dynamics_alignment.png, dynamics_spectrum.png,\n"
                    "dynamics_eigenvectors.png (the last needs the run's data for the images).")
    p.add_argument("file", help="dynamics file (format pathkernel-dynamics)")
    p.add_argument("--outdir", default=".", metavar="DIR", help="folder for the PNG files (created)")
    p.add_argument("--run", default=None, metavar="RUN.h5",
                   help="the run file (default: /config run of the dynamics file, or beside it)")
    p.add_argument("--data", default=None, metavar="FILE", help="data file with the run's inputs and labels")
    p.add_argument("--class-names", default=None, metavar="A,B,...", help="names of the classes, in class order")
    p.add_argument("--vectors", type=int, default=4, metavar="N", help="eigenvectors shown (default 4)")
    p.add_argument("--image-shape", default=None, metavar="HxW", help="shape of an input image (default: square D)")
    p.add_argument("--only", default=None, metavar="LIST",
                   help="comma-separated subset of " + ",".join(DYNAMICS_FIGURES))
    a = p.parse_args(argv)
    os.makedirs(a.outdir, exist_ok=True)
    figures = DYNAMICS_FIGURES
    if a.only:
        figures = [w.strip() for w in a.only.split(",") if w.strip()]
        bad = [w for w in figures if w not in DYNAMICS_FIGURES]
        if bad:
            raise PkError("--only: unknown figure(s) %s" % ", ".join(bad), 1)
    dyn = Dynamics(a.file)
    try:
        for name in figures:
            # Without --only, figures whose data the file lacks are skipped with a note.
            needs = {"spectrum": "/snapshots/eigenvalues", "eigenvectors": "/snapshots/eigenvectors"}.get(name)
            if not a.only and needs and not has(dyn.f, needs) and not has(dyn.f, needs.replace("snapshots", "path")):
                print("pkplot: note: '%s' has no %s; dynamics_%s.png skipped" % (a.file, needs.split("/")[-1], name))
                continue
            if name == "distance":
                fig_dynamics_distance(dyn, a.outdir)
            elif name == "alignment":
                fig_dynamics_alignment(dyn, a.outdir)
            elif name == "spectrum":
                fig_dynamics_spectrum(dyn, a.outdir)
            elif name == "eigenvectors":
                run = dyn.run(a.run, a.data)
                run.class_names_option = a.class_names
                try:
                    fig_dynamics_eigenvectors(dyn, run, a.outdir, max(1, a.vectors), a.image_shape)
                finally:
                    run.close()
    finally:
        dyn.close()
    return 0


def main_validate(argv):
    p = argparse.ArgumentParser(prog="pkplot.py validate",
                                description="Figures from a pathkernel validation study: validate_topk.png "
                                            "(actual against predicted change under top-k removal, per score) and "
                                            "validate_lds.png (LDS and leave-one-out correlation per score).")
    p.add_argument("file", help="validation file (format pathkernel-validate, a finished study)")
    p.add_argument("--outdir", default=".", metavar="DIR", help="folder for the PNG files (created)")
    a = p.parse_args(argv)
    os.makedirs(a.outdir, exist_ok=True)
    study = Study(a.file)
    try:
        fig_validate_topk(study, a.outdir)
        fig_validate_lds(study, a.outdir)
    finally:
        study.close()
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] == "converge":
            return main_converge(argv[1:])
        if argv and argv[0] == "dynamics":
            return main_dynamics(argv[1:])
        if argv and argv[0] == "validate":
            return main_validate(argv[1:])
        return main_run(argv)
    except PkError as e:
        print("pkplot: error: %s" % e, file=sys.stderr)
        return e.code


if __name__ == "__main__":
    sys.exit(main())

"""Readers of pathkernel's HDF5 files, without matplotlib: importable from a notebook.

    from pkfigures.readers import Run, Dynamics, Study
    run = Run("run.h5")            # a run file, or a replay's queries file
    X, y = run.data()["train"]     # inputs and labels, wherever the run keeps them
    K = run.f["/kernel/path/train"][()]

Every reader checks the file's format and format_version attributes and raises
PkError (a message for the user and an exit code) on a file it cannot read.
"""

import hashlib
import os
import sys

import numpy as np

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
DYNAMICS_FORMAT = "pathkernel-dynamics"


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

def class_of(y, classification):
    """Integer class per row: the label, or the argmax of one-hot rows; None for regression."""
    if not classification:
        return None
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    return np.argmax(y, axis=1) if y.ndim == 2 else np.rint(y).astype(int)


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
        self.image_hw = None  # "HxW" of image inputs stored as [N, 1, H, W], once the data is read
        self.data_chw = None  # (C, H, W) of image inputs stored as [N, C, H, W], once the data is read

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
            X = self._rows(need(self.f, "/queries/X", "the replayed points"))
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
            if X.ndim < 2 or y.shape[0] != X.shape[0]:
                raise PkError("data file '%s': /%s/X must be [N, D] (or images [N, channels, rows, cols]) "
                              "and /%s/y have N rows" % (path, split, split), 2)
            X = self._rows(X)
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

    def _rows(self, X):
        """Inputs as the network sees them, one row per point; images [N, channels, rows, cols] are
        flattened in NCHW order, as pathkernel reads them, and their shape kept for the figures."""
        if X.ndim == 4 and X.shape[1] == 1:
            self.image_hw = "%dx%d" % (X.shape[2], X.shape[3])
        if X.ndim == 4:
            self.data_chw = tuple(int(v) for v in X.shape[1:])
        return X.reshape(X.shape[0], -1) if X.ndim > 2 else X

    def input_shape(self):
        """(C, H, W) of image inputs: /config input_shape (every image run records it, flat files given
        --input-shape too), else the data file's [N, C, H, W]; None for inputs that are not images."""
        shape = self.cfg.get("input_shape")
        if shape is not None and np.asarray(shape).size == 3:
            return tuple(int(v) for v in np.asarray(shape).reshape(-1))
        self.try_data()
        return self.data_chw

    def first_conv(self):
        """(K, k, stride, padding) of the first layer when it is a convolution (/config layers), else None."""
        layers = self.config("layers", "")
        first = layers.split(",")[0] if isinstance(layers, str) and layers else ""
        parts = first.split(":")
        if parts[0] != "conv" or len(parts) < 3:
            return None
        stride, padding = 1, 0
        for extra in parts[3:]:
            if extra.startswith("s"):
                stride = int(extra[1:])
            elif extra.startswith("p"):
                padding = int(extra[1:])
        return int(parts[1]), int(parts[2]), stride, padding

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


def _value(f, name, required=False):
    """A value of the convergence file stored as a dataset or as a root attribute."""
    if name in f and isinstance(f[name], h5py.Dataset):
        return np.asarray(f[name][()])
    if name in f.attrs:
        return np.asarray(f.attrs[name])
    if required:
        raise PkError("'%s' has no dataset or attribute %s" % (f.filename, name), 1)
    return None


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

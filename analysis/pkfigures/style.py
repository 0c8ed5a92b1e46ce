"""What every figure shares: matplotlib's settings, colours, number formats and saving."""

import math
import os

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import ticker  # noqa: E402

from .readers import PkError, class_of  # noqa: E402

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


def image_of(x, chw):
    """One input row as a picture: [H, W] for one channel, [H, W, 3] (scaled to 0..1) for three, the
    channels side by side otherwise. `chw` is (C, H, W); rows are NCHW-flattened, as pathkernel reads them."""
    c, h, w = chw
    img = np.asarray(x, dtype=float).reshape(c, h, w)
    if c == 1:
        return img[0]
    if c == 3:
        lo, hi = float(img.min()), float(img.max())
        return np.transpose((img - lo) / (hi - lo if hi > lo else 1.0), (1, 2, 0))
    return np.concatenate([np.pad(img[k], ((0, 0), (0, 1)), constant_values=np.nan) for k in range(c)], axis=1)


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
    os.makedirs(outdir, exist_ok=True)  # figures drawn from a notebook need no folder made first
    path = os.path.join(outdir, name)
    fig.savefig(path)
    plt.close(fig)
    print("wrote %s" % path)
    return path

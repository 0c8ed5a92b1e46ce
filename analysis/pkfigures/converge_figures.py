"""The figure of a convergence file (pathkernel converge): converge.png."""

import numpy as np

from .readers import PkError, _scalar, class_of, has, need  # noqa: F401
from .style import CLASS_COLORS, fmt_e, image_shape, label_log_minor, plt, save, sort_order, sym_limit  # noqa: F401
from .readers import CONVERGE_FORMAT, _first, _series, _value, open_checked
from matplotlib import ticker  # noqa: E402 (after .style, which chooses the backend)


def fit_order(lr, r):
    """Least-squares slope p of log r against log lr, or None with fewer than two usable points."""
    m = (lr > 0) & (r > 0) & np.isfinite(r)
    if m.sum() < 2:
        return None
    return float(np.polyfit(np.log(lr[m]), np.log(r[m]), 1)[0])


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

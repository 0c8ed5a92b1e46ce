"""Figures of a dynamics file (pathkernel dynamics): distance, alignment, spectrum, eigenvectors."""

import numpy as np

from .readers import PkError, _scalar, class_of, has, need  # noqa: F401
from .style import CLASS_COLORS, fmt_e, image_shape, label_log_minor, plt, save, sort_order, sym_limit  # noqa: F401
from matplotlib import ticker  # noqa: E402 (after .style, which chooses the backend)

DYNAMICS_FIGURES = ["distance", "alignment", "spectrum", "eigenvectors"]

def _step_axis(ax, steps):
    """Steps on a log axis that still shows step 0: linear below 1, logarithmic above."""
    ax.set_xscale("symlog", linthresh=1.0, linscale=0.4)
    ax.set_xlim(-0.1 if steps.min() == 0 else steps.min() * 0.8, steps.max() * 1.3)
    ax.set_xlabel("gradient step $s$ (logarithmic above 1)")
    ax.grid(alpha=0.3, which="both")


def _layer_label(l):
    """Layers are numbered 1..L as in docs/THEORY.md; the files' layer_<l> and slice l count from 0."""
    return "layer %d ($W_{%d}$, $b_{%d}$; file slice %d) of $K^p$" % (l + 1, l + 1, l + 1, l)


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
    axs.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))  # k is a count: no 1.5
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
    shp = image_shape(X.shape[1], shape_override or run.image_hw)
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

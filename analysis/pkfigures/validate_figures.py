"""Figures of a validation study (pathkernel validate): validate_topk.png and validate_lds.png."""

import numpy as np

from .readers import PkError, _scalar, class_of, has, need  # noqa: F401
from .style import CLASS_COLORS, fmt_e, image_shape, label_log_minor, plt, save, sort_order, sym_limit  # noqa: F401


def _toward(study, values):
    """Changes [..., Q] times each query's direction: negative means away from the prediction."""
    return np.asarray(values, dtype=float) * study.direction


def _random_panel(ax, study, ks, actual, flipped):
    """The random score foresees nothing: its panel shows the actual changes alone, per k."""
    rng = np.random.default_rng(0)  # jitter of the dots only
    for k in range(ks.size):
        y = actual[k]
        label = "k = %d" % ks[k]
        if flipped is not None:
            done = flipped[k] >= 0
            label += ", %.0f%% flipped" % (100.0 * np.mean(flipped[k][done] == 1) if done.any() else 0)
        ax.scatter(k + rng.uniform(-0.2, 0.2, y.size), y, s=12, alpha=0.75, lw=0, color="C%d" % k, label=label)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_xticks(np.arange(ks.size))
    ax.set_xticklabels(["k = %d" % k for k in ks])
    ax.set_xlabel("k random examples removed")
    ax.set_ylabel("actual change after retraining")
    ax.set_title("%s: the baseline\n(a random score predicts no change)" % study.label("random"))
    ax.grid(alpha=0.3)
    ax.legend(loc="best")


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
        if score == "random":
            _random_panel(ax, study, ks, actual[s], flipped[s] if flipped is not None else None)
            continue
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

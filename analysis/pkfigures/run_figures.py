"""Figures of a run file or a replay's queries file: predictions, kernels, loss, explain, superposition."""

import sys

import numpy as np

from .readers import PkError, _scalar, class_of, has, need  # noqa: F401
from .style import (CLASS_COLORS, fmt_e, image_of, image_shape, label_log_minor, plt, save, sort_order,  # noqa: F401
                    sym_limit)
from matplotlib import gridspec, patches  # noqa: E402


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


ROBUST_PERCENTILE = 95.0  # colour limits: a few bright examples (their rows and columns) saturate
# instead of washing out every other entry


def _colour_scale(*kernels):
    """(cmap, vmin, vmax) for kernel matrices: diverging and centred at 0 when they have real
    negative entries, sequential from 0 (negatives clipped) when those are negligible. The limit is
    the 95th percentile of |K|, so that a few bright rows do not set the scale for all."""
    vals = np.concatenate([np.abs(np.asarray(K, dtype=float)).ravel() for K in kernels])
    vals = vals[np.isfinite(vals)]
    vmax = float(np.percentile(vals, ROBUST_PERCENTILE)) if vals.size else 1.0
    if not vmax > 0:
        vmax = sym_limit(*kernels)
    if min(float(np.nanmin(K)) for K in kernels) < -0.05 * vmax:
        return "RdBu_r", -vmax, vmax
    return "viridis", 0.0, vmax


def _extend(K, vmin, vmax):
    """The colour bar's arrows: which ends of the scale clip values of K."""
    low, high = np.nanmin(K) < vmin, np.nanmax(K) > vmax
    return "both" if low and high else "min" if low else "max" if high else "neither"


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
            fig.colorbar(im, ax=ax, fraction=0.05, pad=0.02, extend=_extend(K, vmin, vmax))
    if shared_scale:
        every = np.concatenate([np.asarray(K, dtype=float).ravel() for K in kernels])
        cb = fig.colorbar(im, ax=list(axes), fraction=0.05, pad=0.02, extend=_extend(every, shared[1], shared[2]))
        cb.set_label("kernel value $K(x_j, x_i)$, one scale for all panels")
    what = ("Kernels between training examples, train \u00d7 train (N = %d)" % kernels[0].shape[0]
            if split == "train" else "Kernels test \u00d7 train (the train \u00d7 train block was not stored)")
    outputs = int(run.config("outputs", 1))
    notes = (["traced over the C = %d outputs" % outputs] if outputs > 1 else []) + \
        ["one colour scale shared by all panels" if shared_scale else "each panel on its own colour scale",
         "colour limits at the %gth percentile of |K| (arrows: values beyond)" % ROBUST_PERCENTILE]
    fig.suptitle("%s\n%s" % (what, "; ".join(notes)), fontsize=10)
    return save(fig, outdir, "kernels.png")


def fig_loss(run, outdir):
    """The training loss over the steps, with the test loss and, for classification, the train and
    test accuracies of /history when the run stored them."""
    f = run.f
    loss = np.asarray(need(f, "/history/loss"), dtype=float)
    test = np.asarray(f["/history/test_loss"][()], dtype=float) if has(f, "/history/test_loss") else None
    acc = {s: np.asarray(f["/history/%s_accuracy" % s][()], dtype=float)
           for s in ("train", "test") if has(f, "/history/%s_accuracy" % s)}
    panels = 2 if acc else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.4 * panels, 3.6), squeeze=False)
    ax = axes[0][0]
    steps = np.arange(loss.size)
    series = [(loss, "C0", "-", "train, N = %d" % int(run.config("n_train", 0)))]
    if test is not None and test.size == loss.size:
        series.append((test, "C3", "-", "test, M = %d" % int(run.config("n_test", 0))))
    positive = all(np.all(v > 0) for v, _, _, _ in series)
    for v, colour, ls, label in series:
        (ax.semilogy if positive else ax.plot)(steps, v, color=colour, ls=ls, lw=1.5, label=label)
    ax.set_xlabel("gradient step $s$")
    ax.set_ylabel("%s loss $L(w_s)$ (without weight decay)" % run.loss)
    ax.grid(alpha=0.3, which="both")
    if has(f, "/history/lr"):
        lr = np.asarray(f["/history/lr"][()], dtype=float)
        if lr.size and np.ptp(lr) > 0:
            ax2 = ax.twinx()
            ax2.plot(np.arange(lr.size), lr, color="C1", lw=1, ls="--")
            ax2.set_ylabel("learning rate $\\eta_s$ (dashed)", color="C1")
    if positive:
        label_log_minor(ax)
    text = "train $L(w_0)$ = %.3g, $L(w_S)$ = %.3g" % (loss[0], loss[-1])
    if len(series) > 1:
        text += "\ntest $L(w_S)$ = %.3g" % test[-1]
    ax.text(0.97, 0.70, text, transform=ax.transAxes, ha="right", va="top", fontsize=8,
            bbox=dict(boxstyle="round", fc="white", ec="0.7"))
    ax.legend(loc="upper right")
    optimizer = run.config("optimizer", "sgd")
    ax.set_title("Loss: %s, %s, learning rate $\\eta$ = %s, %d steps"
                 % (run.loss, optimizer, run.config("lr", "?"), loss.size - 1))
    if acc:
        axa = axes[0][1]
        for split, colour in (("train", "C0"), ("test", "C3")):
            if split in acc:
                axa.plot(np.arange(acc[split].size), acc[split], color=colour, lw=1.5,
                         label="%s: %.4f at $w_S$" % (split, acc[split][-1]))
        axa.set_xlabel("gradient step $s$")
        axa.set_ylabel("accuracy (predicted class = label)")
        axa.set_ylim(-0.02, 1.02)
        axa.grid(alpha=0.3)
        axa.legend(loc="lower right")
        axa.set_title("Accuracy of the network $f_{w_s}$")
    fig.tight_layout()
    return save(fig, outdir, "loss.png")


OUTCOMES = ("misclassified", "correct")


def predicted_classes(run, split):
    """The class the network predicts for every point of a split: f > 0 (one logit) or the argmax."""
    net = np.asarray(need(run.f, "/predict/%s/network" % split), dtype=float)
    net = net.reshape(net.shape[0], -1)
    return (net[:, 0] > 0).astype(int) if net.shape[1] == 1 else np.argmax(net, axis=1)


def outcome_points(run, split, outcome):
    """Indices of the points of a split whose predicted class differs from (misclassified) or equals
    (correct) their label."""
    if not run.is_classification:
        raise PkError("--query %s:%s compares classes, but the run's loss is %s" % (split, outcome, run.loss), 1)
    cls = run.classes(split)
    if cls is None:
        raise PkError("--query %s:%s needs the labels of the %s points: %s"
                      % (split, outcome, split, run._data_error or "the points have no targets"), 1)
    wrong = predicted_classes(run, split) != cls
    return np.flatnonzero(wrong if outcome == "misclassified" else ~wrong)


def resolve_query(run, query):
    """(split, index) of --query, checked against the run; default test:0, or train:0 without a test split.
    SPLIT:misclassified[:K] and SPLIT:correct[:K] are the K-th such point (default the first)."""
    if query is None:
        query = "query:0" if run.is_queries else "test:0" if "test" in run.splits else "train:0"
    parts = query.split(":")
    if len(parts) in (2, 3) and parts[1] in OUTCOMES:
        split, outcome = parts[0], parts[1]
        if split not in run.splits:
            raise PkError("--query %s: the file has no %s points (it has %s)" % (query, split, ", ".join(run.splits)), 1)
        try:
            k = int(parts[2]) if len(parts) == 3 else 0
        except ValueError:
            raise PkError("--query %s: the last part must be a number, e.g. %s:%s:2" % (query, split, outcome), 1)
        points = outcome_points(run, split, outcome)
        if points.size == 0:
            raise PkError("--query %s: every %s point is %s" % (
                query, split, "classified correctly" if outcome == "misclassified" else "misclassified"), 1)
        if not 0 <= k < points.size:
            raise PkError("--query %s: there are %d %s %s points (K = 0..%d)"
                          % (query, points.size, outcome, split, points.size - 1), 1)
        print("pkplot: --query %s is %s:%d (%d %s %s points: %s)" % (
            query, split, points[k], points.size, outcome, split,
            ",".join(map(str, points[:12])) + (",..." if points.size > 12 else "")))
        query = "%s:%d" % (split, points[k])
    try:
        split, j = query.split(":")
        j = int(j)
    except ValueError:
        raise PkError("--query must look like test:0, train:12, query:3 (a queries file), test:misclassified "
                      "or test:correct:2, got '%s'" % query, 1)
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
    contrib_row = np.asarray(f["/kernel/contrib/%s" % split][j], dtype=float).reshape(-1, net.size)
    scores, k = explain_scores(run.loss, contrib_row, net, output)
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

    # Images: the run's input shape (/config input_shape or the data's [N, C, H, W]), else --image-shape or a
    # square D of flat rows.
    chw = None if shape_override else run.input_shape()
    if chw is not None and int(np.prod(chw)) != Xtr.shape[1]:
        chw = None
    if chw is None:
        shp = image_shape(Xtr.shape[1], shape_override or run.image_hw)
        chw = None if shp is None else (1,) + tuple(shp)
    if chw is None:
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
    axq.imshow(image_of(Xq[j], chw), cmap="gray_r", vmin=lo, vmax=hi, interpolation="nearest")
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
            ax.imshow(image_of(Xtr[i], chw), cmap="gray_r", vmin=lo, vmax=hi, interpolation="nearest")
            # The contribution C(x, i) itself; the score beside it when it is not C alone (softmax, class 0).
            ctext = "$C%s$ %+.3g" % (sub, contrib_row[i, c])
            if not np.isclose(scores[i], contrib_row[i, c], rtol=1e-12, atol=0.0):
                ctext += "\nscore %+.3g" % scores[i]
            ax.set_title("#%d  %s\n%s" % (i, run.label_text(ytr[i]), ctext), color=col, fontsize=8)
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


def superposition_missing(run):
    """Why the run has no /superposition/Gamma (adam and adamw write none: their elementwise
    preconditioner can move W_1 out of the span of the inputs), or None when it has one."""
    if has(run.f, "/superposition/Gamma"):
        return None
    optimizer = run.config("optimizer", "sgd")
    span = run.f["superposition"].attrs.get("span_residual") if "superposition" in run.f else None
    why = ("the run used %s, whose elementwise preconditioner can take W_1 out of the span of the inputs, "
           "so no /superposition/Gamma is stored (docs/FORMAT.md 2.9)" % optimizer
           if optimizer in ("adam", "adamw") else "'%s' has no dataset /superposition/Gamma" % run.f.filename)
    if span is not None:
        why += "; its span residual is %s" % fmt_e(float(_scalar(span)))
    return why


def fig_superposition(run, outdir, units, top=4, shape_override=None):
    f = run.f
    missing = superposition_missing(run)
    if missing:
        raise PkError("superposition.png: %s" % missing, 1)
    W0 = np.asarray(need(f, "/params/initial/layer_0/W"), dtype=float)
    WS = np.asarray(need(f, "/params/final/layer_0/W"), dtype=float)
    G = np.asarray(need(f, "/superposition/Gamma"), dtype=float)
    D = W0.shape[1]
    run.try_data()  # image inputs [N, 1, H, W] give their shape
    shp = image_shape(D, shape_override or run.image_hw)
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

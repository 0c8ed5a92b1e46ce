"""The first convolution layer of a CNN run as pictures: its K filters at w_0 and w_S, their change and,
when the run stored /superposition/Gamma [N, K, H', W'], the change rebuilt from Gamma and the training
patches (docs/THEORY.md, Superposition)."""

import numpy as np

from .readers import PkError, _scalar, has, need
from .style import fmt_e, plt, save, sym_limit


def is_conv_first_layer(run):
    """Whether the run's first layer with parameters is a convolution (its W is [K, C_in, k, k])."""
    return has(run.f, "/params/initial/layer_0/W") and run.f["/params/initial/layer_0/W"].ndim == 4


def conv_superposition(gamma, X, k, stride, padding):
    """sum_i sum_p Gamma_{i,p} patch_p(x_i)^T in the shape of W_1 [K, C_in, k, k].

    gamma is [N, K, H', W'], X the inputs [N, C_in, H, W]; patch_p is the zero-padded C_in x k x k window at
    output position p = (y, x), which starts at row y * stride and column x * stride of the padded image. Summed
    window offset by window offset (k^2 contractions over N H' W'), not by materialising every patch."""
    n, K, ho, wo = gamma.shape
    Xp = np.pad(np.asarray(X, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    if Xp.shape[2] < (ho - 1) * stride + k or Xp.shape[3] < (wo - 1) * stride + k or Xp.shape[0] != n:
        raise PkError("/superposition/Gamma %s does not fit the inputs %s with k = %d, stride %d, padding %d"
                      % (gamma.shape, X.shape, k, stride, padding), 1)
    out = np.zeros((K, Xp.shape[1], k, k))
    for a in range(k):
        for b in range(k):
            window = Xp[:, :, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]
            out[:, :, a, b] = np.einsum("nkyx,ncyx->kc", gamma, window, optimize=True)
    return out


def _filter_image(w):
    """A filter [C_in, k, k] as one picture: its channels side by side, a blank column between them."""
    if len(w) == 1:
        return w[0]
    gap = np.full((w.shape[1], 1), np.nan)
    return np.concatenate(sum(([w[c], gap] for c in range(len(w))), [])[:-1], axis=1)


def fig_filters(run, outdir):
    """superposition.png for a conv first layer: one column per filter, rows W_1^0, W_1^S, W_1^S - W_1^0 and,
    with /superposition/Gamma, sum_i sum_p Gamma_{i,p} patch_p(x_i)^T (+ the weight-decay term when stored)."""
    f = run.f
    W0 = np.asarray(need(f, "/params/initial/layer_0/W"), dtype=float)
    WS = np.asarray(need(f, "/params/final/layer_0/W"), dtype=float)
    dW = WS - W0
    K, cin, k, _ = W0.shape
    rows = [(W0, "initial $W_1^0$"), (WS, "final $W_1^S$"), (dW, "change $W_1^S - W_1^0$")]
    notes = []
    if has(f, "/superposition/Gamma"):
        G = np.asarray(f["/superposition/Gamma"][()], dtype=float)
        conv = run.first_conv()
        X = run.data()["train"][0]
        chw = run.input_shape()
        if G.ndim != 4 or conv is None or chw is None or G.shape[1] != K:
            raise PkError("/superposition/Gamma %s does not match the first conv layer %s" % (G.shape, W0.shape), 1)
        S = conv_superposition(G, X.reshape((X.shape[0],) + tuple(chw)), k, conv[2], conv[3])
        if has(f, "/superposition/decay"):
            S = S + np.asarray(f["/superposition/decay"][()], dtype=float).reshape(S.shape)
            rebuilt = "$\\sum_i \\sum_p \\Gamma_{i,p}\\, patch_p(x_i)$ + decay"
        else:
            rebuilt = "$\\sum_i \\sum_p \\Gamma_{i,p}\\, patch_p(x_i)$"
        rows.append((S, rebuilt))
        notes.append("bottom row from /superposition/Gamma [N, K, H', W'] and the training images: "
                     "max |change - rebuilt| = %s" % fmt_e(float(np.max(np.abs(dW - S)))))
    else:
        optimizer = run.config("optimizer", "sgd")
        why = ("%s writes no Gamma" % optimizer if optimizer in ("adam", "adamw")
               else "the run stored no /superposition/Gamma")
        notes.append("no superposition row: %s" % why)
    span = f["superposition"].attrs.get("span_residual") if "superposition" in f else None
    if span is not None:
        notes.append("span residual %s" % fmt_e(float(_scalar(span))))
    if run.config("param", "standard") == "ntk":
        notes.append("stored weights; the network uses $W/\\sqrt{\\mathrm{fan\\_in}}$")
    fig, axes = plt.subplots(len(rows), K, figsize=(max(4.5, 0.95 * K * max(1, cin) + 1.6), 1.15 * len(rows) + 1.3),
                             squeeze=False, constrained_layout=True)
    weights = sym_limit(W0, WS)
    changes = sym_limit(*[r[0] for r in rows[2:]])
    for r, (values, label) in enumerate(rows):
        lim = weights if r < 2 else changes
        for u in range(K):
            ax = axes[r][u]
            im = ax.imshow(_filter_image(values[u]), cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title("filter %d" % u, fontsize=8)
            if r == 2:
                ax.set_xlabel("|change| %.2g" % float(np.linalg.norm(values[u])), fontsize=7)
            if u == 0:
                ax.set_ylabel(label, fontsize=7)
        if r == 1 or r == len(rows) - 1:  # one colour bar for the weights, one for the changes
            cb = fig.colorbar(im, ax=list(axes[:2].ravel() if r == 1 else axes[2:].ravel()), shrink=0.9, pad=0.01)
            cb.ax.tick_params(labelsize=6)
            cb.set_label("weight" if r == 1 else "change", fontsize=7)
    channels = "" if cin == 1 else ", the %d input channels side by side" % cin
    fig.suptitle("First convolution layer: its K = %d filters (%d x %d%s)\n%s"
                 % (K, k, k, channels, "; ".join(notes)), fontsize=9)
    return save(fig, outdir, "superposition.png")

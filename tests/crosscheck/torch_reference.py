#!/usr/bin/python3
"""An independent float64 PyTorch implementation of a pathkernel run.

    torch_reference.py RUN.h5 DATA.h5 [--tol 1e-9]

Written from the specification alone (docs/THEORY.md: the model, the path
kernel and its rules, the optimizers and schedules, convolutional networks;
docs/FORMAT.md: what a run file records), not from pathkernel's code: it reads
the run's /config, rebuilds the network as a torch.nn.Sequential, loads the
run's initial parameters, trains again with torch's autograd (per-example
Jacobians by functorch's vmap(jacrev)), accumulates the tangent and path
kernels, every training example's contribution, the bias term and the kernel
machine under the run's path rule (left or gauss:q), and compares each with
the run's, and the final parameters, to TOL relative (max |a - b| / max |b|).
Exit status 0 when every one agrees, 1 otherwise (listing each).
"""
import argparse
import math
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from functorch import jacrev, make_functional, vmap

torch.set_default_dtype(torch.float64)


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


# ---------------------------------------------------------------- the network

class ScaledConv(nn.Conv2d):
    """Conv2d whose stored weight is used times `scale` (ntk: 1/sqrt(fan_in))."""

    def __init__(self, c_in, k_out, k, stride, pad, scale):
        super().__init__(c_in, k_out, k, stride=stride, padding=pad)
        self.scale = scale

    def forward(self, x):
        return F.conv2d(x, self.weight * self.scale, self.bias, self.stride, self.padding)


class ScaledLinear(nn.Linear):
    def __init__(self, d_in, d_out, scale):
        super().__init__(d_in, d_out)
        self.scale = scale

    def forward(self, x):
        return F.linear(x, self.weight * self.scale, self.bias)


def activation(name):
    return {"tanh": nn.Tanh(), "relu": nn.ReLU(), "softplus": nn.Softplus(), "gelu": nn.GELU(approximate="tanh"),
            "identity": nn.Identity()}[name]


def build_network(layers, input_shape, inputs, outputs, act, ntk):
    """The layers of --layers then the dense output layer, in torch.nn.Sequential order."""
    modules = []
    shape = list(input_shape) if input_shape else [inputs]
    scale = (lambda fan_in: 1.0 / math.sqrt(fan_in)) if ntk else (lambda fan_in: 1.0)

    def flatten():
        if len(shape) == 3:
            modules.append(nn.Flatten())
            shape[:] = [shape[0] * shape[1] * shape[2]]

    for item in [s for s in layers.split(",") if s]:
        parts = item.split(":")
        kind = parts[0]
        if kind == "conv":
            k_out, k = int(parts[1]), int(parts[2])
            stride, pad = 1, 0
            for extra in parts[3:]:
                if extra[0] == "s":
                    stride = int(extra[1:])
                elif extra[0] == "p":
                    pad = int(extra[1:])
            c, h, w = shape
            modules += [ScaledConv(c, k_out, k, stride, pad, scale(c * k * k)), activation(act)]
            shape = [k_out, (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1]
        elif kind in ("avgpool", "maxpool"):
            k = int(parts[1])
            modules.append(nn.AvgPool2d(k) if kind == "avgpool" else nn.MaxPool2d(k))
            shape = [shape[0], shape[1] // k, shape[2] // k]
        elif kind == "dense":
            flatten()
            width = int(parts[1])
            modules += [ScaledLinear(shape[0], width, scale(shape[0])), activation(act)]
            shape = [width]
        else:
            raise SystemExit(f"unknown layer kind {kind!r}")
    flatten()
    modules.append(ScaledLinear(shape[0], outputs, scale(shape[0])))
    return nn.Sequential(*modules)


# ------------------------------------------------------------- the run's path

def learning_rates(config, steps):
    lr, warmup, schedule = float(config["lr"]), int(config.get("warmup", 0)), text(config.get("lr_schedule", "constant"))
    rates = []
    for s in range(steps):
        factor = min(1.0, (s + 1) / warmup) if warmup > 0 else 1.0
        if schedule == "constant":
            m = 1.0
        elif schedule == "cosine":
            m = (1.0 + math.cos(math.pi * s / steps)) / 2.0
        elif schedule.startswith("step:"):
            _, k, g = schedule.split(":")
            m = float(g) ** (s // int(k))
        else:
            raise SystemExit(f"unknown lr_schedule {schedule!r}")
        rates.append(lr * factor * m)
    return rates


def loss_gradient(loss, f, y):
    """dl/df per example, [n, C]."""
    if loss == "mse":
        return f - y.reshape(f.shape)
    if loss == "logistic":
        return torch.sigmoid(f) - y.reshape(f.shape)
    if loss == "softmax":
        return torch.softmax(f, dim=1) - F.one_hot(y.long(), f.shape[1]).to(f.dtype)
    raise SystemExit(f"unknown loss {loss!r}")


class Optimizer:
    """The update of docs/THEORY.md (Optimizers) and its per-example directions d_{i,s}, d_{lambda,s}."""

    def __init__(self, config, n_train, p):
        self.kind = text(config.get("optimizer", "sgd"))
        self.lam = float(config["weight_decay"])
        self.mu, self.nesterov = float(config.get("momentum", 0.9)), bool(int(config.get("nesterov", 0)))
        self.b1, self.b2, self.eps = (float(config.get(k, d)) for k, d in (("beta1", 0.9), ("beta2", 0.999),
                                                                            ("adam_eps", 1e-8)))
        self.buf = torch.zeros(p)  # b (momentum) or m (adam)
        self.v = torch.zeros(p)
        self.per = torch.zeros(n_train, p)  # b_i or m_i
        self.per_lam = torch.zeros(p)
        self.t = 0

    def step(self, e, w):
        """e [N, P] = c_{i,s} . grad f_s(x_i). Returns (update direction D with dw = -eps D, d_i [N, P], d_lambda [P])."""
        self.t += 1
        g_data, decay = e.sum(0), self.lam * w
        if self.kind == "sgd":
            return g_data + decay, e, decay
        if self.kind == "momentum":
            self.buf = self.mu * self.buf + g_data + decay
            self.per = self.mu * self.per + e
            self.per_lam = self.mu * self.per_lam + decay
            if self.nesterov:
                return g_data + decay + self.mu * self.buf, e + self.mu * self.per, decay + self.mu * self.per_lam
            return self.buf, self.per, self.per_lam
        if self.kind in ("adam", "adamw"):
            g = g_data + decay if self.kind == "adam" else g_data
            self.buf = self.b1 * self.buf + (1 - self.b1) * g
            self.v = self.b2 * self.v + (1 - self.b2) * g * g
            precond = 1.0 / ((1 - self.b1 ** self.t) * (torch.sqrt(self.v / (1 - self.b2 ** self.t)) + self.eps))
            self.per = self.b1 * self.per + (1 - self.b1) * e
            if self.kind == "adam":
                self.per_lam = self.b1 * self.per_lam + (1 - self.b1) * decay
                return precond * self.buf, precond * self.per, precond * self.per_lam
            return precond * self.buf + decay, precond * self.per, decay
        raise SystemExit(f"unknown optimizer {self.kind!r}")


def gauss_nodes(rule):
    """(t_j, a_j) on [0, 1]: the query side's points along a step; left: the start only."""
    if rule == "left":
        return [(0.0, 1.0)]
    q = int(rule.split(":")[1])
    x, a = np.polynomial.legendre.leggauss(q)
    return [((xj + 1) / 2, aj / 2) for xj, aj in zip(x, a)]


def read_inputs(data, split, input_shape, conv_input):
    x = np.asarray(data[split + "/X"][...], dtype=np.float64)
    if conv_input:
        x = x.reshape((len(x),) + tuple(input_shape))  # flat rows read as images (row-major)
    return torch.from_numpy(x)


def reference(run, data):
    config = {k: run["config"].attrs[k] for k in run["config"].attrs}
    layers = text(config["layers"])
    input_shape = [int(d) for d in config["input_shape"]] if "input_shape" in config else []
    outputs, steps = int(config["outputs"]), int(run["summary"].attrs["steps"])
    loss = text(config["loss"])
    kinds = [s.split(":")[0] for s in layers.split(",") if s]
    image_net = bool(kinds) and kinds[0] in ("conv", "avgpool", "maxpool")
    model = build_network(layers, input_shape if image_net else [], int(config["inputs"]), outputs,
                          text(config["activation"]), text(config["param"]) == "ntk")
    fmodel, params = make_functional(model)
    shapes = [p.shape for p in params]
    sizes = [p.numel() for p in params]

    def unflat(w):
        return tuple(c.reshape(s) for c, s in zip(torch.split(w, sizes), shapes))

    # The run's initial parameters, layer by layer: W then b (parameters() order).
    blocks = []
    for layer in range(len(params) // 2):
        for name in ("W", "b"):
            blocks.append(torch.from_numpy(run[f"params/initial/layer_{layer}/{name}"][...].astype(np.float64)))
    assert [b.shape for b in blocks] == list(shapes), f"parameter shapes {[b.shape for b in blocks]} vs {shapes}"
    w = torch.cat([b.reshape(-1) for b in blocks])

    def single(w_flat, x):
        return fmodel(unflat(w_flat), x.unsqueeze(0))[0]

    def jacobian(w_flat, x):
        return vmap(jacrev(single), in_dims=(None, 0))(w_flat, x)  # [n, C, P]

    def forward(w_flat, x):
        return fmodel(unflat(w_flat), x)

    x_train = read_inputs(data, "train", input_shape, image_net)
    y_train = torch.from_numpy(np.asarray(data["train/y"][...]).astype(np.float64))
    n_train, n_test = x_train.shape[0], int(config["n_test"])
    queries = {"train": x_train}
    if n_test > 0:
        queries["test"] = read_inputs(data, "test", input_shape, image_net)
    batches = run["history/batches"][...] if "history/batches" in run else None
    rates = learning_rates(config, steps)
    nodes = gauss_nodes(text(config["path_rule"]))
    optimizer = Optimizer(config, n_train, w.numel())

    out = {"lr": np.array(rates)}
    kp = {s: torch.zeros(len(x), n_train) for s, x in queries.items()}
    contrib = {s: torch.zeros(len(x), n_train, outputs) for s, x in queries.items()}
    bias_term = {s: torch.zeros(len(x), outputs) for s, x in queries.items()}
    initial = {s: forward(w, x) for s, x in queries.items()}
    j0 = {s: jacobian(w, x) for s, x in queries.items()}
    for s in range(steps):
        eps = rates[s]
        j_train = jacobian(w, x_train)
        lp = loss_gradient(loss, forward(w, x_train), y_train)
        batch = np.arange(n_train) if batches is None else batches[s][batches[s] >= 0]
        c = torch.zeros(n_train, outputs)
        c[batch] = lp[batch] / len(batch)
        e = torch.einsum("nc,ncp->np", c, j_train)
        direction, d_i, d_lam = optimizer.step(e, w)
        dw = -eps * direction
        # The attribution's directions add up to the update (a check of this script itself).
        assert torch.allclose(d_i.sum(0) + d_lam, direction, rtol=1e-12, atol=1e-15)
        for split, x in queries.items():
            g = sum(a * jacobian(w + t * dw, x) for t, a in nodes)  # [q, C, P]
            kp[split] += eps * torch.einsum("qcp,icp->qi", g, j_train)
            contrib[split] -= eps * torch.einsum("qcp,ip->qic", g, d_i)
            bias_term[split] -= eps * torch.einsum("qcp,p->qc", g, d_lam)
        w = w + dw

    for split, x in queries.items():
        out[f"kernel/path/{split}"] = kp[split]
        out[f"kernel/contrib/{split}"] = contrib[split] if outputs > 1 else contrib[split][:, :, 0]
        out[f"kernel/tangent/initial/{split}"] = torch.einsum("qcp,icp->qi", j0[split], j0["train"])
        jf = jacobian(w, x)
        out[f"kernel/tangent/final/{split}"] = torch.einsum("qcp,icp->qi", jf, jacobian(w, x_train))
        out[f"predict/{split}/network"] = forward(w, x)
        out[f"predict/{split}/initial"] = initial[split]
        out[f"predict/{split}/bias"] = initial[split] + bias_term[split]
        out[f"predict/{split}/kernel_machine"] = initial[split] + bias_term[split] + contrib[split].sum(1)
    final = unflat(w)
    for layer in range(len(final) // 2):
        out[f"params/final/layer_{layer}/W"] = final[2 * layer]
        out[f"params/final/layer_{layer}/b"] = final[2 * layer + 1]
    return out


def compare(run, mine, tol):
    problems, lines = [], []
    for name, value in mine.items():
        ours = value.detach().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
        key = "history/" + name if name == "lr" else name
        if key not in run:
            if key.startswith("kernel/tangent"):
                continue  # written only with --tangent-kernels
            problems.append(f"{key}: not in the run file")
            continue
        theirs = run[key][...]
        ours = ours.reshape(theirs.shape)
        scale = np.max(np.abs(theirs))
        diff = np.max(np.abs(ours - theirs))
        rel = diff / scale if scale > 0 else diff
        lines.append(f"  {key:34s} max |diff| {diff:.3e}  relative {rel:.3e}")
        if not rel <= tol:
            problems.append(f"{key}: relative difference {rel:.3e} > {tol:g}")
    return problems, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run")
    parser.add_argument("data")
    parser.add_argument("--tol", type=float, default=1e-9)
    args = parser.parse_args()
    torch.set_num_threads(1)
    with h5py.File(args.run, "r") as run, h5py.File(args.data, "r") as data:
        problems, lines = compare(run, reference(run, data), args.tol)
    print("\n".join(lines))
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

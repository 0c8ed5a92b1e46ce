#!/usr/bin/python3
"""What a PyTorch user writes for the empirical tangent kernel of a CNN, timed.

    torch_jacobian_baseline.py [--layers LIST] [--input-shape C,H,W] [--n-train N] [--threads T] [--steps S]

The network of `pathkernel bench --layers LIST --input-shape C,H,W` (tanh,
standard parameterization, one output) in float64 on N random images; per
step: the per-example Jacobian of the flattened model by functorch's
vmap(jacrev), then K = J J^T, train x train. Prints seconds per step, the
parameter count and the threads, for the side-by-side comparison with
`pathkernel bench` of docs/PERFORMANCE.md (Convolutional networks).
"""
import argparse
import time

import torch
import torch.nn as nn
from functorch import jacrev, make_functional, vmap


def build(layers, shape):
    modules, shape = [], list(shape)
    for item in layers.split(","):
        parts = item.split(":")
        if parts[0] == "conv":
            k_out, k = int(parts[1]), int(parts[2])
            modules += [nn.Conv2d(shape[0], k_out, k), nn.Tanh()]
            shape = [k_out, shape[1] - k + 1, shape[2] - k + 1]
        elif parts[0] in ("avgpool", "maxpool"):
            k = int(parts[1])
            modules.append(nn.AvgPool2d(k) if parts[0] == "avgpool" else nn.MaxPool2d(k))
            shape = [shape[0], shape[1] // k, shape[2] // k]
        elif parts[0] == "dense":
            if len(shape) == 3:
                modules.append(nn.Flatten())
                shape = [shape[0] * shape[1] * shape[2]]
            modules += [nn.Linear(shape[0], int(parts[1])), nn.Tanh()]
            shape = [int(parts[1])]
    if len(shape) == 3:
        modules.append(nn.Flatten())
        shape = [shape[0] * shape[1] * shape[2]]
    modules.append(nn.Linear(shape[0], 1))
    return nn.Sequential(*modules).double()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--layers", default="conv:8:3,avgpool:2,conv:16:3,avgpool:2,dense:32")
    p.add_argument("--input-shape", default="1,28,28")
    p.add_argument("--n-train", type=int, default=1024)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    shape = [int(d) for d in a.input_shape.split(",")]
    model = build(a.layers, shape)
    fmodel, params = make_functional(model)
    x = torch.randn(a.n_train, *shape, dtype=torch.float64)

    def single(params, xi):
        return fmodel(params, xi.unsqueeze(0))[0, 0]

    def step():
        jac = vmap(jacrev(single), in_dims=(None, 0))(params, x)
        j = torch.cat([g.reshape(a.n_train, -1) for g in jac], dim=1)  # [N, P]
        return j @ j.T

    step()  # warm-up
    start = time.perf_counter()
    for _ in range(a.steps):
        k = step()
    seconds = (time.perf_counter() - start) / a.steps
    count = sum(q.numel() for q in params)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, float64: vmap(jacrev) + J J^T, "
          f"N = {a.n_train}, P = {count}: {seconds:.3f} s per step (K trace {k.trace().item():.6g})")


if __name__ == "__main__":
    main()

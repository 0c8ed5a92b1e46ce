#!/usr/bin/python3
"""Fits docs/SCALING.md's model to `pathkernel bench` outputs and predicts a cluster.

    scaling_fit.py BENCH_OUTPUT...      (the outputs of bench runs, any order, repeats allowed)

Each bench output has a table row (N, ranks R) and a "step with the engine" line
(compute, exchange, reduce, wait, bytes received, kernel flops). For each (N, R)
the fastest repeat of each part is kept (the machines are shared: slower repeats
carry other users' load). Fitted, by least squares:

    compute(N, R)  = flops_rank / gamma                       gamma: the step's flop/s on a rank
    exchange(N, R) = a_x * ceil(log2 R) + bytes_rank / b_x   one allgather per feature array
    reduce(P, R)   = a_r * ceil(log2 R) + 16 P (R - 1) / R / b_r

then the predictions of docs/SCALING.md: N = 60000, D = 784, hidden 64,64,
16/64/256 nodes of 64 cores, 100 Gb/s and 2 us between nodes. Prints Markdown.
"""
import math
import re
import sys

import numpy as np

ROW = re.compile(r"^(?:.*?: )?\|\s*(\d+) \|\s*(\d+) \|\s*(\d+) \| [^|]+\| [^|]+\|\s*(\d+) \|")
DGEMM = re.compile(r"^(?:.*?: )?BLAS .*DGEMM ([\d.]+) GFLOP/s")
STEP = re.compile(
    r"step with the engine ([\d.]+) ms: compute ([\d.]+) ms, exchange \(allgather\) ([\d.]+) ms of ([\d.]+) MB "
    r"received, reduce \(Allreduce of P = (\d+)\) ([\d.]+) ms, wait ([\d.]+) ms; kernel ([\d.]+) GFLOP")


def read(paths):
    runs = {}
    for path in paths:
        key = None
        dgemm = 0.0
        for line in open(path):
            m = DGEMM.match(line)
            if m:
                dgemm = float(m.group(1)) * 1e9
                continue
            m = ROW.match(line)
            if m:
                key = (int(m.group(1)), int(m.group(4)))
                continue
            m = STEP.search(line)
            if m and key:
                step, compute, exchange, mb, p, reduce_, wait, gflop = m.groups()
                r = dict(step=float(step) / 1e3, compute=float(compute) / 1e3, exchange=float(exchange) / 1e3,
                         bytes=float(mb) * 1e6, P=int(p), reduce=float(reduce_) / 1e3, wait=float(wait) / 1e3,
                         flops=float(gflop) * 1e9, dgemm=dgemm)
                best = runs.setdefault(key, dict(r))
                for k in ("step", "compute", "exchange", "reduce", "wait"):
                    best[k] = min(best[k], r[k])
                best["dgemm"] = max(best["dgemm"], r["dgemm"])
                key = None
    return runs


def lstsq(a, y):
    x, *_ = np.linalg.lstsq(np.array(a, dtype=float), np.array(y, dtype=float), rcond=None)
    return np.maximum(x, 0.0)


def main():
    runs = read(sys.argv[1:])
    if not runs:
        sys.exit("no bench outputs with a step line found")
    keys = sorted(runs)
    print("| N | R | step ms | compute ms | exchange ms | MB received | reduce ms | wait ms | GFLOP/rank |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in keys:
        v = runs[(n, r)]
        print(f"| {n} | {r} | {1e3 * v['step']:.1f} | {1e3 * v['compute']:.1f} | {1e3 * v['exchange']:.2f} | "
              f"{v['bytes'] / 1e6:.2f} | {1e3 * v['reduce']:.2f} | {1e3 * v['wait']:.1f} | {v['flops'] / 1e9:.3f} |")

    # One constant: the forward and backward pass (about a sixth of a step at hidden 64,64) is
    # folded into gamma, since it scales as the kernel's rows per rank do.
    (inv_gamma,) = lstsq([[runs[k]["flops"]] for k in keys], [runs[k]["compute"] for k in keys])
    tau = 0.0
    multi = [k for k in keys if k[1] > 1]
    a_x, inv_bx = lstsq([[math.ceil(math.log2(k[1])), runs[k]["bytes"]] for k in multi],
                        [runs[k]["exchange"] for k in multi]) if multi else (0.0, 0.0)
    a_r, inv_br = lstsq([[math.ceil(math.log2(k[1])), 16 * runs[k]["P"] * (k[1] - 1) / k[1]] for k in multi],
                        [runs[k]["reduce"] for k in multi]) if multi else (0.0, 0.0)
    gamma = 1 / inv_gamma if inv_gamma > 0 else float("inf")
    print()
    print(f"- gamma (kernel flops of a step over its compute time, one rank) = {gamma / 1e9:.2f} GFLOP/s")
    print(f"- exchange: a_x = {1e6 * a_x:.1f} us per log2 R; b_x = "
          f"{(1 / inv_bx / 1e9 if inv_bx > 0 else float('inf')):.2f} GB/s")
    print(f"- reduce: a_r = {1e6 * a_r:.1f} us per log2 R; b_r = "
          f"{(1 / inv_br / 1e9 if inv_br > 0 else float('inf')):.2f} GB/s")
    dgemm = max(v["dgemm"] for v in runs.values())
    for n, r in keys:
        v = runs[(n, r)]
        model = (v["flops"] * inv_gamma + tau * n / r + a_x * math.ceil(math.log2(r)) + v["bytes"] * inv_bx +
                 a_r * math.ceil(math.log2(r)) + 16 * v["P"] * (r - 1) / r * inv_br)
        print(f"  - N = {n}, R = {r}: model {1e3 * model:.1f} ms, measured without waits "
              f"{1e3 * (v['step'] - v['wait']):.1f} ms")
    # The efficiency: the fitted kernel rate over the best DGEMM measured in the same runs.
    efficiency = gamma / dgemm if dgemm > 0 and math.isfinite(gamma) else 0.7
    print(f"- kernel efficiency gamma / DGEMM = {efficiency:.2f} (DGEMM {dgemm / 1e9:.1f} GFLOP/s, same runs)")
    predict(min(efficiency, 1.0))


# ---- predictions (docs/SCALING.md): stated hardware, fitted efficiency -------------------------
CORE_DGEMM = 40e9  # flop/s of one core's DGEMM on the cluster (stated)
LINK = 12.5e9      # bytes/s into a node: 100 Gb/s (stated)
LATENCY = 2e-6     # s per message between nodes (stated)
PER_NODE = 64      # cores = ranks per node (stated)


def predict(efficiency):
    n_base, d, hidden, m_test = 60000, 784, 64, 10000
    arrays = 5  # allgathers per step at hidden 64,64 (h_0..h_2, signals of layers 1, 2)
    f = d + 4 * hidden                    # feature values per example (measured: D + 256 at hidden 64,64)
    phi = 2 * (d + 4 * hidden)            # kernel flops per (query, training) pair: 5 Gram products
    p = d * hidden + hidden + hidden * hidden + hidden + hidden + 1
    gamma = efficiency * CORE_DGEMM
    print()
    print(f"Predicted with gamma = {efficiency:.2f} x {CORE_DGEMM / 1e9:.0f} GFLOP/s = {gamma / 1e9:.1f} GFLOP/s "
          f"per rank, F = {f}, phi = {phi} flop per pair, P = {p}, M = {m_test} test points:")
    print()
    print("| scaling | nodes | R | N | compute ms | exchange ms, flat allgather | exchange ms, one copy per node |"
          " reduce ms | memory per rank GB (features) | 2-D blocks: exchange ms | triangle blocks: exchange ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in ("strong", "weak"):
        for nodes in (16, 64, 256):
            r = nodes * PER_NODE
            n = n_base if kind == "strong" else int(n_base * math.sqrt(nodes / 16))
            rows = math.ceil((n + m_test) / r)
            compute = rows * n * phi / gamma
            total = n * f * 8.0
            off_node = 1 - PER_NODE / r
            flat = PER_NODE * total * off_node / LINK + arrays * (r - 1) * LATENCY
            node_copy = total * (1 - 1 / nodes) / LINK + arrays * (nodes - 1) * LATENCY
            reduce_ = 2 * math.ceil(math.log2(r)) * LATENCY + PER_NODE * 2 * p * 8.0 / LINK
            memory = 8.0 * rows * n * 3 + total  # K, C and one write copy per row; all N feature rows
            two_d = PER_NODE * 2 * total / math.sqrt(r) / LINK + arrays * 2 * math.sqrt(r) * LATENCY
            triangle = PER_NODE * total / math.sqrt(r) / LINK + arrays * math.sqrt(2 * r) * LATENCY
            print(f"| {kind} | {nodes} | {r} | {n} | {1e3 * compute:.1f} | {1e3 * flat:.0f} | {1e3 * node_copy:.1f} | "
                  f"{1e3 * reduce_:.2f} | {memory / 1e9:.2f} ({total / 1e9:.2f}) | {1e3 * two_d:.1f} | "
                  f"{1e3 * triangle:.1f} |")
    # Where the exchange overtakes the compute at N = 60000, each layout.
    for name, exchange in (
            ("flat allgather", lambda r, nodes: PER_NODE * n_base * f * 8.0 * (1 - PER_NODE / r) / LINK),
            ("one copy per node", lambda r, nodes: n_base * f * 8.0 * (1 - 1 / nodes) / LINK),
            ("2-D blocks", lambda r, nodes: PER_NODE * 2 * n_base * f * 8.0 / math.sqrt(r) / LINK),
            ("triangle blocks", lambda r, nodes: PER_NODE * n_base * f * 8.0 / math.sqrt(r) / LINK)):
        nodes = 1
        while nodes * PER_NODE <= n_base:  # beyond, ranks would own no rows
            r = nodes * PER_NODE
            if exchange(r, nodes) > math.ceil((n_base + m_test) / r) * n_base * phi / gamma:
                break
            nodes += 1
        if nodes * PER_NODE <= n_base:
            print(f"- {name}: exchange overtakes compute at {nodes} node(s) (R = {nodes * PER_NODE})")
        else:
            print(f"- {name}: exchange stays below compute up to R = N = {n_base} ({nodes - 1} nodes)")


if __name__ == "__main__":
    main()

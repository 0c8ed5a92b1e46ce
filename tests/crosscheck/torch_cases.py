#!/usr/bin/python3
"""pathkernel against the independent PyTorch reference (torch_reference.py).

    torch_cases.py PATHKERNEL CASE

Writes a small data file, trains it with pathkernel at 2 ranks, and compares
the run with the reference to 1e-9 relative. A new case is one line of CASES:
the data it needs and the options of `pathkernel train`.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CNN = ["--layers", "conv:3:3:p1,avgpool:2,dense:5"]
CNN_MAX = ["--layers", "conv:3:3,maxpool:2,conv:2:2:s2,dense:4"]
MLP = ["--hidden", "6,5"]
CNN_RUN = ["--steps", "8", "--tangent-kernels"]
MLP_RUN = ["--steps", "12", "--tangent-kernels"]

# name: (data, options of pathkernel train)
CASES = {
    "cnn_avgpool_sgd_gauss": ("images", CNN + CNN_RUN + ["--lr", "0.2", "--path-rule", "gauss:3", "--weight-decay", "0.01"]),
    "cnn_maxpool_sgd_left": ("images3", CNN_MAX + CNN_RUN + ["--lr", "0.2", "--param", "ntk", "--batch-size", "5"]),
    "cnn_flat_input_shape": ("flat", CNN + CNN_RUN + ["--lr", "0.2", "--input-shape", "1,7,6", "--activation", "gelu"]),
    "mlp_sgd_gauss": ("vectors", MLP + MLP_RUN + ["--lr", "0.05", "--path-rule", "gauss:3", "--lr-schedule", "cosine"]),
    "mlp_momentum": ("vectors", MLP + MLP_RUN + ["--lr", "0.05", "--optimizer", "momentum", "--nesterov", "--weight-decay", "0.02",
                                                "--path-rule", "gauss:2", "--batch-size", "7"]),
    "mlp_adam": ("vectors3", MLP + MLP_RUN + ["--optimizer", "adam", "--lr", "0.01", "--weight-decay", "0.01",
                                             "--warmup", "3", "--param", "ntk"]),
    "mlp_adamw": ("vectors", MLP + MLP_RUN + ["--optimizer", "adamw", "--lr", "0.01", "--weight-decay", "0.05",
                                             "--lr-schedule", "step:4:0.5", "--path-rule", "gauss:4"]),
    "cnn_momentum": ("images", CNN_MAX + CNN_RUN + ["--lr", "0.1", "--optimizer", "momentum", "--weight-decay", "0.02",
                                                   "--batch-size", "6"]),
    "cnn_adam": ("images3", CNN + CNN_RUN + ["--optimizer", "adam", "--lr", "0.01", "--path-rule", "gauss:2"]),
    "cnn_adamw": ("images", CNN_MAX + CNN_RUN + ["--optimizer", "adamw", "--lr", "0.01", "--weight-decay", "0.05",
                                                "--param", "ntk"]),
}


def write_data(kind, path):
    """Small data: images 1x7x6 (logistic, or 3 classes), the same images flat, or vectors of D = 5."""
    rng = np.random.default_rng(11)
    n, m = 16, 6
    if kind in ("images", "images3", "flat"):
        x, xt = rng.normal(size=(n, 1, 7, 6)), rng.normal(size=(m, 1, 7, 6))
        if kind == "flat":
            x, xt = x.reshape(n, -1), xt.reshape(m, -1)
        score, score_t = x.reshape(n, -1)[:, 10], xt.reshape(m, -1)[:, 10]
    else:
        x, xt = rng.normal(size=(n, 5)), rng.normal(size=(m, 5))
        score, score_t = x[:, 0] + 0.5 * x[:, 1], xt[:, 0] + 0.5 * xt[:, 1]
    with h5py.File(path, "w") as f:
        f["train/X"], f["test/X"] = x, xt
        if kind.endswith("3"):  # softmax, 3 classes
            f["train/y"] = np.digitize(score, [-0.4, 0.4]).astype(np.int64)
            f["test/y"] = np.digitize(score_t, [-0.4, 0.4]).astype(np.int64)
            f.attrs["loss"] = "softmax"
        elif kind == "vectors":  # mse
            f["train/y"], f["test/y"] = np.sin(score), np.sin(score_t)
            f.attrs["loss"] = "mse"
        else:
            f["train/y"], f["test/y"] = (score > 0).astype(float), (score_t > 0).astype(float)
            f.attrs["loss"] = "logistic"


def main():
    program, case = sys.argv[1], sys.argv[2]
    if case not in CASES:
        print(f"unknown case {case}; known: {', '.join(CASES)}")
        return 2
    kind, options = CASES[case]
    with tempfile.TemporaryDirectory() as work:
        data, run = os.path.join(work, "data.h5"), os.path.join(work, "run.h5")
        write_data(kind, data)
        command = ["mpiexec", "-n", "2", "--oversubscribe", program, "train", "--data", data, "--out", run] + options
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout, done.stderr)
            print("FAIL: pathkernel train")
            return 1
        done = subprocess.run([sys.executable, os.path.join(HERE, "torch_reference.py"), run, data],
                              capture_output=True, text=True)
        print(done.stdout, done.stderr)
        print(("PASS: " if done.returncode == 0 else "FAIL: ") + case)
        return done.returncode


if __name__ == "__main__":
    sys.exit(main())

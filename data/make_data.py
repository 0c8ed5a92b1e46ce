#!/usr/bin/env python3
"""Build the small real HDF5 data sets shipped in data/.

Reads the CSV copies of the digits and diabetes data bundled with
scikit-learn (sklearn/datasets/data/) and writes, next to this script:

  digits2.h5   digits 3 vs 8, y float64 in {0.0, 1.0} (3 -> 0, 8 -> 1)
  digits10.h5  all ten digits, y int64 in 0..9
  diabetes.h5  diabetes regression, X and y standardised with train stats

Each file holds /train/X, /train/y, /test/X, /test/y (float64 X).
Split: first 75% of rows (floor) in the file's original order are train,
the rest test; no shuffling, so the output is fully deterministic.

Usage: python3 make_data.py [SKLEARN_DATA_DIR]
(default: the data folder of the installed sklearn package)
"""
import gzip
import os
import sys

import h5py
import numpy as np

OUT = os.path.dirname(os.path.abspath(__file__))


def split(X, y):
    n = int(0.75 * len(y))
    return X[:n], y[:n], X[n:], y[n:]


def write(name, loss, Xtr, ytr, Xte, yte, class_names=None):
    with h5py.File(os.path.join(OUT, name), "w") as f:
        f.attrs["loss"] = loss  # the task: what `pathkernel train --loss auto` uses
        if class_names:
            f.attrs["class_names"] = class_names  # what explain and pkplot print for the classes 0, 1, ...
        for grp, X, y in (("train", Xtr, ytr), ("test", Xte, yte)):
            g = f.create_group(grp)
            g.create_dataset("X", data=np.ascontiguousarray(X, dtype=np.float64),
                             compression="gzip", compression_opts=9)
            g.create_dataset("y", data=np.ascontiguousarray(y),
                             compression="gzip", compression_opts=9)
    print(name, "train", Xtr.shape, "test", Xte.shape, "y", ytr.dtype)


def main(src):
    # digits.csv.gz: 1797 rows, 64 pixel values (0..16, row-major 8x8) + label
    with gzip.open(os.path.join(src, "digits.csv.gz"), "rt") as fh:
        d = np.loadtxt(fh, delimiter=",")
    X = d[:, :64] / 16.0
    lab = d[:, 64].astype(np.int64)

    write("digits10.h5", "softmax", *split(X, lab))  # its classes are the digits: no names needed

    keep = (lab == 3) | (lab == 8)
    write("digits2.h5", "logistic", *split(X[keep], (lab[keep] == 8).astype(np.float64)), class_names="3,8")

    # diabetes: 442 x 10 raw (unscaled) features, whitespace separated; target
    with gzip.open(os.path.join(src, "diabetes_data_raw.csv.gz"), "rt") as fh:
        X = np.loadtxt(fh)
    with gzip.open(os.path.join(src, "diabetes_target.csv.gz"), "rt") as fh:
        y = np.loadtxt(fh)
    Xtr, ytr, Xte, yte = split(X, y)
    mu, sd = Xtr.mean(axis=0), Xtr.std(axis=0)      # population std (ddof=0)
    ymu, ysd = ytr.mean(), ytr.std()
    write("diabetes.h5", "mse", (Xtr - mu) / sd, (ytr - ymu) / ysd,
          (Xte - mu) / sd, (yte - ymu) / ysd)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        src = sys.argv[1]
    else:
        import sklearn
        src = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data")
    main(src)

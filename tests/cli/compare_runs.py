#!/usr/bin/python3
"""Compares every dataset of two pathkernel HDF5 files.

    compare_runs.py A.h5 B.h5 [TOLERANCE]

TOLERANCE 0 (default) demands bit-identical values; otherwise each dataset
must satisfy max|a - b| / max|b| <= TOLERANCE (NaN positions must agree).
Exit status 0 when they agree, 1 otherwise (listing what differs).
"""
import sys

import h5py
import numpy as np


def datasets(f):
    names = []
    f.visititems(lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset) else None)
    return sorted(names)


def main():
    a_path, b_path = sys.argv[1], sys.argv[2]
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    problems = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        names_a, names_b = datasets(a), datasets(b)
        if names_a != names_b:
            problems.append(f"dataset lists differ: {sorted(set(names_a) ^ set(names_b))}")
        for name in sorted(set(names_a) & set(names_b)):
            x, y = a[name][()], b[name][()]
            if x.shape != y.shape or x.dtype != y.dtype:
                problems.append(f"{name}: shape/type {x.shape} {x.dtype} vs {y.shape} {y.dtype}")
            elif tol == 0.0:
                if x.tobytes() != y.tobytes():
                    problems.append(f"{name}: not bit-identical")
            else:
                if not np.array_equal(np.isnan(x), np.isnan(y)):
                    problems.append(f"{name}: NaN positions differ")
                    continue
                ok = ~np.isnan(y)
                scale = np.max(np.abs(y[ok])) if ok.any() else 0.0
                diff = np.max(np.abs(x[ok] - y[ok])) if ok.any() else 0.0
                rel = diff / scale if scale > 0 else diff
                if rel > tol:
                    problems.append(f"{name}: relative difference {rel:.3e} > {tol:.1e}")
    for p in problems:
        print(p)
    print(f"compared {len(names_a)} datasets: {'agree' if not problems else 'DIFFER'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

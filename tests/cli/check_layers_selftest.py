#!/usr/bin/python3
"""The layer check can fail: on a small tree with the repository's layer table,
it refuses an upward include, a command over results that includes training,
and HDF5 outside io/ (a call, hid_t, the header), and accepts the same tree
without them.

    check_layers_selftest.py SOURCE_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)


def check(root):
    result = subprocess.run([sys.executable, os.path.join(HERE, "check_layers.py"), root],
                            capture_output=True, text=True)
    return result.returncode, result.stdout


def main():
    source = sys.argv[1]
    problems = []
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "docs"))
        shutil.copy(os.path.join(source, "docs", "ARCHITECTURE.md"), os.path.join(root, "docs"))
        write(root, "src/train/Trainer.hpp", "#pragma once\n")
        write(root, "src/results/Reader.hpp", "#pragma once\n#include \"io/H5.hpp\"\n")
        write(root, "io/H5.hpp", "#pragma once\n#include <hdf5.h>\nhid_t open();  // H5Fopen(\n")
        write(root, "io/H5.cpp", "#include \"io/H5.hpp\"\nhid_t open() { return H5Fopen(\"f\", 0, 0); }\n")
        write(root, "src/explain/Good.cpp", "#include \"results/Reader.hpp\"\n// H5Dread( in a comment is no call\n")
        code, out = check(root)
        if code != 0:
            problems.append("a clean tree was refused:\n" + out)
        bad = {
            "src/model/Up.cpp": ('#include "train/Trainer.hpp"\n', "model (level 2) includes train"),
            "src/explain/Trains.cpp": ('#include "train/Trainer.hpp"\n', "explain reads results only but includes train"),
            "src/krr/Call.cpp": ("void f() { H5Dread(0, 0, 0, 0, 0, 0); }\n", "src/krr/Call.cpp:1: HDF5 used outside"),
            "src/results/Handle.hpp": ("void f(hid_t file);\n", "src/results/Handle.hpp:1: HDF5 used outside"),
            "src/dynamics/Header.cpp": ("#include <hdf5.h>\n", "src/dynamics/Header.cpp:1: HDF5 used outside"),
        }
        for path, (text, message) in bad.items():
            write(root, path, text)
        code, out = check(root)
        if code != 1:
            problems.append(f"a tree with violations passed (exit {code}):\n" + out)
        for path, (_, message) in bad.items():
            if message not in out:
                problems.append(f"{path}: not reported as '{message}'")
        if "io/H5" in out or "Good.cpp" in out:
            problems.append("io/ or a comment was reported:\n" + out)
    for p in problems:
        print(p)
    print("check_layers self-test: " + ("ok" if not problems else "FAILED"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

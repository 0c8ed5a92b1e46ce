#!/usr/bin/python3
"""Checks src/, io/ and drivers/ against the layer table of docs/ARCHITECTURE.md:

- every #include: a folder may include its own folder and folders on lower
  levels only ('level N: a b' lines);
- the folders of the 'without training:' line include none of the folders of
  the 'training:' line (a command that only reads results compiles without
  the training stack);
- HDF5 is used only in the folders of the 'hdf5:' line: elsewhere no
  #include <hdf5.h>, no hid_t and no call of an H5* function.

    check_layers.py SOURCE_DIR

Exit status 0 when every file follows the table, 1 otherwise (listing them).
"""
import os
import re
import sys

# An HDF5 function call (H5Fopen(, H5Dread(, ...), its handle type, its header.
HDF5_USE = re.compile(r"\bH5[A-Z]\w*\s*\(|\bhid_t\b|#\s*include\s*<hdf5\.h>")


def layer_table(doc):
    """{folder: level} and {rule: [folders]} from the lines of the layers block."""
    levels, rules = {}, {}
    for line in open(doc, encoding="utf-8"):
        line = line.strip()
        m = re.match(r"level (\d+): (.+)$", line)
        if m:
            for folder in m.group(2).split():
                levels[folder] = int(m.group(1))
            continue
        m = re.match(r"(training|without training|hdf5): (.+)$", line)
        if m:
            rules[m.group(1)] = m.group(2).split()
    return levels, rules


def folder_of(path):
    parts = path.split(os.sep)
    return parts[1] if parts[0] == "src" else parts[0]


def code_of(line):
    """The line without a // comment (comments may name HDF5 calls)."""
    return line.split("//", 1)[0]


def main():
    root = sys.argv[1]
    levels, rules = layer_table(os.path.join(root, "docs", "ARCHITECTURE.md"))
    if not levels:
        print("no layer table found in docs/ARCHITECTURE.md")
        return 1
    for rule in ("training", "without training", "hdf5"):
        if rule not in rules:
            print(f"no '{rule}:' line in the layer table of docs/ARCHITECTURE.md")
            return 1
    training, readers, hdf5 = set(rules["training"]), set(rules["without training"]), set(rules["hdf5"])
    problems, checked, files = [], 0, 0
    for top in ("src", "io", "drivers"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                if not name.endswith((".cpp", ".hpp", ".hpp.in")):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                here = folder_of(rel)
                if here not in levels:
                    problems.append(f"{rel}: folder '{here}' is not in the layer table")
                    continue
                files += 1
                for number, line in enumerate(open(os.path.join(root, rel), encoding="utf-8"), 1):
                    if here not in hdf5 and HDF5_USE.search(code_of(line)):
                        problems.append(f"{rel}:{number}: HDF5 used outside {', '.join(sorted(hdf5))}/: "
                                        f"{line.strip()}")
                    m = re.match(r'\s*#include "([^/"]+)/', line)
                    if not m or m.group(1) == "pk":  # pk/ is the generated version header
                        continue
                    checked += 1
                    target = m.group(1)
                    if target not in levels:
                        problems.append(f"{rel}:{number}: includes unknown folder '{target}'")
                    elif target != here and levels[target] >= levels[here]:
                        problems.append(f"{rel}:{number}: {here} (level {levels[here]}) includes {target} "
                                        f"(level {levels[target]})")
                    elif here in readers and target in training:
                        problems.append(f"{rel}:{number}: {here} reads results only but includes {target} "
                                        f"(training)")
    for p in problems:
        print(p)
    print(f"checked {checked} includes and {files} files for HDF5 against {len(levels)} folders: "
          f"{'ok' if not problems else 'VIOLATIONS'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Checks every #include of src/, io/ and drivers/ against the layer table of
docs/ARCHITECTURE.md: a folder may include its own folder and folders on lower
levels only.

    check_layers.py SOURCE_DIR

Exit status 0 when every include follows the table, 1 otherwise (listing them).
"""
import os
import re
import sys


def layer_table(doc):
    """{folder: level} from the 'level N: a b' lines of the layers block."""
    levels = {}
    for line in open(doc, encoding="utf-8"):
        m = re.match(r"level (\d+): (.+)$", line.strip())
        if m:
            for folder in m.group(2).split():
                levels[folder] = int(m.group(1))
    return levels


def folder_of(path):
    parts = path.split(os.sep)
    return parts[1] if parts[0] == "src" else parts[0]


def main():
    root = sys.argv[1]
    levels = layer_table(os.path.join(root, "docs", "ARCHITECTURE.md"))
    if not levels:
        print("no layer table found in docs/ARCHITECTURE.md")
        return 1
    problems, checked = [], 0
    for top in ("src", "io", "drivers"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not name.endswith((".cpp", ".hpp", ".hpp.in")):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                here = folder_of(rel)
                if here not in levels:
                    problems.append(f"{rel}: folder '{here}' is not in the layer table")
                    continue
                for number, line in enumerate(open(os.path.join(root, rel), encoding="utf-8"), 1):
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
    for p in problems:
        print(p)
    print(f"checked {checked} includes against {len(levels)} folders: {'ok' if not problems else 'VIOLATIONS'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""The documentation holds together: every relative link in a Markdown file
points at a file that exists and, with an anchor, at a heading of it; the
README stays a front door (under 250 lines); every command the program lists
has its guide in docs/guide/.

Usage: check_docs.py REPOSITORY_ROOT. Exit status 1 with one line per problem.
"""

import os
import re
import sys

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")
README_LIMIT = 250


def markdown_files(root):
    for folder, dirs, files in os.walk(root):
        # build folders and hidden folders hold no documentation of the project
        dirs[:] = [d for d in dirs if not d.startswith(".") and not d.startswith("build")]
        for name in files:
            if name.endswith(".md"):
                yield os.path.join(folder, name)


def prose_lines(path):
    """Lines outside fenced and indented code blocks, where links are links."""
    inside = False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if FENCE.match(line):
                inside = not inside
                continue
            if inside or line.startswith("    ") or line.startswith("\t"):
                continue
            yield number, line


def anchors(path):
    """GitHub's anchors of a file's headings: lower case, punctuation dropped,
    spaces to hyphens, repeated headings numbered -1, -2, ..."""
    seen = {}
    result = set()
    for _, line in prose_lines(path):
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        text = m.group(1).lower()
        slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else "%s-%d" % (slug, count))
    return result


def check_links(root):
    problems = []
    cache = {}
    for path in sorted(markdown_files(root)):
        rel = os.path.relpath(path, root)
        for number, line in prose_lines(path):
            for target in LINK.findall(line):
                if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
                    continue
                file_part, _, anchor = target.partition("#")
                dest = path if not file_part else os.path.normpath(os.path.join(os.path.dirname(path), file_part))
                if not os.path.exists(dest):
                    problems.append("%s:%d: link to a missing file: %s" % (rel, number, target))
                    continue
                if anchor and dest.endswith(".md"):
                    if dest not in cache:
                        cache[dest] = anchors(dest)
                    if anchor not in cache[dest]:
                        problems.append("%s:%d: link to a missing heading: %s" % (rel, number, target))
    return problems


def listed_commands(root):
    """The command names in the program's command list (drivers/pathkernel.cpp)."""
    with open(os.path.join(root, "drivers", "pathkernel.cpp"), encoding="utf-8") as f:
        return re.findall(r'^\s*\{"([a-z]+)",\s*"', f.read(), re.M)


def main(argv):
    if len(argv) != 2:
        print("usage: check_docs.py REPOSITORY_ROOT", file=sys.stderr)
        return 2
    root = os.path.abspath(argv[1])
    problems = check_links(root)
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        lines = sum(1 for _ in f)
    if lines >= README_LIMIT:
        problems.append("README.md: %d lines; it must stay under %d (the rest belongs in docs/)" % (lines, README_LIMIT))
    commands = listed_commands(root)
    if not commands:
        problems.append("drivers/pathkernel.cpp: no command list found")
    for name in commands + ["pkplot"]:
        if not os.path.exists(os.path.join(root, "docs", "guide", name + ".md")):
            problems.append("docs/guide/%s.md: missing (every command has a guide)" % name)
    for p in problems:
        print(p)
    if problems:
        return 1
    print("check_docs: links, anchors, README length and %d guides are fine" % (len(commands) + 1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

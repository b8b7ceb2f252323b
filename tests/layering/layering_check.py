#!/usr/bin/env python3
"""The dependency rules of the project (shared/DESIGN.md §2), checked on the
source tree: BUILD labels and #include lines.

  1. nas/ is the core: it names no algorithm, tool, test or doc package.
  2. nas/base (not nas/base/torch) is LibTorch-free.
  3. datasets/ names no algorithm or tool package.
  4. An algorithm package algorithms/X names another one, algorithms/Y,
     only through its space targets (//algorithms/Y:*_space) and their
     headers (algorithms/Y/*_space.h); algorithms/BUILD aggregates them.

Usage: layering_check.py WORKSPACE_ROOT. Prints every violation as
`file:line: rule: text` and exits 1 when there is one.
"""
import os
import re
import sys

LABEL = re.compile(r'"(//[A-Za-z0-9_./-]*)(?::([A-Za-z0-9_./+-]+))?"')
INCLUDE = re.compile(r'^\s*#\s*include\s+[<"]([^">]+)[">]')
TORCH_LABELS = ("//third_party:torch", "//third_party:c10d")
TORCH_HEADERS = ("torch/", "ATen/", "c10/", "caffe2/")


def sources(root, top):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not d.startswith("bazel-")]
        for name in filenames:
            if name == "BUILD" or name.endswith((".h", ".cc", ".bzl")):
                path = os.path.join(dirpath, name)
                yield os.path.relpath(path, root)


def references(root, path):
    """(line number, kind, target) for each label and include of a file."""
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            code = line.split("#", 1)[0] if os.path.basename(path) == "BUILD" or path.endswith(".bzl") else line
            # The build macros (//tools:cc.bzl) and visibility grants are not
            # dependencies.
            if code.lstrip().startswith("load(") or "visibility =" in code:
                continue
            if path.endswith((".h", ".cc")):
                m = INCLUDE.match(line)
                if m:
                    yield number, "include", m.group(1), line.strip()
                continue
            for m in LABEL.finditer(code):
                package = m.group(1)[2:]
                target = m.group(2) or os.path.basename(package)
                yield number, "label", (package, target), line.strip()


def package_of(path):
    return os.path.dirname(path)


def check(root):
    errors = []

    def bad(path, number, rule, text):
        errors.append(f"{path}:{number}: {rule}: {text}")

    for path in sources(root, "nas"):
        torch_free = package_of(path) == "nas/base"
        for number, kind, ref, text in references(root, path):
            if kind == "label":
                package, _ = ref
                if package.split("/")[0] in ("algorithms", "tools", "tests", "docs"):
                    bad(path, number, "nas/ must not name an algorithm, tool, test or doc package", text)
                if torch_free and f"//{package}:{ref[1]}" in TORCH_LABELS:
                    bad(path, number, "nas/base must not link LibTorch (use nas/base/torch)", text)
            else:
                if ref.split("/")[0] in ("algorithms", "tools", "tests", "docs"):
                    bad(path, number, "nas/ must not include an algorithm, tool, test or doc header", text)
                if torch_free and ref.startswith(TORCH_HEADERS):
                    bad(path, number, "nas/base must not include LibTorch (use nas/base/torch)", text)

    for path in sources(root, "datasets"):
        for number, kind, ref, text in references(root, path):
            top = (ref[0] if kind == "label" else ref).split("/")[0]
            if top in ("algorithms", "tools"):
                bad(path, number, "datasets/ must not name an algorithm or tool package", text)

    for path in sources(root, "algorithms"):
        parts = path.split("/")
        if len(parts) < 3:
            continue  # algorithms/BUILD: the aggregates
        own = parts[1]
        for number, kind, ref, text in references(root, path):
            if kind == "label":
                package, target = ref
                pieces = package.split("/")
                if pieces[0] == "algorithms" and len(pieces) > 1 and pieces[1] != own:
                    if not target.endswith("_space"):
                        bad(path, number, f"algorithms/{own} may use algorithms/{pieces[1]} only through "
                                          "its *_space targets", text)
                if pieces == ["algorithms"]:
                    bad(path, number, f"algorithms/{own} must not depend on the aggregates of //algorithms",
                        text)
            else:
                pieces = ref.split("/")
                if pieces[0] == "algorithms" and len(pieces) > 2 and pieces[1] != own:
                    if not pieces[-1].endswith("_space.h"):
                        bad(path, number, f"algorithms/{own} may include algorithms/{pieces[1]} only "
                                          "through its *_space.h headers", text)
    return errors


def main():
    root = sys.argv[1]
    errors = check(root)
    for e in errors:
        print(e)
    if errors:
        print(f"{len(errors)} layering violation(s)")
        return 1
    print("layering: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

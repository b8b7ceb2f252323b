#!/usr/bin/env bash
# Reads Bazel source labels (//tools:gpu_check_query's output) on stdin and
# prints the project's C++ files among them as workspace-relative paths,
# sorted: what tools/gpu_check.sh compiles without Bazel.
set -euo pipefail
sed -n 's|^//\([^:]*\):\(.*\.cc\)$|\1/\2|p; s|^//:\(.*\.cc\)$|\1|p' | sed 's|^/||' | LC_ALL=C sort -u

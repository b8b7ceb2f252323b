#!/usr/bin/env bash
# tools/gpu_check/sources.txt must list exactly the C++ files //tools:gpu_check
# is built from (the Bazel query //tools:gpu_check_query), so that
# tools/gpu_check.sh can build it on a machine without Bazel.
set -euo pipefail
here="${TEST_SRCDIR}/oneshot_nas/tools"
expected="$("${here}/gpu_check/labels_to_sources.sh" < "${here}/gpu_check_query")"
if ! diff <(echo "${expected}") "${here}/gpu_check/sources.txt"; then
  echo "FAIL: tools/gpu_check/sources.txt is stale (< the query, > the file); rewrite it with" >&2
  echo "  tools/gpu_check.sh --write_sources" >&2
  exit 1
fi
echo "PASS: $(wc -l < "${here}/gpu_check/sources.txt") sources"

#!/usr/bin/env bash
# The project's dependency rules (layering_check.py), on the workspace the
# test was built from. The checker reads the real source tree, so the test
# is tagged "external" (never cached: a new file anywhere must be checked).
# It also proves, on a scratch copy, that a violation makes it fail.
set -euo pipefail
here="$(dirname "$0")"
anchor="$(readlink -f "${TEST_SRCDIR}/oneshot_nas/tools/cc.bzl")"
root="$(dirname "$(dirname "${anchor}")")"
[[ -f "${root}/WORKSPACE" ]] || { echo "FAIL: cannot find the workspace from ${anchor}" >&2; exit 1; }
checker="${here}/layering_check.py"
python3 "${checker}" "${root}"

# A deliberate violation in a scratch tree is caught, naming the file.
scratch="${TEST_TMPDIR}/scratch"
mkdir -p "${scratch}/nas/core" "${scratch}/algorithms/foo" "${scratch}/algorithms/bar"
touch "${scratch}/WORKSPACE"
printf '#include "algorithms/darts/darts_trainer.h"\n' > "${scratch}/nas/core/x.cc"
printf 'cc_library(name = "a", deps = ["//algorithms/bar:bar_trainer", "//algorithms/bar:bar_space"])\n' \
  > "${scratch}/algorithms/foo/BUILD"
printf '#include "algorithms/bar/bar_space.h"\n#include "algorithms/bar/bar_mutator.h"\n' \
  > "${scratch}/algorithms/foo/foo.cc"
rc=0
python3 "${checker}" "${scratch}" > "${TEST_TMPDIR}/out" || rc=$?
cat "${TEST_TMPDIR}/out"
(( rc == 1 )) || { echo "FAIL: violations not reported" >&2; exit 1; }
grep -q "nas/core/x.cc:1: nas/ must not include" "${TEST_TMPDIR}/out" || { echo "FAIL: nas rule" >&2; exit 1; }
grep -q "algorithms/foo/BUILD:1: algorithms/foo may use algorithms/bar only through its \*_space targets" \
  "${TEST_TMPDIR}/out" || { echo "FAIL: package rule" >&2; exit 1; }
grep -q "algorithms/foo/foo.cc:2:" "${TEST_TMPDIR}/out" || { echo "FAIL: include rule" >&2; exit 1; }
grep -c "foo.cc:1:" "${TEST_TMPDIR}/out" && { echo "FAIL: a space header was refused" >&2; exit 1; }
grep -q "3 layering violation(s)" "${TEST_TMPDIR}/out" || { echo "FAIL: count" >&2; exit 1; }
echo PASS

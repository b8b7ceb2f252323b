#!/usr/bin/env bash
# The checked-in scaffold_example package is exactly what //tools/new_algorithm
# generates today: regenerating it gives byte-identical files (so the
# instance that //... builds and tests is the tool's real output). After
# changing a template, regenerate it:
#   rm -r tests/extension/scaffold_example
#   tools/bazel run //tools/new_algorithm -- --name=scaffold_example --parent=tests/extension
set -euo pipefail
root="${TEST_SRCDIR}/oneshot_nas"
tool="${root}/tools/new_algorithm/new_algorithm.sh"
ws="${TEST_TMPDIR}/ws"
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "${ws}"
touch "${ws}/WORKSPACE"
"${tool}" --name=scaffold_example --parent=tests/extension --workspace="${ws}" > "${TEST_TMPDIR}/out" \
  || { cat "${TEST_TMPDIR}/out"; fail "the tool failed"; }
generated="${ws}/tests/extension/scaffold_example"
checked_in="${root}/tests/extension/scaffold_example"
diff -r "${generated}" "${checked_in}" > "${TEST_TMPDIR}/diff" || {
  head -50 "${TEST_TMPDIR}/diff"
  fail "tests/extension/scaffold_example differs from the tool's output; regenerate it (see this test's header)"
}
# diff -r follows the runfiles' symlinks; also compare the file lists.
(cd "${generated}" && find . -type f | sort) > "${TEST_TMPDIR}/generated.txt"
(cd "${checked_in}" && find -L . -type f | sort) > "${TEST_TMPDIR}/checked_in.txt"
diff "${TEST_TMPDIR}/generated.txt" "${TEST_TMPDIR}/checked_in.txt" || fail "different file lists"
# The CLI test stays executable.
[[ -x "${generated}/search_cli_test.sh" ]] || fail "search_cli_test.sh is not executable"
echo PASS

#!/usr/bin/env bash
# MANUAL (tags = ["manual"]; minutes): the whole promise, end to end. Copies
# the workspace's tracked files (git ls-files) into a temporary folder, runs
# //tools/new_algorithm there, and builds and tests the new package with a
# nested Bazel (its own output base; the shared disk cache keeps it to the
# new package's compiles):
#   tools/bazel test //tests/extension:nested_build_test
# The workspace is found through this script's runfiles symlink, or given as
# --test_env=NAS_WORKSPACE=/path/to/workspace.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
script="${TEST_SRCDIR}/oneshot_nas/tests/extension/nested_build_test.sh"
ws="${NAS_WORKSPACE:-$(cd "$(dirname "$(readlink -f "${script}")")/../.." && pwd)}"
[[ -f "${ws}/WORKSPACE" && -d "${ws}/.git" ]] || fail "cannot find the workspace (got ${ws}); pass --test_env=NAS_WORKSPACE=..."
copy="${TEST_TMPDIR}/clone"
mkdir -p "${copy}"
(cd "${ws}" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - 2>/dev/null) | (cd "${copy}" && tar -xf -)
rm -rf "${copy}/algorithms/nested_example"
cp -r "${copy}" "${TEST_TMPDIR}/pristine"

BUILD_WORKSPACE_DIRECTORY="${copy}" "${copy}/tools/new_algorithm/new_algorithm.sh" --name=nested_example \
  || fail "the tool failed"
# Only files under algorithms/nested_example/ were added.
diff -r -q "${TEST_TMPDIR}/pristine" "${copy}" > "${TEST_TMPDIR}/diff" || true
grep -v "^Only in ${copy}/algorithms: nested_example$" "${TEST_TMPDIR}/diff" && fail "other differences"

home="$(getent passwd "$(id -u)" | cut -d: -f6)"
cd "${copy}"
HOME="${home}" tools/bazel --output_user_root="${TEST_TMPDIR}/bazel_root" test \
  --disk_cache="${home}/.cache/oneshot_nas/disk_cache" //algorithms/nested_example/... \
  || fail "the generated package did not build and pass its tests"
HOME="${home}" tools/bazel --output_user_root="${TEST_TMPDIR}/bazel_root" shutdown || true
echo PASS

#!/usr/bin/env bash
# //tools/new_algorithm run on a copy of a workspace adds files under
# algorithms/<name>/ and, outside it, only the package's two lines in
# algorithms/BUILD's aggregates (:spaces, :oneshot_methods): nothing in nas/
# (or anywhere else) changes, nothing else appears. Bad names, an existing
# package and a workspace without the aggregates are one-line errors that
# leave the workspace untouched.
set -euo pipefail
root="${TEST_SRCDIR}/oneshot_nas"
tool="${root}/tools/new_algorithm/new_algorithm.sh"
ws="${TEST_TMPDIR}/ws"
source tests/cli_lib.sh

# The workspace copy: every file this test has in its runfiles (the core's
# BUILD and headers, the tools, the checked-in example), dereferenced.
mkdir -p "${ws}"
(cd "${root}" && find -L . -type f ! -name MANIFEST ! -path './external/*' -print0 |
   xargs -0 tar --dereference -cf -) | (cd "${ws}" && tar -xf -)
touch "${ws}/WORKSPACE"
[[ -f "${ws}/nas/core/mutator.h" && -f "${ws}/nas/testing/mutator_conformance.h" ]] || fail "the copy lacks nas/"
snapshot() { (cd "${ws}" && find . -type f -print0 | xargs -0 sha256sum | LC_ALL=C sort); }
snapshot > "${TEST_TMPDIR}/before"
cp "${ws}/algorithms/BUILD" "${TEST_TMPDIR}/aggregates_before"

# As `bazel run` calls it: the workspace comes from BUILD_WORKSPACE_DIRECTORY.
BUILD_WORKSPACE_DIRECTORY="${ws}" "${tool}" --name=my_algo > "${TEST_TMPDIR}/out" 2>&1 \
  || { cat "${TEST_TMPDIR}/out"; fail "the tool failed"; }
snapshot > "${TEST_TMPDIR}/after"
# Every file that was there is unchanged but algorithms/BUILD, which gains
# exactly the package's space and one-shot method ...
changed=$(LC_ALL=C comm -23 "${TEST_TMPDIR}/before" "${TEST_TMPDIR}/after" | awk '{print $2}')
[[ "${changed}" == "./algorithms/BUILD" ]] || fail "files changed or vanished: ${changed}"
edits=$(diff "${TEST_TMPDIR}/aggregates_before" "${ws}/algorithms/BUILD" | grep '^[<>]' || true)
expected='>         "//algorithms/my_algo:my_algo_space",
>         "//algorithms/my_algo:oneshot_method",'
[[ "${edits}" == "${expected}" ]] || fail "algorithms/BUILD edits: ${edits}"
added_files=$(LC_ALL=C comm -13 "${TEST_TMPDIR}/before" "${TEST_TMPDIR}/after" | awk '{print $2}' |
              grep -v '^\./algorithms/BUILD$' || true)
# ... and the new ones are all under algorithms/my_algo/.
added="${added_files}"
[[ -n "${added}" ]] || fail "nothing was added"
outside=$(grep -v '^\./algorithms/my_algo/' <<<"${added}" || true)
[[ -z "${outside}" ]] || fail "files added outside algorithms/my_algo/: ${outside}"
for f in BUILD README.md my_algo_mutator.h my_algo_mutator_test.cc my_algo_trainer.cc \
         my_algo_tuner.cc my_algo_space.cc oneshot_method.cc search_main.cc search_cli_test.sh; do
  grep -qx "./algorithms/my_algo/${f}" <<<"${added}" || fail "missing algorithms/my_algo/${f}"
done
# No leftover placeholder, and the names were substituted.
! grep -rnE '\{\{[A-Za-z]+\}\}' "${ws}/algorithms/my_algo" || fail "unsubstituted placeholders"
grep -q 'namespace nas::my_algo' "${ws}/algorithms/my_algo/my_algo_mutator.h" || fail "namespace"
grep -q 'class MyAlgoMutator : public Mutator' "${ws}/algorithms/my_algo/my_algo_mutator.h" || fail "class name"
grep -q 'ALGORITHMS_MY_ALGO_MY_ALGO_MUTATOR_H_' "${ws}/algorithms/my_algo/my_algo_mutator.h" || fail "guard"
grep -q 'NAS_REGISTER(nas::TunerRegistry(), "my_algo"' "${ws}/algorithms/my_algo/my_algo_tuner.cc" || fail "tuner registration"
grep -q 'NAS_REGISTER(nas::OneShotMethodRegistry(), "my_algo"' "${ws}/algorithms/my_algo/oneshot_method.cc" || fail "one-shot method registration"
grep -q '"//tests/extension/' -r "${ws}/algorithms/my_algo" && fail "the example's package path leaked"

# Bad input: one line on stderr, exit 2, the workspace untouched.
snapshot > "${TEST_TMPDIR}/before_errors"
expect_bad_input "algorithms/my_algo already exists" "${tool}" --name=my_algo --workspace="${ws}"
expect_bad_input "algorithms/random already exists" "${tool}" --name=random --workspace="${ws}"
expect_bad_input "must be a lowercase identifier" "${tool}" --name=MyAlgo --workspace="${ws}"
expect_bad_input "must be a lowercase identifier" "${tool}" --name=my-algo --workspace="${ws}"
expect_bad_input "must be a lowercase identifier" "${tool}" --name=2fast --workspace="${ws}"
expect_bad_input "must be a lowercase identifier" "${tool}" --name=my__algo --workspace="${ws}"
expect_bad_input "must be a lowercase identifier" "${tool}" --name='a b' --workspace="${ws}"
expect_bad_input "is a C++ keyword" "${tool}" --name=new --workspace="${ws}"
expect_bad_input "is the name of a tuner in //nas" "${tool}" --name=evolution --workspace="${ws}"
expect_bad_input "--name is required" "${tool}" --workspace="${ws}"
expect_bad_input "unknown argument '--nme=x'" "${tool}" --nme=x --workspace="${ws}"
expect_bad_input "no workspace" env -u BUILD_WORKSPACE_DIRECTORY "${tool}" --name=other
expect_bad_input "is not a Bazel workspace" "${tool}" --name=other --workspace="${TEST_TMPDIR}"
expect_bad_input "must be a relative path" "${tool}" --name=other --parent=../x --workspace="${ws}"
# A workspace whose algorithms/BUILD has no aggregates: an error, no package.
bare="${TEST_TMPDIR}/bare"
mkdir -p "${bare}/algorithms" && touch "${bare}/WORKSPACE" && echo "# no aggregates" > "${bare}/algorithms/BUILD"
expect_bad_input "cannot add algorithms/x to algorithms/BUILD" "${tool}" --name=x --workspace="${bare}"
[[ ! -e "${bare}/algorithms/x" && "$(ls -A "${bare}/algorithms")" == "BUILD" ]] || fail "a refused run left files"
snapshot > "${TEST_TMPDIR}/after_errors"
cmp -s "${TEST_TMPDIR}/before_errors" "${TEST_TMPDIR}/after_errors" || fail "a failed run changed the workspace"
echo PASS

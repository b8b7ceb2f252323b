# The checks every command-line test shares. A test sources it from its
# runfiles (data = ["//tests:cli_lib.sh"]):
#
#   source tests/cli_lib.sh
#   expect_error "unknown space 'nope'" "${bin}" --space=nope
#
# fail MESSAGE...
#   Ends the test with FAIL: MESSAGE.
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_error PATTERN COMMAND [ARGS...]
#   Runs the command and checks that it refuses as the product promises bad
#   input is refused: a non-zero exit, exactly one `error:` line on stderr
#   matching PATTERN (grep's basic regex), nothing else there but log lines,
#   and no crash (an abort, an uncaught exception, a signal). Sets
#   expect_error_status to the exit status.
expect_error() {
  local want="$1"; shift
  local err="${TEST_TMPDIR}/expect_error.stderr" rc=0
  "$@" > "${TEST_TMPDIR}/expect_error.stdout" 2> "${err}" || rc=$?
  expect_error_status=${rc}
  (( rc != 0 )) || { cat "${err}"; fail "exit 0, expected a failure: $*"; }
  (( rc < 128 )) || { cat "${err}"; fail "killed by signal $(( rc - 128 )): $*"; }
  ! grep -q "terminate called\|Exception raised from\|Segmentation\|Aborted\|Stack trace\|\*\*\* Check failure" "${err}" \
    || { cat "${err}"; fail "a crash: $*"; }
  (( $(grep -c '^error: ' "${err}") == 1 )) || { cat "${err}"; fail "not one error line: $*"; }
  grep '^error: ' "${err}" | grep -q -- "${want}" || { cat "${err}"; fail "no '${want}' in the error of: $*"; }
  ! grep -v '^error: \|^[IW][0-9]\{4,8\} ' "${err}" | grep -q . \
    || { cat "${err}"; fail "more on stderr than the error line and log lines: $*"; }
}

# expect_bad_input PATTERN COMMAND [ARGS...]
#   expect_error, and the exit status is 2 (bad input, not a failed run).
expect_bad_input() {
  expect_error "$@"
  shift
  (( expect_error_status == 2 )) || fail "exit ${expect_error_status}, expected 2 (bad input): $*"
}

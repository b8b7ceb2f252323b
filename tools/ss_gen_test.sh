#!/usr/bin/env bash
# //tools:ss_gen as a user runs it.
set -euo pipefail
bin="$(dirname "$0")/ss_gen"
out="${TEST_TMPDIR}/ss"
fail() { echo "FAIL: $*" >&2; exit 1; }

"${bin}" --list | grep -qx small_cnn || fail "--list lacks small_cnn"
"${bin}" --space=small_cnn --space_options='{"layers": 2}' --output="${out}.json" 2> /dev/null
grep -q '"_type": "layer_choice"' "${out}.json" || fail "no layer choice"
grep -q '"skip1"' "${out}.json" || fail "no input choice skip1"
grep -q '"op2"' "${out}.json" && fail "layers=2 has op2"
"${bin}" --space=small_cnn | grep -q '"op2"' || fail "stdout output lacks op2"

rc=0
"${bin}" --space=nope 2> "${out}.err" || rc=$?
(( rc != 0 )) || fail "unknown space exited 0"
grep -q "unknown space 'nope'; registered: darts_cell, enas_macro, enas_micro, nasbench_cell, small_cnn, spos_shufflenet" "${out}.err" || fail "bad message"
rc=0
"${bin}" 2> "${out}.err" || rc=$?
(( rc != 0 )) && grep -q "space is required" "${out}.err" || fail "missing --space not reported"
echo PASS

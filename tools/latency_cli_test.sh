#!/usr/bin/env bash
# //tools:latency as a user runs it: a table measured, then read from its
# cache; an architecture's prediction; a check against whole networks;
# bad input.
set -euo pipefail
source tests/cli_lib.sh
bin="$(pwd)/tools/latency"
tmp="${TEST_TMPDIR}/latency"
mkdir -p "${tmp}"
space=(--space=small_cnn --space_options='{"channels": 8, "layers": 2}' --warmup=1 --repetitions=5)

"${bin}" "${space[@]}" --table="${tmp}/table.json" > "${tmp}/first.json" 2> "${tmp}/first.log" ||
  { cat "${tmp}/first.log"; fail "measuring"; }
grep -q '"unit": "ms"' "${tmp}/table.json" || fail "no table written"
for op in op0 op1; do grep -q "\"${op}\"" "${tmp}/table.json" || fail "no ${op} in the table"; done
"${bin}" "${space[@]}" --table="${tmp}/table.json" > /dev/null 2> "${tmp}/second.log"
grep -q "cached" "${tmp}/second.log" || fail "the second run measured again"
"${bin}" "${space[@]}" --batch=4 --table="${tmp}/table.json" > /dev/null 2> "${tmp}/third.log"
grep -q "measuring again" "${tmp}/third.log" || fail "another batch did not measure again"

cat > "${tmp}/arch.json" <<'JSON'
{"op0": "conv5x5", "op1": "conv3x3", "skip1": []}
JSON
"${bin}" "${space[@]}" --table="${tmp}/table.json" --batch=4 --architecture="${tmp}/arch.json" \
  > "${tmp}/arch.out" 2> /dev/null
grep -q '"predicted_ms"' "${tmp}/arch.out" || fail "no prediction"
"${bin}" "${space[@]}" --check=3 > "${tmp}/check.out" 2> /dev/null
for k in pearson_r kendall_tau mean_relative_error vs_torchscript vs_cpp_model torchscript_ms; do
  grep -q "\"${k}\"" "${tmp}/check.out" || fail "the check lacks ${k}"
done

expect_error "unknown space 'nope'" "${bin}" --space=nope
expect_bad_input "check must be >= 0" "${bin}" "${space[@]}" --check=-1
expect_bad_input "batch must be >= 1" "${bin}" "${space[@]}" --batch=0
expect_bad_input "unknown member" "${bin}" --space=small_cnn --space_options='{"chanels": 8}'
echo '[1,' > "${tmp}/bad.json"
expect_bad_input "not a latency table" "${bin}" "${space[@]}" --table="${tmp}/bad.json"
[[ "$(cat "${tmp}/bad.json")" == "[1," ]] || fail "a bad table was overwritten"
echo '{"op0": "conv9x9"}' > "${tmp}/bad_arch.json"
expect_error "bad_arch.json" "${bin}" "${space[@]}" --architecture="${tmp}/bad_arch.json"
echo PASS

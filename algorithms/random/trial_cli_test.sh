#!/usr/bin/env bash
# The example trial program, alone and driven by //tools:tune.
set -euo pipefail
trial="$(pwd)/algorithms/random/trial"
tmp="${TEST_TMPDIR}/trial"
mkdir -p "${tmp}"
fail() { echo "FAIL: $*" >&2; exit 1; }
data=(--dataset=synthetic --steps=30 --set=data.batch_size=32,data.valid_examples=200 --evaluations=2)

tools/ss_gen --space=small_cnn --space_options='{"layers": 2}' --output="${tmp}/space.json" 2> /dev/null
cat > "${tmp}/params.json" <<'JSON'
{"op0": {"_value": "conv3x3", "_idx": 0}, "op1": {"_value": "maxpool3x3", "_idx": 3},
 "skip1": {"_value": ["op0"], "_idx": [0]}}
JSON

# Alone: the report goes to --result.
"${trial}" --parameters="${tmp}/params.json" --result="${tmp}/result.json" \
  --space_options='{"layers": 2}' "${data[@]}" 2> "${tmp}/alone.log" || { cat "${tmp}/alone.log"; fail "trial failed"; }
grep -Eq '"final": (0\.[0-9]+|1\.0)' "${tmp}/result.json" || fail "no accuracy in the report"
grep -q '"parameters": [0-9]' "${tmp}/result.json" || fail "no parameter count"
# The same seed gives the same report (apart from the time).
"${trial}" --parameters="${tmp}/params.json" --result="${tmp}/again.json" \
  --space_options='{"layers": 2}' "${data[@]}" 2> /dev/null
diff <(grep -v seconds "${tmp}/result.json") <(grep -v seconds "${tmp}/again.json") || fail "not deterministic"

# Bad input: one line, non-zero exit.
echo '{"op0": {"_value": "conv3x3", "_idx": 1}}' > "${tmp}/bad.json"
rc=0
"${trial}" --parameters="${tmp}/bad.json" --space_options='{"layers": 2}' "${data[@]}" 2> "${tmp}/err" || rc=$?
(( rc != 0 )) && [[ $(grep -c '^error: ' "${tmp}/err") == 1 ]] && grep -q "^error: parameters: " "${tmp}/err" \
  || { cat "${tmp}/err"; fail "bad parameters not reported"; }
rc=0
"${trial}" "${data[@]}" 2> "${tmp}/err" || rc=$?
(( rc != 0 )) && grep -q "no trial parameters: pass --parameters" "${tmp}/err" || fail "missing parameters"

# Driven by the tuner: 4 trials, 2 at a time.
tools/tune --search_space="${tmp}/space.json" --tuner=evolution --max_trials=4 --parallel=2 --seed=1 \
  --trial_command="${trial} --space_options='{\"layers\": 2}' ${data[*]}" \
  --output_dir="${tmp}/search" 2> "${tmp}/search.log" || { cat "${tmp}/search.log"; fail "search failed"; }
grep -q '"succeeded": 4' "${tmp}/search/summary.json" || { cat "${tmp}/search/summary.json"; fail "not 4 successes"; }
grep -q '"op0"' "${tmp}/search/best_architecture.json" || fail "no best architecture"
echo PASS

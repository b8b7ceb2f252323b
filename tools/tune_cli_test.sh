#!/usr/bin/env bash
# //tools:tune as a user runs it, with the synthetic trial program: a search
# killed with SIGKILL and resumed writes what an uninterrupted one writes,
# launchers wrap trials, failures are recorded, bad input is one line.
set -euo pipefail
tune="$(pwd)/tools/tune"
trial="$(pwd)/nas/testing/synthetic_trial"
tmp="${TEST_TMPDIR}/tune"
mkdir -p "${tmp}"
source tests/cli_lib.sh

# 5 layer choices of 4 candidates and an input choice picking 1 of 3.
cat > "${tmp}/space.json" <<'JSON'
{
  "a": {"_type": "layer_choice", "_value": ["c0", "c1", "c2", "c3"]},
  "b": {"_type": "layer_choice", "_value": ["c0", "c1", "c2", "c3"]},
  "c": {"_type": "layer_choice", "_value": ["c0", "c1", "c2", "c3"]},
  "d": {"_type": "layer_choice", "_value": ["c0", "c1", "c2", "c3"]},
  "e": {"_type": "layer_choice", "_value": ["c0", "c1", "c2", "c3"]},
  "skip": {"_type": "input_choice", "_value": {"candidates": ["a", "b", "c"], "n_chosen": 1}}
}
JSON

common=(--search_space="${tmp}/space.json" --tuner=evolution
        --tuner_options='{"population_size": 6, "sample_size": 3}' --seed=7 --max_trials=14)

# Without clocks and resume markers: what an interrupted search must repeat.
comparable() {
  grep -v '"event":"resumed"' "$1" \
    | sed -E 's/,?"(time|start_time|end_time|duration_s|elapsed_s)":[-+0-9.eE]+//g'
}

# 1. Uninterrupted reference.
"${tune}" "${common[@]}" --trial_command="${trial}" --output_dir="${tmp}/whole" 2> "${tmp}/whole.log" \
  || { cat "${tmp}/whole.log"; fail "the reference search failed"; }
[[ -s "${tmp}/whole/best_architecture.json" ]] || fail "no best_architecture.json"
grep -q "\"best_value\": [1-6]" "${tmp}/whole/summary.json" || fail "no best value"

# 2. The same search, killed (SIGKILL) in the middle of a trial, resumed.
"${tune}" "${common[@]}" --trial_command="${trial} --sleep_ms=400" --output_dir="${tmp}/killed" \
  2> "${tmp}/killed.log" &
pid=$!
for _ in $(seq 200); do
  n=$(grep -c '"event":"finished"' "${tmp}/killed/history.jsonl" 2> /dev/null || true)
  (( ${n:-0} >= 5 )) && break
  sleep 0.1
done
sleep 0.2  # now inside trial 5 or 6
kill -9 "${pid}"
wait "${pid}" 2> /dev/null || true
finished_before=$(grep -c '"event":"finished"' "${tmp}/killed/history.jsonl")
proposed_before=$(grep -c '"event":"proposed"' "${tmp}/killed/history.jsonl")
(( proposed_before == finished_before + 1 )) || fail "expected one trial running at the kill"
# Without --resume the history is never overwritten.
rc=0
"${tune}" "${common[@]}" --trial_command="${trial}" --output_dir="${tmp}/killed" 2> "${tmp}/again.err" || rc=$?
(( rc != 0 )) && grep -q "already holds .*: pass --resume to continue it" "${tmp}/again.err" \
  || fail "an existing search was not protected"
"${tune}" "${common[@]}" --trial_command="${trial}" --output_dir="${tmp}/killed" --resume \
  2> "${tmp}/resumed.log" || { cat "${tmp}/resumed.log"; fail "resume failed"; }
grep -q "to rerun" "${tmp}/resumed.log" || fail "resume did not say what it reruns"
diff <(comparable "${tmp}/whole/history.jsonl") <(comparable "${tmp}/killed/history.jsonl") \
  || fail "the resumed history differs from the uninterrupted one"
# Every trial finished exactly once.
dups=$(grep '"event":"finished"' "${tmp}/killed/history.jsonl" | grep -o '"trial":[0-9]*' | sort | uniq -d)
[[ -z "${dups}" ]] || fail "trials finished twice: ${dups}"
cmp "${tmp}/whole/best_architecture.json" "${tmp}/killed/best_architecture.json" || fail "best differs"

# 3. Failures are recorded and the search goes on; a launcher wraps trials.
cat > "${tmp}/launcher.sh" <<'SH'
#!/bin/sh
echo "$*" >> "$(dirname "$0")/launched.txt"
exec env -i "$@"
SH
chmod +x "${tmp}/launcher.sh"
"${tune}" --search_space="${tmp}/space.json" --tuner=rl --max_trials=8 --parallel=2 --trial_timeout=4 \
  --trial_command="${trial} --fail_trials=1 --malformed_trials=2 --hang_trials=3" \
  --launcher="${tmp}/launcher.sh" --output_dir="${tmp}/flaky" 2> "${tmp}/flaky.log" \
  || { cat "${tmp}/flaky.log"; fail "the flaky search failed"; }
(( $(wc -l < "${tmp}/launched.txt") == 8 )) || fail "the launcher did not run 8 trials"
grep '"event":"finished"' "${tmp}/flaky/history.jsonl" | grep '"trial":1,' | grep -q '"status":"failed"' \
  || fail "trial 1 not failed"
grep '"trial":2,' "${tmp}/flaky/history.jsonl" | grep -q 'malformed result' || fail "trial 2 not malformed"
grep '"trial":3,' "${tmp}/flaky/history.jsonl" | grep -q '"status":"timeout"' || fail "trial 3 not timed out"
grep -q '"succeeded": 5' "${tmp}/flaky/summary.json" || fail "5 trials should succeed"

# 4. Bad input: one line, non-zero exit.
echo '{"a": {"_type": "layer_choice", "_value": ' > "${tmp}/broken.json"
echo '{"a": {"_type": "layerchoice", "_value": ["x"]}}' > "${tmp}/wrong.json"
ok=(--trial_command="${trial}" --output_dir="${tmp}/bad")
expect_error "broken.json" "${tune}" --search_space="${tmp}/broken.json" "${ok[@]}"
expect_error "layerchoice" "${tune}" --search_space="${tmp}/wrong.json" "${ok[@]}"
expect_error "no_such.json" "${tune}" --search_space="${tmp}/no_such.json" "${ok[@]}"
expect_error "unknown tuner 'genetic'" "${tune}" --search_space="${tmp}/space.json" --tuner=genetic "${ok[@]}"
expect_error "population_size" "${tune}" --search_space="${tmp}/space.json" --tuner_options='{"population_size": -1}' "${ok[@]}"
expect_error "--tuner_options" "${tune}" --search_space="${tmp}/space.json" --tuner_options='{oops' "${ok[@]}"
expect_error "'/no/such/trial', which is not an executable file" "${tune}" --search_space="${tmp}/space.json" \
  --trial_command=/no/such/trial --output_dir="${tmp}/bad"
expect_error "--trial_command is required" "${tune}" --search_space="${tmp}/space.json" --output_dir="${tmp}/bad"
expect_error "parallel must be in" "${tune}" --search_space="${tmp}/space.json" "${ok[@]}" --parallel=0
"${tune}" --list_tuners | grep -qx rl || fail "--list_tuners lacks rl"
echo PASS

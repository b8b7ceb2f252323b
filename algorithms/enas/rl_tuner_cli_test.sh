#!/usr/bin/env bash
# :rl_tuner as a user runs it: the policy-gradient tuner beats random
# sampling on a small ENAS space within a fixed budget (with the synthetic
# trial, whose score is known), runs trials two at a time, resumes after
# SIGKILL, drives the real :trial, and reports bad input in one line; the
# trial's own defaults and flags (--print_config).
set -euo pipefail
tuner="$(pwd)/algorithms/enas/rl_tuner"
synthetic="$(pwd)/nas/testing/synthetic_trial"
tmp="${TEST_TMPDIR}/rl"
mkdir -p "${tmp}"
source tests/cli_lib.sh

# 4 layers: 4 op choices of 6 candidates + 3 skip choices. The synthetic
# score: one point per op equal to its hashed target, one per skip set that
# includes layer_0: at most 7, 4/6 + 3/2 = 2.17 on average for random.
space=(--space=enas_macro --space_options='{"layers": 4, "channels": 4}')
score_mean() {  # mean value of finished trials with ids in [$2, $3)
  grep '"event":"finished"' "$1/history.jsonl" \
    | sed -E 's/.*"trial":([0-9]+),.*"value":([-0-9.eE]+).*/\1 \2/' \
    | awk -v lo="$2" -v hi="$3" '$1 >= lo && $1 < hi { s += $2; n++ } END { if (n) printf "%.3f", s / n; else print 0 }'
}

# 1. Better than random within 32 trials, two at a time (seeds 1, 3 and 4
#    average 3.9-4.4 over trials 16-31).
"${tuner}" --threads=1 "${space[@]}" --trial_command="${synthetic} --candidates=6" --parallel=2 --max_trials=32 --seed=3 \
  --tuner_options='{"learning_rate": 0.2, "entropy_weight": 0.001}' --output_dir="${tmp}/whole" \
  > "${tmp}/whole.out" 2> "${tmp}/whole.log" || { cat "${tmp}/whole.log"; fail "the search failed"; }
for f in search_space.json history.jsonl best_architecture.json summary.json; do
  [[ -s "${tmp}/whole/${f}" ]] || fail "missing ${f}"
done
grep -q '"layer_3_skip"' "${tmp}/whole/search_space.json" || fail "search space lacks layer_3_skip"
last=$(score_mean "${tmp}/whole" 16 32)
awk -v m="${last}" 'BEGIN { exit !(m > 3.3) }' || fail "trials 16-31 average ${last}, random is 2.17"
grep -q '"best_value": [5-7]' "${tmp}/whole/summary.json" || { cat "${tmp}/whole/summary.json"; fail "best < 5"; }
grep -q "2 trial(s) at a time" "${tmp}/whole.log" || fail "not parallel"

# 2. Killed (SIGKILL) while trials run, then resumed: every trial finishes
#    exactly once and the budget is kept.
"${tuner}" --threads=1 "${space[@]}" --trial_command="${synthetic} --candidates=6 --sleep_ms=300" --parallel=2 --max_trials=12 \
  --seed=3 --output_dir="${tmp}/killed" 2> "${tmp}/killed.log" &
pid=$!
for _ in $(seq 200); do
  n=$(grep -c '"event":"finished"' "${tmp}/killed/history.jsonl" 2> /dev/null || true)
  (( ${n:-0} >= 4 )) && break
  sleep 0.1
done
kill -9 "${pid}"
wait "${pid}" 2> /dev/null || true
before=$(grep -c '"event":"finished"' "${tmp}/killed/history.jsonl")
(( before < 12 )) || fail "the search ended before the kill"
rc=0
"${tuner}" --threads=1 "${space[@]}" --trial_command="${synthetic} --candidates=6" --parallel=2 --max_trials=12 --seed=3 \
  --output_dir="${tmp}/killed" 2> "${tmp}/again.err" || rc=$?
(( rc != 0 )) && grep -q "already holds .*: pass --resume to continue it" "${tmp}/again.err" || fail "an existing search was not protected"
"${tuner}" --threads=1 "${space[@]}" --trial_command="${synthetic} --candidates=6" --parallel=2 --max_trials=12 --seed=3 \
  --output_dir="${tmp}/killed" --resume > /dev/null 2> "${tmp}/resumed.log" \
  || { cat "${tmp}/resumed.log"; fail "resume failed"; }
finished=$(grep '"event":"finished"' "${tmp}/killed/history.jsonl" | grep -o '"trial":[0-9]*' | sort -u | wc -l)
(( finished == 12 )) || fail "expected 12 distinct finished trials, got ${finished}"
dups=$(grep '"event":"finished"' "${tmp}/killed/history.jsonl" | grep -o '"trial":[0-9]*' | sort | uniq -d)
[[ -z "${dups}" ]] || fail "trials finished twice: ${dups}"
# A resumed search with a different space is refused.
rc=0
"${tuner}" --threads=1 --space=enas_macro --space_options='{"layers": 3, "channels": 4}' --trial_command="${synthetic}" \
  --max_trials=12 --seed=3 --output_dir="${tmp}/killed" --resume 2> "${tmp}/other.err" || rc=$?
(( rc != 0 )) || fail "resume with another space was accepted"

# 3. The real trial binary (tiny: synthetic data, 4 steps), found next to
#    the tuner.
"${tuner}" --threads=1 --space=enas_micro --space_options='{"channels": 4, "nodes": 2}' --max_trials=2 --parallel=2 \
  --trial_args="--threads=1 --dataset=synthetic --set=data.synthetic_size=256,data.batch_size=16,data.valid_examples=64 --steps=4" \
  --output_dir="${tmp}/real" > /dev/null 2> "${tmp}/real.log" || { cat "${tmp}/real.log"; fail "real trials failed"; }
grep -q '"succeeded": 2' "${tmp}/real/summary.json" || { cat "${tmp}/real/trials/*/stderr.log"; fail "2 real trials should succeed"; }
grep -q '"normal_node_1_y_op"' "${tmp}/real/best_architecture.json" || fail "micro architecture lacks a key"

# 4. Bad input: one line, non-zero exit.
ok=(--trial_command="${synthetic}" --output_dir="${tmp}/bad")
expect_error "unknown space 'enas_nano'" "${tuner}" --threads=1 --space=enas_nano "${ok[@]}"
expect_error "enas_macro options.layer" "${tuner}" --threads=1 --space_options='{"layer": 2}' "${ok[@]}"
expect_error "--space_options" "${tuner}" --threads=1 --space_options='{oops' "${ok[@]}"
expect_error "unknown tuner 'genetic'" "${tuner}" --threads=1 --tuner=genetic "${ok[@]}"
expect_error "learning_rate" "${tuner}" --threads=1 --tuner_options='{"learning_rate": -1}' "${ok[@]}"
expect_error "which is not an executable file" "${tuner}" --threads=1 --trial_command=/no/such/trial --output_dir="${tmp}/bad"
expect_error "parallel must be in" "${tuner}" --threads=1 --parallel=0 "${ok[@]}"

# The trial binary's own bad input.
trial="$(pwd)/algorithms/enas/trial"
expect_trial_error() {  # expected message, then flags
  local want="$1"; shift
  local rc=0
  env -u NAS_TRIAL_PARAMETERS -u NAS_TRIAL_RESULT "${trial}" --threads=1 "$@" > /dev/null 2> "${tmp}/err" || rc=$?
  (( rc != 0 )) || fail "trial exit 0 for: $*"
  (( $(grep -c '^error: ' "${tmp}/err" || true) == 1 )) || { cat "${tmp}/err"; fail "one error line: $*"; }
  grep -q -- "${want}" "${tmp}/err" || { cat "${tmp}/err"; fail "expected '${want}'"; }
}
echo '{"layer_0_op": {"_value": "conv3x3", "_idx": 0}}' > "${tmp}/partial.json"
echo '{"layer_0_op": ' > "${tmp}/broken.json"
expect_trial_error "parameters" --dataset=synthetic
expect_trial_error "broken.json" --parameters="${tmp}/broken.json" --dataset=synthetic
expect_trial_error "layer_1_op" --parameters="${tmp}/partial.json" --dataset=synthetic
expect_trial_error "steps must be >= 1 (from --steps)" --parameters="${tmp}/partial.json" --steps=0
expect_trial_error "unknown member .*data.synthetic" --parameters="${tmp}/partial.json" --set=data.synthetic=3
expect_trial_error "not a flag of this binary" --parameters="${tmp}/partial.json" --epochs=3

# The trial's resolved configuration: ENAS's defaults, the flags over them.
env -u NAS_TRIAL_PARAMETERS -u NAS_TRIAL_RESULT "${trial}" --print_config > "${tmp}/trial_config.json" \
  || fail "trial --print_config failed"
for want in '"space": "enas_macro"' '"preset": "fashion_mnist"' '"steps": 200' '"evaluations": 2' \
            '"grad_clip": 5' '"valid_examples": 2000'; do
  grep -q -- "${want}" "${tmp}/trial_config.json" || { cat "${tmp}/trial_config.json"; fail "trial default ${want}"; }
done
env -u NAS_TRIAL_PARAMETERS -u NAS_TRIAL_RESULT "${trial}" --space=enas_micro --space_options='{"channels": 4}' \
  --steps=7 --set=optimizer.lr=0.1 --print_config > "${tmp}/trial_config.json"
for want in '"space": "enas_micro"' '"channels": 4' '"steps": 7' '"lr": 0.1'; do
  grep -q -- "${want}" "${tmp}/trial_config.json" || { cat "${tmp}/trial_config.json"; fail "trial flag ${want}"; }
done
echo PASS

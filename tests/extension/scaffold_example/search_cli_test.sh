#!/usr/bin/env bash
# :search as a user runs it: outputs, determinism, resume, and bad input
# (one line on stderr, non-zero exit).
set -euo pipefail
bin="$(dirname "$0")/search"
[[ -x "${bin}" ]] || bin="${TEST_SRCDIR}/oneshot_nas/tests/extension/scaffold_example/search"
out="${TEST_TMPDIR}/search"
fail() { echo "FAIL: $*" >&2; exit 1; }
eval=scaffold_example.search.evaluation
small=(--dataset=synthetic --epochs=1 --space_options='{"channels": 4}' --max_trials=4
       --set=data.synthetic_size=256,data.batch_size=32,data.workers=1,${eval}.eval_batches=2,${eval}.recalibration_batches=2)

"${bin}" --help 2>&1 | grep -q -- "-max_trials" || fail "--help lacks --max_trials"

"${bin}" "${small[@]}" --output_dir="${out}/a" 2> "${out}.log" || { cat "${out}.log"; fail "search failed"; }
for f in config.json metrics.jsonl supernet.pt search/history.jsonl search/summary.json \
         search/best_architecture.json; do
  [[ -s "${out}/a/${f}" ]] || fail "missing ${f}"
done
grep -q '"op0"' "${out}/a/search/best_architecture.json" || fail "no op0 in the best architecture"
grep -q '"succeeded": 4' "${out}/a/search/summary.json" || fail "not 4 scored architectures"
# Same seed, same search.
"${bin}" "${small[@]}" --output_dir="${out}/b" 2> /dev/null
cmp -s "${out}/a/search/best_architecture.json" "${out}/b/search/best_architecture.json" ||
  fail "same seed, different best architecture"
# A finished run resumed with a larger budget continues the search.
"${bin}" "${small[@]}" --max_trials=6 --resume --output_dir="${out}/a" 2> /dev/null || fail "resume failed"
grep -q '"succeeded": 6' "${out}/a/search/summary.json" || fail "the resumed search did not continue"

expect_error() {
  local pattern="$1"; shift
  local rc=0
  "${bin}" "$@" > /dev/null 2> "${out}.err" || rc=$?
  (( rc != 0 )) || fail "$* exited 0"
  local lines
  lines=$(grep -vc '^I[0-9]' "${out}.err" || true)
  [[ "${lines}" -eq 1 ]] || { cat "${out}.err"; fail "$*: not one line"; }
  grep -q -- "${pattern}" "${out}.err" || { cat "${out}.err"; fail "$*: no '${pattern}'"; }
}
expect_error "unknown space 'nope'; registered: scaffold_example_net" "${small[@]}" --space=nope --output_dir="${out}/e1"
expect_error "unknown member scaffold_example_net options.layer" "${small[@]}" --space_options='{"layer": 2}' --output_dir="${out}/e2"
expect_error "malformed JSON" "${small[@]}" --tuner_options='{"max_attempts":' --output_dir="${out}/e3"
expect_error "unknown member scaffold_example tuner options.attempts" "${small[@]}" --tuner_options='{"attempts": 2}' --output_dir="${out}/e4"
expect_error "max_trials must be >= 1 (from --max_trials)" "${small[@]}" --max_trials=0 --output_dir="${out}/e5"
expect_error "unknown dataset 'mnist'" "${small[@]}" --dataset=mnist --output_dir="${out}/e6"
expect_error "already holds a run" "${small[@]}" --output_dir="${out}/a"
expect_error "missing.json" --config="${out}/missing.json"
echo '{"trainer": {"epoch": 2}}' > "${out}/bad.json"
expect_error 'unknown member .*bad.json: \$.trainer.epoch' --config="${out}/bad.json"
echo PASS

#!/usr/bin/env bash
# :search and :retrain as a user runs them, on synthetic data with a tiny
# macro space: outputs, the export's scores, determinism, retraining the
# export, and bad input reported in one line.
set -euo pipefail
# Tiny models: one thread each is faster than two fighting a busy machine.
search() { "$(pwd)/algorithms/enas/search" --threads=1 "$@"; }
retrain() { "$(pwd)/algorithms/enas/retrain" --threads=1 "$@"; }
tmp="${TEST_TMPDIR}/search"
mkdir -p "${tmp}"
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > "${tmp}/config.json" <<'JSON'
{"preset": "fashion_mnist",
 "space_options": {"layers": 3, "channels": 4},
 "data": {"dataset": "synthetic", "synthetic_size": 384, "batch_size": 32, "valid_batch_size": 32, "workers": 0},
 "search": {"trainer": {"epochs": 2, "progress": false},
            "enas": {"controller_steps": 2, "aggregate": 2, "mutator": {"lstm_size": 16}},
            "export_samples": 4, "random_samples": 3, "export_batches": 1},
 "retrain": {"trainer": {"epochs": 1, "max_steps": 5, "progress": false}}}
JSON

search --help > "${tmp}/help" 2>&1 || true
grep -q -- "-preset" "${tmp}/help" || fail "--help does not list --preset"

search --config="${tmp}/config.json" --seed=2 --output_dir="${tmp}/a" > "${tmp}/a.out" 2> "${tmp}/a.log" \
  || { cat "${tmp}/a.log"; fail "search failed"; }
for f in config.json search_space.json metrics.jsonl best_architecture.json greedy_architecture.json export.json \
         supernet.pt; do
  [[ -s "${tmp}/a/${f}" ]] || fail "missing ${f}"
done
grep -q '"layer_2_skip"' "${tmp}/a/best_architecture.json" || fail "export lacks layer_2_skip"
(( $(grep -c '"split":"valid"' "${tmp}/a/metrics.jsonl") == 2 )) || fail "expected a controller line per epoch"
grep -q '"reward"' "${tmp}/a/metrics.jsonl" || fail "no mean reward in metrics.jsonl"
grep -q '"random_mean_accuracy"' "${tmp}/a/export.json" || fail "export.json lacks the random baseline"
grep -q '"samples": 4' "${tmp}/a/export.json" || fail "export.json: 4 samples expected"

# Same seed, same export.
search --config="${tmp}/config.json" --seed=2 --output_dir="${tmp}/b" > /dev/null 2> "${tmp}/b.log"
cmp -s "${tmp}/a/best_architecture.json" "${tmp}/b/best_architecture.json" || fail "same seed, different export"

# The export retrains from scratch.
retrain --config="${tmp}/config.json" --architecture="${tmp}/a/best_architecture.json" \
  --output_dir="${tmp}/retrain" > "${tmp}/retrain.out" 2> "${tmp}/retrain.log" \
  || { cat "${tmp}/retrain.log"; fail "retrain failed"; }
grep -q '"test_accuracy"' "${tmp}/retrain/result.json" || fail "no test accuracy"

# Bad input: one line on stderr, non-zero exit.
expect_error() {  # binary, expected message, flags
  local bin="$1" want="$2"; shift 2
  local rc=0
  ${bin} "$@" > /dev/null 2> "${tmp}/err" || rc=$?
  (( rc != 0 )) || fail "exit 0 for: $*"
  local lines; lines=$(grep -c '^error: ' "${tmp}/err" || true)
  (( lines == 1 )) || { cat "${tmp}/err"; fail "expected one error line for: $*"; }
  grep -q -- "${want}" "${tmp}/err" || { cat "${tmp}/err"; fail "expected '${want}'"; }
}
echo '{"preset": "fashion_mnist", "search": {' > "${tmp}/broken.json"
echo '{"search": {"enas": {"aggregat": 3}}}' > "${tmp}/typo.json"
echo '{"search": {"enas": {"baseline_decay": 1.5}}}' > "${tmp}/range.json"
echo '{"data": {"dataset": "synthetic"}, "space_options": {"preset": "paper"}}' > "${tmp}/shape.json"
echo '{"layer_0_op": "conv7x7"}' > "${tmp}/bad_arch.json"
expect_error search "broken.json" --config="${tmp}/broken.json" --output_dir="${tmp}/x"
expect_error search "aggregat" --config="${tmp}/typo.json" --output_dir="${tmp}/x"
expect_error search "baseline_decay must be in" --config="${tmp}/range.json" --output_dir="${tmp}/x"
expect_error search "expects \[3, 32, 32\]" --config="${tmp}/shape.json" --output_dir="${tmp}/x"
expect_error search "unknown ENAS preset 'tiny'" --preset=tiny --output_dir="${tmp}/x"
expect_error search "no_such.json" --config="${tmp}/no_such.json" --output_dir="${tmp}/x"
expect_error search "epochs must be >= 0" --epochs=-1 --output_dir="${tmp}/x"
expect_error retrain "--architecture is required" --config="${tmp}/config.json"
expect_error retrain "missing.json" --config="${tmp}/config.json" --architecture="${tmp}/missing.json"
expect_error retrain "no decision for keys layer_1_op" --config="${tmp}/config.json" --architecture="${tmp}/bad_arch.json" \
  --output_dir="${tmp}/x"
echo PASS

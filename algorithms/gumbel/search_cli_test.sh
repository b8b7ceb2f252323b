#!/usr/bin/env bash
# :search as a user runs it: a short run's outputs, determinism, resume,
# then bad input, each ending with one line on stderr and a non-zero exit.
set -euo pipefail
bin="$(dirname "$0")/search"
[[ -x "${bin}" ]] || bin="${TEST_SRCDIR}/oneshot_nas/algorithms/gumbel/search"
out="${TEST_TMPDIR}/search"
source tests/cli_lib.sh
small=(--dataset=synthetic --set=data.synthetic_size=256,data.batch_size=32,data.workers=1 --epochs=2
       --space_options='{"channels": 4, "layers": 2, "ops": ["conv3x3", "conv5x5", "maxpool3x3", "identity"]}')

"${bin}" --help > "${out}.help" 2>&1 || true
grep -q -- "-tau_start" "${out}.help" || fail "--help lacks --tau_start"
grep -q -- "-mode" "${out}.help" || fail "--help lacks --mode"

"${bin}" "${small[@]}" --output_dir="${out}/a" 2> "${out}.log" || { cat "${out}.log"; fail "search failed"; }
for f in config.json metrics.jsonl supernet.pt arch.json probabilities.json; do
  [[ -s "${out}/a/${f}" ]] || fail "missing ${f}"
done
grep -q '"op0"' "${out}/a/arch.json" || fail "arch.json lacks op0"
grep -q '"temperature"' "${out}/a/metrics.jsonl" || fail "no temperature in the metrics"
grep -q '"mode": "hard"' "${out}/a/config.json" || fail "config.json lacks the mode"
# Same seed, same result.
"${bin}" "${small[@]}" --output_dir="${out}/b" 2> /dev/null
cmp -s "${out}/a/probabilities.json" "${out}/b/probabilities.json" || fail "same seed, different logits"
# Stopped after 8 steps, resumed: the same logits as the uninterrupted run.
"${bin}" "${small[@]}" --max_steps=8 --output_dir="${out}/r" 2> /dev/null
"${bin}" "${small[@]}" --resume --output_dir="${out}/r" 2> /dev/null
cmp -s "${out}/a/probabilities.json" "${out}/r/probabilities.json" || fail "resumed run differs"
"${bin}" "${small[@]}" --mode=soft --epochs=1 --output_dir="${out}/soft" 2> /dev/null || fail "soft mode failed"
# A config file with a flag override.
echo '{"data": {"dataset": "synthetic", "synthetic_size": 128}, "space_options": {"channels": 4, "layers": 1},
       "trainer": {"epochs": 1, "progress": false}, "optimizer": {"tau_start": 2}}' > "${out}/config.json"
"${bin}" --config="${out}/config.json" --tau_end=0.25 --output_dir="${out}/c" 2> /dev/null || fail "--config run failed"
grep -q '"tau_end": 0.25' "${out}/c/config.json" || fail "flag override lost"
grep -q '"tau_start": 2' "${out}/c/config.json" || fail "config value lost"

expect_error "unknown Gumbel mode 'gentle'; use hard or soft" "${bin}" "${small[@]}" --mode=gentle --output_dir="${out}/e1"
expect_error "tau_start and tau_end must be > 0" "${bin}" "${small[@]}" --tau_end=0 --output_dir="${out}/e2"
expect_error "unknown space 'nope'; registered: small_cnn" "${bin}" "${small[@]}" --space=nope --output_dir="${out}/e3"
expect_error "unknown member small_cnn options.layer" "${bin}" "${small[@]}" --space_options='{"layer": 2}' --output_dir="${out}/e4"
expect_error "malformed JSON" "${bin}" "${small[@]}" --space_options='{"layers":' --output_dir="${out}/e5"
expect_error "unknown dataset 'mnist'" "${bin}" --dataset=mnist --output_dir="${out}/e6"
expect_error "expects \[3, 28, 28\]" "${bin}" "${small[@]}" --space_options='{"in_channels": 3}' --output_dir="${out}/e7"
expect_error "already holds a run" "${bin}" "${small[@]}" --output_dir="${out}/a"
expect_error "there is no run to resume" "${bin}" "${small[@]}" --resume --output_dir="${out}/e8"
expect_error "missing.json" "${bin}" --config="${out}/missing.json"
echo '{"optimizer": {"tau": 1}}' > "${out}/bad.json"
expect_error 'unknown member .*bad.json: \$.optimizer.tau' "${bin}" --config="${out}/bad.json"
echo PASS

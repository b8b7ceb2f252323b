#!/usr/bin/env bash
# The sample binary as a user runs it: help, outputs, determinism, bad input.
set -euo pipefail
bin="$(dirname "$0")/sample"
[[ -x "${bin}" ]] || bin="${TEST_SRCDIR}/oneshot_nas/algorithms/random/sample"
out="${TEST_TMPDIR}/cli"
source tests/cli_lib.sh

"${bin}" --help > "${out}.help"
grep -q -- "-num_samples" "${out}.help" || fail "--help does not list --num_samples"
grep -q -- "-space_options" "${out}.help" || fail "--help does not list --space_options"
grep -q "caffe2" "${out}.help" && fail "--help lists LibTorch's internal flags"

"${bin}" --num_samples=3 --seed=4 --output_dir="${out}/a" > /dev/null
"${bin}" --num_samples=3 --seed=4 --output_dir="${out}/b" > /dev/null
for f in search_space.json config.json arch_000.json arch_002.json; do
  [[ -s "${out}/a/${f}" ]] || fail "missing ${f}"
done
cmp -s "${out}/a/arch_002.json" "${out}/b/arch_002.json" || fail "same seed, different architecture"
grep -q '"op0"' "${out}/a/arch_000.json" || fail "architecture lacks key op0"

# Config file with a flag override.
echo '{"num_samples": 2, "seed": 4}' > "${out}/config.json"
"${bin}" --config="${out}/config.json" --output_dir="${out}/c" > /dev/null
[[ -s "${out}/c/arch_001.json" && ! -e "${out}/c/arch_002.json" ]] || fail "config not applied"

# Bad input: one line on stderr, non-zero exit, no stack trace.
expect_error "unknown space 'nope'; registered: small_cnn" "${bin}" --space=nope --output_dir="${out}/d"
expect_error "malformed JSON" "${bin}" --space_options='{"layers":' --output_dir="${out}/d"
expect_error "unknown member small_cnn options.layer" "${bin}" --space_options='{"layer": 2}' --output_dir="${out}/d"
expect_error "num_samples must be in \[1, 100000\], got 0 (from --num_samples)" "${bin}" --num_samples=0 --output_dir="${out}/d"
expect_error "--resume: not a flag of this binary" "${bin}" --resume --output_dir="${out}/d"
expect_error "missing.json" "${bin}" --config="${out}/missing.json"
echo '{"num_sample": 2}' > "${out}/bad.json"
expect_error 'unknown member .*bad.json: \$.num_sample' "${bin}" --config="${out}/bad.json"
echo "PASS"

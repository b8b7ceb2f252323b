#!/usr/bin/env bash
# //tools:inspect as a user runs it: FLOPs and parameters of architectures
# of registered spaces (small_cnn, spos_shufflenet), and bad input.
set -euo pipefail
bin="$(pwd)/tools/inspect"
tmp="${TEST_TMPDIR}/inspect"
mkdir -p "${tmp}"
source tests/cli_lib.sh
number() { grep -o "\"$1\": [0-9]*" "$2" | grep -o '[0-9]*$'; }

"${bin}" --list | grep -qx spos_shufflenet || fail "--list lacks spos_shufflenet"
cat > "${tmp}/k3.json" <<'JSON'
{"op0": "conv3x3", "op1": "conv3x3", "skip1": ["op0"]}
JSON
cat > "${tmp}/k5.json" <<'JSON'
{"op0": "conv5x5", "op1": "conv5x5", "skip1": ["op0"]}
JSON
"${bin}" --space=small_cnn --space_options='{"layers": 2}' --architecture="${tmp}/k3.json" > "${tmp}/k3.out"
"${bin}" --space=small_cnn --space_options='{"layers": 2}' --architecture="${tmp}/k5.json" > "${tmp}/k5.out"
k3=$(number flops "${tmp}/k3.out"); k5=$(number flops "${tmp}/k5.out")
(( k3 > 0 && k5 > k3 )) || fail "conv5x5 should cost more than conv3x3 (${k3} vs ${k5})"
(( $(number parameters "${tmp}/k5.out") > $(number parameters "${tmp}/k3.out") )) || fail "parameters"
"${bin}" --space=small_cnn --space_options='{"layers": 2}' | grep -q '"supernet_parameters"' \
  || fail "no supernet report without an architecture"

# SPOS: the authors' released block-search architecture (their table: 323M
# FLOPs, 3.5M parameters), as NNI's one-hot file; their code counts exactly
# 322,918,720 MACs and 3,558,464 parameters (affine BN).
choices=(2 1 0 1 2 0 2 0 2 0 2 3 0 0 0 0 3 2 3 3)
{
  echo "{"
  for i in "${!choices[@]}"; do
    row=(false false false false); row[${choices[$i]}]=true
    sep=","; (( i == 19 )) && sep=""
    echo "  \"LayerChoice$((i + 1))\": [${row[0]}, ${row[1]}, ${row[2]}, ${row[3]}]${sep}"
  done
  echo "}"
} > "${tmp}/spos.json"
"${bin}" --space=spos_shufflenet --space_options='{"affine": true}' --architecture="${tmp}/spos.json" \
  > "${tmp}/spos.out"
flops=$(number flops "${tmp}/spos.out")
(( flops == 322918720 )) || fail "the authors' SPOS architecture: ${flops} MACs, expected 322918720"
params=$(number parameters "${tmp}/spos.out")
(( params == 3558464 )) || fail "the authors' SPOS architecture: ${params} parameters, expected 3558464"

echo '{"op0": ' > "${tmp}/broken.json"
echo '{"op0": "conv3x3", "op1": "conv3x3", "skip1": ["op0"], "op9": "conv3x3"}' > "${tmp}/extra.json"
expect_error "unknown space 'nope'" "${bin}" --space=nope --architecture="${tmp}/k3.json"
expect_error "broken.json" "${bin}" --space=small_cnn --space_options='{"layers": 2}' --architecture="${tmp}/broken.json"
expect_error "op9" "${bin}" --space=small_cnn --space_options='{"layers": 2}' --architecture="${tmp}/extra.json"
expect_error "missing.json" "${bin}" --space=small_cnn --architecture="${tmp}/missing.json"
expect_error "space_options" "${bin}" --space=small_cnn --space_options='{oops'
echo PASS

#!/usr/bin/env bash
# //tools:draw as a user runs it: the small_cnn space and an architecture in
# it as .dot (and .svg when Graphviz is installed; the test passes either
# way), outputs relative to the caller's directory, bad input.
set -euo pipefail
bin="$(pwd)/tools/draw"
tmp="${TEST_TMPDIR}/draw"
mkdir -p "${tmp}/caller"
source tests/cli_lib.sh

"${bin}" --list | grep -qx small_cnn || fail "--list lacks small_cnn"

# A relative --output lands where `bazel run` was started.
BUILD_WORKING_DIRECTORY="${tmp}/caller" "${bin}" --space=small_cnn --space_options='{"layers": 2}' \
  --output=space.dot > "${tmp}/out" 2> "${tmp}/err"
dot_file="${tmp}/caller/space.dot"
[[ -s "${dot_file}" ]] || fail "no ${dot_file}"
grep -q "wrote ${dot_file}" "${tmp}/out" || fail "does not say what it wrote"
grep -q '"op0":"h":e -> "skip1":"c0":e' "${dot_file}" || fail "no input-choice edge"
(( $(grep -c 'shape=plaintext' "${dot_file}") == 3 )) || fail "expected 3 choice boxes (op0, op1, skip1)"
if command -v dot > /dev/null; then
  grep -q '<svg' "${tmp}/caller/space.svg" || fail "Graphviz is installed but no SVG"
else
  grep -q '^note: .*graphviz' "${tmp}/err" || fail "no note about the missing Graphviz"
fi

# Without Graphviz on PATH: one note line, still success, the .dot written.
PATH=/nonexistent "${bin}" --space=small_cnn --output="${tmp}/nodot.dot" > /dev/null 2> "${tmp}/err"
[[ -s "${tmp}/nodot.dot" && ! -e "${tmp}/nodot.svg" ]] || fail "without dot: .dot only"
(( $(grep -c '^note: ' "${tmp}/err") == 1 )) || { cat "${tmp}/err"; fail "not one note line"; }

# An architecture: chosen rows highlighted, the rest grey.
cat > "${tmp}/arch.json" <<'JSON'
{"op0": "conv5x5", "op1": "identity", "skip1": ["op0"]}
JSON
"${bin}" --space=small_cnn --space_options='{"layers": 2}' --architecture="${tmp}/arch.json" \
  --output="${tmp}/arch.dot" --svg=false > /dev/null
grep -q 'bgcolor="#c7e9c0"><b>conv5x5</b>' "${tmp}/arch.dot" || fail "chosen op not highlighted"
grep -q 'color="#a0a0a0">conv3x3' "${tmp}/arch.dot" || fail "unchosen op not grey"
[[ ! -e "${tmp}/arch.svg" ]] || fail "--svg=false wrote an SVG"

echo '{"op0": "conv5x5", "op1": "identity", "skip1": ["op0"], "op7": "conv3x3"}' > "${tmp}/extra.json"
echo '{"op0": ' > "${tmp}/broken.json"
expect_error "unknown space 'nope'" "${bin}" --space=nope --output="${tmp}/x.dot"
expect_error "space_options" "${bin}" --space=small_cnn --space_options='{oops' --output="${tmp}/x.dot"
expect_error "layerz" "${bin}" --space=small_cnn --space_options='{"layerz": 2}' --output="${tmp}/x.dot"
expect_error "op7" "${bin}" --space=small_cnn --space_options='{"layers": 2}' --architecture="${tmp}/extra.json" \
  --output="${tmp}/x.dot"
expect_error "broken.json" "${bin}" --space=small_cnn --architecture="${tmp}/broken.json" --output="${tmp}/x.dot"
expect_error "missing.json" "${bin}" --space=small_cnn --architecture="${tmp}/missing.json" --output="${tmp}/x.dot"
[[ ! -e "${tmp}/x.dot" ]] || fail "an error still wrote the .dot"
echo PASS

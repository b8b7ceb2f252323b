#!/usr/bin/env bash
# docs/adding_an_algorithm.md cannot rot: every C++ and BUILD block in it is
# preceded by `<!-- snippet: docs/snippets/FILE -->` and is byte-identical to
# that file, which //docs/snippets compiles and tests. (The BUILD block is
# docs/snippets/BUILD with //tools:cc.bzl in its load(); see tutorial.bzl.)
# No C++ block may go unchecked.
set -euo pipefail
root="${TEST_SRCDIR}/oneshot_nas"
doc="${root}/docs/adding_an_algorithm.md"
tmp="${TEST_TMPDIR}/snippets"
mkdir -p "${tmp}"
fail() { echo "FAIL: $*" >&2; exit 1; }
[[ -f "${doc}" ]] || fail "no ${doc}"

# Split the doc: each checked block into tmp/<n>.block with its file name in
# tmp/<n>.file; unchecked C++/BUILD blocks are reported.
awk -v tmp="${tmp}" '
  /^<!-- snippet: [^ ]+ -->$/ { pending = $3; next }
  /^```/ && !inside {
    inside = 1; lang = substr($0, 4)
    if (pending != "") { n++; out = tmp "/" n ".block"; print pending > (tmp "/" n ".file"); printf "" > out }
    else if (lang == "c++" || lang == "cpp" || lang == "python") { print "unchecked " lang " block at line " NR > "/dev/stderr"; bad = 1 }
    next
  }
  /^```$/ && inside { inside = 0; if (pending != "") close(out); pending = ""; next }
  inside && pending != "" { print >> out; next }
  pending != "" && !inside && NF > 0 { print "marker for " pending " not followed by a block (line " NR ")" > "/dev/stderr"; bad = 1; pending = "" }
  END { exit bad }
' "${doc}" || fail "the doc has code blocks that no test compiles"

count=0
for f in "${tmp}"/*.file; do
  n="${f%.file}"
  path="$(cat "${f}")"
  [[ "${path}" == docs/snippets/* ]] || fail "snippet ${path} is not under docs/snippets/"
  file="${root}/${path}"
  [[ -f "${file}" ]] || fail "snippet file ${path} does not exist"
  if [[ "$(basename "${path}")" == BUILD ]]; then
    sed 's|^load("//docs/snippets:tutorial.bzl"|load("//tools:cc.bzl"|' "${file}" > "${tmp}/expected"
  else
    cp "${file}" "${tmp}/expected"
  fi
  diff -u "${tmp}/expected" "${n}.block" || fail "the block for ${path} differs from the file (update the doc)"
  count=$((count + 1))
done
(( count >= 10 )) || fail "only ${count} checked blocks"
echo "PASS: ${count} blocks"

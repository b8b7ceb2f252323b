#!/usr/bin/env bash
# //tools:plot as a user runs it: two runs' metrics.jsonl (as nas::Trainer
# writes them) overlaid, run directories as input, relative paths resolved
# against the caller's directory, bad input as one error line.
set -euo pipefail
bin="$(pwd)/tools/plot"
tmp="${TEST_TMPDIR}/plot"
mkdir -p "${tmp}/runs/a" "${tmp}/runs/b"
source tests/cli_lib.sh

for run in a b; do
  for step in 2 4 6 8; do
    echo "{\"accuracy\":0.$step,\"epoch\":$(( (step - 1) / 4 )),\"loss\":1.$step,\"lr\":0.1,\"split\":\"train\",\"step\":$step,\"time\":1.0}"
    if (( step % 4 == 0 )); then
      echo "{\"accuracy\":0.$step,\"epoch\":$(( (step - 1) / 4 )),\"loss\":1.$step,\"split\":\"valid\",\"step\":$step,\"time\":1.0}"
    fi
  done > "${tmp}/runs/${run}/metrics.jsonl"
done

BUILD_WORKING_DIRECTORY="${tmp}" "${bin}" --metrics=runs/a,runs/b/metrics.jsonl --output_dir=plots \
  > "${tmp}/out"
for key in accuracy loss lr overview; do
  [[ -s "${tmp}/plots/${key}.svg" ]] || fail "no plots/${key}.svg"
  grep -q "wrote ${tmp}/plots/${key}.svg" "${tmp}/out" || fail "does not say it wrote ${key}.svg"
done
grep -q '>a</text>' "${tmp}/plots/loss.svg" || fail "no legend entry for run a"
grep -q '>b</text>' "${tmp}/plots/loss.svg" || fail "no legend entry for run b"

"${bin}" --metrics="${tmp}/runs/a" --labels=mine --keys=loss --split=train,valid --x=epoch --smooth=2 \
  --output_dir="${tmp}/one" > /dev/null
[[ -s "${tmp}/one/loss.svg" && ! -e "${tmp}/one/accuracy.svg" ]] || fail "--keys=loss"
grep -q '>mine (valid)</text>' "${tmp}/one/loss.svg" || fail "no valid series"
grep -q '>epoch</text>' "${tmp}/one/loss.svg" || fail "no epoch axis"

cp "${tmp}/runs/a/metrics.jsonl" "${tmp}/broken.jsonl"
sed -i '3s/.*/{"split": "train", "epoch": 0, "step": oops}/' "${tmp}/broken.jsonl"
expect_error "broken.jsonl:3: not a JSON object" "${bin}" --metrics="${tmp}/broken.jsonl" --output_dir="${tmp}/x"
expect_error "plot/missing: No such file" "${bin}" --metrics="${tmp}/missing" --output_dir="${tmp}/x"
expect_error "unknown key 'top5'" "${bin}" --metrics="${tmp}/runs/a" --keys=top5 --output_dir="${tmp}/x"
expect_error "--x must be step or epoch" "${bin}" --metrics="${tmp}/runs/a" --x=time --output_dir="${tmp}/x"
expect_error "--metrics is required" "${bin}" --output_dir="${tmp}/x"
expect_error "2 labels for 1 metrics files" "${bin}" --metrics="${tmp}/runs/a" --labels=p,q --output_dir="${tmp}/x"
[[ ! -e "${tmp}/x" ]] || fail "an error still wrote plots"
echo PASS

#!/usr/bin/env bash
# The SPOS pipeline end to end on a tiny configuration (synthetic data):
# every phase's files and the report, resume after kill -9 without
# re-evaluating a candidate, the phase binaries alone, and bad input.
set -euo pipefail
bin="$(pwd)/algorithms/spos"
launch="$(pwd)/tools/launch"
tmp="${TEST_TMPDIR}/spos"
mkdir -p "${tmp}"
source tests/cli_lib.sh

cat > "${tmp}/tiny.json" <<'JSON'
{
  "preset": "fashion_mnist",
  "space": {"stage_repeats": [1, 2], "stage_channels": [24, 48], "last_channels": 64},
  "data": {"dataset": "synthetic", "synthetic_size": 512, "batch_size": 32, "workers": 0},
  "supernet": {"trainer": {"epochs": 1, "progress": false, "log_every": 5}},
  "evolution": {"tuner": {"population_size": 6, "generations": 3, "top_k": 3, "mutations": 2, "crossovers": 2},
                "evaluation": {"recalibration_batches": 2}},
  "retrain": {"trainer": {"epochs": 2, "max_steps": 20, "progress": false, "log_every": 5}},
  "reproduce": {"random_architectures": 2},
  "seed": 3
}
JSON

# 1. The whole pipeline.
"${bin}/reproduce" --config="${tmp}/tiny.json" --output_dir="${tmp}/run" 2> "${tmp}/run.log" \
  || { tail -30 "${tmp}/run.log"; fail "reproduce failed"; }
for f in report.md report.json search.svg ranking.svg supernet/supernet.pt supernet/metrics.jsonl \
         evolution/history.jsonl evolution/best_architecture.json evolution/search.svg evolution/flops.svg \
         retrain/best/result.json retrain/random_0/result.json retrain/random_1/result.json; do
  [[ -s "${tmp}/run/${f}" ]] || fail "missing ${f}"
done
grep -q '"kendall_tau"' "${tmp}/run/report.json" || fail "no Kendall tau in the report"
grep -q "Kendall's tau" "${tmp}/run/report.md" || fail "no Kendall tau in report.md"
grep -q '| best |' "${tmp}/run/report.md" || fail "no best row"
# 16 batches per epoch: the retraining stops mid-epoch 2 and is scored after its last step.
grep -q '"split":"valid","step":20,' "${tmp}/run/retrain/best/metrics.jsonl" || fail "retraining not scored after step 20"
grep -q '"best_rank": *[123]' "${tmp}/run/report.json" || fail "no rank of the best in the report"
grep -q 'The best found ranks [123] of 3 on test accuracy' "${tmp}/run/report.md" || fail "no rank line in report.md"
(( $(grep -c '"event":"finished"' "${tmp}/run/evolution/history.jsonl") == 18 )) || fail "expected 3 x 6 candidates"
grep -q '"flops":' "${tmp}/run/evolution/history.jsonl" || fail "no FLOPs in the history"
grep -q '"generation":2' "${tmp}/run/evolution/history.jsonl" || fail "no generation in the history"
grep -q '<svg' "${tmp}/run/search.svg" || fail "search.svg is not SVG"

# 2. Without --resume an existing reproduction is left alone.
rc=0
"${bin}/reproduce" --config="${tmp}/tiny.json" --output_dir="${tmp}/run" 2> "${tmp}/err" || rc=$?
(( rc != 0 )) && grep -q "already holds a run .*: pass --resume" "${tmp}/err" || fail "overwrote a run"

# 3. Evolution killed twice mid-generation, resumed each time: no candidate
#    evaluated twice, and the same history as the uninterrupted search above.
evolution=("${bin}/evolution" --config="${tmp}/tiny.json" --supernet="${tmp}/run/supernet/supernet.pt"
           --output_dir="${tmp}/evo")
kill_after() {  # finished candidates, then extra flags
  local n_kill="$1"; shift
  "${evolution[@]}" "$@" 2>> "${tmp}/evo.log" &
  local pid=$!
  for _ in $(seq 400); do
    n=$(grep -c '"event":"finished"' "${tmp}/evo/history.jsonl" 2> /dev/null || true)
    (( ${n:-0} >= n_kill )) && break
    sleep 0.02
  done
  kill -9 "${pid}"; wait "${pid}" 2> /dev/null || true
}
kill_after 4              # in generation 0
kill_after 9 --resume     # in generation 1
(( $(grep -c '"event":"finished"' "${tmp}/evo/history.jsonl") < 18 )) || fail "finished before the kills"
"${evolution[@]}" --resume 2>> "${tmp}/evo.log" || { tail "${tmp}/evo.log"; fail "resume failed"; }
dups=$(grep '"event":"finished"' "${tmp}/evo/history.jsonl" | grep -o '"trial":[0-9]*' | sort | uniq -d)
[[ -z "${dups}" ]] || fail "candidates evaluated twice: ${dups}"
comparable() {
  grep -v '"event":"resumed"' "$1" | sed -E 's/,?"(time|start_time|end_time|duration_s|elapsed_s)":[-+0-9.eE]+//g'
}
diff <(comparable "${tmp}/run/evolution/history.jsonl") <(comparable "${tmp}/evo/history.jsonl") > /dev/null \
  || fail "the resumed history differs from the uninterrupted one"
cmp "${tmp}/evo/best_architecture.json" "${tmp}/run/evolution/best_architecture.json" \
  || fail "the resumed search found another best"

# 4. Evolution over 2 processes (candidates shared between the ranks):
#    every candidate gets the score a single process gave it.
"${launch}" --nproc=2 -- "${bin}/evolution" --config="${tmp}/tiny.json" \
  --supernet="${tmp}/run/supernet/supernet.pt" --output_dir="${tmp}/evo2" 2> "${tmp}/evo2.log" \
  || { tail "${tmp}/evo2.log"; fail "2-process evolution failed"; }
scores() { grep '"event":"finished"' "$1" | grep -o '"trial":[0-9]*,"value":[0-9.e-]*' | sort; }
diff <(scores "${tmp}/run/evolution/history.jsonl") <(scores "${tmp}/evo2/history.jsonl") \
  || fail "2 processes scored candidates differently"

# 4b. A latency budget that binds: every candidate's predicted latency on
#     this machine within the limit, while the unconstrained search (same
#     table) proposes slower ones.
"${bin}/evolution" --config="${tmp}/tiny.json" --supernet="${tmp}/run/supernet/supernet.pt" \
  --latency_limit_ms=1e9 --output_dir="${tmp}/lat_free" 2> "${tmp}/lat_free.log" \
  || { tail "${tmp}/lat_free.log"; fail "evolution with a latency table failed"; }
table="${tmp}/lat_free/latency_table.json"
[[ -s "${table}" ]] || fail "no latency_table.json"
limit=$(python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))
lo = t["rest_ms"] + sum(min(c["ms"]) for c in t["choices"].values())
hi = t["rest_ms"] + sum(max(c["ms"]) for c in t["choices"].values())
print((lo + hi) / 2)' "${table}")
"${bin}/evolution" --config="${tmp}/tiny.json" --supernet="${tmp}/run/supernet/supernet.pt" \
  --latency_limit_ms="${limit}" --set=evolution.latency_table="${table}" --output_dir="${tmp}/lat" \
  2> "${tmp}/lat.log" || { tail "${tmp}/lat.log"; fail "latency-limited evolution failed"; }
latencies() { grep '"event":"finished"' "$1" | grep -o '"latency_ms":[0-9.e+-]*' | cut -d: -f2; }
(( $(latencies "${tmp}/lat/history.jsonl" | wc -l) > 0 )) || fail "no latency_ms in the history"
latencies "${tmp}/lat/history.jsonl" | python3 -c 'import sys
limit = float(sys.argv[1]); ms = [float(x) for x in sys.stdin]
assert max(ms) <= limit, (max(ms), limit)' "${limit}" || fail "a candidate over the latency limit"
latencies "${tmp}/lat_free/history.jsonl" | python3 -c 'import sys
limit = float(sys.argv[1]); ms = [float(x) for x in sys.stdin]
assert max(ms) > limit, (max(ms), limit)' "${limit}" || fail "the latency limit does not bind"
grep -q "ms predicted, limit" "${tmp}/lat.log" || fail "the best's latency is not reported"

# 5. Retrain alone, from an NNI-style one-hot architecture file.
python_free_arch='{"LayerChoice1": [false, true, false, false], "LayerChoice2": [true, false, false, false],
 "LayerChoice3": [false, false, false, true]}'
echo "${python_free_arch}" > "${tmp}/nni_arch.json"
"${bin}/retrain" --config="${tmp}/tiny.json" --architecture="${tmp}/nni_arch.json" --output_dir="${tmp}/re" \
  > "${tmp}/re.json" 2> "${tmp}/re.log" || { tail "${tmp}/re.log"; fail "retrain failed"; }
grep -q '"test_accuracy"' "${tmp}/re.json" || fail "retrain printed no accuracy"

# 6. Bad input: one line, non-zero exit.
echo '{"preset": "fashion_mnist", "evolutoin": {}}' > "${tmp}/typo.json"
echo '{"preset": ' > "${tmp}/broken.json"
echo '{"LayerChoice1": [true, true, false, false], "LayerChoice2": 0, "LayerChoice3": 1}' > "${tmp}/two_hot.json"
expect_error "evolutoin" "${bin}/reproduce" --config="${tmp}/typo.json" --output_dir="${tmp}/x"
expect_error "broken.json" "${bin}/reproduce" --config="${tmp}/broken.json" --output_dir="${tmp}/x"
expect_error "unknown SPOS preset 'imagenet'" "${bin}/reproduce" --preset=imagenet --output_dir="${tmp}/x"
expect_error "no_such.json" "${bin}/supernet" --config="${tmp}/no_such.json" --output_dir="${tmp}/x"
expect_error "supernet" "${bin}/evolution" --config="${tmp}/tiny.json" --supernet="${tmp}/no_such.pt" --output_dir="${tmp}/x"
expect_error "--architecture is required" "${bin}/retrain" --config="${tmp}/tiny.json"
expect_error "LayerChoice1" "${bin}/retrain" --config="${tmp}/tiny.json" --architecture="${tmp}/two_hot.json" --output_dir="${tmp}/x"
expect_error "imagenet" "${bin}/supernet" --preset=paper --output_dir="${tmp}/x"
expect_error "flops_limit must be a finite number >= 0 (from --flops_limit)" "${bin}/evolution" --config="${tmp}/tiny.json" \
  --supernet="${tmp}/run/supernet/supernet.pt" --flops_limit=-5 --output_dir="${tmp}/x"
expect_error "latency_limit_ms must be a finite number >= 0 (from --latency_limit_ms)" "${bin}/evolution" \
  --config="${tmp}/tiny.json" --supernet="${tmp}/run/supernet/supernet.pt" --latency_limit_ms=-1 --output_dir="${tmp}/x"
echo '{"key": {}}' > "${tmp}/bad_table.json"
expect_error "latency_table: not a latency table" "${bin}/evolution" --config="${tmp}/tiny.json" \
  --supernet="${tmp}/run/supernet/supernet.pt" --latency_limit_ms=1 --set=evolution.latency_table="${tmp}/bad_table.json" \
  --output_dir="${tmp}/x2"
expect_error "unknown member .*\$.retrain.lr_max" "${bin}/retrain" --config="${tmp}/tiny.json" --set=retrain.lr_max=1 \
  --architecture="${tmp}/nni_arch.json" --output_dir="${tmp}/x"
# FairNAS's strict fairness from the command line: every step runs one path
# per candidate (4 here), summed into one update; a pinned choice holds.
"${bin}/supernet" --config="${tmp}/tiny.json" --set=supernet.spos.sampling.sampling=strict_fair,supernet.trainer.max_steps=3 \
  --output_dir="${tmp}/fair" 2> "${tmp}/fair.log" || { tail -20 "${tmp}/fair.log"; fail "strict_fair supernet failed"; }
[[ -s "${tmp}/fair/supernet.pt" ]] || fail "the strict_fair supernet wrote no supernet.pt"
expect_error "sampling.fixed: 'LayerChoice99' is not a layer choice of the model" "${bin}/supernet" \
  --config="${tmp}/tiny.json" --set=supernet.spos.sampling.fixed.LayerChoice99=x --output_dir="${tmp}/x3"
expect_error "'fair' is not one of uniform, flops_bins, strict_fair" "${bin}/supernet" \
  --config="${tmp}/tiny.json" --set=supernet.spos.sampling.sampling=fair --output_dir="${tmp}/x4"
# The resolved configuration: the preset, the file and the flags together.
"${bin}/supernet" --config="${tmp}/tiny.json" --epochs=4 --print_config > "${tmp}/printed.json"
grep -q '"synthetic_size": 512' "${tmp}/printed.json" || fail "--print_config lacks the file's data"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert c["supernet"]["trainer"]["epochs"] == 4, c' \
  "${tmp}/printed.json" 2> /dev/null || grep -q '"epochs": 4' "${tmp}/printed.json" || fail "--print_config lacks --epochs"
echo PASS

#!/usr/bin/env bash
# The benchmark pipeline in miniature, as a user runs it: a tiny table (27
# architectures of the nasbench_cell space on synthetic data, 2 seeds)
# generated, killed with SIGKILL mid-way and resumed, equal to an
# uninterrupted generation; then the comparison on it with every tuner and
# every registered one-shot method; then bad tables.
set -euo pipefail
root="${TEST_SRCDIR}/oneshot_nas"
generate="${root}/algorithms/nasbench/generate"
compare="${root}/tools/benchmark/compare"
out="${TEST_TMPDIR}/pipeline"
mkdir -p "${out}"
source tests/cli_lib.sh
finished() { cat "$1/search/history.jsonl" 2>/dev/null | grep -c '"event":"finished"' || true; }

# 1. Generation, killed once it has finished some trials, then resumed.
setsid "${generate}" --preset=tiny --seed=3 --output_dir="${out}/killed" \
  > "${out}/killed.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  (( $(finished "${out}/killed") >= 12 )) && break
  kill -0 "${pid}" 2>/dev/null || { cat "${out}/killed.log"; fail "generation ended before the kill"; }
  sleep 0.1
done
kill -9 -- "-${pid}"  # the whole process group: the generator and its trials
wait "${pid}" 2>/dev/null || true
before=$(finished "${out}/killed")
(( before >= 12 && before < 54 )) || fail "killed after ${before} of 54 trials"
[[ ! -e "${out}/killed/table.jsonl" ]] || fail "a killed generation wrote the table"
"${generate}" --preset=tiny --seed=3 --output_dir="${out}/killed" --resume > "${out}/resumed.log" 2>&1 ||
  { cat "${out}/resumed.log"; fail "the resumed generation failed"; }
history="${out}/killed/search/history.jsonl"
succeeded=$(grep '"event":"finished"' "${history}" | grep -c '"status":"succeeded"')
distinct=$(grep '"event":"finished"' "${history}" | grep '"status":"succeeded"' |
           sed -E 's/.*"trial":([0-9]+).*/\1/' | sort -u | wc -l)
(( succeeded == 54 && distinct == 54 )) || fail "${succeeded} successful trials (${distinct} distinct), expected 54"

"${generate}" --preset=tiny --seed=3 --output_dir="${out}/whole" > "${out}/whole.log" 2>&1 ||
  { cat "${out}/whole.log"; fail "the uninterrupted generation failed"; }
table="${out}/whole/table.jsonl"
[[ $(wc -l < "${table}") -eq 28 ]] || fail "the table has $(wc -l < "${table}") lines, expected 1 + 27"
# The rows (not the header: it has the creation time) of the killed-and-
# resumed table are the uninterrupted one's, to the bit. The training times
# are measured, so they are compared without them.
rows() { tail -n +2 "$1" | sed -E 's/"train_seconds":[^,}]*//'; }
cmp -s <(rows "${out}/killed/table.jsonl") <(rows "${table}") ||
  fail "the resumed table differs from the uninterrupted one"
grep -q '"runs":\[{"seed":' "${table}" || fail "rows lack their runs"
head -1 "${table}" | grep -q '"format":"oneshot_nas.benchmark_table.v1"' || fail "header format"

# 2. The comparison: every tuner against the table, every registered
# one-shot method on the table's space and data.
"${compare}" --table="${table}" --preset=quick --output_dir="${out}/report" \
  --set=tuner_seeds=3,epochs=0.5,budget_seconds=0 > "${out}/compare.log" 2>&1 ||
  { cat "${out}/compare.log"; fail "the comparison failed"; }
for f in report.md report.json tuners.svg table.svg ranking.svg; do
  [[ -s "${out}/report/${f}" ]] || fail "the report lacks ${f}"
done
for tuner in random evolution policy_gradient spos_evolution; do
  grep -q "| ${tuner} |" "${out}/report/report.md" || fail "report.md lacks tuner ${tuner}"
done
for method in darts_v1 darts_v2 darts_pt darts_pt_blank enas gumbel gdas random_path spos fairnas few_shot_spos; do
  grep -q "| ${method} | " "${out}/report/report.md" || fail "report.md lacks one-shot method ${method}"
  grep -q "^| ${method} (seed 0) | " "${out}/report/report.md" ||
    fail "report.md lacks the supernet ranking of ${method}"
done
grep -q '"failures": \[\]' "${out}/report/report.json" ||
  { grep -o '"failures":.*' "${out}/report/report.json" | head -c 2000; fail "report.json lists failures"; }
grep -q "## Supernet rankings" "${out}/report/report.md" || fail "no ranking section"
# Every fix in the summary beside the method it fixes, right after it.
for pair in "fairnas spos" "few_shot_spos spos" "darts_pt darts_v1" "darts_pt_blank darts_v1" "gdas gumbel"; do
  set -- ${pair}
  grep -q "^| $1 | $2 | " "${out}/report/report.md" || fail "the summary does not show $1 as a fix of $2"
done
grep -A2 "^| spos | - | " "${out}/report/report.md" | grep -q "^| fairnas | spos | " ||
  fail "fairnas does not follow spos in the summary"
grep -q "flops (proxy)" "${out}/report/report.md" || fail "no FLOPs proxy"

# 3. Bad tables: one line naming the problem, a non-zero exit.
head -n 20 "${table}" > "${out}/truncated.jsonl"
expect_error "truncated.jsonl" "${compare}" --table="${out}/truncated.jsonl" --output_dir="${out}/bad"
# The header's own "space" is its last one (the protocol names it too).
sed -E '1s/(.*)"space":"nasbench_cell"/\1"space":"small_cnn"/' "${table}" > "${out}/other_space.jsonl"
expect_error "the table's space 'small_cnn'" "${compare}" --table="${out}/other_space.jsonl" --output_dir="${out}/bad"
sed -E '1s/(.*)"ops":\["none","skip_connect","conv_1x1"\]/\1"ops":["none","conv_1x1"]/' "${table}" \
  > "${out}/other_ops.jsonl"
expect_error "not the one space 'nasbench_cell' builds" "${compare}" --table="${out}/other_ops.jsonl" --output_dir="${out}/bad"
expect_error "NOT_FOUND\|cannot open\|No such file\|does not exist" "${compare}" --table="${out}/missing.jsonl" --output_dir="${out}/bad"
echo '{"format": "something else"}' > "${out}/foreign.jsonl"
expect_error "foreign.jsonl" "${compare}" --table="${out}/foreign.jsonl" --output_dir="${out}/bad"
expect_error "unknown one-shot method 'nope'" "${compare}" --table="${table}" --set=methods='["nope"]' --output_dir="${out}/bad"
echo PASS

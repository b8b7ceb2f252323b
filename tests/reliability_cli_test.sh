#!/usr/bin/env bash
# The binaries against a hostile user (issue 19's defect classes, one
# reproduction each): damaged files, reused and shared output folders,
# resumes with other settings, non-finite and oversized values, malformed
# JSON, a driver killed with -9 under a launcher. Each ends with one
# `error:` line (or does nothing) and loses nothing.
set -euo pipefail
root="$(pwd)"
S="${root}/algorithms/darts/search"
R="${root}/algorithms/random/train"
T="${root}/tools/tune"
TR="${root}/nas/testing/synthetic_trial"
L="${root}/tools/launch"
tmp="${TEST_TMPDIR}/reliability"
mkdir -p "${tmp}"
source tests/cli_lib.sh


cat > "${tmp}/darts.json" <<'JSON'
{
  "data": {"dataset": "synthetic", "synthetic_size": 192, "train_fraction": 0.5, "train_examples": 0,
           "valid_examples": 0, "batch_size": 16, "workers": 0},
  "search": {"network": {"channels": 4, "layers": 3, "nodes": 2},
             "trainer": {"epochs": 2, "progress": false, "log_every": 100},
             "darts": {"discrete_bn_batches": 2}},
  "seed": 5
}
JSON
darts=(--threads=1 --config="${tmp}/darts.json")

# A finished reference run.
"${S}" "${darts[@]}" --output_dir="${tmp}/a" 2> "${tmp}/a.log" || { tail "${tmp}/a.log"; fail "search failed"; }
cp "${tmp}/a/result.json" "${tmp}/a.result"
metrics_lines=$(wc -l < "${tmp}/a/metrics.jsonl")

# 2. No run ever writes into a folder that holds one (checkpoints gone or not).
rm -r "${tmp}/a/checkpoints"
expect_error "already holds a run" "${S}" "${darts[@]}" --output_dir="${tmp}/a" --seed=9
cmp -s "${tmp}/a.result" "${tmp}/a/result.json" || fail "a refused run replaced result.json"
(( $(wc -l < "${tmp}/a/metrics.jsonl") == metrics_lines )) || fail "a refused run appended to metrics.jsonl"

# 4. Resuming a finished run does nothing (result.json is not rewritten).
"${S}" "${darts[@]}" --output_dir="${tmp}/a" --resume 2> "${tmp}/again.log" || fail "resume of a finished run failed"
grep -q "the run finished already; nothing to resume" "${tmp}/again.log" || fail "no 'nothing to resume'"
cmp -s "${tmp}/a.result" "${tmp}/a/result.json" || fail "resuming a finished run rewrote result.json"

# 13. --resume with other settings is refused, naming each one.
expect_error 'the configuration differs from the run.s.*\$.search.darts.unrolled: false -> true.*\$.seed: 5 -> 9' \
  "${S}" "${darts[@]}" --output_dir="${tmp}/a" --resume --unrolled --seed=9
expect_error "there is no run to resume" "${S}" "${darts[@]}" --output_dir="${tmp}/none" --resume

# 1. A flipped byte inside a tensor record of a checkpoint: refused, naming the file.
"${S}" "${darts[@]}" --output_dir="${tmp}/b" 2> /dev/null || fail "search b failed"
newest=$(ls "${tmp}/b/checkpoints"/ckpt-*.pt | tail -1)
size=$(stat -c %s "${newest}")
printf '\xa5%.0s' $(seq 64) | dd of="${newest}" bs=1 seek=$(( size / 2 )) conv=notrunc status=none
sed -i 's/"finished": true/"finished": false/' "${tmp}/b/run.json"
expect_error "$(basename "${newest}") is damaged: its SHA-256" "${S}" "${darts[@]}" --output_dir="${tmp}/b" --resume
# ... and damaged weights are never loaded either: a SPOS supernet searched.
cat > "${tmp}/spos.json" <<'JSON'
{"preset": "fashion_mnist",
 "space": {"stage_repeats": [1, 2], "stage_channels": [24, 48], "last_channels": 64},
 "data": {"dataset": "synthetic", "synthetic_size": 256, "batch_size": 32, "workers": 0},
 "supernet": {"trainer": {"epochs": 1, "max_steps": 2, "progress": false}},
 "evolution": {"tuner": {"population_size": 2, "generations": 1, "top_k": 1, "mutations": 1, "crossovers": 0},
               "evaluation": {"recalibration_batches": 1, "eval_batches": 1}}}
JSON
"${root}/algorithms/spos/supernet" --threads=1 --config="${tmp}/spos.json" --output_dir="${tmp}/spos" 2> /dev/null ||
  fail "the SPOS supernet failed"
printf '\xa5%.0s' $(seq 64) | dd of="${tmp}/spos/supernet.pt" bs=1 seek=2000 conv=notrunc status=none
expect_error "supernet: .*supernet.pt is damaged: its SHA-256" "${root}/algorithms/spos/evolution" --threads=1 \
  --config="${tmp}/spos.json" --supernet="${tmp}/spos/supernet.pt" --output_dir="${tmp}/spos_evolution"
[[ ! -e "${tmp}/spos_evolution" ]] || fail "a refused evolution left an output folder"

# 5. A kill after an epoch's genotype line and before its checkpoint: the
# resumed run writes that epoch once.
"${S}" "${darts[@]}" --output_dir="${tmp}/c" 2> /dev/null || fail "search c failed"
newest=$(ls "${tmp}/c/checkpoints"/ckpt-*.pt | tail -1)
rm "${newest}" "${newest}.sha256"
sed -i 's/"finished": true/"finished": false/' "${tmp}/c/run.json"
"${S}" "${darts[@]}" --output_dir="${tmp}/c" --resume 2> "${tmp}/c.log" || { tail "${tmp}/c.log"; fail "resume c failed"; }
[[ "$(grep -o '"epoch":[0-9]*' "${tmp}/c/genotypes.jsonl" | tr '\n' ' ')" == '"epoch":0 "epoch":1 ' ]] \
  || { cat "${tmp}/c/genotypes.jsonl"; fail "genotypes.jsonl repeats an epoch"; }

# 3. Two runs on one folder: exactly one is refused, naming the holder.
"${S}" "${darts[@]}" --set=search.trainer.epochs=50 --output_dir="${tmp}/d" 2> /dev/null &
first=$!
for _ in $(seq 200); do grep -q '"pid"' "${tmp}/d/.lock" 2> /dev/null && break; sleep 0.05; done
expect_error "is in use by pid ${first} on " "${S}" "${darts[@]}" --output_dir="${tmp}/d" --resume
kill -9 "${first}"; wait "${first}" 2> /dev/null || true
# The kernel released the lock with the process: --resume continues.
"${S}" "${darts[@]}" --set=search.trainer.epochs=50,search.trainer.max_steps=2 --output_dir="${tmp}/d" --resume \
  2> "${tmp}/d.log" || { tail "${tmp}/d.log"; fail "resume after kill -9 failed"; }

# 6. Non-finite and out-of-range numbers, and a diverged run.
small=(--threads=1 --dataset=synthetic --set=data.synthetic_size=128,data.batch_size=32,data.workers=0 --epochs=1
       --space_options='{"channels": 4, "layers": 2}')
expect_error 'optimizer.lr: expected number, got string "nan"' "${R}" "${small[@]}" \
  --set=optimizer.lr=nan --output_dir="${tmp}/e1"
expect_error 'optimizer.momentum: expected number, got string "inf"' "${R}" "${small[@]}" \
  --set=optimizer.momentum=inf --output_dir="${tmp}/e1"
expect_error "--flops_limit=nan: not a finite number" "${root}/algorithms/spos/evolution" --flops_limit=nan \
  --output_dir="${tmp}/e1"
[[ ! -e "${tmp}/e1" ]] || fail "a refused run left an output folder"
expect_error "the training loss is nan: the run diverged" "${R}" "${small[@]}" --set=optimizer.lr=1e30 \
  --output_dir="${tmp}/e2"
expect_error "must be in \[0, " "${R}" "${small[@]}" --threads=100000 --output_dir="${tmp}/e3"
expect_error "must be in \[0, " "${R}" "${small[@]}" --threads=-3 --output_dir="${tmp}/e3"
# 11. Sizes are bounded, naming the option.
G="${root}/tools/ss_gen"
expect_error "small_cnn options.layers must be <= 64, got 20000" "${G}" --space=small_cnn --space_options='{"layers": 20000}'
expect_error "layers must be <= 256, got 1000000" "${G}" --space=darts_cell --space_options='{"layers": 1000000}'
expect_error "channels must be <= 4096" "${G}" --space=enas_macro --space_options='{"channels": 100000}'
expect_error "blocks in all) must be <= 256" "${G}" --space=spos_shufflenet --space_options='{"stage_repeats": [1000, 1, 1, 1]}'
expect_error "epochs must be >= 1 (from --epochs)" "${S}" "${darts[@]}" --epochs=-1 --output_dir="${tmp}/e4"

# 7-9, 16. Malformed configuration files: one located line each.
{ printf '%.0s{"search": ' $(seq 100000); printf 1; printf '%.0s}' $(seq 100000); } > "${tmp}/deep.json"
expect_error "deep.json: nested deeper than 256 levels" "${S}" --config="${tmp}/deep.json"
echo '{"seed": 1e400}' > "${tmp}/big.json"
expect_error "big.json: malformed JSON: .*1e400" "${S}" --config="${tmp}/big.json"
rc=0; "${S}" --config="${tmp}/big.json" 2> /dev/null || rc=$?
(( rc == 2 )) || fail "bad input should exit 2, got ${rc}"
echo '{"search": {"darts": {"alpha_lr": 0.1}}, "search": {"trainer": {"epochs": 1}}}' > "${tmp}/dup.json"
expect_error 'dup.json: duplicate member \$.search' "${S}" --config="${tmp}/dup.json"
expect_error "is a directory, not a file" "${S}" --config="${tmp}"
expect_error "--output_dir must not be empty" "${S}" "${darts[@]}" --output_dir=

# 14-16. The tuner driver.
cat > "${tmp}/space.json" <<'JSON'
{"a": {"_type": "layer_choice", "_value": ["c0", "c1", "c2"]},
 "b": {"_type": "layer_choice", "_value": ["c0", "c1", "c2"]}}
JSON
tune=(--search_space="${tmp}/space.json" --tuner=random --seed=3 --max_trials=3)
expect_error "no trial succeeded (3 failed" "${T}" "${tune[@]}" --trial_command="${TR} --fail_trials=0,1,2" \
  --output_dir="${tmp}/t1"
expect_error "there is no run to resume" "${T}" "${tune[@]}" --trial_command="${TR}" --output_dir="${tmp}/t2" --resume
"${T}" "${tune[@]}" --trial_command="${TR}" --output_dir="${tmp}/t3" 2> /dev/null || fail "tune failed"
rm "${tmp}/t3/history.jsonl"
expect_error "history.jsonl does not exist: there is no search to resume" \
  "${T}" "${tune[@]}" --trial_command="${TR}" --output_dir="${tmp}/t3" --resume
[[ -s "${tmp}/t3/summary.json" ]] || fail "a refused resume removed summary.json"
expect_error "max_duration must be a finite number" "${T}" "${tune[@]}" --trial_command="${TR}" \
  --max_duration=nan --output_dir="${tmp}/t4"
expect_error "trial timeout must be a finite number" "${T}" "${tune[@]}" --trial_command="${TR}" \
  --trial_timeout=nan --output_dir="${tmp}/t4"
echo '{"a": {"_type": "layer_choice", "_value": ["c0", "c0"]}}' > "${tmp}/twice.json"
expect_error "candidate 'c0' appears twice" "${T}" "${tune[@]/--search_space=*/--search_space=${tmp}/twice.json}" \
  --trial_command="${TR}" --output_dir="${tmp}/t5"
# 15. The driver's own failed write (here trials/000001 is a file) stops
# the search; that trial is not recorded as failed and a resume runs it.
mkdir -p "${tmp}/t6/trials"
: > "${tmp}/t6/trials/000001"
"${T}" "${tune[@]}" --trial_command="${TR}" --output_dir="${tmp}/t6x" 2> /dev/null || fail "tune t6x failed"
rm -r "${tmp}/t6"; mkdir -p "${tmp}/t6"
cp "${tmp}/t6x/run.json" "${tmp}/t6/"
head -1 "${tmp}/t6x/history.jsonl" > "${tmp}/t6/history.jsonl"
mkdir -p "${tmp}/t6/trials"; : > "${tmp}/t6/trials/000001"
expect_error "trial 1 could not be run: .*--resume reruns it" \
  "${T}" "${tune[@]}" --trial_command="${TR}" --output_dir="${tmp}/t6" --resume
! grep -q '"event":"finished","trial":1,' "${tmp}/t6/history.jsonl" || fail "the driver's error was blamed on trial 1"
rm "${tmp}/t6/trials/000001"
"${T}" "${tune[@]}" --trial_command="${TR}" --output_dir="${tmp}/t6" --resume 2> /dev/null || fail "resume t6 failed"
grep -q '"succeeded": 3' "${tmp}/t6/summary.json" || fail "the resumed search did not run trial 1"

# 12. kill -9 of a driver whose trials run under a launcher wrapper, and of
# tools/launch: nothing they started survives.
cat > "${tmp}/wrapper.sh" <<'SH'
#!/bin/sh
"$@" &
wait
SH
chmod +x "${tmp}/wrapper.sh"
"${T}" "${tune[@]}" --parallel=2 --launcher="${tmp}/wrapper.sh" \
  --trial_command="${TR} --sleep_ms=60000" --output_dir="${tmp}/t7" 2> /dev/null &
driver=$!
gone_within() {  # $1 seconds until no process matches $2
  for _ in $(seq $(( $1 * 20 ))); do pgrep -f -- "$2" > /dev/null || return 0; sleep 0.05; done
  return 1
}
for _ in $(seq 200); do (( $(pgrep -fc -- "--sleep_ms=60000 --parameters") >= 2 )) && break; sleep 0.05; done
(( $(pgrep -fc -- "--sleep_ms=60000 --parameters") >= 2 )) || fail "the wrapped trials did not start"
kill -9 "${driver}"; wait "${driver}" 2> /dev/null || true
gone_within 3 "--sleep_ms=60000 --parameters" || fail "trials outlived their driver (kill -9)"
"${L}" --nproc=2 -- /bin/sh -c 'sleep 61 & wait' &
launcher=$!
for _ in $(seq 200); do (( $(pgrep -fc "^sleep 61") >= 2 )) && break; sleep 0.05; done
(( $(pgrep -fc "^sleep 61") >= 2 )) || fail "the ranks did not start"
kill -9 "${launcher}"; wait "${launcher}" 2> /dev/null || true
gone_within 3 "^sleep 61" || fail "ranks outlived tools/launch (kill -9)"

echo PASS

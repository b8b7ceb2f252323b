#!/usr/bin/env bash
# :search and :retrain as a user runs them, on synthetic data with a tiny
# macro space: the resolved configuration (--print_config, --set, the
# common flags), outputs, the export's scores, determinism, resume, two
# ranks, retraining the export, and bad input reported in one line.
set -euo pipefail
# Tiny models: one thread each is faster than two fighting a busy machine.
search() { "$(pwd)/algorithms/enas/search" --threads=1 "$@"; }
retrain() { "$(pwd)/algorithms/enas/retrain" --threads=1 "$@"; }
launch="$(pwd)/tools/launch"
tmp="${TEST_TMPDIR}/search"
mkdir -p "${tmp}"
source tests/cli_lib.sh

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
for flag in config preset set seed print_config output_dir resume dataset space space_options epochs max_steps; do
  grep -q -- "-${flag} " "${tmp}/help" || fail "--help does not list --${flag}"
done
retrain --help > "${tmp}/retrain_help" 2>&1 || true
grep -q -- "-architecture " "${tmp}/retrain_help" || fail "retrain --help does not list --architecture"

# The section of the printed configuration a line of it is in: "search", ...
section_of() {  # file, pattern
  awk -v want="$2" '/^  "[a-z_]+": / { s = $1; gsub(/[":]/, "", s) } index($0, want) { print s }' "$1"
}
# The resolved configuration: the preset, the file, --set and the flags,
# printed without running (nothing written).
search --config="${tmp}/config.json" --set=search.enas.aggregate=3,data.eval_batch_size=128 --epochs=5 --seed=7 \
  --print_config --output_dir="${tmp}/printed" > "${tmp}/printed.json" || fail "--print_config failed"
[[ ! -e "${tmp}/printed" ]] || fail "--print_config wrote the output folder"
grep -q '"aggregate": 3' "${tmp}/printed.json" || fail "--print_config lacks the --set override"
grep -q '"eval_batch_size": 128' "${tmp}/printed.json" || fail "--print_config lacks data.eval_batch_size"
grep -q '"synthetic_size": 384' "${tmp}/printed.json" || fail "--print_config lacks the file's data"
grep -q '"lstm_size": 16' "${tmp}/printed.json" || fail "--print_config lacks the file's controller"
grep -q '"seed": 7' "${tmp}/printed.json" || fail "--print_config lacks --seed"
grep -q '"grad_clip": 5' "${tmp}/printed.json" || fail "retrain lacks the preset's gradient clip"
[[ "$(section_of "${tmp}/printed.json" '"epochs": 5')" == search ]] || fail "--epochs did not set search.trainer.epochs"
[[ "$(section_of "${tmp}/printed.json" '"valid_batch_size": 32')" == data ]] || fail "data.valid_batch_size lost"
# The printed configuration reads back to itself.
search --config="${tmp}/printed.json" --print_config > "${tmp}/printed_again.json" || fail "printed config rejected"
cmp -s "${tmp}/printed.json" "${tmp}/printed_again.json" || fail "--print_config does not round-trip"
retrain --config="${tmp}/config.json" --epochs=3 --print_config > "${tmp}/retrain_printed.json"
[[ "$(section_of "${tmp}/retrain_printed.json" '"epochs": 3')" == retrain ]] || fail "--epochs did not set retrain.trainer.epochs"

search --config="${tmp}/config.json" --seed=2 --output_dir="${tmp}/a" > "${tmp}/a.out" 2> "${tmp}/a.log" \
  || { cat "${tmp}/a.log"; fail "search failed"; }
grep -q '"best_accuracy"' "${tmp}/a.out" || fail "search did not print its scores"
! grep -q '"best_architecture"' "${tmp}/a.out" || fail "the printed summary holds the architectures"
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

# Stopped by --max_steps mid-epoch, then resumed: the export of the
# uninterrupted run.
search --config="${tmp}/config.json" --seed=2 --max_steps=12 --output_dir="${tmp}/r" > /dev/null 2> "${tmp}/r.log" \
  || { cat "${tmp}/r.log"; fail "stopped search failed"; }
search --config="${tmp}/config.json" --seed=2 --resume --output_dir="${tmp}/r" > /dev/null 2> "${tmp}/r.log" \
  || { cat "${tmp}/r.log"; fail "resumed search failed"; }
cmp -s "${tmp}/a/best_architecture.json" "${tmp}/r/best_architecture.json" || fail "resumed run, different export"
diff <(grep -v seconds "${tmp}/a/export.json") <(grep -v seconds "${tmp}/r/export.json") > /dev/null \
  || fail "resumed run, different scores"

# Two ranks: the export is scored on both (averaged), so they agree, and
# rank 0 writes it.
"${launch}" --nproc=2 -- "$(pwd)/algorithms/enas/search" --threads=1 --config="${tmp}/config.json" \
  --set=data.synthetic_size=1024,data.eval_batch_size=32 --output_dir="${tmp}/ddp" > /dev/null 2> "${tmp}/ddp.log" \
  || { cat "${tmp}/ddp.log"; fail "data-parallel search failed"; }
(( $(grep -c 'export: best of 4 samples' "${tmp}/ddp.log") == 2 )) || fail "the export did not run on both ranks"
(( $(grep 'export: best of' "${tmp}/ddp.log" | sed 's/.*export: //' | sort -u | wc -l) == 1 )) \
  || { grep 'export: ' "${tmp}/ddp.log"; fail "the ranks' export scores differ"; }
for f in best_architecture.json greedy_architecture.json export.json supernet.pt; do
  [[ -s "${tmp}/ddp/${f}" ]] || fail "data-parallel: missing ${f}"
done

# The export retrains from scratch.
retrain --config="${tmp}/config.json" --architecture="${tmp}/a/best_architecture.json" --max_steps=4 \
  --output_dir="${tmp}/retrain" > "${tmp}/retrain.out" 2> "${tmp}/retrain.log" \
  || { cat "${tmp}/retrain.log"; fail "retrain failed"; }
for key in test_accuracy test_loss parameters seconds; do
  grep -q "\"${key}\"" "${tmp}/retrain/result.json" || fail "result.json lacks ${key}"
done
grep -q '"test_accuracy"' "${tmp}/retrain.out" || fail "retrain did not print its result"
grep -q '"max_steps": 4' "${tmp}/retrain/config.json" || fail "--max_steps did not reach retrain.trainer"
for f in config.json architecture.json metrics.jsonl model.pt; do
  [[ -s "${tmp}/retrain/${f}" ]] || fail "retrain: missing ${f}"
done

# Bad input: one line on stderr, non-zero exit.
echo '{"preset": "fashion_mnist", "search": {' > "${tmp}/broken.json"
echo '{"search": {"enas": {"aggregat": 3}}}' > "${tmp}/typo.json"
echo '{"search": {"enas": {"baseline_decay": 1.5}}}' > "${tmp}/range.json"
echo '{"data": {"dataset": "synthetic"}, "space_options": {"preset": "paper"}}' > "${tmp}/shape.json"
echo '{"layer_0_op": "conv7x7"}' > "${tmp}/bad_arch.json"
expect_error "broken.json" search --config="${tmp}/broken.json" --output_dir="${tmp}/x"
expect_error "aggregat" search --config="${tmp}/typo.json" --output_dir="${tmp}/x"
expect_error "baseline_decay must be in" search --config="${tmp}/range.json" --output_dir="${tmp}/x"
expect_error "expects \[3, 32, 32\]" search --config="${tmp}/shape.json" --output_dir="${tmp}/x"
expect_error "unknown ENAS preset 'tiny'" search --preset=tiny --output_dir="${tmp}/x"
expect_error "no_such.json" search --config="${tmp}/no_such.json" --output_dir="${tmp}/x"
expect_error "search.trainer.epochs must be >= 1 (from --epochs)" search --epochs=-1 --output_dir="${tmp}/x"
expect_error "not path=value" search --config="${tmp}/config.json" --set=search.enas.aggregate --output_dir="${tmp}/x"
expect_error "unknown member .*search.enas.aggregat" search --config="${tmp}/config.json" \
  --set=search.enas.aggregat=3 --output_dir="${tmp}/x"
expect_error "export_samples must be >= 0" search --set=search.export_samples=-1 --output_dir="${tmp}/x"
expect_error "already holds a run" search --config="${tmp}/config.json" --seed=2 --output_dir="${tmp}/a"
expect_error "--architecture is required" retrain --config="${tmp}/config.json"
expect_error "missing.json" retrain --config="${tmp}/config.json" --architecture="${tmp}/missing.json"
expect_error "retrain.trainer.epochs must be >= 1 (from --epochs)" retrain --config="${tmp}/config.json" --epochs=0 \
  --architecture="${tmp}/a/best_architecture.json" --output_dir="${tmp}/x"
expect_error "no decision for keys layer_1_op" retrain --config="${tmp}/config.json" --architecture="${tmp}/bad_arch.json" \
  --output_dir="${tmp}/x"
echo PASS

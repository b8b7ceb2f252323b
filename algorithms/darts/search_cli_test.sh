#!/usr/bin/env bash
# The DARTS binaries as users run them, on a tiny configuration (synthetic
# data): the resolved configuration (--print_config, --set), search (first
# and second order) and its files, determinism, resume, retraining of the
# found cell, the evolution baseline with 2 trials at a time and its resume,
# and bad input (one `error:` line, non-zero exit).
set -euo pipefail
bin="$(pwd)/algorithms/darts"
tmp="${TEST_TMPDIR}/darts"
mkdir -p "${tmp}"
source tests/cli_lib.sh

cat > "${tmp}/tiny.json" <<'JSON'
{
  "data": {"dataset": "synthetic", "synthetic_size": 192, "train_fraction": 0.5, "train_examples": 0,
           "valid_examples": 0, "batch_size": 16, "workers": 0},
  "search": {"network": {"channels": 4, "layers": 3, "nodes": 2},
             "trainer": {"epochs": 2, "progress": false, "log_every": 100},
             "darts": {"discrete_bn_batches": 2}},
  "retrain": {"network": {"channels": 4, "layers": 3, "nodes": 2}, "batch_size": 16, "cutout": 4,
              "trainer": {"epochs": 1, "max_steps": 4, "progress": false}},
  "trial": {"network": {"channels": 4, "layers": 3, "nodes": 2}, "steps": 3},
  "evolution": {"population": 3, "sample_size": 2, "max_trials": 4, "parallel": 2},
  "seed": 5
}
JSON


# 0. The resolved configuration: the preset's data layout, the file, --set and
# the flags over it, and a printed configuration that reads back unchanged.
"${bin}/search" --print_config > "${tmp}/preset.json" || fail "--print_config failed"
for member in '"train_fraction": 0.5' '"train_examples": 2000' '"valid_examples": 2000' '"preset": "fashion_mnist"'; do
  grep -q "${member}" "${tmp}/preset.json" || fail "the preset's configuration lacks ${member}"
done
"${bin}/search" --config="${tmp}/tiny.json" --set=search.darts.alpha_lr=0.001,data.batch_size=8 --unrolled \
  --epochs=3 --print_config > "${tmp}/resolved.json" || fail "--print_config with overrides failed"
grep -q '"alpha_lr": 0.001' "${tmp}/resolved.json" || fail "--print_config lacks the --set override"
grep -q '"batch_size": 8' "${tmp}/resolved.json" || fail "--print_config lacks data.batch_size from --set"
grep -q '"unrolled": true' "${tmp}/resolved.json" || fail "--print_config lacks --unrolled"
grep -q '"epochs": 3' "${tmp}/resolved.json" || fail "--print_config lacks --epochs"
grep -q '"synthetic_size": 192' "${tmp}/resolved.json" || fail "--print_config lacks the file's data"
[[ ! -e darts/search ]] || fail "--print_config wrote an output folder"
"${bin}/search" --config="${tmp}/resolved.json" --print_config > "${tmp}/reread.json"
cmp -s "${tmp}/resolved.json" "${tmp}/reread.json" || fail "the printed configuration does not read back unchanged"
"${bin}/retrain" --config="${tmp}/tiny.json" --epochs=7 --print_config | grep -q '"epochs": 7' \
  || fail "retrain: --epochs does not set retrain.trainer.epochs"

# 1. First-order search and its files.
"${bin}/search" --config="${tmp}/tiny.json" --output_dir="${tmp}/first" 2> "${tmp}/first.log" \
  || { tail -20 "${tmp}/first.log"; fail "search failed"; }
for f in architecture.json genotype.txt genotypes.jsonl cells.dot alphas.json result.json metrics.jsonl config.json \
         supernet.pt; do
  [[ -s "${tmp}/first/${f}" ]] || fail "missing ${f}"
done
grep -q "^Genotype(normal=\[('" "${tmp}/first/genotype.txt" || fail "genotype.txt: $(cat "${tmp}/first/genotype.txt")"
# Graphviz is installed with the build's packages (tools/debian_packages.txt).
command -v dot > /dev/null || fail "no Graphviz dot: tools/debian_packages.txt lists graphviz"
grep -q '<svg' "${tmp}/first/cells.svg" || fail "no cells.svg although dot is installed"
(( $(wc -l < "${tmp}/first/genotypes.jsonl") == 2 )) || fail "expected one genotype per epoch"
for key in supernet_accuracy discrete_accuracy param_free_share; do
  grep -q "\"${key}\"" "${tmp}/first/result.json" || fail "result.json has no ${key}"
done
grep -q 'parameter-free share' "${tmp}/first.log" || fail "no collapse figure in the log"
grep -q '"normal_n2_p0"' "${tmp}/first/alphas.json" || fail "alphas.json has no edge"

# 2. Same seed, same architecture; --resume of a finished run changes nothing.
"${bin}/search" --config="${tmp}/tiny.json" --output_dir="${tmp}/again" 2> /dev/null
cmp -s "${tmp}/first/architecture.json" "${tmp}/again/architecture.json" || fail "same seed, different architecture"
expect_error "pass --resume" "${bin}/search" --config="${tmp}/tiny.json" --output_dir="${tmp}/first"
"${bin}/search" --config="${tmp}/tiny.json" --output_dir="${tmp}/first" --resume 2> /dev/null
cmp -s "${tmp}/first/architecture.json" "${tmp}/again/architecture.json" || fail "resume changed the architecture"

# 3. Second order.
"${bin}/search" --config="${tmp}/tiny.json" --output_dir="${tmp}/second" --unrolled --epochs=1 2> "${tmp}/second.log" \
  || { tail -20 "${tmp}/second.log"; fail "second-order search failed"; }
grep -q '"unrolled": true' "${tmp}/second/result.json" || fail "result.json does not say second order"

# 3b. DARTS-PT's selection, after a warm-up (PC-DARTS): the projected cell,
# the alphas' cell beside it, every edge's masked scores; deterministic.
pt_flags=(--config="${tmp}/tiny.json" --epochs=1
          --set=search.selection=perturbation,search.perturbation.eval_batches=1,search.perturbation.tune_steps=1,search.darts.warmup_epochs=0.5)
"${bin}/search" "${pt_flags[@]}" --output_dir="${tmp}/pt" 2> "${tmp}/pt.log" \
  || { tail -20 "${tmp}/pt.log"; fail "perturbation search failed"; }
grep -q '"selection": "perturbation"' "${tmp}/pt/result.json" || fail "result.json does not say perturbation"
grep -q '"alpha_genotype": "Genotype(' "${tmp}/pt/result.json" || fail "result.json has no alpha genotype"
(( $(grep -o '"chosen"' "${tmp}/pt/perturbation.json" | wc -l) == 10 )) \
  || fail "perturbation.json should hold one decision per edge key (10)"
grep -q "^Genotype(normal=\[('" "${tmp}/pt/genotype.txt" || fail "no projected genotype"
[[ -s "${tmp}/pt/alpha_architecture.json" ]] || fail "no alpha_architecture.json beside the projected one"
"${bin}/search" "${pt_flags[@]}" --output_dir="${tmp}/pt_again" 2> /dev/null
cmp -s "${tmp}/pt/architecture.json" "${tmp}/pt_again/architecture.json" || fail "same seed, different PT cell"
expect_error "search.selection: 'pt' is not one of alpha, perturbation" "${bin}/search" \
  --config="${tmp}/tiny.json" --set=search.selection=pt --output_dir="${tmp}/y"

# 4. Retraining the found cell.
"${bin}/retrain" --config="${tmp}/tiny.json" --architecture="${tmp}/first/architecture.json" \
  --output_dir="${tmp}/retrain" --export 2> "${tmp}/retrain.log" || { tail -20 "${tmp}/retrain.log"; fail "retrain failed"; }
for key in test_accuracy parameters genotype seconds; do
  grep -q "\"${key}\"" "${tmp}/retrain/result.json" || fail "retrain's result.json has no ${key}"
done
grep -q 'parameters (' "${tmp}/retrain.log" || fail "no parameter count printed"
[[ -s "${tmp}/retrain/model.pt" ]] || fail "no model.pt"
# --export: the trained network beside model.pt, run by Python with only torch.
for f in model.torchscript.pt model.state_dict.pt reference.pt export.json; do
  [[ -s "${tmp}/retrain/${f}" ]] || fail "--export wrote no ${f}"
done
python3 tools/export_check.py "${tmp}/retrain" > /dev/null || fail "the retrained export does not check"

# 5. The evolution baseline: 4 trials, 2 at a time, then 2 more on resume.
"${bin}/evolution" --config="${tmp}/tiny.json" --output_dir="${tmp}/evo" 2> "${tmp}/evo.log" \
  || { tail -20 "${tmp}/evo.log"; fail "evolution failed"; }
(( $(grep -c '"event":"finished"' "${tmp}/evo/history.jsonl") == 4 )) || fail "expected 4 finished trials"
[[ -s "${tmp}/evo/best_architecture.json" ]] || fail "no best architecture"
grep -q "^Genotype(" "${tmp}/evo/best_genotype.txt" || fail "no best genotype"
"${bin}/evolution" --config="${tmp}/tiny.json" --output_dir="${tmp}/evo" --max_trials=6 --resume 2> /dev/null
(( $(grep -c '"event":"finished"' "${tmp}/evo/history.jsonl") == 6 )) || fail "resume did not add 2 trials"
"${bin}/retrain" --config="${tmp}/tiny.json" --architecture="${tmp}/evo/best_architecture.json" \
  --output_dir="${tmp}/retrain_evo" 2> /dev/null || fail "the evolution's best cell does not retrain"

# 6. Bad input.
echo '{"search": {' > "${tmp}/broken.json"
expect_error "broken.json" "${bin}/search" --config="${tmp}/broken.json" --output_dir="${tmp}/x"
echo '{"search": {"darts": {"unroled": true}}}' > "${tmp}/typo.json"
expect_error 'unknown member .*typo.json: \$.search.darts.unroled' "${bin}/search" --config="${tmp}/typo.json" \
  --output_dir="${tmp}/x"
expect_error 'unknown member \$.search.darts.unroled' "${bin}/search" --set=search.darts.unroled=true \
  --output_dir="${tmp}/x"
expect_error "not path=value" "${bin}/search" --config="${tmp}/tiny.json" --set=search.trainer.epochs \
  --output_dir="${tmp}/x"
expect_error "search.trainer.epochs.*(from --epochs)" "${bin}/search" --config="${tmp}/tiny.json" --epochs=-1 \
  --output_dir="${tmp}/x"
echo '{"search": {"network": {"channels": 5}}}' > "${tmp}/odd.json"
expect_error "channels must be even" "${bin}/search" --config="${tmp}/odd.json" --output_dir="${tmp}/x"
expect_error "unknown DARTS preset 'imagenet'" "${bin}/search" --preset=imagenet --output_dir="${tmp}/x"
echo '{"data": {"dataset": "synthetic"}, "search": {"network": {"in_channels": 3}}}' > "${tmp}/shape.json"
expect_error "expects \[3, 28, 28\]" "${bin}/search" --config="${tmp}/shape.json" --output_dir="${tmp}/x"
expect_error "--architecture is required" "${bin}/retrain" --config="${tmp}/tiny.json" --output_dir="${tmp}/x"
expect_error "missing.json" "${bin}/retrain" --config="${tmp}/tiny.json" --architecture="${tmp}/missing.json" \
  --output_dir="${tmp}/x"
echo '{"normal_n2_p0": "sep_conv_3x3"}' > "${tmp}/partial.json"
expect_error "normal_n2_switch" "${bin}/retrain" --config="${tmp}/tiny.json" --architecture="${tmp}/partial.json" \
  --output_dir="${tmp}/x"
echo '{"normal_n2_p0": {"_value": "conv9x9", "_idx": 9}}' > "${tmp}/params.json"
expect_error "parameters" "${bin}/trial" --config="${tmp}/tiny.json" --parameters="${tmp}/params.json"
expect_error "--output_dir: not a flag of this binary" "${bin}/trial" --config="${tmp}/tiny.json" \
  --parameters="${tmp}/params.json" --output_dir="${tmp}/x"
echo PASS

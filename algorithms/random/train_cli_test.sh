#!/usr/bin/env bash
# :train as a user runs it: a short run's outputs, then bad input, each
# ending with one line on stderr and a non-zero exit.
set -euo pipefail
bin="$(dirname "$0")/train"
out="${TEST_TMPDIR}/train"
source tests/cli_lib.sh
small=(--dataset=synthetic --set=data.synthetic_size=256,data.batch_size=32,data.workers=1 --epochs=1
       --space_options='{"channels": 4, "layers": 2}')

"${bin}" --help > "${out}.help"
for flag in config preset set seed output_dir resume print_config dataset space_options epochs precision threads; do
  grep -q -- "-${flag} " "${out}.help" || fail "--help lacks --${flag}"
done
# The resolved configuration, with the flags applied.
"${bin}" "${small[@]}" --print_config > "${out}.config"
grep -q '"synthetic_size": 256' "${out}.config" || fail "--print_config lacks the --set override"
grep -q '"epochs": 1' "${out}.config" || fail "--print_config lacks --epochs"
"${bin}" "${small[@]}" --output_dir="${out}/ok" 2> "${out}.log"
for f in config.json metrics.jsonl supernet.pt arch.json; do
  [[ -s "${out}/ok/${f}" ]] || fail "missing ${f}"
done
ls "${out}/ok/tensorboard" | grep -q events.out.tfevents || fail "no TensorBoard file"
"${bin}" "${small[@]}" --precision=bf16 --output_dir="${out}/bf16" 2> /dev/null ||
  fail "bf16 run failed"

expect_error "unknown dataset 'mnist'; registered: cifar10, fashion_mnist, synthetic" "${bin}" \
    --dataset=mnist --output_dir="${out}/e1"
expect_error "missing file ${out}/nowhere/train-images-idx3-ubyte.gz" "${bin}" \
    --dataset=fashion_mnist --data_dir="${out}/nowhere" --output_dir="${out}/e2"
expect_error "CIFAR-10 has no default location" "${bin}" --dataset=cifar10 --output_dir="${out}/e3"
expect_error "expects \[3, 28, 28\]" "${bin}" "${small[@]}" --space_options='{"in_channels": 3}' \
    --output_dir="${out}/e4"
expect_error "'fp8' is not one of fp32, bf16, fp16" "${bin}" "${small[@]}" --precision=fp8 --output_dir="${out}/e5"
expect_error "fp16 needs --device=cuda" "${bin}" "${small[@]}" --precision=fp16 --output_dir="${out}/e6"
expect_error "CUDA is not available" "${bin}" "${small[@]}" --device=cuda --output_dir="${out}/e7"
expect_error "already holds a run" "${bin}" "${small[@]}" --output_dir="${out}/ok"
expect_error "there is no run to resume" "${bin}" "${small[@]}" --resume --output_dir="${out}/e8"
echo '{"trainer": {"epoch": 2}}' > "${out}/bad.json"
expect_error 'unknown member .*bad.json: \$.trainer.epoch' "${bin}" --config="${out}/bad.json"
expect_error 'trainer.epochs must be >= 1 (from --epochs)' "${bin}" "${small[@]}" --epochs=0 --output_dir="${out}/e10"
expect_error "not path=value" "${bin}" "${small[@]}" --set=data.batch_size --output_dir="${out}/e11"
expect_error "unknown member \$.data.batch" "${bin}" "${small[@]}" --set=data.batch=3 --output_dir="${out}/e12"
expect_error "--output_dir must not be empty" "${bin}" "${small[@]}" --output_dir=
expect_error "unknown preset 'paper'; known: default" "${bin}" --preset=paper --output_dir="${out}/e13"
# A corrupt dataset file.
mkdir -p "${out}/corrupt"
printf 'not gzip at all' > "${out}/corrupt/train-images-idx3-ubyte.gz"
printf 'x' > "${out}/corrupt/train-labels-idx1-ubyte.gz"
expect_error "train-images-idx3-ubyte.gz" "${bin}" --dataset=fashion_mnist --data_dir="${out}/corrupt" \
    --output_dir="${out}/e9"
echo PASS

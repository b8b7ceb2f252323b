#!/usr/bin/env bash
# //tools:export as a user runs it: an architecture of every registered
# space exported, then run with nothing of this project: by Python's
# torch.jit.load (Debian's python3-torch) and by //tools:jit_run (a C++
# program linking LibTorch only); outputs equal the C++ model's within
# 1e-5 and the state dict's keys and values equal the module's. ONNX for the
# SPOS and DARTS networks, checked by onnx.checker. The sub state dict of a
# trained supernet's child. Bad input.
set -euo pipefail
source tests/cli_lib.sh
bin="$(pwd)/tools/export"
jit_run="$(pwd)/tools/jit_run"
train="$(pwd)/algorithms/random/train"
tmp="${TEST_TMPDIR}/export"
mkdir -p "${tmp}"
python3 -c 'import torch, onnx' 2> /dev/null ||
  fail "python3-torch and python3-onnx are needed (tools/debian_packages.txt lists them)"

# Small options of each space (the defaults are ImageNet- or CIFAR-sized).
declare -A options=(
  [small_cnn]='{"channels": 4, "layers": 3}'
  [spos_shufflenet]='{"preset": "fashion_mnist"}'
  [darts_cell]='{"preset": "eval_fashion_mnist", "channels": 4, "layers": 3}'
  [enas_macro]='{"channels": 4, "layers": 3}'
  [enas_micro]='{"channels": 4, "cells_per_stage": 1}'
  [nasbench_cell]='{"channels": 4, "cells": 1}'
)
spaces=$("${bin}" --list)
[[ -n "${spaces}" ]] || fail "--list printed no space"
for space in ${spaces}; do
  [[ -n "${options[${space}]:-}" ]] || fail "no small options for the registered space ${space}: add them here"
  dir="${tmp}/${space}"
  mkdir -p "${dir}"
  "${bin}" --space="${space}" --space_options="${options[${space}]}" --random_architecture \
    --random_weights --seed=5 --output_dir="${dir}/out" > "${dir}/report.json" 2> "${dir}.log" ||
    { cat "${dir}.log"; fail "exporting ${space}"; }
  for f in model.torchscript.pt model.state_dict.pt reference.pt export.json; do
    [[ -s "${dir}/out/${f}" ]] || fail "${space}: no ${f}"
  done
  grep -q "\"space\": \"${space}\"" "${dir}/out/export.json" || fail "${space}: export.json"
  python3 tools/export_check.py "${dir}/out" > "${dir}/python.json" || fail "${space}: Python check"
  "${jit_run}" "${dir}/out" > "${dir}/cpp.json" || fail "${space}: C++ check"
  echo "${space}: python $(cat "${dir}/python.json") c++ $(cat "${dir}/cpp.json")"
done
for space in spos_shufflenet darts_cell; do
  python3 tools/to_onnx.py "${tmp}/${space}/out" > "${tmp}/${space}/onnx.json" 2> "${tmp}/${space}.log" ||
    { cat "${tmp}/${space}.log"; fail "${space}: ONNX"; }
  [[ -s "${tmp}/${space}/out/model.onnx" ]] || fail "${space}: no model.onnx"
  echo "${space}: $(cat "${tmp}/${space}/onnx.json")"
done

# The sub state dict: a trained supernet's child, its tensors only.
small=(--dataset=synthetic --set=data.synthetic_size=64,data.batch_size=32,data.workers=1 --epochs=1
       --space_options='{"channels": 4, "layers": 2}')
"${train}" "${small[@]}" --output_dir="${tmp}/train" 2> "${tmp}/train.log" ||
  { cat "${tmp}/train.log"; fail "supernet training"; }
"${bin}" --space=small_cnn --space_options='{"channels": 4, "layers": 2}' \
  --architecture="${tmp}/train/arch.json" --weights="${tmp}/train/supernet.pt" --from_supernet \
  --output_dir="${tmp}/child" > /dev/null 2> "${tmp}/child.log" || { cat "${tmp}/child.log"; fail "child"; }
python3 tools/export_check.py "${tmp}/child" > /dev/null || fail "child: Python check"
python3 - "${tmp}/child/model.state_dict.pt" <<'PY' || fail "the child's state dict"
import sys, torch
state = torch.load(sys.argv[1])
# small_cnn's layer choices hold conv3x3 / conv5x5 / ...: the child keeps one.
ops = {k.split(".")[1] for k in state if k.startswith("op0.")}
assert len(ops) == 1, ops
PY

# Bad input: one error line, nothing written.
arch="${tmp}/train/arch.json"
opts='{"channels": 4, "layers": 2}'
expect_bad_input "architecture is required" "${bin}" --space=small_cnn --random_weights --output_dir="${tmp}/e"
expect_error "unknown space 'nope'" "${bin}" --space=nope --architecture="${arch}" --random_weights
expect_bad_input "weights is required" "${bin}" --space=small_cnn --space_options="${opts}" --architecture="${arch}"
echo '{"op0": "conv9x9"}' > "${tmp}/bad_arch.json"
expect_error "bad_arch.json" "${bin}" --space=small_cnn --space_options="${opts}" \
  --architecture="${tmp}/bad_arch.json" --random_weights --output_dir="${tmp}/e1"
expect_error "supernet.pt needs --from_supernet" "${bin}" --space=small_cnn --space_options="${opts}" \
  --architecture="${arch}" --weights="${tmp}/train/supernet.pt" --output_dir="${tmp}/e2"
expect_error "has shape \[10, 4\] but the model.s has shape \[10, 8\]" "${bin}" --space=small_cnn \
  --space_options='{"channels": 8, "layers": 2}' --architecture="${arch}" \
  --weights="${tmp}/train/supernet.pt" --from_supernet --output_dir="${tmp}/e3"
expect_error "no weights file" "${bin}" --space=small_cnn --space_options="${opts}" \
  --architecture="${arch}" --weights="${tmp}/none.pt" --output_dir="${tmp}/e4"
touch "${tmp}/a_file"
expect_error "a_file" "${bin}" --space=small_cnn --space_options="${opts}" --architecture="${arch}" \
  --random_weights --output_dir="${tmp}/a_file/out"
for e in e e1 e2 e3 e4; do [[ ! -e "${tmp}/${e}/model.torchscript.pt" ]] || fail "${e}: half-written"; done
echo PASS

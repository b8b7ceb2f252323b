#!/usr/bin/env python3
"""Checks an export folder (//tools:export, --export of the retrain binaries)
the way a Python user meets it: with only PyTorch installed.

  python3 tools/export_check.py EXPORT_DIR

Loads model.torchscript.pt with torch.jit.load, runs it on reference.pt's
input (and on one example of it: another batch size than the trace's) and
compares with the C++ model's output stored there; checks that
model.state_dict.pt (torch.load) has exactly the module's state-dict keys,
in the same order, with equal values. Prints one JSON line; exit status 1
when an output differs by more than 1e-5 or a key or value differs.
"""
import json
import sys

import torch


def main(directory):
    # PyTorch 2.6 as Debian 13 builds it (LLVM, CPU fusion on) never finishes
    # compiling a TensorExpr fusion of batch_norm(cat(...)), which DARTS and
    # ENAS networks have: without this, the second call hangs (docs/export.md).
    torch._C._jit_set_texpr_fuser_enabled(False)
    module = torch.jit.load(f"{directory}/model.torchscript.pt")
    module.eval()
    # weights_only: what torch.load does by default from PyTorch 2.6 on.
    reference = torch.load(f"{directory}/reference.pt", weights_only=True)
    x, expected = reference["input"], reference["output"]
    with torch.no_grad():
        difference = (module(x) - expected).abs().max().item()
        difference = max(difference, (module(x[:1]) - expected[:1]).abs().max().item())

    state = torch.load(f"{directory}/model.state_dict.pt", weights_only=True)
    own = module.state_dict()
    problems = []
    if list(state.keys()) != list(own.keys()):
        missing = [k for k in own if k not in state]
        extra = [k for k in state if k not in own]
        problems.append(f"keys differ (missing {missing[:3]}, extra {extra[:3]}, or order)")
    for key, value in state.items():
        if key in own and not torch.equal(own[key], value):
            problems.append(f"{key}: values differ")
    if difference > 1e-5:
        problems.append(f"outputs differ by {difference:g} > 1e-5")
    print(json.dumps({"max_abs_difference": difference, "tensors": len(state),
                      "torch": torch.__version__}))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} EXPORT_DIR")
    sys.exit(main(sys.argv[1]))

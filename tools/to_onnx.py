#!/usr/bin/env python3
"""Converts an export folder's TorchScript to ONNX and checks it.

  python3 tools/to_onnx.py EXPORT_DIR [--opset=13]

Needs Debian's python3-torch and python3-onnx (tools/debian_packages.txt).
Writes EXPORT_DIR/model.onnx (atomically: a temporary file renamed) with a
free batch dimension ("batch") on the input and the output, and runs
onnx.checker on it. Prints one JSON line: the file, the opset, the graph's
node count.
"""
import argparse
import json
import os
import sys

import onnx
import torch


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--opset", type=int, default=13)
    args = parser.parse_args()
    source = os.path.join(args.directory, "model.torchscript.pt")
    if not os.path.exists(source):
        sys.exit(f"error: no {source} (run //tools:export first)")
    torch._C._jit_set_texpr_fuser_enabled(False)  # see tools/export_check.py
    module = torch.jit.load(source)
    module.eval()
    example = torch.load(os.path.join(args.directory, "reference.pt"))["input"]
    target = os.path.join(args.directory, "model.onnx")
    partial = target + ".partial"
    torch.onnx.export(module, (example,), partial, input_names=["input"],
                      output_names=["output"], opset_version=args.opset,
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    model = onnx.load(partial)
    onnx.checker.check_model(model)
    os.replace(partial, target)
    print(json.dumps({"onnx": target, "opset": args.opset, "nodes": len(model.graph.node)}))


if __name__ == "__main__":
    main()

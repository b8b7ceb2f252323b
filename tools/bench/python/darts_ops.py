"""DARTS's candidate operations in PyTorch, timed as //algorithms/darts:bench
times ours: forward + backward of each operation alone on the first cell's
input (batch x channels x size x size, requiring grad), gradients dropped
between calls, warm-up calls first, the median of the timed calls.

Run by the bench with Debian's python3-torch (the same LibTorch 1.13 as the
C++ build); prints one JSON object {op: milliseconds}. Alone:
  python3 tools/bench/python/darts_ops.py --batch=64 --channels=8 --size=28 --threads=2
"""
import argparse
import json
import statistics
import time

import torch

from darts_modules import OPS, make


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--channels", type=int, default=8)
    p.add_argument("--size", type=int, default=28)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--reps", type=int, default=30)
    p.add_argument("--affine", action="store_true")
    p.add_argument("--noaffine", dest="affine", action="store_false")
    p.add_argument("--pool_bn", action="store_true", default=True)
    p.add_argument("--nopool_bn", dest="pool_bn", action="store_false")
    p.add_argument("--channels_last", action="store_true")
    p.add_argument("--nochannels_last", dest="channels_last", action="store_false")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    x = torch.randn(a.batch, a.channels, a.size, a.size).contiguous(memory_format=fmt)
    x.requires_grad_(True)
    result = {}
    for name in OPS:
        op = make(name, a.channels, 1, a.affine, a.pool_bn).to(memory_format=fmt)
        times = []
        for i in range(a.warmup + a.reps):
            x.grad = None
            start = time.perf_counter()
            op(x).sum().backward()
            if i >= a.warmup:
                times.append((time.perf_counter() - start) * 1e3)
        result[name] = statistics.median(times)
    print(json.dumps({"threads": torch.get_num_threads(), "torch": torch.__version__,
                      "ms": result}))


if __name__ == "__main__":
    main()

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
import torch.nn as nn
import torch.nn.functional as F


class Zero(nn.Module):
    def __init__(self, stride):
        super().__init__()
        self.stride = stride

    def forward(self, x):
        if self.stride == 1:
            return x.mul(0.)
        return x[:, :, ::self.stride, ::self.stride].mul(0.)


class PoolBn(nn.Module):
    def __init__(self, max_pool, channels, stride, bn):
        super().__init__()
        self.pool = (nn.MaxPool2d(3, stride, 1) if max_pool else
                     nn.AvgPool2d(3, stride, 1, count_include_pad=False))
        self.bn = nn.BatchNorm2d(channels, affine=False) if bn else nn.Identity()

    def forward(self, x):
        return self.bn(self.pool(x))


class DilConv(nn.Module):
    def __init__(self, c_in, c_out, kernel, stride, padding, dilation, affine):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(),
            nn.Conv2d(c_in, c_in, kernel, stride, padding, dilation, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out, affine=affine))

    def forward(self, x):
        return self.op(x)


class SepConv(nn.Module):
    def __init__(self, c_in, c_out, kernel, stride, padding, affine):
        super().__init__()
        self.op = nn.Sequential(DilConv(c_in, c_in, kernel, stride, padding, 1, affine),
                                DilConv(c_in, c_out, kernel, 1, padding, 1, affine))

    def forward(self, x):
        return self.op(x)


def make(name, c, stride, affine, pool_bn):
    if name == "none":
        return Zero(stride)
    if name == "max_pool_3x3":
        return PoolBn(True, c, stride, pool_bn)
    if name == "avg_pool_3x3":
        return PoolBn(False, c, stride, pool_bn)
    if name == "skip_connect":
        return nn.Identity()
    if name == "sep_conv_3x3":
        return SepConv(c, c, 3, stride, 1, affine)
    if name == "sep_conv_5x5":
        return SepConv(c, c, 5, stride, 2, affine)
    if name == "dil_conv_3x3":
        return DilConv(c, c, 3, stride, 2, 2, affine)
    if name == "dil_conv_5x5":
        return DilConv(c, c, 5, stride, 4, 2, affine)
    raise ValueError(name)


OPS = ["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
       "dil_conv_3x3", "dil_conv_5x5"]


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

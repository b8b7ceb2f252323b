"""What every step reference (*_step.py) shares: the command line the C++
benchmark passes (tools/bench/throughput.cc, through
tools/bench/python_reference.h), the timing protocol, and the JSON line it
reads back.

  --batch --threads --warmup --steps --rounds --seed --[no]channels_last --[no]bf16

Timing: `warmup` untimed steps, then `rounds` rounds of `steps` steps; the
reported "ms" is the median round's mean per step (as the C++ side does).
"""
import json
import statistics
import time

import torch


def add_arguments(parser):
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)  # 0: torch's default
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--channels_last", action="store_true")
    parser.add_argument("--nochannels_last", dest="channels_last", action="store_false")
    parser.add_argument("--bf16", action="store_true")
    parser.add_argument("--nobf16", dest="bf16", action="store_false")


def setup(args):
    """Threads and seed as asked; the memory format the model and inputs take."""
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    return torch.channels_last if args.channels_last else torch.contiguous_format


def autocast(args):
    """The forward's precision: bf16 CPU autocast, or nothing."""
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16)


def time_steps(step, args):
    """Runs step(t) for t = 0, 1, ... per the protocol; (median ms, round means)."""
    t = 0
    for _ in range(args.warmup):
        step(t)
        t += 1
    round_ms = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _ in range(args.steps):
            step(t)
            t += 1
        round_ms.append((time.perf_counter() - start) * 1e3 / args.steps)
    return statistics.median(round_ms), round_ms


def report(args, ms, round_ms, **extra):
    """The last line of a reference's output: one JSON object."""
    line = {"ms": ms, "round_ms": round_ms, "batch": args.batch,
            "threads": torch.get_num_threads(), "channels_last": args.channels_last,
            "bf16": args.bf16, "torch": torch.__version__}
    line.update(extra)
    print(json.dumps(line))

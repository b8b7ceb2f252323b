"""SPOS's training steps in PyTorch, written as NNI's SPOS example and the
authors' code write them, timed as //tools/bench:throughput times ours:

  --mode=supernet  a supernet step of nas::spos::SposTrainer::train_step
                   (algorithms/spos/spos_trainer.cc): the path of the step
                   (--paths, cycled: one candidate index per choice block),
                   forward, cross entropy with label smoothing 0.1, backward,
                   SGD (momentum 0.9, weight decay 4e-5 on conv and linear
                   weights only, parameters off the path untouched);
  --mode=retrain   a retraining step of the same network fixed to the first
                   path, affine BN (nas::ClassifierTrainer::train_step with
                   SPOS's retraining options, algorithms/spos/config.cc).

The network is the "fashion_mnist" preset of the spos_shufflenet space
(algorithms/spos/shufflenet_space.{h,cc}): stem conv3x3 1->16, stages of
2 x 48 and 4 x 96 channels (first block of each stride 2), head conv1x1 to
256, global average pool, dropout 0.1, linear 256->10 without bias; the
authors' ShuffleNetV2 and Xception blocks and their channel shuffle.

Run by the C++ benchmark with Debian's python3-torch (the same LibTorch as
the C++ build); prints one JSON object last. Alone:
  python3 tools/bench/python/spos_step.py --mode=supernet --batch=64 --threads=2
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F

import step_timing


def conv_bn(layers, c_in, c_out, kernel, stride, groups, affine):
    layers += [nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, groups=groups, bias=False),
               nn.BatchNorm2d(c_out, affine=affine)]


class ShuffleBlock(nn.Module):
    def __init__(self, c_in, c_out, stride, kernel, xception, affine):
        super().__init__()
        self.stride = stride
        main_in = c_in // 2 if stride == 1 else c_in
        mid = c_out // 2
        main_out = c_out - main_in
        m = []
        if xception:
            conv_bn(m, main_in, main_in, 3, stride, main_in, affine)
            conv_bn(m, main_in, mid, 1, 1, 1, affine)
            m.append(nn.ReLU())
            conv_bn(m, mid, mid, 3, 1, mid, affine)
            conv_bn(m, mid, mid, 1, 1, 1, affine)
            m.append(nn.ReLU())
            conv_bn(m, mid, mid, 3, 1, mid, affine)
            conv_bn(m, mid, main_out, 1, 1, 1, affine)
            m.append(nn.ReLU())
        else:
            conv_bn(m, main_in, mid, 1, 1, 1, affine)
            m.append(nn.ReLU())
            conv_bn(m, mid, mid, kernel, stride, mid, affine)
            conv_bn(m, mid, main_out, 1, 1, 1, affine)
            m.append(nn.ReLU())
        self.branch_main = nn.Sequential(*m)
        if stride == 2:
            p = []
            conv_bn(p, c_in, c_in, 3 if xception else kernel, 2, c_in, affine)
            conv_bn(p, c_in, c_in, 1, 1, 1, affine)
            p.append(nn.ReLU())
            self.branch_proj = nn.Sequential(*p)

    @staticmethod
    def channel_shuffle(x):  # the authors' (and NNI's) shuffle
        b, c, h, w = x.shape
        x = x.reshape(b * c // 2, 2, h * w).permute(1, 0, 2).reshape(2, -1, c // 2, h, w)
        return x[0], x[1]

    def forward(self, x):
        if self.stride == 1:
            passed, main = self.channel_shuffle(x)
            return torch.cat([passed, self.branch_main(main)], 1)
        return torch.cat([self.branch_proj(x), self.branch_main(x)], 1)


CANDIDATES = [(3, False), (5, False), (7, False), (3, True)]  # shufflenet 3/5/7, xception


class ShuffleNet(nn.Module):
    """The supernet (every candidate of every block) or, with `fixed`, one child."""

    def __init__(self, affine, fixed=None):
        super().__init__()
        stem = []
        conv_bn(stem, 1, 16, 3, 1, 1, affine)
        stem.append(nn.ReLU())
        self.first_conv = nn.Sequential(*stem)
        self.blocks = nn.ModuleList()
        c, i = 16, 0
        for c_out, repeats in [(48, 2), (96, 4)]:
            for r in range(repeats):
                stride = 2 if r == 0 else 1
                choices = range(4) if fixed is None else [fixed[i]]
                self.blocks.append(nn.ModuleDict(
                    {str(k): ShuffleBlock(c, c_out, stride, *CANDIDATES[k], affine) for k in choices}))
                c, i = c_out, i + 1
        head = []
        conv_bn(head, 96, 256, 1, 1, 1, affine)
        head.append(nn.ReLU())
        self.conv_last = nn.Sequential(*head)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(256, 10, bias=False)
        self.path = fixed or [0] * 6

    def forward(self, x):
        x = self.first_conv(x)
        for block, k in zip(self.blocks, self.path):
            x = block[str(k)](x)
        x = self.conv_last(x).mean((2, 3))
        return self.classifier(self.dropout(x))


def sgd(model, lr, weight_decay):
    decay = [m.weight for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    ids = {id(p) for p in decay}
    rest = [p for p in model.parameters() if id(p) not in ids]
    return torch.optim.SGD([{"params": decay, "weight_decay": weight_decay},
                            {"params": rest, "weight_decay": 0.0}], lr=lr, momentum=0.9)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["supernet", "retrain"], default="supernet")
    parser.add_argument("--paths", default="012301,123012,230123,301230",
                        help="comma-separated paths, one candidate digit per block, cycled")
    step_timing.add_arguments(parser)
    a = parser.parse_args()
    fmt = step_timing.setup(a)
    paths = [[int(d) for d in p] for p in a.paths.split(",")]
    if any(len(p) != 6 or max(p) > 3 for p in paths):
        raise SystemExit("--paths: six digits 0-3 per path")
    supernet = a.mode == "supernet"
    model = ShuffleNet(affine=not supernet, fixed=None if supernet else paths[0])
    model = model.to(memory_format=fmt)
    optimizer = sgd(model, 0.1, 4e-5)
    batches = [(torch.randn(a.batch, 1, 28, 28).contiguous(memory_format=fmt),
                torch.randint(10, (a.batch,))) for _ in range(4)]

    def step(t):
        x, y = batches[t % len(batches)]
        if supernet:
            model.path = paths[t % len(paths)]
        optimizer.zero_grad(set_to_none=True)  # off-path weights: no gradient, no update
        with step_timing.autocast(a):
            logits = model(x)
        loss = F.cross_entropy(logits.float(), y, label_smoothing=0.1)
        loss.backward()
        optimizer.step()

    ms, round_ms = step_timing.time_steps(step, a)
    step_timing.report(a, ms, round_ms, params=sum(p.numel() for p in model.parameters()),
                       mode=a.mode)


if __name__ == "__main__":
    main()

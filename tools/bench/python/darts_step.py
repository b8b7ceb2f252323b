"""One first-order DARTS search step in PyTorch, the same computation as
nas::darts::DartsTrainer::train_step (algorithms/darts/darts_trainer.cc) with
default DartsTrainerOptions (unrolled = false) on the search network of the
"search_fashion_mnist" DartsNetworkPreset (algorithms/darts/darts_space.cc:
1x28x28 input, C = 8, 5 cells, reductions at cells 1 and 3, 4 nodes, stem
multiplier 3, BN without affine, pooling followed by BN, no auxiliary head):

  1. architecture step (FirstOrderArchitectureGradient, architecture_gradient.cc):
     softmax(alpha) with gradient, loss on a validation batch, the gradient
     with respect to the alphas only (the weights get none), Adam(3e-4,
     betas 0.5/0.999, weight decay 1e-3) on the alphas, gradients dropped;
  2. weight step: softmax of the updated, detached alphas, loss on a training
     batch, backward, global gradient-norm clip 5, SGD(0.025, momentum 0.9,
     weight decay 3e-4 on every weight: the trainer does not split them),
     gradients dropped (Trainer::step), then loss and accuracy read back.

Every edge is the mixed operation written as NNI's DARTS writes it (its
DartsLayerChoice): all eight candidates (darts_ops.cc) run, are stacked and
summed with their softmax weights; a node sums its edges (NNI's
DartsInputChoice while searching). The alphas (one vector of 8 per edge key)
are shared by all normal cells and by all reduction cells. (Ours fuses the
weighted sum and does not run "none"; this reference is what a Python user
of NNI runs.)

Run by a C++ benchmark through tools/bench/python_reference.h with Debian's
python3-torch (the same LibTorch 1.13 as the C++ build); its last line is a
JSON object {"ms": median ms per step, "round_ms": [...], "params": weights,
"arch_params": alphas, ...}. Alone:
  /usr/bin/python3 tools/bench/python/darts_step.py --batch=64 --threads=2
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F

import step_timing
from darts_modules import OPS, FactorizedReduce, ReluConvBn, make

# search_fashion_mnist (DartsNetworkPreset) and the default DartsTrainerOptions.
IN_CHANNELS, IMAGE_SIZE, CLASSES, CHANNELS, LAYERS, NODES, STEM_MULTIPLIER = 1, 28, 10, 8, 5, 4, 3
AFFINE, POOL_BN = False, True
W_LR, W_MOMENTUM, W_WEIGHT_DECAY, W_GRAD_CLIP = 0.025, 0.9, 3e-4, 5.0
ALPHA_LR, ALPHA_BETAS, ALPHA_WEIGHT_DECAY, ALPHA_INIT_SCALE = 3e-4, (0.5, 0.999), 1e-3, 1e-3


class MixedOp(nn.Module):
    """An edge: LayerChoice over the eight ops under DartsMutator::sample_search."""

    def __init__(self, c, stride):
        super().__init__()
        self.ops = nn.ModuleList(make(name, c, stride, AFFINE, POOL_BN) for name in OPS)

    def forward(self, x, weights):
        outs = torch.stack([op(x) for op in self.ops])
        return torch.sum(outs * weights.view(-1, *([1] * (outs.dim() - 1))), 0)


class Cell(nn.Module):
    """DartsCellImpl (darts_space.cc) while searching."""

    def __init__(self, c_pp, c_p, c, reduction, reduction_prev):
        super().__init__()
        self.reduction = reduction
        self.type = "reduce" if reduction else "normal"
        self.preprocess0 = (FactorizedReduce(c_pp, c, AFFINE) if reduction_prev
                            else ReluConvBn(c_pp, c, AFFINE))
        self.preprocess1 = ReluConvBn(c_p, c, AFFINE)
        self.edges = nn.ModuleList()
        for node in range(2, NODES + 2):
            self.edges.append(nn.ModuleList(
                MixedOp(c, 2 if reduction and j < 2 else 1) for j in range(node)))

    def forward(self, s0, s1, decisions):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for i, edges in enumerate(self.edges):
            node = i + 2
            outs = [edge(states[j], decisions[f"{self.type}_n{node}_p{j}"])
                    for j, edge in enumerate(edges)]
            states.append(torch.sum(torch.stack(outs), 0))
        return torch.cat(states[2:], 1)


class Network(nn.Module):
    """DartsNetworkImpl (darts_space.cc) with the search_fashion_mnist options."""

    def __init__(self):
        super().__init__()
        current = STEM_MULTIPLIER * CHANNELS
        self.stem = nn.Sequential(nn.Conv2d(IN_CHANNELS, current, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(current, affine=AFFINE))
        c_pp, c_p, current = current, current, CHANNELS
        reduction_prev = False
        self.cells = nn.ModuleList()
        for i in range(LAYERS):
            reduction = i == LAYERS // 3 or i == 2 * LAYERS // 3
            if reduction:
                current *= 2
            self.cells.append(Cell(c_pp, c_p, current, reduction, reduction_prev))
            reduction_prev = reduction
            c_pp, c_p = c_p, NODES * current
        self.classifier = nn.Linear(c_p, CLASSES)

    def forward(self, x, decisions):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1, decisions)
        return self.classifier(F.adaptive_avg_pool2d(s1, (1, 1)).flatten(1))


def edge_keys():
    """The layer-choice keys in search-space order (the first cell is normal)."""
    return [f"{t}_n{n}_p{j}" for t in ("normal", "reduce")
            for n in range(2, NODES + 2) for j in range(n)]


def sample_search(alphas, detach):
    """DartsMutator::sample_search: softmax per edge key, all-ones switches."""
    decisions = {key: torch.softmax(a.detach() if detach else a, 0) for key, a in alphas.items()}
    for t in ("normal", "reduce"):
        for n in range(2, NODES + 2):
            decisions[f"{t}_n{n}_switch"] = torch.ones(n)
    return decisions


def main():
    p = argparse.ArgumentParser()
    step_timing.add_arguments(p)
    a = p.parse_args()
    fmt = step_timing.setup(a)

    model = Network().to(memory_format=fmt)
    model.train()
    gen = torch.Generator().manual_seed(a.seed)  # DartsMutator: its own generator
    alphas = {key: (torch.randn(len(OPS), generator=gen) * ALPHA_INIT_SCALE).requires_grad_(True)
              for key in edge_keys()}
    weights = list(model.parameters())
    sgd = torch.optim.SGD(weights, lr=W_LR, momentum=W_MOMENTUM, weight_decay=W_WEIGHT_DECAY)
    adam = torch.optim.Adam(list(alphas.values()), lr=ALPHA_LR, betas=ALPHA_BETAS,
                            weight_decay=ALPHA_WEIGHT_DECAY)

    def batch():
        x = torch.randn(a.batch, IN_CHANNELS, IMAGE_SIZE, IMAGE_SIZE)
        return x.contiguous(memory_format=fmt), torch.randint(0, CLASSES, (a.batch,))
    train = [batch() for _ in range(4)]
    valid = [batch() for _ in range(4)]

    def loss_of(x, y, decisions):
        with step_timing.autocast(a):
            logits = model(x, decisions)
        return logits, F.cross_entropy(logits.float(), y)

    def step(t):
        # 1. Architecture step, first order: d L_valid / d alpha only.
        x, y = valid[t % len(valid)]
        _, arch_loss = loss_of(x, y, sample_search(alphas, detach=False))
        params = list(alphas.values())
        grads = torch.autograd.grad(arch_loss, params, allow_unused=True)
        for alpha, g in zip(params, grads):
            alpha.grad = torch.zeros_like(alpha) if g is None else g
        adam.step()
        adam.zero_grad(set_to_none=True)
        # 2. Weight step with the updated, detached alphas.
        x, y = train[t % len(train)]
        logits, loss = loss_of(x, y, sample_search(alphas, detach=True))
        loss.backward()
        torch.nn.utils.clip_grad_norm_([w for w in weights if w.grad is not None], W_GRAD_CLIP)
        sgd.step()
        sgd.zero_grad(set_to_none=True)
        accuracy = (logits.argmax(1) == y).float().mean().item()
        return loss.item(), accuracy

    ms, round_ms = step_timing.time_steps(step, a)
    step_timing.report(a, ms, round_ms,
                       params=sum(w.numel() for w in weights),
                       arch_params=sum(alpha.numel() for alpha in alphas.values()))


if __name__ == "__main__":
    main()

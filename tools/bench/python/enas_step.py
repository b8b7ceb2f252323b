"""One ENAS shared-weights step in PyTorch, the same computation as
nas::enas::EnasTrainer::train_step (algorithms/enas/enas_trainer.cc) on the
"enas_macro" space with the ENAS "fashion_mnist" preset (algorithms/enas/
config.cc: space_options {"preset": "fashion_mnist"}, controller lstm_size 32;
the shared-weight recipe of EnasTrainerOptions left at its defaults):

  1. the controller samples an architecture, without gradient
     (EnasMutator::walk in kSample mode, enas_mutator.cc): an LSTMCell(32)
     walked over the decisions in definition order; per layer i the op
     (decoder_6 logits, 1.5 * tanh, softmax draw, embedding_6 of the pick)
     and, for i >= 1, the skips (attention over the anchors of layers
     0..i-1, each skip on with p = sigmoid(score)), with the log-probability,
     entropy and skip penalty it records;
  2. the child on a training batch (EnasMacroNetImpl::forward, macro_space.cc:
     stem conv3x3 16 - BN, six layers = chosen op of conv3x3, sepconv3x3,
     conv5x5, sepconv5x5, avgpool, maxpool (ops.cc: ConvBranch / PoolBranch)
     plus the sum of the chosen earlier outputs, then BN without affine;
     FactorizedReduce of every stored output after layers 1 and 3; global
     average pool; fc), cross-entropy, backward;
  3. Trainer::step: global gradient-norm clip 5 over the parameters that got
     a gradient (the sampled path), SGD(0.05, momentum 0.9, weight decay 1e-4
     on every weight), gradients dropped; then loss and accuracy read back.

Timed: sample + forward + backward + optimizer step (+ the two read-backs,
as train_step does them).

Run by a C++ benchmark through tools/bench/python_reference.h with Debian's
python3-torch (the same LibTorch 1.13 as the C++ build); its last line is a
JSON object {"ms": median ms per step, "round_ms": [...], "params": shared
child weights, "controller_params": ..., ...}. Alone:
  /usr/bin/python3 tools/bench/python/enas_step.py --batch=64 --threads=2
"""
import argparse
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

import step_timing

# MacroSpaceOptions of the fashion_mnist preset.
IN_CHANNELS, IMAGE_SIZE, CHANNELS, LAYERS, CLASSES = 1, 28, 16, 6, 10
# EnasTrainerOptions (defaults) and the preset's EnasMutatorOptions.
LR, MOMENTUM, WEIGHT_DECAY, CLIP_NORM = 0.05, 0.9, 1e-4, 5.0
LSTM_SIZE, TANH_CONSTANT, SKIP_TARGET = 32, 1.5, 0.4
OPS = ["conv3x3", "sepconv3x3", "conv5x5", "sepconv5x5", "avgpool", "maxpool"]


class StdConv(nn.Module):
    """conv1x1 - BN (no affine) - ReLU."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 1, bias=False)
        self.bn = nn.BatchNorm2d(c_out, affine=False)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class ConvBranch(nn.Module):
    def __init__(self, c_in, c_out, kernel, separable):
        super().__init__()
        self.preproc = StdConv(c_in, c_out)
        if separable:
            convs = [nn.Conv2d(c_out, c_out, kernel, padding=kernel // 2, groups=c_out, bias=False),
                     nn.Conv2d(c_out, c_out, 1, bias=False)]
        else:
            convs = [nn.Conv2d(c_out, c_out, kernel, padding=kernel // 2, bias=False)]
        self.conv = nn.Sequential(*convs, nn.BatchNorm2d(c_out, affine=False))

    def forward(self, x):
        return F.relu(self.conv(self.preproc(x)))


class PoolBranch(nn.Module):
    def __init__(self, max_pool, c_in, c_out, kernel=3):
        super().__init__()
        self.preproc = StdConv(c_in, c_out)
        self.pool = (nn.MaxPool2d(kernel, 1, kernel // 2) if max_pool else
                     nn.AvgPool2d(kernel, 1, kernel // 2, count_include_pad=False))

    def forward(self, x):
        return self.pool(self.preproc(x))


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.conv2 = nn.Conv2d(c_in, c_out - c_out // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, affine=False)

    def forward(self, x):
        x = F.relu(x)
        shifted = torch.constant_pad_nd(x, [0, 1, 0, 1], 0.)[:, :, 1:, 1:]
        return self.bn(torch.cat([self.conv1(x), self.conv2(shifted)], 1))


class MacroLayer(nn.Module):
    """The chosen op on the previous output, plus the chosen skips, then BN."""

    def __init__(self, c):
        super().__init__()
        self.op = nn.ModuleList([ConvBranch(c, c, 3, False), ConvBranch(c, c, 3, True),
                                 ConvBranch(c, c, 5, False), ConvBranch(c, c, 5, True),
                                 PoolBranch(False, c, c), PoolBranch(True, c, c)])
        self.bn = nn.BatchNorm2d(c, affine=False)

    def forward(self, previous, earlier, op, skips):
        out = self.op[op](previous)
        chosen = [earlier[j] for j in skips]
        if chosen:
            connection = chosen[0]
            for other in chosen[1:]:
                connection = connection + other
            out = out + connection
        return self.bn(out)


class MacroNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(IN_CHANNELS, CHANNELS, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(CHANNELS))
        distance = LAYERS // 3
        self.pool_after = [distance - 1, 2 * distance - 1] if distance > 0 else []
        self.layers = nn.ModuleList(MacroLayer(CHANNELS) for _ in range(LAYERS))
        self.pools = nn.ModuleList(FactorizedReduce(CHANNELS, CHANNELS) for _ in self.pool_after)
        self.fc = nn.Linear(CHANNELS, CLASSES)

    def forward(self, x, ops, skips):
        current = self.stem(x)
        outputs = []
        for i, layer in enumerate(self.layers):
            current = layer(current, outputs, ops[i], skips[i])
            outputs.append(current)
            for pool, after in zip(self.pools, self.pool_after):
                if after == i:
                    outputs = [pool(out) for out in outputs]
                    current = outputs[-1]
        return self.fc(F.adaptive_avg_pool2d(current, (1, 1)).flatten(1))


class Controller(nn.Module):
    """EnasControllerImpl: every parameter uniform in [-0.1, 0.1]."""

    def __init__(self, n_ops, seed):
        super().__init__()
        self.lstm = nn.LSTMCell(LSTM_SIZE, LSTM_SIZE)
        self.g_emb = nn.Parameter(torch.zeros(1, LSTM_SIZE))
        self.decoder = nn.Linear(LSTM_SIZE, n_ops, bias=False)
        self.embedding = nn.Embedding(n_ops, LSTM_SIZE)
        self.attn_anchor = nn.Linear(LSTM_SIZE, LSTM_SIZE, bias=False)
        self.attn_query = nn.Linear(LSTM_SIZE, LSTM_SIZE, bias=False)
        self.v_attn = nn.Linear(LSTM_SIZE, 1, bias=False)
        gen = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.rand(p.shape, generator=gen) * 0.2 - 0.1)


def shape(logits):
    return TANH_CONSTANT * torch.tanh(logits)  # temperature 0 = off


def sample_categorical(probs, rng):
    p = probs.detach().to(torch.float64).contiguous().tolist()
    u, acc = rng.random(), 0.
    for i, pi in enumerate(p):
        acc += pi
        if u < acc:
            return i
    return max(i for i, pi in enumerate(p) if pi > 0)


def sample(ctl, rng):
    """EnasMutator::sample_search on the macro space: the op and the skips of
    every layer, the masks (the decisions as the mutator returns them) and the
    sample's log-probability, entropy and skip penalty."""
    h = torch.zeros(1, LSTM_SIZE)
    c = torch.zeros(1, LSTM_SIZE)
    inputs = ctl.g_emb
    log_prob, entropy, skip_penalty = torch.zeros(()), torch.zeros(()), torch.zeros(())
    anchors, ops, skips, masks = {}, [], [], []
    for i in range(LAYERS):
        if i > 0:  # leaving scope layer_{i-1}: its anchor
            anchors.setdefault(f"layer_{i - 1}", h)
        # layer_i_op
        h, c = ctl.lstm(inputs, (h, c))
        n = len(OPS)
        logits = shape(ctl.decoder(h)).view(n)
        log_softmax = torch.log_softmax(logits, 0)
        index = sample_categorical(log_softmax.exp(), rng)
        log_prob = log_prob + log_softmax[index]
        entropy = entropy - (log_softmax.exp() * log_softmax).sum()
        inputs = ctl.embedding(torch.full((1,), index, dtype=torch.long))
        mask = torch.zeros(n, dtype=torch.bool)
        mask[index] = True
        masks.append(mask)
        ops.append(index)
        anchors.setdefault(f"layer_{i}_op", h)
        if i == 0:
            skips.append([])
            continue
        # layer_i_skip over layer_0 .. layer_{i-1}, n_chosen unset
        candidates = [anchors[f"layer_{j}"] for j in range(i)]
        h, c = ctl.lstm(inputs, (h, c))
        stacked = torch.cat(candidates, 0)
        query = torch.tanh(ctl.attn_anchor(stacked) + ctl.attn_query(h))
        scores = shape(ctl.v_attn(query).view(i))
        log_p, log_q = F.logsigmoid(scores), F.logsigmoid(-scores)
        p = log_p.exp()
        pd = p.detach().to(torch.float64).contiguous()
        on = [rng.random() < pd[j].item() for j in range(i)]
        z = torch.zeros(i)
        chosen = []
        for j in range(i):
            if on[j]:
                z[j] = 1.0
                chosen.append(j)
        log_prob = log_prob + (z * log_p + (1 - z) * log_q).sum()
        entropy = entropy - (p * log_p + (1 - p) * log_q).sum()
        skip_penalty = skip_penalty + (p * (log_p - math.log(SKIP_TARGET)) +
                                       (1 - p) * (log_q - math.log(1 - SKIP_TARGET))).sum()
        inputs = torch.matmul(z.view(1, i), stacked) / (1.0 + len(chosen))
        mask = torch.zeros(i, dtype=torch.bool)
        for j in chosen:
            mask[j] = True
        masks.append(mask)
        skips.append(chosen)
        anchors.setdefault(f"layer_{i}_skip", h)
    anchors.setdefault(f"layer_{LAYERS - 1}", h)
    return ops, skips, masks, (log_prob, entropy, skip_penalty)


def main():
    p = argparse.ArgumentParser()
    step_timing.add_arguments(p)
    a = p.parse_args()
    fmt = step_timing.setup(a)

    model = MacroNet().to(memory_format=fmt)
    model.train()
    controller = Controller(len(OPS), a.seed)
    rng = random.Random(a.seed)  # the mutator's sampling generator
    weights = list(model.parameters())
    sgd = torch.optim.SGD(weights, lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
    batches = [(torch.randn(a.batch, IN_CHANNELS, IMAGE_SIZE, IMAGE_SIZE)
                .contiguous(memory_format=fmt), torch.randint(0, CLASSES, (a.batch,)))
               for _ in range(4)]

    def step(t):
        with torch.no_grad():  # the controller is not trained here
            ops, skips, _, _ = sample(controller, rng)
        x, y = batches[t % len(batches)]
        with step_timing.autocast(a):
            logits = model(x, ops, skips)
        loss = F.cross_entropy(logits.float(), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([w for w in weights if w.grad is not None], CLIP_NORM)
        sgd.step()
        sgd.zero_grad(set_to_none=True)
        accuracy = (logits.argmax(1) == y).float().mean().item()
        return loss.item(), accuracy

    ms, round_ms = step_timing.time_steps(step, a)
    step_timing.report(a, ms, round_ms,
                       params=sum(w.numel() for w in weights),
                       controller_params=sum(q.numel() for q in controller.parameters()))


if __name__ == "__main__":
    main()

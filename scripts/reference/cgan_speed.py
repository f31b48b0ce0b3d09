# The PyTorch side of bench/cgan_torch.js (and, through run(..., data=), of torch_speed.py's
# cgan-digits and cgan-fashion recipes, bench/torch.bench.js): one training epoch of crossmodal's ConditionalGAN
# (src/models/neural/cgan.ts) written in PyTorch, the same networks, batches, losses and step
# order, timed per epoch on the CPU (float32).
#
#   /usr/bin/python3 scripts/reference/cgan_speed.py --threads 1 '{"discriminator": "projection", "spectralNorm": true, "ema": 0.99}'
#   echo '["today", {}]' | /usr/bin/python3 scripts/reference/cgan_speed.py --threads 2 --epochs 5 --warmup 2
#
# Written against Debian's python3-torch (python 3.11.2, torch 1.13.0a0, numpy 1.24.2; CPU
# capability AVX2, MKL-DNN, OpenMP); the versions of the run are printed in its result.
#
# The recipe (argv or stdin) is ConditionalGAN's options as JSON: an object of options, or
# {"name": ..., "options": {...}}, or ["name", {...}] (bench/cgan_stabilisers.js's form). The
# options supported, with ConditionalGAN's defaults: loss 'bce' | 'hinge', ema false | decay,
# spectralNorm false, discriminator 'concat' | 'projection', discriminatorSteps 1, learningRate
# 2e-4, discriminatorLearningRate (= learningRate), beta1 0.5, beta2 0.999, batchSize 64, noise
# 100, hidden [256, 512], discriminatorHidden (hidden reversed); seed and epochs are ignored
# (the timing's own --epochs); any other option is refused (it would not be mirrored).
#
# Prints one JSON line: {recipe, threads, msPerEpoch: [...], median, warmup, batches, losses,
# versions} (losses: each epoch's mean D and G loss and D's accuracies, warm-up epochs included).
# msPerEpoch lists the epochs after --warmup warm-up epochs (default 2), --epochs of them
# (default 5); median is their median.
#
# The step, as crossmodal's (cgan.ts #session / train):
#   data     digits.csv rows 0..1499, pixels / 16 (x, 64 wide), one-hot labels standardised per
#            column by the training rows' mean and population std (c̃, 10 wide), once before training
#   epoch    a new permutation of the rows, full batches only (1500 / 64: 23 steps)
#   D steps  discriminatorSteps times: z ~ N(0, 1); fake = G([z | c̃]); D on the 2·bs stacked pairs
#            [x; fake] with [c̃; c̃] in one forward (so one power iteration of spectral norm per D
#            step); bce: the sum of the two halves' mean BCE-with-logits against [1; 0] (= 2 × the
#            mean over 2·bs); hinge: mean(relu(1 − D(real))) + mean(relu(1 + D(fake))); Adam step on D
#   G step   on the LAST D step's samples (G's forward is not rerun: the last D step's G forward
#            keeps its graph, the earlier ones run without one), through D frozen (its parameters
#            requires_grad False: no weight-gradient products in D) and with spectral norm in eval
#            mode (σ = uᵀ W v from the last D step's u, v, no iteration); bce: −mean(log σ(D(fake)));
#            hinge: −mean(D(fake)); Adam step on G; then θ_ema ← d·θ_ema + (1 − d)·θ (with ema)
#   D        'concat': MLP on [x | c̃], [p + q, …discriminatorHidden, 1]; 'projection':
#            ψ(φ(x)) + ⟨V c̃, φ(x)⟩, φ = [p, …discriminatorHidden] with the hidden activation on
#            its output, ψ Linear(h, 1), V Linear(q, h) without bias; spectralNorm on φ's layers
#            and ψ (torch.nn.utils.spectral_norm, one power iteration per forward in train mode),
#            V not normalised
#   nets     LeakyReLU 0.01 between layers, G's output sigmoid, nn.Linear's default init (as
#            crossmodal's init 'uniform'), Adam eps 1e-8 (torch.optim.Adam's default, foreach off)
# The losses and accuracies are read back every step (.item()), as crossmodal's step returns them.
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))

DEFAULTS = {
    'loss': 'bce', 'ema': False, 'spectralNorm': False, 'discriminator': 'concat', 'discriminatorSteps': 1,
    'learningRate': 2e-4, 'discriminatorLearningRate': None, 'beta1': 0.5, 'beta2': 0.999, 'batchSize': 64,
    'noise': 100, 'hidden': [256, 512], 'discriminatorHidden': None,
}
IGNORED = {'seed', 'epochs'}
SLOPE = 0.01


def versions():
    return {'python': platform.python_version(), 'torch': torch.__version__, 'numpy': np.__version__}


def parse_recipe(text):
    r = json.loads(text)
    if isinstance(r, list):
        if len(r) != 2 or not isinstance(r[0], str) or not isinstance(r[1], dict):
            raise ValueError('a recipe list must be ["name", {options}]')
        name, opts = r
    elif isinstance(r, dict) and 'options' in r:
        name, opts = r.get('name'), r['options']
    elif isinstance(r, dict):
        name, opts = None, r
    else:
        raise ValueError('the recipe: an object of options, {"name", "options"} or ["name", {options}]')
    unknown = sorted(set(opts) - set(DEFAULTS) - IGNORED)
    if unknown:
        raise ValueError(f'options not mirrored by this script: {", ".join(unknown)}')
    s = {**DEFAULTS, **{k: v for k, v in opts.items() if k not in IGNORED}}
    if s['discriminatorLearningRate'] is None:
        s['discriminatorLearningRate'] = s['learningRate']
    if s['discriminatorHidden'] is None:
        s['discriminatorHidden'] = list(reversed(s['hidden']))
    if s['loss'] not in ('bce', 'hinge'):
        raise ValueError(f"loss: 'bce' | 'hinge', not {s['loss']!r}")
    if s['discriminator'] not in ('concat', 'projection'):
        raise ValueError(f"discriminator: 'concat' | 'projection', not {s['discriminator']!r}")
    if not (s['ema'] is False or (isinstance(s['ema'], (int, float)) and 0 < s['ema'] < 1)):
        raise ValueError(f"ema: false or a decay in (0, 1), not {s['ema']!r}")
    if not (isinstance(s['discriminatorSteps'], int) and s['discriminatorSteps'] >= 1):
        raise ValueError('discriminatorSteps: a positive integer')
    return name, opts, s


def digits():
    """digits.csv as parseDigits reads it: rows 0..1499, pixels / 16 and one-hot labels."""
    a = np.loadtxt(os.path.join(REPO, 'data', 'digits.csv'), delimiter=',', dtype=np.float64)[:1500]
    x = a[:, :64] / 16
    c = np.zeros((len(a), 10))
    c[np.arange(len(a)), a[:, 64].astype(int)] = 1
    # ConditionalGAN's condition standardisation (standardizeCondition, population std; a constant column only centred)
    mean, std = c.mean(0), c.std(0)
    std[std == 0] = 1
    c = (c - mean) / std
    return torch.tensor(x, dtype=torch.float32), torch.tensor(c, dtype=torch.float32)


def mlp(widths, out_act, sn=False):
    """Linear layers of `widths`, LeakyReLU 0.01 between, `out_act` (a module or None) after the last."""
    mods = []
    for i in range(len(widths) - 1):
        lin = nn.Linear(widths[i], widths[i + 1])
        mods.append(nn.utils.spectral_norm(lin) if sn else lin)
        if i < len(widths) - 2:
            mods.append(nn.LeakyReLU(SLOPE))
    if out_act is not None:
        mods.append(out_act)
    return nn.Sequential(*mods)


class ConcatD(nn.Module):
    def __init__(self, p, q, hidden, sn):
        super().__init__()
        self.net = mlp([p + q, *hidden, 1], None, sn)

    def forward(self, x, c):
        return self.net(torch.cat([x, c], 1))


class ProjectionD(nn.Module):
    """ψ(φ(x)) + ⟨V c̃, φ(x)⟩: φ the body on x (its output activated), ψ the final linear, V without bias."""

    def __init__(self, p, q, hidden, sn):
        super().__init__()
        self.phi = mlp([p, *hidden], nn.LeakyReLU(SLOPE), sn)
        h = hidden[-1]
        self.psi = nn.utils.spectral_norm(nn.Linear(h, 1)) if sn else nn.Linear(h, 1)
        self.V = nn.Linear(q, h, bias=False)

    def forward(self, x, c):
        f = self.phi(x)
        return self.psi(f) + (self.V(c) * f).sum(1, keepdim=True)


def run(s, threads, epochs, warmup, seed, data=None):
    """Trains warmup + epochs epochs; data: (X, C̃) float32 tensors (default: digits(), the digits recipe's)."""
    torch.manual_seed(seed)
    X, C = digits() if data is None else data
    n, p, q = X.shape[0], X.shape[1], C.shape[1]
    bs, noise, ds, kind = min(s['batchSize'], n), s['noise'], s['discriminatorSteps'], s['loss']
    G = mlp([noise + q, *s['hidden'], p], nn.Sigmoid())
    D = (ProjectionD if s['discriminator'] == 'projection' else ConcatD)(p, q, s['discriminatorHidden'], s['spectralNorm'])
    optG = torch.optim.Adam(G.parameters(), lr=s['learningRate'], betas=(s['beta1'], s['beta2']))
    optD = torch.optim.Adam(D.parameters(), lr=s['discriminatorLearningRate'], betas=(s['beta1'], s['beta2']))
    ema = s['ema']
    Gema = None
    if ema is not False:
        Gema = mlp([noise + q, *s['hidden'], p], nn.Sigmoid())
        Gema.load_state_dict(G.state_dict())
        Gema.requires_grad_(False)
    gp, ep = list(G.parameters()), list(Gema.parameters()) if Gema else []
    dparams = list(D.parameters())
    targets = torch.cat([torch.ones(bs, 1), torch.zeros(bs, 1)])
    ones = torch.ones(bs, 1)
    batches = n // bs  # full batches only (the trainer's dropLast)

    def step(xb, cb):
        cc = torch.cat([cb, cb])
        d_loss = real_acc = fake_acc = 0.0
        fake = None
        D.train()  # spectral norm: one power iteration per forward
        for k in range(ds):
            z = torch.randn(bs, noise)
            # the last D step's samples feed G's step: only that forward keeps its graph
            with torch.set_grad_enabled(k == ds - 1):
                fake = G(torch.cat([z, cb], 1))
            optD.zero_grad(set_to_none=True)
            logits = D(torch.cat([xb, fake.detach()]), cc)
            if kind == 'bce':
                loss = 2 * F.binary_cross_entropy_with_logits(logits, targets)
            else:
                loss = F.relu(1 - logits[:bs]).mean() + F.relu(1 + logits[bs:]).mean()
            loss.backward()
            optD.step()
            with torch.no_grad():
                real_acc = (logits[:bs] > 0).float().mean().item()
                fake_acc = 1 - (logits[bs:] > 0).float().mean().item()
            d_loss = loss.item()
        # G's step through D frozen: no parameter gradients in D; spectral norm from the last u, v
        for t in dparams:
            t.requires_grad_(False)
        D.eval()
        optG.zero_grad(set_to_none=True)
        logits = D(fake, cb)
        g_loss = F.binary_cross_entropy_with_logits(logits, ones) if kind == 'bce' else -logits.mean()
        g_loss.backward()
        optG.step()
        for t in dparams:
            t.requires_grad_(True)
        if Gema is not None:
            with torch.no_grad():
                for a, b in zip(ep, gp):
                    a.lerp_(b, 1 - ema)  # d·a + (1 − d)·b
        g = g_loss.item()
        for v in (d_loss, g):
            if not np.isfinite(v):
                raise FloatingPointError(f'the loss is {v}')
        return d_loss, g, real_acc, fake_acc

    times, losses = [], []
    for e in range(warmup + epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        sums = [0.0] * 4
        for b in range(batches):
            idx = perm[b * bs:(b + 1) * bs]
            sums = [a + v for a, v in zip(sums, step(X[idx], C[idx]))]
        times.append((time.perf_counter() - t0) * 1000)
        # the epoch's means, as crossmodal's history has them (a check that the step learns alike)
        losses.append(dict(zip(('discriminator', 'generator', 'realAccuracy', 'fakeAccuracy'), (round(v / batches, 4) for v in sums))))
    return times[warmup:], batches, losses


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('recipe', nargs='?', help='the recipe JSON (default: read from stdin)')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--epochs', type=int, default=5, help='timed epochs (after the warm-up)')
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    name, opts, s = parse_recipe(a.recipe if a.recipe is not None else sys.stdin.read())
    torch.set_num_threads(a.threads)
    ms, batches, losses = run(s, a.threads, a.epochs, a.warmup, a.seed)
    print(json.dumps({
        'recipe': {'name': name, 'options': opts, 'resolved': s},
        'threads': torch.get_num_threads(),
        'msPerEpoch': [round(t, 3) for t in ms],
        'median': round(statistics.median(ms), 3),
        'warmup': a.warmup,
        'batches': batches,
        'losses': losses,
        'versions': versions(),
    }))


if __name__ == '__main__':
    main()

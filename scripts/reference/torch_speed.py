# The PyTorch side of bench/torch.bench.js (issue 41): one recipe of crossmodal's neural models
# written in PyTorch (the same networks, batches, losses and optimiser, float32 networks, the
# DeepCCA objective in float64 as crossmodal's), timed per epoch on the CPU.
#
#   /usr/bin/python3 scripts/reference/torch_speed.py dcca-digits --threads 1 --epochs 5 --warmup 2
#   /usr/bin/python3 scripts/reference/torch_speed.py --list
#
# Written against Debian's python3-torch (python 3.11.2, torch 1.13.0a0, numpy 1.24.2; CPU
# capability AVX2, MKL-DNN v2.6.3, OpenMP, no MKL); the run's versions are printed in its result.
#
# Prints one JSON line: {recipe, threads, msPerEpoch: [...], median, warmup, batches, versions}:
# msPerEpoch lists the --epochs epochs after --warmup warm-up epochs, median is their median.
# An epoch is one pass over the training rows as crossmodal's trainer makes it: a new
# permutation (torch.randperm), full batches only (the last incomplete batch dropped), one
# optimiser step per batch, the loss read back (.item()) every step as crossmodal's step returns it.
#
# Recipes (each ours in bench/torch.bench.js, RECIPES there):
#   dcca-digits   DeepCCA, towers 32→256→256→10 (LeakyReLU 0.01, no activation after the last),
#                 objective 'trace' with 10 components and ridge 1e-3 (crossmodal_torch.dcca_loss,
#                 float64), Adam 1e-3 (β 0.9, 0.999) on each tower, batch 500; digits.csv rows
#                 0..1499, left / right halves (columns 0..3 / 4..7 of each 8×8 image), pixels / 16
#   ae-digits     MultimodalAutoencoder (crossmodal_torch's): encoders 32→128, fusion 256+2→32,
#                 trunk 32→256, sigmoid heads 256→32, LeakyReLU 0.01 after every hidden layer;
#                 modality dropout 2/3 (with two modalities: a third of the rows keep both, a third
#                 only the left, a third only the right); loss the sum of the two views' MSE over
#                 all rows (every target present); one Adam 1e-3 over all networks, batch 100
#   cgan-digits   ConditionalGAN's recipe before issue 39 ("today": bce, no EMA, no spectral norm,
#                 D on [x | c̃], Adam 2e-4 β1 0.5), batch 64: scripts/reference/cgan_speed.py's step
#   dcca-fashion  DeepCCA 392→512→512→10, batch 800, on the 60,000 Fashion-MNIST training images'
#                 left / right 14 columns (392 pixels / 255 each)
#   ae-fashion    MultimodalAutoencoder, encoders 392→256, code 64, trunk 64→512, heads 512→392, batch 128
#   cgan-fashion  cgan_speed.py's step on the 60,000 training images / 255 (784) and their one-hot
#                 labels (G 110→256→512→784, D 794→512→256→1), batch 128
# Fashion-MNIST: the idx files under /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist).
import argparse
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, 'python'))

import cgan_speed  # noqa: E402  (the cGAN step, shared with bench/cgan_torch.js)
from crossmodal_torch import DeepCCATowers, MultimodalAutoencoder, dcca_loss  # noqa: E402

FASHION = '/usr/share/datasets/fashion-mnist'
TODAY = {'loss': 'bce', 'ema': False, 'spectralNorm': False, 'discriminator': 'concat', 'learningRate': 2e-4}

RECIPES = {
    'dcca-digits': {'model': 'dcca', 'data': 'digits', 'hidden': [256, 256], 'outputs': 10, 'batch': 500, 'lr': 1e-3},
    'ae-digits': {'model': 'ae', 'data': 'digits', 'hidden': [128], 'code': 32, 'batch': 100, 'lr': 1e-3},
    'cgan-digits': {'model': 'cgan', 'data': 'digits', 'options': {**TODAY, 'batchSize': 64}},
    'dcca-fashion': {'model': 'dcca', 'data': 'fashion', 'hidden': [512, 512], 'outputs': 10, 'batch': 800, 'lr': 1e-3},
    'ae-fashion': {'model': 'ae', 'data': 'fashion', 'hidden': [256], 'code': 64, 'batch': 128, 'lr': 1e-3},
    'cgan-fashion': {'model': 'cgan', 'data': 'fashion', 'options': {**TODAY, 'batchSize': 128}},
}


def digits():
    """digits.csv rows 0..1499: pixels / 16 (64), left and right halves (32 each), labels."""
    a = np.loadtxt(os.path.join(REPO, 'data', 'digits.csv'), delimiter=',', dtype=np.float64)[:1500]
    img = a[:, :64].reshape(-1, 8, 8) / 16
    return img.reshape(-1, 64), img[:, :, :4].reshape(-1, 32), img[:, :, 4:].reshape(-1, 32), a[:, 64].astype(int)


def fashion():
    """The 60,000 training images / 255 (784), their left and right 14 columns (392 each), labels."""
    with gzip.open(os.path.join(FASHION, 'train-images-idx3-ubyte.gz')) as f:
        b = f.read()
    n, h, w = (int.from_bytes(b[i:i + 4], 'big') for i in (4, 8, 12))
    img = np.frombuffer(b, dtype=np.uint8, offset=16).reshape(n, h, w).astype(np.float64) / 255
    with gzip.open(os.path.join(FASHION, 'train-labels-idx1-ubyte.gz')) as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(int)
    return img.reshape(n, -1), img[:, :, :14].reshape(n, -1), img[:, :, 14:].reshape(n, -1), labels


def f32(a):
    return torch.tensor(a, dtype=torch.float32)


def epochs_loop(n, bs, step, epochs, warmup):
    times = []
    batches = n // bs  # full batches only
    for _ in range(warmup + epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for b in range(batches):
            step(perm[b * bs:(b + 1) * bs])
        times.append((time.perf_counter() - t0) * 1000)
    return times[warmup:], batches


def run_dcca(r, X, Y, epochs, warmup):
    net = DeepCCATowers(X.shape[1], Y.shape[1], hidden=r['hidden'], outputs=r['outputs'], activation='leaky_relu')
    # one Adam per tower, as crossmodal's (the same update as one over both)
    opts = [torch.optim.Adam(net.x.parameters(), lr=r['lr']), torch.optim.Adam(net.y.parameters(), lr=r['lr'])]
    k = r['outputs']

    def step(idx):
        for o in opts:
            o.zero_grad(set_to_none=True)
        h1, h2 = net(X[idx], Y[idx])
        loss = dcca_loss(h1, h2, k, ridge=1e-3)
        loss.backward()
        for o in opts:
            o.step()
        v = loss.item()
        if not np.isfinite(v):
            raise FloatingPointError(f'the loss is {v}')

    return epochs_loop(X.shape[0], min(r['batch'], X.shape[0]), step, epochs, warmup)


def run_ae(r, X, Y, epochs, warmup):
    net = MultimodalAutoencoder([X.shape[1], Y.shape[1]], hidden=r['hidden'], code=r['code'])
    opt = torch.optim.Adam(net.parameters(), lr=r['lr'])
    bs = min(r['batch'], X.shape[0])

    def step(idx):
        xb, yb = X[idx], Y[idx]
        # modality dropout 2/3 with two modalities: both, only x, only y, a third each
        u = torch.rand(bs)
        g = torch.stack([(u < 2 / 3), (u < 1 / 3) | (u >= 2 / 3)], 1).float()
        opt.zero_grad(set_to_none=True)
        outs = net([xb, yb], g)
        loss = F.mse_loss(outs[0], xb) + F.mse_loss(outs[1], yb)
        loss.backward()
        opt.step()
        v = loss.item()
        if not np.isfinite(v):
            raise FloatingPointError(f'the loss is {v}')

    return epochs_loop(X.shape[0], bs, step, epochs, warmup)


def run_cgan(r, pixels, labels, epochs, warmup, seed):
    _, _, s = cgan_speed.parse_recipe(json.dumps(r['options']))
    c = np.zeros((len(labels), 10))
    c[np.arange(len(labels)), labels] = 1
    mean, std = c.mean(0), c.std(0)
    std[std == 0] = 1
    times, batches, _ = cgan_speed.run(s, torch.get_num_threads(), epochs, warmup, seed, data=(f32(pixels), f32((c - mean) / std)))
    return times, batches


def main():
    ap = argparse.ArgumentParser(description='one recipe of crossmodal\'s neural models in PyTorch, ms per epoch')
    ap.add_argument('recipe', nargs='?', choices=sorted(RECIPES))
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--epochs', type=int, default=5, help='timed epochs (after the warm-up)')
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--list', action='store_true', help='print the recipes as JSON and exit')
    a = ap.parse_args()
    if a.list:
        print(json.dumps(RECIPES))
        return
    if a.recipe is None:
        ap.error('a recipe: ' + ', '.join(sorted(RECIPES)))
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    r = RECIPES[a.recipe]
    pixels, left, right, labels = digits() if r['data'] == 'digits' else fashion()
    if r['model'] == 'dcca':
        ms, batches = run_dcca(r, f32(left), f32(right), a.epochs, a.warmup)
    elif r['model'] == 'ae':
        ms, batches = run_ae(r, f32(left), f32(right), a.epochs, a.warmup)
    else:
        ms, batches = run_cgan(r, pixels, labels, a.epochs, a.warmup, a.seed)
    print(json.dumps({
        'recipe': a.recipe,
        'threads': torch.get_num_threads(),
        'msPerEpoch': [round(t, 3) for t in ms],
        'median': round(statistics.median(ms), 3),
        'warmup': a.warmup,
        'batches': batches,
        'versions': cgan_speed.versions(),
    }))


if __name__ == '__main__':
    main()

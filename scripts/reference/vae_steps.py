"""Training steps of the MultimodalVAE in PyTorch, for test/vae_steps.test.ts: from the same
weights, batches and noise, crossmodal's Adam steps must land on PyTorch's weights.

For each fusion ('poe', 'moe', 'mopoe'): a small model (views of 32 + 32 digit-half pixels,
hidden [16], latent 4, Bernoulli, beta 0.25, LeakyReLU, He init from torch.manual_seed(0)),
8 Adam steps (lr 1e-3) on batches of 20 rows alternating rows 0..19 and 20..39, one fixed
N(0, 1) draw per ELBO term, row and latent column (numpy default_rng(0)). Weights, noise and
data are stored as base64 little-endian float32 with their shapes; the losses as numbers.

Run: /usr/bin/python3 scripts/reference/vae_steps.py > test/fixtures/vae-steps-reference.json
"""
import base64
import json
import os
import platform
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'python'))
from crossmodal_torch import MultimodalVAE  # noqa: E402

torch.set_num_threads(1)
STEPS, BATCH, LATENT, HIDDEN = 8, 20, 4, (16,)


def f32(a):
    a = np.ascontiguousarray(np.asarray(a, dtype='<f4'))
    return {'shape': list(a.shape), 'data': base64.b64encode(a.tobytes()).decode()}


rows = [line.split(',') for line in open(os.path.join(REPO, 'data', 'digits.csv')).read().strip().split('\n')]
px = np.array([[float(v) for v in r[:64]] for r in rows[:2 * BATCH]], dtype=np.float64) / 16
left = px.reshape(-1, 8, 8)[:, :, :4].reshape(-1, 32)
right = px.reshape(-1, 8, 8)[:, :, 4:].reshape(-1, 32)

out = {
    'generatedBy': 'scripts/reference/vae_steps.py',
    'versions': {'python': platform.python_version(), 'torch': torch.__version__, 'numpy': np.__version__},
    'setup': {'widths': [32, 32], 'latent': LATENT, 'hidden': list(HIDDEN), 'beta': 0.25, 'likelihood': 'bernoulli', 'activation': 'leaky_relu',
              'optimizer': 'Adam', 'learningRate': 1e-3, 'steps': STEPS, 'batch': BATCH, 'batches': 'rows 0..19 on even steps, 20..39 on odd ones'},
    'left': f32(left), 'right': f32(right), 'fusions': {},
}
for fusion in ('poe', 'moe', 'mopoe'):
    torch.manual_seed(0)
    m = MultimodalVAE([32, 32], latent=LATENT, hidden=HIDDEN, fusion=fusion, beta=0.25)
    init = {k: f32(v.detach().numpy()) for k, v in m.state_dict().items()}
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    terms = [s for s, _ in m.terms(3)]
    eps = np.random.default_rng(0).standard_normal((STEPS, len(terms), BATCH, LATENT)).astype(np.float32)
    losses = []
    for s in range(STEPS):
        idx = np.arange(BATCH) + (s % 2) * BATCH
        X = [torch.tensor(left[idx], dtype=torch.float32), torch.tensor(right[idx], dtype=torch.float32)]
        opt.zero_grad()
        loss = m.loss(X, eps=[torch.tensor(eps[s, k]) for k in range(len(terms))]).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    final = {k: f32(v.detach().numpy()) for k, v in m.state_dict().items()}
    out['fusions'][fusion] = {'terms': terms, 'init': init, 'final': final, 'eps': f32(eps), 'losses': losses}
json.dump(out, sys.stdout)

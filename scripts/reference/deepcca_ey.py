"""PyTorch reference of DeepCCA with the Eckart-Young objective ('ey', issue 36) on the digits
halves, the recipe of the issue: towers 32 -> 256 -> 256 -> 10 (LeakyReLU 0.01, PyTorch's
default nn.Linear init), Adam with learning rate 1e-3, 100 epochs, rows shuffled every epoch
(torch.randperm with the seed), the loss python/crossmodal_torch.py's ey_loss (float64 loss,
float32 towers), then the final linear CCA (numpy, ridge 1e-6 on both output covariances, as
crossmodal's finalRegularization default) on the training rows' outputs; the held-out sum of
the 10 canonical correlations of the test rows' variates. Also the 'trace' objective
(dcca_loss) at the same small batches, to show the bias the issue is about. One CPU thread.

Run: /usr/bin/python3 scripts/reference/deepcca_ey.py > test/fixtures/deepcca-ey-reference.json
(Debian python3-torch; about a minute per run.)

Data: data/digits.csv, pixels / 16, left half (columns 0..3 of every image row) and right half;
rows 0..1499 train, 1500..1796 held out (as test/deepcca.test.ts).
"""
import json
import os
import platform
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'python'))
from crossmodal_torch import DeepCCATowers, dcca_loss, ey_loss  # noqa: E402

torch.set_num_threads(1)


def digits():
    rows = [list(map(float, l.split(','))) for l in open(os.path.join(REPO, 'data', 'digits.csv')) if l.strip()]
    left, right = [], []
    for v in rows:
        left.append([v[r * 8 + c] / 16 for r in range(8) for c in range(4)])
        right.append([v[r * 8 + c] / 16 for r in range(8) for c in range(4, 8)])
    return np.array(left), np.array(right)


def inv_sqrt(s):
    w, v = np.linalg.eigh(s)
    return v @ np.diag(w ** -0.5) @ v.T


def final_cca(h1, h2, k, r=1e-6):
    m1, m2 = h1.mean(0), h2.mean(0)
    a, b = h1 - m1, h2 - m2
    n = len(h1)
    wx = inv_sqrt(a.T @ a / (n - 1) + r * np.eye(a.shape[1]))
    wy = inv_sqrt(b.T @ b / (n - 1) + r * np.eye(b.shape[1]))
    u, s, vt = np.linalg.svd(wx @ (a.T @ b / (n - 1)) @ wy)
    return m1, m2, wx @ u[:, :k], wy @ vt.T[:, :k]


def run(objective, batch, seed, epochs=100, k=10):
    L, R = digits()
    xt, yt = torch.tensor(L[:1500], dtype=torch.float32), torch.tensor(R[:1500], dtype=torch.float32)
    torch.manual_seed(seed)
    towers = DeepCCATowers(32, 32, hidden=(256, 256), outputs=k)
    opt = torch.optim.Adam(towers.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    n = len(xt)
    for _ in range(epochs):
        order = torch.randperm(n, generator=g)
        for s in range(0, n - batch + 1, batch):
            idx = order[s:s + batch]
            h1, h2 = towers(xt[idx], yt[idx])
            loss = ey_loss(h1, h2) if objective == 'ey' else dcca_loss(h1, h2, k)
            opt.zero_grad()
            loss.backward()
            opt.step()
    secs = time.perf_counter() - t0
    with torch.no_grad():
        h1, h2 = [t.double().numpy() for t in towers(xt, yt)]
        m1, m2, wx, wy = final_cca(h1, h2, k)
        t1, t2 = [t.double().numpy() for t in towers(torch.tensor(L[1500:], dtype=torch.float32), torch.tensor(R[1500:], dtype=torch.float32))]
    u, v = (t1 - m1) @ wx, (t2 - m2) @ wy
    held = sum(np.corrcoef(u[:, j], v[:, j])[0, 1] for j in range(k))
    return {'objective': objective, 'batch': batch, 'seed': seed, 'epochs': epochs, 'heldOutSum': float(held), 'seconds': secs, 'secondsPerEpoch': secs / epochs}


def main():
    runs = []
    for objective, batch, seed in [('ey', 100, 0), ('ey', 100, 1), ('ey', 50, 0), ('ey', 50, 1), ('trace', 100, 0), ('trace', 50, 0)]:
        r = run(objective, batch, seed)
        print(json.dumps(r), file=sys.stderr)
        runs.append(r)
    out = {
        'generatedBy': 'scripts/reference/deepcca_ey.py',
        'versions': {'python': platform.python_version(), 'torch': torch.__version__, 'numpy': np.__version__},
        'recipe': 'digits halves, towers 256-256 LeakyReLU 0.01, Adam 1e-3, 100 epochs, 10 components, final CCA ridge 1e-6, one CPU thread',
        'runs': runs,
    }
    json.dump(out, sys.stdout, indent=1)


if __name__ == '__main__':
    main()

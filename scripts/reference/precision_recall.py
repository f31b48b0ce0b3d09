"""Reference k-NN precision and recall (Kynkaanniemi et al. 2019), numpy only, not this package.

Run: /usr/bin/python3 scripts/reference/precision_recall.py > test/fixtures/precision-recall.json

Each case stores its two sample sets (rounded to 6 decimals, so both sides read the same
numbers) and the precision and recall computed here with k = 3: a point of one set is
inside the other set's manifold when it lies within some ball centred at a point of that
set reaching that point's k-th nearest neighbour (itself excluded).
"""
import json

import numpy as np


def radii(X, k):
    D = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(D, np.inf)
    return np.sort(D, axis=1)[:, k - 1]


def inside(P, Q, r):
    D = ((P[:, None, :] - Q[None, :, :]) ** 2).sum(-1)
    return float((D <= r[None, :]).any(axis=1).mean())


def pr(real, fake, k=3):
    return inside(fake, real, radii(real, k)), inside(real, fake, radii(fake, k))


rng = np.random.default_rng(2019)
cases = {}
a = rng.normal(size=(300, 4)).round(6)
b = rng.normal(size=(300, 4)).round(6)
cases['same Gaussian'] = (a, b)
collapsed = (0.5 + 0.15 * rng.normal(size=(300, 4))).round(6)
cases['collapsed to one mode'] = (a, collapsed)
shifted = (rng.normal(size=(250, 4)) + [1.5, 0, 0, 0]).round(6)
cases['shifted'] = (a, shifted)
out = {'versions': {'numpy': np.__version__}, 'k': 3, 'cases': []}
for name, (real, fake) in cases.items():
    p, r = pr(real, fake)
    out['cases'].append({'name': name, 'real': real.tolist(), 'fake': fake.tolist(), 'precision': p, 'recall': r})
print(json.dumps(out))

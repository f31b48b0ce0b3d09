"""Reference density and coverage (Naeem, Oh, Uh, Choi & Yoo 2020, "Reliable Fidelity and
Diversity Metrics for Generative Models", eqs. for density and coverage), numpy and scipy
only, written from the paper, not from this package nor from the authors' prdc code.

Run: /usr/bin/python3 scripts/reference/density_coverage.py > test/fixtures/density-coverage-reference.json

With N real rows X_i, M fake rows Y_j and k:
  radius_i  = Euclidean distance from X_i to its k-th nearest other real row (itself excluded)
  density   = 1/(k M) * sum_j sum_i 1[ ||Y_j - X_i|| <= radius_i ]
  coverage  = 1/N * sum_i 1[ min_j ||Y_j - X_i|| <= radius_i ]
"Within" is distance <= radius (a point on the sphere counts). Distances are scipy's cdist
(direct differences), not the package's Gram-matrix form.

Each case stores its two sample sets (rounded to 6 decimals, so both sides read the same
numbers), k, density and coverage, and the counts behind them (the density numerator and
the covered real rows), plus the smallest gap |distance - radius| over all pairs, which
says how far every comparison is from a tie.
"""
import json
import sys

import numpy as np
import scipy
from scipy.spatial.distance import cdist


def knn_radii(X, k):
    D = cdist(X, X)
    np.fill_diagonal(D, np.inf)
    return np.sort(D, axis=1)[:, k - 1]


def density_coverage(real, fake, k):
    r = knn_radii(real, k)
    D = cdist(fake, real)  # M x N
    within = D <= r[None, :]
    hits = int(within.sum())
    covered = int((D.min(axis=0) <= r).sum())
    gap = float(np.abs(D - r[None, :]).min())
    return hits / (k * fake.shape[0]), covered / real.shape[0], hits, covered, gap


K = 5  # the paper's recommended k
rng = np.random.default_rng(2020)
cases = {}
real = rng.normal(size=(200, 8)).round(6)
cases['same distribution'] = real, rng.normal(size=(200, 8)).round(6)
# a collapsed generator: every fake row is one of 4 real rows plus a little noise
modes = real[rng.choice(200, size=4, replace=False)]
cases['collapsed generator'] = real, (modes[rng.integers(0, 4, size=200)] + 0.05 * rng.normal(size=(200, 8))).round(6)
# a shifted distribution: the same shape moved 1.5 along every axis (1.5 * sqrt(8) = 4.24 away)
cases['shifted distribution'] = real, (rng.normal(size=(200, 8)) + 1.5).round(6)

out = {
    'source': 'scripts/reference/density_coverage.py',
    'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__},
    'k': K,
    'cases': [],
}
for name, (real_rows, fake_rows) in cases.items():
    d, c, hits, covered, gap = density_coverage(real_rows, fake_rows, K)
    out['cases'].append({'name': name, 'density': d, 'coverage': c, 'hits': hits, 'covered': covered, 'minGap': gap,
                         'real': real_rows.tolist(), 'fake': fake_rows.tolist()})
print(json.dumps(out))

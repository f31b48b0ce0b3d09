"""Reference for CCA's `scale` option: ridge CCA on standardised columns (numpy only).

Run: python3 scripts/reference/cca_scale.py > test/fixtures/cca-scale-reference.json
The digits halves (data/digits.csv, pixels / 16), training rows 0..1499, test rows 1500..1796.
Columns are standardised with the training rows' mean and standard deviation (n - 1; a
constant column keeps scale 1), then ridge CCA with r = 0.01 added to each view's covariance.
"""
import json
import numpy as np

d = np.loadtxt('data/digits.csv', delimiter=',')
pix = d[:, :64].reshape(-1, 8, 8) / 16
left, right = pix[:, :, :4].reshape(-1, 32), pix[:, :, 4:].reshape(-1, 32)
Xtr, Ytr, Xte, Yte = left[:1500], right[:1500], left[1500:], right[1500:]
r, k = 0.01, 5


def isqrt(S):
    w, V = np.linalg.eigh(S)
    return V @ np.diag(w ** -0.5) @ V.T


def standardise(Z):
    sd = Z.std(0, ddof=1)
    sd[sd == 0] = 1
    return Z.mean(0), sd


mx, sx = standardise(Xtr)
my, sy = standardise(Ytr)
A, B = (Xtr - mx) / sx, (Ytr - my) / sy
n = len(A)
Wx, Wy = isqrt(A.T @ A / (n - 1) + r * np.eye(32)), isqrt(B.T @ B / (n - 1) + r * np.eye(32))
U, s, Vt = np.linalg.svd(Wx @ (A.T @ B / (n - 1)) @ Wy)
wx, wy = (Wx @ U[:, :k]) / sx[:, None], (Wy @ Vt.T[:, :k]) / sy[:, None]
u, v = (Xte - mx) @ wx, (Yte - my) @ wy
held = [float(np.corrcoef(u[:, j], v[:, j])[0, 1]) for j in range(k)]
print(json.dumps({
    'source': f'scripts/reference/cca_scale.py, numpy {np.__version__}',
    'ridge': r,
    'train_correlations': [float(x) for x in s[:k]],
    'test_correlations': held,
}, indent=1))

"""Reference for CCA's regularization 'auto': Schäfer & Strimmer (2005) shrinkage of the joined
views' correlation matrix toward the identity (target D: correlations toward 0, variances kept),
computed directly from the rows with numpy, independently of crossmodal.

Run: /usr/bin/python3 scripts/reference/cca_auto.py > test/fixtures/cca-auto-reference.json

The intensity is corpcor's estimate.lambda (R package corpcor, "direct slow algorithm") on the
joined table [X, Y]: with xs its columns standardised by their mean and standard deviation (n - 1),
    lambda = sum_{i != j} (E[xs_i^2 xs_j^2] - E[xs_i xs_j]^2) / sum_{i != j} E[xs_i xs_j]^2 / (n - 1)
(E the mean over rows, i and j over all columns of both views), clamped to [0, 1]. The shrunk
joint correlation matrix is (1 - lambda) R + lambda I, so the within-view correlations and the
cross-correlations are all multiplied by 1 - lambda, and CCA is the SVD of Cxx^-1/2 Cxy Cyy^-1/2 (weights divided by the columns' standard deviations, so they apply to raw
rows; the sign rule: each component's largest-magnitude x-weight on standardised columns positive). A constant column
(sd 0) is left at 0 after centring, takes no part in lambda, and has variance 1 in the shrunk
matrix (so its weight is 0 wherever the correlation is nonzero).

Tables: the digits halves (data/digits.csv, pixels / 16; training rows 0..1499, test rows
1500..1796; several constant columns) and a synthetic 240-row table in mixed units (6 + 5
columns, scales 1e-2 .. 2e3, three shared latent factors), which the script makes and stores.
"""
import json
import sys
import numpy as np


def lam(Z):
    n = len(Z)
    sd = Z.std(0, ddof=1)
    keep = sd > 0
    xs = (Z[:, keep] - Z[:, keep].mean(0)) / sd[keep]
    E2R = (xs.T @ xs / n) ** 2
    ER2 = (xs ** 2).T @ (xs ** 2) / n
    off = ~np.eye(xs.shape[1], dtype=bool)
    den = E2R[off].sum()
    if den <= 0:
        return 0.0
    return float(min(1.0, max(0.0, (ER2[off].sum() - den) / den / (n - 1))))


def isqrt(S):
    w, V = np.linalg.eigh(S)
    return V @ np.diag(w ** -0.5) @ V.T


def auto_cca(X, Y, k):
    n = len(X)
    out = {}
    mats = []
    for Z in (X, Y):
        m, sd = Z.mean(0), Z.std(0, ddof=1)
        sd[sd == 0] = 1
        A = (Z - m) / sd
        mats.append((m, sd, A))
    (mx, sx, A), (my, sy, B) = mats
    lx = ly = lam(np.hstack([X, Y]))
    Rxx, Ryy, Rxy = A.T @ A / (n - 1), B.T @ B / (n - 1), A.T @ B / (n - 1)
    Cx = (1 - lx) * Rxx
    np.fill_diagonal(Cx, 1)
    Cy = (1 - ly) * Ryy
    np.fill_diagonal(Cy, 1)
    Wx, Wy = isqrt(Cx), isqrt(Cy)
    U, s, Vt = np.linalg.svd(Wx @ ((1 - lx) * Rxy) @ Wy)
    wx, wy = (Wx @ U[:, :k]) / sx[:, None], (Wy @ Vt.T[:, :k]) / sy[:, None]
    for j in range(k):
        i = np.argmax(np.abs(wx[:, j] * sx))
        if wx[i, j] < 0:
            wx[:, j] *= -1
            wy[:, j] *= -1
    return {'lambda': [lx, ly], 'correlations': s[: min(X.shape[1], Y.shape[1])].tolist(), 'xWeights': wx.tolist(), 'yWeights': wy.tolist(), 'means': [mx.tolist(), my.tolist()]}


def held_out(fit, X, Y):
    wx, wy = np.array(fit['xWeights']), np.array(fit['yWeights'])
    u, v = (X - fit['means'][0]) @ wx, (Y - fit['means'][1]) @ wy
    return [float(np.corrcoef(u[:, j], v[:, j])[0, 1]) for j in range(wx.shape[1])]


d = np.loadtxt('data/digits.csv', delimiter=',')
pix = d[:, :64].reshape(-1, 8, 8) / 16
left, right = pix[:, :, :4].reshape(-1, 32), pix[:, :, 4:].reshape(-1, 32)
digits = auto_cca(left[:1500], right[:1500], 10)
digits['heldOut'] = held_out(digits, left[1500:], right[1500:])
for key in ('xWeights', 'yWeights', 'means'):
    del digits[key]

rng = np.random.default_rng(32)
n = 240
F = rng.standard_normal((n, 3))
X = F @ rng.standard_normal((3, 6)) + 0.8 * rng.standard_normal((n, 6))
Y = F @ rng.standard_normal((3, 5)) + 0.9 * rng.standard_normal((n, 5))
X = X * np.array([1e-2, 0.3, 5, 40, 700, 2e3]) + np.array([0.5, 3, 100, -20, 1e3, 5e3])
Y = Y * np.array([2e3, 0.05, 8, 150, 1]) + np.array([1e4, 1, 0, 300, -2])
X, Y = np.round(X, 6), np.round(Y, 6)
mixed = auto_cca(X, Y, 5)

print(json.dumps({
    'source': f'scripts/reference/cca_auto.py, numpy {np.__version__}, Python {sys.version.split()[0]}',
    'digits': digits,
    'mixed': {'X': X.tolist(), 'Y': Y.tolist(), **mixed},
}))

"""Reference for linear CCA on ill-conditioned raw columns (test/fixtures/cca-qr-reference.json).

Usage:
    /usr/bin/python3 scripts/reference/cca_qr.py > test/fixtures/cca-qr-reference.json
(Debian's python3-numpy and python3-scipy: apt-get install python3-numpy python3-scipy.)

The tables are made here (numpy default_rng, fixed seeds) and stored in the fixture as the
numbers both sides read: each value rounded to 6 significant digits and written as Python's
repr, which JSON.parse reads back to the same double. A table is n rows of X (p columns) and
Y (q columns): independent standard-normal latent columns in which pair k (k < q) has the
planted correlation RHOS[k] between X's latent column k and Y's; each view's latent columns
are mixed by U·diag(s)·Vᵀ (random orthogonal U, V; s log-spaced from 1 down to 10^-t, t chosen
by bisection so that the view's correlation matrix has the condition number asked for), each
column standardised, shifted by 1…4 standard deviations (a positive mean, as in raw
measurements) and multiplied by a scale from 10^-3 … 10^4 (log-spaced, in a random column
order): mixed units, so that the covariance's condition number is 1e10 and far beyond.

The reference is computed the Björck–Golub way in float64, never forming a covariance:
centre each view; reduced QR (numpy.linalg.qr) Xc = Qx·Rx, Yc = Qy·Ry; SVD Qxᵀ·Qy = U·diag(ρ)·Vᵀ.
The singular values are the canonical correlations (all min(p, q) of them); the weights are
Rx⁻¹·U and Ry⁻¹·V (scipy.linalg.solve_triangular) times √(n − 1), so that each variate
(X − mean)·w has unit variance with n − 1; in each component the x-weight of largest magnitude
is positive (the y-weight flips with it). Householder QR is invariant to column scaling in its
backward error, so the reference's accuracy depends on the standardised views' conditioning,
not on the units. As a check, a second route (each centred view standardised and split by SVD,
A = U_a·S_a·V_aᵀ; ρ = singular values of U_xᵀ·U_y, weights V_a·S_a⁻¹·(singular vectors)·√(n − 1)
divided by the column's standard deviation) is compared with it: the largest |Δρ|, and on the
main table the largest ‖Δw‖/‖w‖ over the weight columns, are stored.

"main" is the table the tests compare everything on (n = 400, p = 12, q = 9, correlation-matrix
condition ~1e3): means, all correlations, all weights. "family" holds smaller tables from the
same generator (n = 200, same shapes, the same latent seed) whose views' correlation matrices
have condition numbers ~1e2, 1e4, 1e6, 1e8, with their correlations only, to state the accuracy
reached up to a given conditioning. Condition numbers are 2-norm ones, (σmax/σmin)² of the
centred (for the correlation matrix: centred and standardised) view, to 3 significant digits.

The output is the same bytes on every run (on one machine: LAPACK runs single-threaded here).
"""
import os

os.environ['OPENBLAS_NUM_THREADS'] = '1'
os.environ['OMP_NUM_THREADS'] = '1'

import json
import sys

import numpy as np
import scipy
import scipy.linalg

SEED = 32
RHOS = [0.95, 0.88, 0.78, 0.66, 0.53, 0.4, 0.28, 0.16, 0.05]
P, Q = 12, 9


def sig(v, digits):
    """v rounded to `digits` significant digits (as a double)."""
    return float(f'{v:.{digits - 1}e}')


def orthogonal(rng, m):
    Z = rng.standard_normal((m, m))
    Qm, R = np.linalg.qr(Z)
    return Qm * np.sign(np.diag(R))


def condition(A):
    """2-norm condition number of AᵀA (A centred), via A's singular values."""
    s = np.linalg.svd(A, compute_uv=False)
    return float((s[0] / s[-1]) ** 2)


def standardised(A):
    Ac = A - A.mean(0)
    return Ac / Ac.std(0, ddof=1)


def mixing(L, U, V, target):
    """L·U·diag(s)·Vᵀ with s = logspace(0, -t, m), t bisected so that cond(corr) = target."""
    m = L.shape[1]

    def mixed(t):
        return L @ (U * np.logspace(0, -t, m)) @ V.T

    lo, hi = 0.0, 12.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if condition(standardised(mixed(mid))) < target:
            lo = mid
        else:
            hi = mid
    return mixed((lo + hi) / 2)


def table(n, target, seed=SEED):
    """X (n×P), Y (n×Q) in mixed units, each view's correlation matrix of condition ~target."""
    rng = np.random.default_rng(seed)
    Lx = rng.standard_normal((n, P))
    Ly = rng.standard_normal((n, Q))
    for k, r in enumerate(RHOS):
        Ly[:, k] = r * Lx[:, k] + np.sqrt(1 - r * r) * Ly[:, k]
    views = []
    for L, m in ((Lx, P), (Ly, Q)):
        U, V = orthogonal(rng, m), orthogonal(rng, m)
        Z = standardised(mixing(L, U, V, target))
        shift = rng.uniform(1, 4, m)
        scale = np.logspace(-3, 4, m)[rng.permutation(m)]
        raw = (Z + shift) * scale
        views.append(np.vectorize(lambda v: sig(v, 6))(raw))
    return views[0], views[1]


def cca_qr(X, Y):
    n = X.shape[0]
    mx, my = X.mean(0), Y.mean(0)
    Qx, Rx = np.linalg.qr(X - mx)
    Qy, Ry = np.linalg.qr(Y - my)
    U, rho, Vt = np.linalg.svd(Qx.T @ Qy, full_matrices=False)
    Wx = scipy.linalg.solve_triangular(Rx, U) * np.sqrt(n - 1)
    Wy = scipy.linalg.solve_triangular(Ry, Vt.T) * np.sqrt(n - 1)
    Wx, Wy = orient(Wx, Wy, X.std(0, ddof=1))
    return mx, my, rho, Wx, Wy


def orient(Wx, Wy, sx):
    """In each component, the x-weight of largest magnitude on standardised columns (weight times
    the column's standard deviation sx, n - 1; the first of ties) positive."""
    for j in range(Wx.shape[1]):
        i = int(np.argmax(np.abs(Wx[:, j] * sx)))
        if Wx[i, j] < 0:
            Wx[:, j] = -Wx[:, j]
            Wy[:, j] = -Wy[:, j]
    return Wx, Wy


def cca_svd(X, Y):
    """Second route, for the check: SVDs of the standardised centred views."""
    n = X.shape[0]
    parts = []
    for A in (X, Y):
        sd = A.std(0, ddof=1)
        U, S, Vt = np.linalg.svd((A - A.mean(0)) / sd, full_matrices=False)
        parts.append((U, Vt.T / S / sd[:, None] * np.sqrt(n - 1)))
    (Ux, Mx), (Uy, My) = parts
    U, rho, Vt = np.linalg.svd(Ux.T @ Uy, full_matrices=False)
    return (rho, *orient(Mx @ U, My @ Vt.T, X.std(0, ddof=1)))


def relative_columns(W, ref):
    return float(np.max(np.linalg.norm(W - ref, axis=0) / np.linalg.norm(ref, axis=0)))


def conditions(X, Y):
    return {
        'x_correlation': sig(condition(standardised(X)), 3),
        'y_correlation': sig(condition(standardised(Y)), 3),
        'x_covariance': sig(condition(X - X.mean(0)), 3),
        'y_covariance': sig(condition(Y - Y.mean(0)), 3),
    }


def floats(a):
    return [float(v) for v in np.ravel(a)]


def rows(A):
    return [floats(r) for r in A]


def entry(X, Y, full):
    mx, my, rho, Wx, Wy = cca_qr(X, Y)
    out = {'n': X.shape[0], 'p': X.shape[1], 'q': Y.shape[1], 'condition': conditions(X, Y)}
    rho2, Wx2, Wy2 = cca_svd(X, Y)
    out['check_svd_route_max_abs_correlation_diff'] = sig(float(np.max(np.abs(rho - rho2))), 2)
    if full:
        out['check_svd_route_max_relative_weight_diff'] = sig(max(relative_columns(Wx2, Wx), relative_columns(Wy2, Wy)), 2)
    out['correlations'] = floats(rho)
    if full:
        out['x_means'] = floats(mx)
        out['y_means'] = floats(my)
        out['x_weights'] = rows(Wx)  # p × min(p, q), row-major rows
        out['y_weights'] = rows(Wy)  # q × min(p, q)
    out['X'] = rows(X)
    out['Y'] = rows(Y)
    return out


X, Y = table(400, 1e3)
ref = {
    'source': (f'scripts/reference/cca_qr.py (numpy.linalg.qr + svd, scipy.linalg.solve_triangular), '
               f'Python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}'),
    'seed': SEED,
    'planted_correlations': RHOS,
    'main': entry(X, Y, True),
    'family': [dict(target=t, **entry(*table(200, t), False)) for t in (1e2, 1e4, 1e6, 1e8)],
}
json.dump(ref, sys.stdout, indent=None, separators=(',', ':'))
sys.stdout.write('\n')

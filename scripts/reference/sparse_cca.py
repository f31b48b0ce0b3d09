"""Sparse CCA by the penalized matrix decomposition (Witten, Tibshirani & Hastie 2009,
"A penalized matrix decomposition...", Biostatistics 10(3), section 4 and algorithm 3),
written here from the paper with numpy (not a port of PMA's R code), as the reference for
crossmodal's SparseCCA (test/fixtures/sparse-cca-reference.json).

  C = XᵀY/(n − 1) of the centred views (with scale: columns divided by their sd, ddof 1,
  a constant column keeps 1). Per component: v = the leading right singular vector of the
  current C (numpy's SVD); then, until max |v_new − v| < 1e-12 (at most 1000 rounds),
    u ← S(Cv, Δ)/‖S(Cv, Δ)‖₂,  Δ = 0 if that gives ‖u‖₁ ≤ cx·√p, else ‖u‖₁ = cx·√p exactly;
    v ← S(Cᵀu, Δ)/‖S(Cᵀu, Δ)‖₂ likewise with cy·√q;
  d = uᵀCv, C ← C − d·u·vᵀ; u, v flipped together so u's largest-magnitude entry is positive.
  correlations: corr(Xu, Yv) on the training rows.

Δ is exact: on the sorted |a|, with the top k entries active ‖S‖₁/‖S‖₂ = √k·t/√(t² + σ²)
(t = their mean − Δ, σ² their variance), so = c at t = c·σ/√(k − c²); the first k whose
interval holds the root is taken (numpy cumulative sums, here). A bisection to 1e-15 on every
final u and v is the independent check recorded in 'checks'. When the m largest |a| are tied
and √m > c no Δ meets the bound: u is then the limit, equal magnitudes on those m entries.

Selection (digits): k-fold CV of the held-out sum of correlations and PMA's permutation
z-statistic of the first component; the fold assignment and the permutations are crossmodal's
(xoshiro128** seeded by splitmix32, Fisher–Yates with Lemire's bounded draws; the shuffles of
one seed drawn one after another), reimplemented here.

Data: the planted problem is made here and in the test from the same integer generator
(xorshift32 uniforms k/2³², a normal-ish draw = the sum of 12 minus 6: exact in float64, so
both sides build the same bits; see planted()); the digits halves from data/digits.csv.
  /usr/bin/python3 scripts/reference/sparse_cca.py > test/fixtures/sparse-cca-reference.json
"""
import json
import os
import platform
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kcca_defs import rotl, splitmix_state  # noqa: E402 (crossmodal's PRNG, reimplemented)

TOL, MAXIT = 1e-12, 1000
M32 = 0xffffffff


# ---- the data ----
def uniform(seed):
    """xorshift32 in [0, 1), as test/helpers.ts' uniform."""
    s = [seed & M32 or 0x9e3779b9]

    def nxt():
        x = s[0]
        x ^= (x << 13) & M32
        x ^= x >> 17
        x ^= (x << 5) & M32
        s[0] = x
        return x / 4294967296
    return nxt


def planted(n=200, p=500, q=300, seed=35, strength=1.0):
    """z ~ g per row; X = noise + strength·z·wx on 10 columns, Y likewise on 10; g = Σ 12 uniforms − 6."""
    u = uniform(seed)

    def g():
        s = 0.0
        for _ in range(12):
            s += u()
        return s - 6.0
    sx = [7 + 50 * i for i in range(10)]
    sy = [3 + 30 * i for i in range(10)]
    wx = [(1.0 - 0.05 * i) * (-1.0 if i % 2 else 1.0) for i in range(10)]
    wy = [(0.6 + 0.04 * i) * (-1.0 if (i // 2) % 2 else 1.0) for i in range(10)]
    X, Y = np.empty((n, p)), np.empty((n, q))
    for r in range(n):
        z = g()
        x = [g() for _ in range(p)]
        y = [g() for _ in range(q)]
        for i in range(10):
            x[sx[i]] = x[sx[i]] + strength * wx[i] * z
            y[sy[i]] = y[sy[i]] + strength * wy[i] * z
        X[r], Y[r] = x, y
    return X, Y, sx, sy


def digits():
    d = np.loadtxt('data/digits.csv', delimiter=',')
    pix = d[:, :64].reshape(-1, 8, 8) / 16
    return pix[:, :, :4].reshape(-1, 32), pix[:, :, 4:].reshape(-1, 32)


# ---- the PMD ----
def unit_l1(a, c):
    """S(a, Δ)/‖S(a, Δ)‖₂ with the smallest Δ ≥ 0 that keeps its L1 norm ≤ c, and Δ."""
    big = np.max(np.abs(a))
    if not big > 0:
        raise ZeroDivisionError('a zero vector')
    a = a / big
    nrm = np.linalg.norm(a)
    if np.sum(np.abs(a)) <= c * nrm:
        return a / nrm, 0.0
    b = np.sort(np.abs(a))[::-1]
    k = np.arange(1, len(b) + 1, dtype=float)
    d = b[0] - b
    m1, m2 = np.cumsum(d) / k, np.cumsum(d * d) / k
    mean, var = b[0] - m1, np.maximum(m2 - m1 * m1, 0.0)
    nxt = np.append(b[1:], 0.0)
    t = mean - nxt
    ok = (t > 0) & ((k - c * c) * t * t >= c * c * var)
    i = int(np.argmax(ok))
    if var[i] == 0:  # the top i + 1 tied: the limit, equal magnitudes on them
        s = np.where(np.abs(a) >= b[i], np.sign(a), 0.0)
        return s / np.linalg.norm(s), float(b[i] * big)
    delta = min(max(mean[i] - c * np.sqrt(var[i] / (k[i] - c * c)), nxt[i]), b[i])
    s = np.sign(a) * np.maximum(np.abs(a) - delta, 0.0)
    return s / np.linalg.norm(s), float(delta * big)


def bisect_delta(a, c):
    """Δ by bisection to 1e-15 (relative to max |a|): the independent check of unit_l1."""
    big = np.max(np.abs(a))
    a = np.abs(a) / big
    if np.sum(a) <= c * np.linalg.norm(a):
        return 0.0
    lo, hi = 0.0, 1.0
    while hi - lo > 1e-15:
        mid = 0.5 * (lo + hi)
        s = np.maximum(a - mid, 0.0)
        if np.sum(s) / np.linalg.norm(s) > c:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi) * big


def pmd(C, K, cx, cy):
    """K components of the PMD of C (p×q) with L1 bounds cx·√p, cy·√q: U, V, rounds, converged, bisection gaps."""
    p, q = C.shape
    C = C.copy()
    lx, ly = cx * np.sqrt(p), cy * np.sqrt(q)
    U, V, its, conv, gaps = np.zeros((p, K)), np.zeros((q, K)), [], [], []
    for a in range(K):
        v = np.linalg.svd(C, full_matrices=False)[2][0]
        for it in range(1, MAXIT + 1):
            ax = C @ v
            u, dx = unit_l1(ax, lx)
            ay = C.T @ u
            w, dy = unit_l1(ay, ly)
            change = np.max(np.abs(w - v))
            v = w
            if change < TOL:
                break
        its.append(it)
        conv.append(bool(change < TOL))
        # the check: the last Δs again by bisection, relative to the largest |entry|
        gaps.append(max(abs(dx - bisect_delta(ax, lx)) / np.max(np.abs(ax)), abs(dy - bisect_delta(ay, ly)) / np.max(np.abs(ay))))
        d = u @ C @ v
        if u[np.argmax(np.abs(u))] < 0:
            u, v = -u, -v
        U[:, a], V[:, a] = u, v
        C -= d * np.outer(u, v)
    return U, V, its, conv, gaps


# ---- fits, scores, selection ----
def standardise(A, scale, sd=None):
    """centred columns (mean of A), divided by sd (given, or A's with ddof 1 when scale; 0 → 1)."""
    if sd is None:
        sd = A.std(0, ddof=1) if scale else np.ones(A.shape[1])
        sd = np.where(sd == 0, 1.0, sd)
    return (A - A.mean(0)) / sd, sd


def corr_cols(A, B):
    out = []
    for c in range(A.shape[1]):
        a, b = A[:, c] - A[:, c].mean(), B[:, c] - B[:, c].mean()
        va, vb = a @ a, b @ b
        out.append(float(a @ b / (np.sqrt(va) * np.sqrt(vb))) if va > 0 and vb > 0 else 0.0)
    return out


def fit(X, Y, K, cx, cy, scale):
    Xs, sdx = standardise(X, scale)
    Ys, sdy = standardise(Y, scale)
    U, V, its, conv, gaps = pmd(Xs.T @ Ys / (len(X) - 1), K, cx, cy)
    return {'U': U, 'V': V, 'iterations': its, 'converged': conv, 'gaps': gaps, 'sdx': sdx, 'sdy': sdy,
            'correlations': corr_cols(Xs @ U, Ys @ V)}


class Rng:
    """crossmodal's in-wasm PRNG state: xoshiro128** seeded by splitmix32; shuffle = W.shuffle."""

    def __init__(self, seed):
        self.s = splitmix_state(seed)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def bounded(self, b):
        m = self.next() * b
        if (m & M32) < b:
            thr = (2 ** 32 - b) % b
            while (m & M32) < thr:
                m = self.next() * b
        return m >> 32

    def shuffle(self, n):
        idx = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.bounded(i + 1)
            idx[i], idx[j] = idx[j], idx[i]
        return np.array(idx)


def fold_of_rows(n, folds, seed):
    idx, out = Rng(seed).shuffle(n), np.zeros(n, dtype=int)
    out[idx] = np.arange(n) % folds
    return out


def cross_validate(X, Y, grid, folds, seed, K, scale):
    fold = fold_of_rows(len(X), folds, seed)
    per = np.zeros((len(grid), folds))
    for f in range(folds):
        tr, te = fold != f, fold == f
        for g, (cx, cy) in enumerate(grid):
            m = fit(X[tr], Y[tr], K, cx, cy, scale)
            per[g, f] = sum(corr_cols(X[te] / m['sdx'] @ m['U'], Y[te] / m['sdy'] @ m['V']))
    return {'fold_of_row': fold.tolist(), 'table': [{'penalty': list(grid[g]), 'score': float(per[g].sum() / folds),
                                                     'fold_scores': per[g].tolist()} for g in range(len(grid))]}


def permute(X, Y, grid, B, seed, scale):
    """PMA's CCA.permute statistic: the first component's correlation against those with Y's rows permuted."""
    Xs, _ = standardise(X, scale)
    Ys, _ = standardise(Y, scale)
    n = len(X)

    def one(C, Yr, cx, cy):
        U, V = pmd(C, 1, cx, cy)[:2]
        return corr_cols(Xs @ U, Yr @ V)[0]
    stat = [one(Xs.T @ Ys / (n - 1), Ys, cx, cy) for cx, cy in grid]
    rng, perms = Rng(seed), np.zeros((len(grid), B))
    for b in range(B):
        Yp = Ys[rng.shuffle(n)]
        Cp = Xs.T @ Yp / (n - 1)
        for g, (cx, cy) in enumerate(grid):
            perms[g, b] = one(Cp, Yp, cx, cy)
    rows = []
    for g in range(len(grid)):
        mu, sd = perms[g].mean(), perms[g].std(ddof=1)
        rows.append({'penalty': list(grid[g]), 'correlation': stat[g], 'permuted': perms[g].tolist(),
                     'z': float((stat[g] - mu) / sd), 'p_value': float((1 + np.sum(perms[g] >= stat[g])) / (1 + B))})
    return {'table': rows}


def weights(m):
    return {'x_weights': m['U'].tolist(), 'y_weights': m['V'].tolist(), 'correlations': m['correlations'],
            'iterations': m['iterations'], 'converged': m['converged']}


def support(m, sx, sy):
    """precision and recall of the first component's non-zeros against the planted support."""
    su, sv = set(np.nonzero(m['U'][:, 0])[0].tolist()), set(np.nonzero(m['V'][:, 0])[0].tolist())
    tp = len(su & set(sx)) + len(sv & set(sy))
    return {'nonzero': [len(su), len(sv)], 'precision': tp / (len(su) + len(sv)), 'recall': tp / (len(sx) + len(sy))}


def main():
    checks = {'max_relative_gap_exact_vs_bisection_delta': 0.0, 'max_l1_over_bound': 0.0, 'max_abs_unit_norm_error': 0.0}

    def checked(m, cx, cy):
        p, q = m['U'].shape[0], m['V'].shape[0]
        checks['max_relative_gap_exact_vs_bisection_delta'] = max(checks['max_relative_gap_exact_vs_bisection_delta'], *m['gaps'])
        for c in range(m['U'].shape[1]):
            u, v = m['U'][:, c], m['V'][:, c]
            checks['max_l1_over_bound'] = max(checks['max_l1_over_bound'], np.abs(u).sum() - cx * np.sqrt(p), np.abs(v).sum() - cy * np.sqrt(q))
            checks['max_abs_unit_norm_error'] = max(checks['max_abs_unit_norm_error'], abs(np.linalg.norm(u) - 1), abs(np.linalg.norm(v) - 1))
        return m

    X, Y, sx, sy = planted()
    out = {
        'source': 'scripts/reference/sparse_cca.py (numpy, written from Witten, Tibshirani & Hastie 2009; see its docstring)',
        'versions': {'python': platform.python_version(), 'numpy': np.__version__},
        'settings': {'tol': TOL, 'max_iterations': MAXIT},
        'notes': [
            'Matrices are lists of rows; weights are p x k, unit columns, standardised units when scale is true.',
            'planted: n = 200, p = 500, q = 300 from planted(seed = 35, strength = 1): a latent z per row, '
            'X = noise + z wx on columns 7, 57, ..., 457, Y = noise + z wy on columns 3, 33, ..., 273; '
            'the inputs are not stored: the test rebuilds them and checks the sums and corners below.',
            'digits: data/digits.csv pixels / 16, X = left half (columns 0..3 of each image row), Y = right half, '
            'fitted on rows 0..1499; test_correlations on rows 1500..1796.',
            'support: the first component\'s non-zero weights against the planted columns (precision, recall over both views).',
            'cross_validate: the held-out sum of the first components\' correlations per fold (weights divided by the '
            'training sds, Pearson on the held-out rows), score = their mean; folds dealt by crossmodal\'s shuffle.',
            'permute: PMA\'s statistic with Y\'s rows permuted by crossmodal\'s shuffles (seed 0, drawn in sequence); '
            'z = (r - mean) / sd (ddof 1), p_value = (1 + #{permuted >= r}) / (1 + B).',
            'readme: the example of README.md\'s SparseCCA section (12 rows, 4 + 3 columns, scale true), whose printed values come from here.',
        ],
    }
    out['planted'] = {
        'inputs': {'x_sum': float(X.sum()), 'y_sum': float(Y.sum()), 'x_sumsq': float((X * X).sum()), 'y_sumsq': float((Y * Y).sum()),
                   'x_row0': X[0, :6].tolist(), 'y_last_row': Y[-1, -6:].tolist()},
        'support_x': sx, 'support_y': sy,
    }
    for name, (k, cx, cy, scale) in {'scale_true': (5, 0.13, 0.17, True), 'scale_false': (3, 0.13, 0.17, False)}.items():
        m = checked(fit(X, Y, k, cx, cy, scale), cx, cy)
        out['planted'][name] = {'components': k, 'penalty': [cx, cy], **weights(m), 'support': support(m, sx, sy)}
    out['planted']['support_by_penalty'] = [{'penalty': [cx, cy], **support(fit(X, Y, 1, cx, cy, True), sx, sy)}
                                            for cx, cy in ((0.1, 0.13), (0.12, 0.15), (0.13, 0.17), (0.14, 0.18), (0.2, 0.25))]

    left, right = digits()
    Xd, Yd, Xt, Yt = left[:1500], right[:1500], left[1500:], right[1500:]
    out['digits'] = {}
    for name, (k, cx, cy, scale) in {'scale_true': (3, 0.5, 0.5, True), 'scale_false': (3, 0.4, 0.6, False)}.items():
        m = checked(fit(Xd, Yd, k, cx, cy, scale), cx, cy)
        test = corr_cols(Xt / m['sdx'] @ m['U'], Yt / m['sdy'] @ m['V'])
        out['digits'][name] = {'components': k, 'penalty': [cx, cy], **weights(m), 'test_correlations': test}
    grid = [(0.2, 0.2), (0.35, 0.35), (0.5, 0.5), (0.7, 0.7), (0.3, 0.6)]
    out['digits']['cross_validate'] = {'penalties': [list(g) for g in grid], 'folds': 5, 'seed': 0, 'components': 2, 'scale': True,
                                       **cross_validate(Xd, Yd, grid, 5, 0, 2, True)}
    out['digits']['permute'] = {'penalties': [list(g) for g in grid], 'permutations': 25, 'seed': 0, 'scale': True,
                                **permute(Xd, Yd, grid, 25, 0, True)}
    # the README's example: a fit, the permutation z and the cross-validation table
    Xr = np.array([[1, 2, 0, 3], [2, 1, 1, 1], [3, 5, 0, 2], [4, 3, 2, 5], [5, 6, 1, 1], [6, 4, 3, 4], [7, 8, 2, 2], [8, 6, 4, 6],
                   [9, 7, 1, 3], [10, 9, 5, 2], [11, 8, 2, 6], [12, 11, 3, 1]], dtype=float)
    Yr = np.array([[1, 0, 2], [2, 1, 1], [3, 0, 3], [4.5, 2, 2], [5, 1, 4], [6.5, 3, 2], [7, 2, 5], [8.5, 4, 3], [9, 1, 2],
                   [10.5, 5, 4], [11, 2, 3], [12.5, 3, 5]], dtype=float)
    grid = [(0.5, 0.6), (0.75, 0.75), (1, 1)]
    m = checked(fit(Xr, Yr, 1, 0.6, 0.7, True), 0.6, 0.7)
    out['readme'] = {'x': Xr.tolist(), 'y': Yr.tolist(), 'fit': {'components': 1, 'penalty': [0.6, 0.7], **weights(m)},
                     'permute': {'penalties': [list(g) for g in grid], 'permutations': 25, 'seed': 0, **permute(Xr, Yr, grid, 25, 0, True)},
                     'cross_validate': {'penalties': [list(g) for g in grid], 'folds': 3, 'seed': 0, 'components': 1,
                                        **cross_validate(Xr, Yr, grid, 3, 0, 1, True)}}
    out['checks'] = checks
    print(json.dumps(out, separators=(',', ':')))


if __name__ == '__main__':
    main()

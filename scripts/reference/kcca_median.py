# Reference values for KernelCCA's `scale` option and its default γ, the median heuristic
# (test/fixtures/kcca-median-reference.json), independent of crossmodal's code:
#   - standardisation: (x − training column mean) / training column standard deviation
#     (numpy, ddof=1; a constant column keeps scale 1);
#   - median heuristic: γ = 1 / median of the squared distances ‖xᵢ − xⱼ‖² over the pairs
#     i < j of the (standardised) training rows (scipy's pdist 'sqeuclidean', numpy's median);
#     above 1000 rows, of the 1000 rows crossmodal documents drawing: the first 1000 of the
#     Fisher–Yates shuffle of 0..n−1 by xoshiro128** seeded by splitmix32 with seed 1 (Lemire's
#     bounded draws), reimplemented here from that description;
#   - kernel CCA from the n×n definition ρ² = eig(Rx·Ry), R = K̃(K̃ + (n−1)κI)⁻¹, and new rows by
#     the dual eigenproblem (as scripts/reference/kcca.py), on the standardised rows.
# The synthetic tables are made here and stored in the fixture (the large one is integer
# arithmetic that the test recomputes exactly: see `big` below).
#   /usr/bin/python3 scripts/reference/kcca_median.py > test/fixtures/kcca-median-reference.json
import json, sys
import numpy as np, scipy, scipy.linalg
from kcca_defs import centre, corr_cols, correlations, dual, kernel, landmarks, new_rows  # noqa: E402 (the script's folder is on sys.path)
from scipy.spatial.distance import pdist

rng = np.random.default_rng(32)
n, nt = 80, 40
Z = rng.standard_normal((n + nt, 2))
# columns in very different units and offsets
X = np.column_stack([0.01 * Z[:, 0] + 3, 30 * rng.uniform(-1, 1, n + nt), 2000 * Z[:, 1] - 1e4])
Y = np.column_stack([0.5 * (Z[:, 0] ** 2) + 0.1 * rng.standard_normal(n + nt),
                     1e3 * np.sin(Z[:, 1]) + 100 * rng.standard_normal(n + nt)])
Xtr, Xte, Ytr, Yte = X[:n], X[n:], Y[:n], Y[n:]


def standardise(train):
    sd = train.std(0, ddof=1)
    sd[sd == 0] = 1
    return train.mean(0), sd


def median_gamma(A):
    m = float(np.median(pdist(A, 'sqeuclidean')))
    return 1.0 if m == 0 else 1 / m


def case(kind, scale, k, kappa, gamma=None, **kw):
    A, B, At, Bt = Xtr, Ytr, Xte, Yte
    out = {}
    if scale:
        (mx, sx), (my, sy) = standardise(Xtr), standardise(Ytr)
        A, B, At, Bt = (Xtr - mx) / sx, (Ytr - my) / sy, (Xte - mx) / sx, (Yte - my) / sy
        out['mean'] = [mx.tolist(), my.tolist()]
        out['sd'] = [sx.tolist(), sy.tolist()]
    gx, gy = gamma if gamma is not None else (median_gamma(A), median_gamma(B))
    Kx, Ky = kernel(A, A, kind, gx, **kw), kernel(B, B, kind, gy, **kw)
    alpha, beta, rho = dual(Kx, Ky, kappa, kappa, k)
    U = new_rows(kernel(At, A, kind, gx, **kw), Kx, alpha)
    V = new_rows(kernel(Bt, B, kind, gy, **kw), Ky, beta)
    out.update({
        'gamma': [gx, gy],
        'train_correlations': correlations(Kx, Ky, kappa, kappa, k).tolist(),
        'test_correlations': corr_cols(U, V),
        'test_u': U.ravel().tolist(),
        'test_v': V.ravel().tolist(),
    })
    return out


# the large table: cell (i, c) = ((i·a + i²·b + d) mod 1009 − 504) / 1009 · unit, integers then
# one division and one product (the same double in any IEEE language)
BIG_N = 1500
BIG_X = [(7, 3, 1, 0.001), (13, 1, 5, 50.0), (31, 17, 2, 7000.0), (3, 29, 11, 0.25)]
BIG_Y = [(11, 5, 3, 120.0), (19, 2, 7, 0.002)]


def big(spec):
    i = np.arange(BIG_N, dtype=np.int64)
    return np.column_stack([((i * a + i * i * b + d) % 1009 - 504) / 1009 * u for a, b, d, u in spec])


Xb, Yb = big(BIG_X), big(BIG_Y)
rows = landmarks(BIG_N, 1000, 1)  # the median's rows are drawn as the landmarks are
(mxb, sxb), (myb, syb) = standardise(Xb), standardise(Yb)

ref = {
    'source': f'scripts/reference/kcca_median.py: python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}',
    'n_train': n,
    'x': X.ravel().tolist(), 'y': Y.ravel().tolist(), 'p': 3, 'q': 2,
    # defaults: scale, the median heuristic; κ and components as the test passes them
    'rbf': case('rbf', True, 2, 1e-3),
    'polynomial': case('polynomial', True, 2, 1e-2, degree=3, coef0=1.0),
    # scale with a given γ: γ applies to the standardised rows
    'rbf_scale_given': case('rbf', True, 2, 1e-2, gamma=(0.3, 0.6)),
    # scale: false without γ: the median heuristic on the raw rows
    'rbf_raw_median': case('rbf', False, 2, 1e-2),
    'subsample': {
        'n': BIG_N, 'x_spec': BIG_X, 'y_spec': BIG_Y, 'seed': 1, 'rows': rows,
        'gamma': [median_gamma(((Xb - mxb) / sxb)[rows]), median_gamma(((Yb - myb) / syb)[rows])],
        'gamma_all_rows': [median_gamma((Xb - mxb) / sxb), median_gamma((Yb - myb) / syb)],
    },
}
json.dump(ref, sys.stdout, indent=None, separators=(',', ':'))

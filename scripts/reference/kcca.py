# Reference values for KernelCCA (test/fixtures/kcca-reference.json), independent of
# crossmodal's formulation: every correlation is computed from the n×n definition
#   ρ² = eigenvalues of Rx·Ry,  R = K̃(K̃ + (n−1)κI)⁻¹,  K̃ = H·K·H  (H = I − 11ᵀ/n)
# with scipy.linalg.eigvals; the dual coefficients from the eigenproblem
#   (K̃x + (n−1)κI)⁻¹ K̃y (K̃y + (n−1)κI)⁻¹ K̃x α = ρ² α,  β = (K̃y + (n−1)κI)⁻¹ K̃x α / ρ
# and new rows through the centred kernel k̃(x) = k(x) − mean(k(x)) − colmeans(K) + mean(K).
# Nyström: the approximate Gram K̂ = K_nm K_mm⁺ K_mn (pseudo-inverse dropping eigenvalues below
# 1e-12 of the largest, as crossmodal documents) put through the same definition, with
# the landmarks drawn as crossmodal documents it (xoshiro128** seeded by splitmix32, a
# Fisher–Yates shuffle of 0..n−1 with Lemire's bounded draws, the first m, ascending),
# reimplemented here from that description. Nyström's held-out values come from numpy's own
# feature map and ridge CCA on it (and, as a cross-check, from the n×n route).
# The synthetic data are made here and stored in the fixture.
#   python3 scripts/reference/kcca.py > test/fixtures/kcca-reference.json
import json, sys
import numpy as np, scipy, scipy.linalg
from kcca_defs import centre, corr_cols, correlations, dual, kernel, landmarks, new_rows  # noqa: E402 (the script's folder is on sys.path)

rng = np.random.default_rng(7)
n, nt = 240, 120
X = rng.uniform(-1, 1, size=(n + nt, 3))
Y = np.column_stack([X[:, 0] ** 2 + 0.1 * rng.standard_normal(n + nt),
                     np.sin(2 * X[:, 1]) + 0.1 * rng.standard_normal(n + nt)])
Xtr, Xte, Ytr, Yte = X[:n], X[n:], Y[:n], Y[n:]


def exact_case(kind, gx, gy, kx, ky, k, **kw):
    Kx, Ky = kernel(Xtr, Xtr, kind, gx, **kw), kernel(Ytr, Ytr, kind, gy, **kw)
    alpha, beta, rho = dual(Kx, Ky, kx, ky, k)
    U = new_rows(kernel(Xte, Xtr, kind, gx, **kw), Kx, alpha)
    V = new_rows(kernel(Yte, Ytr, kind, gy, **kw), Ky, beta)
    return {
        'train_correlations': correlations(Kx, Ky, kx, ky, k).tolist(),
        'dual_train_correlations': rho.tolist(),
        'test_correlations': corr_cols(U, V),
        'test_u': U.ravel().tolist(),
        'test_v': V.ravel().tolist(),
    }


def nystrom_case(kind, gx, gy, kx, ky, k, m, seed):
    L = landmarks(n, m, seed)
    out = {'landmarks': L}
    Ks = []
    for A, g in ((Xtr, gx), (Ytr, gy)):
        Knm = kernel(A, A[L], kind, g)
        Khat = Knm @ np.linalg.pinv(kernel(A[L], A[L], kind, g), hermitian=True, rcond=1e-12) @ Knm.T
        Ks.append(Khat)
    out['train_correlations'] = correlations(Ks[0], Ks[1], kx, ky, k).tolist()
    # held out: the Nyström feature map of the test rows is k(x, L)·K_mm^-½ and K̂(x, x′) its
    # inner products, so the new rows' kernel against the training rows is k(x, L)K_mm⁺K_Ln
    alpha, beta, rho = dual(Ks[0], Ks[1], kx, ky, k)
    news = []
    for (A, Ate, g), Khat, coef in zip(((Xtr, Xte, gx), (Ytr, Yte, gy)), Ks, (alpha, beta)):
        P = np.linalg.pinv(kernel(A[L], A[L], kind, g), hermitian=True, rcond=1e-12)
        Knew = kernel(Ate, A[L], kind, g) @ P @ kernel(A[L], A, kind, g)
        news.append(new_rows(Knew, Khat, coef))
    # (this route through n×n pseudo-inverse products carries ~1e-8 of rounding)
    out['dual_test_correlations'] = corr_cols(news[0], news[1])
    # and through the feature map itself: Φ = k(x, L)·V·M^-½ (numpy's eigh of K_mm, the same
    # cutoff), then ridge CCA on Φ from numpy covariances, eigh whitening and SVD
    F, T = [], []
    for A, Ate, g in ((Xtr, Xte, gx), (Ytr, Yte, gy)):
        mu, V = np.linalg.eigh(kernel(A[L], A[L], kind, g))
        o = np.argsort(-mu)
        mu, V = mu[o], V[:, o]
        r = int(np.sum(mu > 1e-12 * mu[0]))
        Mh = V[:, :r] / np.sqrt(mu[:r])
        F.append(kernel(A, A[L], kind, g) @ Mh)
        T.append(kernel(Ate, A[L], kind, g) @ Mh)
    means = [f.mean(0) for f in F]
    C = [f - m_ for f, m_ in zip(F, means)]

    def inv_sqrt(S):
        lam, V = np.linalg.eigh(S)
        return V @ np.diag(lam ** -0.5) @ V.T
    Wx = inv_sqrt(C[0].T @ C[0] / (n - 1) + kx * np.eye(C[0].shape[1]))
    Wy = inv_sqrt(C[1].T @ C[1] / (n - 1) + ky * np.eye(C[1].shape[1]))
    a, s, bt = np.linalg.svd(Wx @ (C[0].T @ C[1] / (n - 1)) @ Wy)
    out['feature_train_correlations'] = s[:k].tolist()
    out['test_correlations'] = corr_cols((T[0] - means[0]) @ Wx @ a[:, :k], (T[1] - means[1]) @ Wy @ bt.T[:, :k])
    return out


ref = {
    'generator': 'scripts/reference/kcca.py',
    'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__},
    'n_train': n,
    'x': X.ravel().tolist(), 'y': Y.ravel().tolist(), 'p': 3, 'q': 2,
    'rbf': exact_case('rbf', 0.5, 1.0, 1e-2, 1e-2, 3),
    'polynomial': exact_case('polynomial', 0.5, 0.5, 1e-2, 1e-2, 2, degree=2, coef0=1.0),
    'rbf_scale': {**exact_case('rbf', 1 / (3 * Xtr.var()), 1 / (2 * Ytr.var()), 1e-3, 1e-3, 2),
                  'gamma': [1 / (3 * Xtr.var()), 1 / (2 * Ytr.var())]},
    'nystrom': nystrom_case('rbf', 0.5, 1.0, 1e-2, 1e-2, 3, 60, 3),
    'landmarks_check': {'n': 1000, 'm': 10, 'seed': 12345, 'indices': landmarks(1000, 10, 12345)},
}
json.dump(ref, sys.stdout, indent=None, separators=(',', ':'))

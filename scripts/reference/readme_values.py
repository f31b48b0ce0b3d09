"""Independent values for the outputs README.md states (numpy/scikit-learn, not this package).

Run: python3 scripts/reference/readme_values.py > test/fixtures/readme-values.txt
test/readme.test.ts runs the README's examples and checks their printed values against the
README's `// →` patterns; this script is where the numbers in those patterns come from.
"""
import numpy as np
import sklearn


def isqrt(S):
    w, V = np.linalg.eigh(S)
    return V @ np.diag(w ** -0.5) @ V.T


def schafer_strimmer(Z):
    """corpcor's estimate.lambda (target D) of the columns of Z, from the rows."""
    n = len(Z)
    xs = (Z - Z.mean(0)) / Z.std(0, ddof=1)
    E2R, ER2 = (xs.T @ xs / n) ** 2, (xs ** 2).T @ (xs ** 2) / n
    off = ~np.eye(Z.shape[1], dtype=bool)
    return min(1.0, max(0.0, (ER2[off].sum() - E2R[off].sum()) / E2R[off].sum() / (n - 1)))


def cca(X, Y, rx=0.0, ry=0.0, shrink=False):
    """Closed-form CCA: singular values of (Sxx + rI)^-1/2 Sxy (Syy + rI)^-1/2 (n - 1 covariances);
    shrink=True: regularization 'auto', every correlation of the joined views [X, Y] times 1 - lambda
    (Schafer-Strimmer's lambda of [X, Y]), the variances kept."""
    n = len(X)
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    Sxx, Syy, Sxy = Xc.T @ Xc / (n - 1), Yc.T @ Yc / (n - 1), Xc.T @ Yc / (n - 1)
    lam = schafer_strimmer(np.hstack([X, Y])) if shrink else 0.0

    def prep(S, r):
        if not shrink:
            return S + r * np.eye(len(S))
        return (1 - lam) * S + lam * np.diag(np.diag(S))

    Wx, Wy = isqrt(prep(Sxx, rx)), isqrt(prep(Syy, ry))
    U, s, Vt = np.linalg.svd(Wx @ ((1 - lam) * Sxy) @ Wy)
    return s, X.mean(0), Y.mean(0), Wx @ U, Wy @ Vt.T


print(f"numpy {np.__version__}, scikit-learn {sklearn.__version__}")

X = np.array([[1, 2], [2, 1], [3, 5], [4, 3], [5, 6], [6, 4]], float)
Y = np.array([[1.1, 0], [2.1, 1], [2.9, 0], [4.2, 1], [5.1, 1], [5.8, 0]], float)
print("Linear CCA, toy data, no ridge:", cca(X, Y)[0])
print("Saving and loading, ridge 1e-3:", cca(X, Y, 1e-3, 1e-3)[0])

i = np.arange(1000)
a, b, c = np.sin(i), np.cos(3 * i), (i % 7) / 7
Xs, Ys = np.stack([a + 0.1 * c, 2 * b + a], 1), np.stack([a - b, c, a * c], 1)
print("Streaming and shards, 'auto' (Schafer-Strimmer):", cca(Xs, Ys, shrink=True)[0])

i = np.arange(400)
z = np.sin(i * 12.9898) * 0.999
Xd, Yd = np.stack([np.sin(3 * z), np.cos(i)], 1), np.stack([z * z * np.sign(z), np.sin(i * 0.7)], 1)
_, mx, my, wx, wy = cca(Xd[:300], Yd[:300])
u, v = (Xd[300:] - mx) @ wx[:, 0], (Yd[300:] - my) @ wy[:, 0]
print("DeepCCA example, linear CCA held out:", np.corrcoef(u, v)[0, 1])

A = np.array([[4, 1, 0], [1, 3, 1], [0, 1, 2]], float)
print("The layers underneath, eigenvalues:", np.linalg.eigvalsh(A)[::-1])
print("singular values:", np.linalg.svd(A, compute_uv=False))
print("A Aᵀ:", (A @ A.T).tolist())
print("covariance:", np.cov(np.array([[1, 2], [2, 4.5], [3, 5.5]]).T).tolist())

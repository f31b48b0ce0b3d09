"""Reference for partial CCA, prediction and interpretation (issue 35), computed from the rows with
numpy alone, independently of crossmodal.

Run: /usr/bin/python3 scripts/reference/cca_partial.py > test/fixtures/cca-partial-reference.json

Table: a synthetic one the script makes and stores (seed 35): n = 160 training and 60 test rows,
X 6 columns, Y 4 columns, Z 3 covariates; two latent factors shared by X and Y, and the covariates
add to both views (so CCA without them finds the covariates' correlation), columns in mixed units.

- partial CCA: X and Y residualised on [1, Z] by least squares (numpy.linalg.lstsq), then CCA of
  the residuals: Cxx = cov(Rx) + r I (r the ridge, on the raw covariance), Cyy likewise,
  T = Cxx^-1/2 cov(Rx, Ry) Cyy^-1/2 = U diag(rho) V^T, weights Cxx^-1/2 U, Cyy^-1/2 V (signs
  compared up to a flip per component). Ridge 0 and 0.05.
- the test rows' variates: the test views residualised with the training coefficients, times the
  weights.
- predict (no covariates): Y-hat = ybar + (X - xbar) Wx diag(rho) (Syy Wy)^T with S the sample
  covariances (n - 1) and Wx, Wy the first k weights, for k = 2 and k = 4 (all pairs, ridge 0:
  also the least-squares regression of Y on [1, X], stored separately from lstsq); and
  X-hat from Y for k = 2.
- structure correlations on the training rows (k = 3): corr(columns, variates), own and cross.
- explained variance: mean over a view's columns of the squared structure correlation with its own
  variate j; redundancy: that times rho_j^2 (Stewart & Love 1968).
- inverseTransform: the least-squares map from the k variates back to the view, computed by
  lstsq of the centred view on the variates (k = 2), applied to the test variates.
"""
import json
import sys
import numpy as np


def isqrt(C):
    w, V = np.linalg.eigh(C)
    return V @ np.diag(w ** -0.5) @ V.T


def cca(A, B, ridge):
    Ac, Bc = A - A.mean(0), B - B.mean(0)
    n = len(A)
    Cxx = Ac.T @ Ac / (n - 1) + ridge * np.eye(A.shape[1])
    Cyy = Bc.T @ Bc / (n - 1) + ridge * np.eye(B.shape[1])
    Wx, Wy = isqrt(Cxx), isqrt(Cyy)
    U, s, Vt = np.linalg.svd(Wx @ (Ac.T @ Bc / (n - 1)) @ Wy)
    k = min(A.shape[1], B.shape[1])
    return s[:k], Wx @ U[:, :k], Wy @ Vt.T[:, :k]


def residualise(V, Z, coef=None):
    D = np.hstack([np.ones((len(Z), 1)), Z])
    if coef is None:
        coef = np.linalg.lstsq(D, V, rcond=None)[0]
    return V - D @ coef, coef


def corr(A, B):
    Ac, Bc = A - A.mean(0), B - B.mean(0)
    return (Ac.T @ Bc) / np.outer(np.sqrt((Ac ** 2).sum(0)), np.sqrt((Bc ** 2).sum(0)))


def m(a):
    a = np.atleast_2d(np.asarray(a, dtype=float))
    return {"rows": a.shape[0], "cols": a.shape[1], "data": [float(v) for v in a.ravel()]}


rng = np.random.default_rng(35)
N, nt, p, q, r = 160, 60, 6, 4, 3
n = N + nt
Z = rng.normal(size=(n, r)) * np.array([1.0, 10.0, 0.1])
L = rng.normal(size=(n, 2))
X = L @ rng.normal(size=(2, p)) + Z @ (rng.normal(size=(r, p)) * np.array([1, 0.1, 10]).reshape(r, 1)) + rng.normal(size=(n, p))
Y = L @ rng.normal(size=(2, q)) + Z @ (rng.normal(size=(r, q)) * np.array([1, 0.1, 10]).reshape(r, 1)) + rng.normal(size=(n, q))
X = X * np.array([1, 100, 0.01, 5, 1, 0.5])
Y = Y * np.array([2, 0.1, 30, 1])
Xtr, Ytr, Ztr = X[:N], Y[:N], Z[:N]
Xte, Yte, Zte = X[N:], Y[N:], Z[N:]

out = {
    "script": "scripts/reference/cca_partial.py",
    "numpy": np.__version__,
    "python": sys.version.split()[0],
    "X": m(X), "Y": m(Y), "Z": m(Z), "train": N,
    "partial": {},
}
Rx, cx = residualise(Xtr, Ztr)
Ry, cy = residualise(Ytr, Ztr)
for ridge in [0.0, 0.05]:
    rho, wx, wy = cca(Rx, Ry, ridge)
    Rxt, _ = residualise(Xte, Zte, cx)
    Ryt, _ = residualise(Yte, Zte, cy)
    out["partial"][str(ridge)] = {
        "correlations": [float(v) for v in rho],
        "xWeights": m(wx), "yWeights": m(wy),
        "testU": m(Rxt @ wx), "testV": m(Ryt @ wy),
        "testScore": [float(np.corrcoef((Rxt @ wx)[:, j], (Ryt @ wy)[:, j])[0, 1]) for j in range(len(rho))],
    }
# without covariates: the plain CCA's correlations (to show the covariates matter)
out["plainCorrelations"] = [float(v) for v in cca(Xtr, Ytr, 0.0)[0]]

# predict, structure, explained variance, redundancy, inverse transform (no covariates, ridge 0 and 0.05)
pred = {}
for ridge in [0.0, 0.05]:
    rho, wx, wy = cca(Xtr, Ytr, ridge)
    xbar, ybar = Xtr.mean(0), Ytr.mean(0)
    Sxx, Syy = np.cov(Xtr.T), np.cov(Ytr.T)
    e = {}
    for k in [2, 4]:
        e[f"yhat{k}"] = m(ybar + (Xte - xbar) @ wx[:, :k] @ np.diag(rho[:k]) @ (Syy @ wy[:, :k]).T)
    e["xhat2"] = m(xbar + (Yte - ybar) @ wy[:, :2] @ np.diag(rho[:2]) @ (Sxx @ wx[:, :2]).T)
    k = 3
    U, V = (Xtr - xbar) @ wx[:, :k], (Ytr - ybar) @ wy[:, :k]
    sc = {"xOwn": corr(Xtr, U), "xCross": corr(Xtr, V), "yOwn": corr(Ytr, V), "yCross": corr(Ytr, U)}
    e["structure3"] = {key: m(v) for key, v in sc.items()}
    ev_x, ev_y = (sc["xOwn"] ** 2).mean(0), (sc["yOwn"] ** 2).mean(0)
    e["explained3"] = {"x": [float(v) for v in ev_x], "y": [float(v) for v in ev_y]}
    e["redundancy3"] = {"x": [float(v) for v in ev_x * rho[:k] ** 2], "y": [float(v) for v in ev_y * rho[:k] ** 2]}
    k = 2
    U2, V2 = (Xtr - xbar) @ wx[:, :k], (Ytr - ybar) @ wy[:, :k]
    Mx = np.linalg.lstsq(U2, Xtr - xbar, rcond=None)[0]
    My = np.linalg.lstsq(V2, Ytr - ybar, rcond=None)[0]
    Ut, Vt = (Xte - xbar) @ wx[:, :k], (Yte - ybar) @ wy[:, :k]
    e["inverse2"] = {"U": m(Ut), "V": m(Vt), "x": m(xbar + Ut @ Mx), "y": m(ybar + Vt @ My)}
    pred[str(ridge)] = e
D = np.hstack([np.ones((N, 1)), Xtr])
B = np.linalg.lstsq(D, Ytr, rcond=None)[0]
pred["ols"] = m(np.hstack([np.ones((nt, 1)), Xte]) @ B)
out["predict"] = pred

# partial predict (ridge 0, k = 4): the regression of Y on [1, X, Z]
D = np.hstack([np.ones((N, 1)), Xtr, Ztr])
B = np.linalg.lstsq(D, Ytr, rcond=None)[0]
out["partialOls"] = m(np.hstack([np.ones((nt, 1)), Xte, Zte]) @ B)
json.dump(out, sys.stdout)

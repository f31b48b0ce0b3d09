# Reference values for MCCA's and GCCA's `scale` option (test/fixtures/mcca-scale-reference.json),
# independent of crossmodal: each column standardised by the training rows' mean and standard
# deviation (n − 1; a constant column keeps scale 1), a ridge rᵢ added to each standardised
# view's covariance, then
#   MCCA: the generalised symmetric eigenproblem C w = λ D w by scipy.linalg.eigh(C, D)
#         (D the block diagonal of the ridged view covariances, C the joint covariance with D's
#         blocks on its diagonal); each view's weights scaled to unit ridged variance, divided by
#         the columns' standard deviations for the raw columns; signs: in each component the
#         first view's largest standardised weight positive;
#   GCCA: MAXVAR through the n×n matrix Σᵢ Pᵢ, Pᵢ = Zᵢ(ZᵢᵀZᵢ + (n−1)rᵢI)⁻¹Zᵢᵀ on the centred
#         standardised views Zᵢ; the eigenvalues and the first rows of G.
# The table is synthetic (three views of 5, 3 and 4 columns from three shared latent factors,
# numpy's default_rng(2024)), each column in its own unit: ×10^k with k from −3 to 4, and one
# column of view 0 constant (2500); rows 0..219 train, 220..299 held out. It is stored in the
# fixture. Regenerate with
#   /usr/bin/python3 scripts/reference/mcca_scale.py > test/fixtures/mcca-scale-reference.json
import json, sys
import numpy as np, scipy, scipy.linalg

rng = np.random.default_rng(2024)
n_all, n = 300, 220
dims = [5, 3, 4]
units = [[4, -3, 0, 2, 1], [-2, 3, -1], [0, 4, -3, 2]]
z = rng.standard_normal((n_all, 3)) * [1.0, 0.8, 0.6]
views = []
for i, p in enumerate(dims):
    load = rng.standard_normal((3, p))
    x = z @ load + rng.standard_normal((n_all, p)) * (0.6 + 0.3 * i)
    if i == 0:
        x[:, 2] = 2500.0 / 10.0 ** units[0][2]  # constant: 2500 after the unit below
    views.append(x * 10.0 ** np.array(units[i], dtype=float))
train = [v[:n] for v in views]
test = [v[n:] for v in views]
ridges = [0.1, 0.03, 0.3]
k = 3
m = len(dims)

means = [v.mean(axis=0) for v in train]
sds = []
for v in train:
    sd = v.std(axis=0, ddof=1)
    sd[sd == 0] = 1
    sds.append(sd)
Z = [(v - means[i]) / sds[i] for i, v in enumerate(train)]
off = np.cumsum([0] + dims)
J = np.hstack(Z)
C = J.T @ J / (n - 1)
D = np.zeros_like(C)
for i in range(m):
    s = slice(off[i], off[i + 1])
    D[s, s] = C[s, s] + ridges[i] * np.eye(dims[i])
C2 = C.copy()
for i in range(m):
    s = slice(off[i], off[i + 1])
    C2[s, s] = D[s, s]
lam, Wall = scipy.linalg.eigh(C2, D)
order = np.argsort(lam)[::-1][:k]
lam, Wall = lam[order], Wall[:, order]
std_weights = []
for i in range(m):
    w = Wall[off[i]:off[i + 1]].copy()
    s = slice(off[i], off[i + 1])
    for c in range(k):
        w[:, c] /= np.sqrt(w[:, c] @ D[s, s] @ w[:, c])
    std_weights.append(w)
for c in range(k):
    a = std_weights[0][:, c]
    if a[np.argmax(np.abs(a))] < 0:
        for w in std_weights:
            w[:, c] = -w[:, c]
weights = [w / sds[i][:, None] for i, w in enumerate(std_weights)]


def variates(vs):
    return [(v - means[i]) @ weights[i] for i, v in enumerate(vs)]


def mean_pairwise(u):
    out = []
    for c in range(k):
        r = [np.corrcoef(u[i][:, c], u[j][:, c])[0, 1] for i in range(m) for j in range(i + 1, m)]
        out.append(float(np.mean(r)))
    return out


S = np.zeros((n, n))
for i, Zi in enumerate(Z):
    S += Zi @ np.linalg.solve(Zi.T @ Zi + (n - 1) * ridges[i] * np.eye(dims[i]), Zi.T)
glam, G = np.linalg.eigh(S)
gorder = np.argsort(glam)[::-1][:k]
glam, G = glam[gorder], G[:, gorder]

f = lambda a: [float(x) for x in np.ravel(a)]
json.dump({
    'source': 'scripts/reference/mcca_scale.py: a synthetic table of three views (5, 3, 4 columns; numpy default_rng(2024)), columns in mixed units (×10^k, k in −3..4, one constant column), standardised by the training rows, per-view ridges on the standardised covariances; MCCA by scipy.linalg.eigh(C, D), GCCA by the n×n Σᵢ Pᵢ',
    'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__},
    'train_rows': n, 'units': units, 'ridges': ridges, 'components': k,
    'views': [[f(row) for row in v] for v in views],
    'eigenvalues': f(lam),
    'train_correlations': mean_pairwise(variates(train)),
    'test_correlations': mean_pairwise(variates(test)),
    'weights': [[f(row) for row in w] for w in weights],
    'test_variates_first_rows': [[f(row) for row in u[:10]] for u in variates(test)],
    'gcca_eigenvalues': f(glam),
    'gcca_G_first_rows': [f(row) for row in G[:20]],
}, sys.stdout)
print()

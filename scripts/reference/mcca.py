# Reference values for MCCA and GCCA (test/fixtures/mcca-reference.json), independent of
# crossmodal: MCCA as the generalised symmetric eigenproblem C w = λ D w solved by
# scipy.linalg.eigh(C, D); GCCA (MAXVAR) through the n×n matrix Σᵢ Pᵢ directly,
# Pᵢ = Xᵢ(XᵢᵀXᵢ + (n−1)rI)⁻¹Xᵢᵀ on centred views.
# Digits (data/digits.csv) split into four 4×4 quadrant views, pixels / 16, rows 0..1499,
# ridge 1e-3 on every view; covariances normalised by n − 1.
#   python3 scripts/reference/mcca.py > test/fixtures/mcca-reference.json
import json, sys
import numpy as np, scipy, scipy.linalg

raw = np.loadtxt('data/digits.csv', delimiter=',')
px = raw[:, :64].reshape(-1, 8, 8) / 16
views = [px[:, r:r + 4, c:c + 4].reshape(-1, 16) for r in (0, 4) for c in (0, 4)]
train = [v[:1500] for v in views]
test = [v[1500:] for v in views]
ridge, k = 1e-3, 5
Z = np.hstack(train)
C = np.cov(Z, rowvar=False)
dims = [v.shape[1] for v in train]
off = np.cumsum([0] + dims)
D = np.zeros_like(C)
for i in range(4):
    s = slice(off[i], off[i + 1])
    D[s, s] = C[s, s] + ridge * np.eye(dims[i])
C2 = C.copy()
for i in range(4):
    s = slice(off[i], off[i + 1])
    C2[s, s] = D[s, s]
lam, W = scipy.linalg.eigh(C2, D)
order = np.argsort(lam)[::-1][:k]
lam, W = lam[order], W[:, order]
means = [v.mean(axis=0) for v in train]
def variates(vs):
    return [(v - means[i]) @ W[off[i]:off[i + 1]] for i, v in enumerate(vs)]
def mean_pairwise(u):
    out = []
    for c in range(k):
        r = [np.corrcoef(u[i][:, c], u[j][:, c])[0, 1] for i in range(4) for j in range(i + 1, 4)]
        out.append(float(np.mean(r)))
    return out
n = train[0].shape[0]
S = np.zeros((n, n))
for v in train:
    Xc = v - v.mean(axis=0)
    S += Xc @ np.linalg.solve(Xc.T @ Xc + (n - 1) * ridge * np.eye(Xc.shape[1]), Xc.T)
glam, G = np.linalg.eigh(S)
gorder = np.argsort(glam)[::-1][:k]
glam, G = glam[gorder], G[:, gorder]
json.dump({
    'source': 'scripts/reference/mcca.py: digits quadrant views (TL, TR, BL, BR; 16 pixels each / 16), rows 0..1499 train, 1500..1796 held out, ridge 1e-3, scipy.linalg.eigh(C, D)',
    'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__},
    'ridge': ridge, 'components': k,
    'eigenvalues': [float(v) for v in lam],
    'train_correlations': mean_pairwise(variates(train)),
    'test_correlations': mean_pairwise(variates(test)),
    'gcca_eigenvalues': [float(v) for v in glam],
    'gcca_G_first_rows': [[float(x) for x in row] for row in G[:20]],
}, sys.stdout, indent=1)
print()

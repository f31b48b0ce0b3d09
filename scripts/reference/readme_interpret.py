"""Independent values for the outputs README.md states in its MCCA and KernelCCA prediction and
interpretation examples (issue 35), with numpy/scipy, not this package: MCCA from scipy's
eigh(C, D), predict as the least-squares regression of the missing view on the given views'
variates, structure correlations, explained variance and redundancy from their definitions;
exact kernel CCA from the n×n dual (kcca_defs.py).

Run: /usr/bin/python3 scripts/reference/readme_interpret.py > test/fixtures/readme-interpret-values.txt
"""
import os, sys
import numpy as np, scipy, scipy.linalg

sys.path.insert(0, os.path.dirname(__file__))
import kcca_defs  # noqa: E402

print(f"numpy {np.__version__}, scipy {scipy.__version__}")


class Lcg:
    """The README's seeded uniform: s = s·16807 mod 2³¹ − 1 (exact in doubles and here)."""

    def __init__(self, s):
        self.s = s

    def __call__(self):
        self.s = (self.s * 16807) % 2147483647
        return self.s / 2147483647


def corr(a, b):
    return float(np.corrcoef(a, b)[0, 1])


# ---- MCCA: the three views of the README's MCCA section, no ridge, 2 components ----
g = Lcg(1)
u = lambda: g() - 0.5  # noqa: E731
z = [2 * u() for _ in range(500)]
A = np.array([[v + 0.3 * u(), u()] for v in z])
B = np.array([[u(), 2 * v + 0.3 * u(), u()] for v in z])
C = np.array([[u(), -v + 0.3 * u()] for v in z])
views, k = [A, B, C], 2
dims = [v.shape[1] for v in views]
off = np.cumsum([0] + dims)
S = np.cov(np.hstack(views), rowvar=False)
D = np.zeros_like(S)
for i in range(3):
    s = slice(off[i], off[i + 1])
    D[s, s] = S[s, s]
lam, W = scipy.linalg.eigh(S, D)
W = W[:, np.argsort(lam)[::-1][:k]]
U = [(v - v.mean(0)) @ W[off[i]:off[i + 1]] for i, v in enumerate(views)]
# predict C from A and B: least squares of C on the given views' variates (with an intercept)
US = np.hstack([U[0], U[1]])
beta = np.linalg.lstsq(US, C - C.mean(0), rcond=None)[0]
print("MCCA predict([A, B, null]), row 0:", np.round(C.mean(0) + US[0] @ beta, 3).tolist())
ev = [[np.mean([corr(v[:, a], U[i][:, c]) ** 2 for a in range(v.shape[1])]) for c in range(k)] for i, v in enumerate(views)]
print("MCCA explainedVariance, component 0 per view:", [round(e[0], 4) for e in ev])
print("MCCA redundancy(2, 0), component 0:", round(ev[2][0] * corr(U[2][:, 0], U[0][:, 0]) ** 2, 4))
print("MCCA |structureCorrelations[2][0]| (C's second column, A's first variate):", round(abs(corr(C[:, 1], U[0][:, 0])), 4))

# ---- KernelCCA: y = x² + noise, exact RBF (γ 2, κ 1e-3), one component ----
g = Lcg(7)
x = np.array([[2 * g() - 1] for _ in range(300)])
y = np.array([[x[i, 0] ** 2 + 0.05 * (g() + g() + g() - 1.5)] for i in range(300)])
Kx, Ky = kcca_defs.kernel(x, x, 'rbf', 2.0), kcca_defs.kernel(y, y, 'rbf', 2.0)
alpha, beta_, rho = kcca_defs.dual(Kx, Ky, 1e-3, 1e-3, 1)
Uk, Vk = kcca_defs.centre(Kx) @ alpha, kcca_defs.centre(Ky) @ beta_
print("KernelCCA correlation:", round(float(rho[0]), 4))
print("KernelCCA |corr(x, U)|, |corr(y, V)|:", round(abs(corr(x[:, 0], Uk[:, 0])), 4), round(abs(corr(y[:, 0], Vk[:, 0])), 4))
print("KernelCCA explainedVariance x, y:", round(corr(x[:, 0], Uk[:, 0]) ** 2, 4), round(corr(y[:, 0], Vk[:, 0]) ** 2, 4))

"""Kernel CCA from its n×n definition, shared by the reference scripts kcca.py and
kcca_median.py (numpy/scipy, independent of crossmodal): the kernels, double centring, the
correlations ρ² = eig(Rx·Ry) with R = K̃(K̃ + (n−1)κI)⁻¹, the dual coefficients, new rows; and
crossmodal's row draw (Nyström landmarks, the median heuristic's subsample), reimplemented."""
import numpy as np, scipy, scipy.linalg


def kernel(A, B, kind, gamma, degree=3, coef0=1.0):
    G = A @ B.T
    if kind == 'linear':
        return G
    if kind == 'polynomial':
        return (gamma * G + coef0) ** degree
    d = (A ** 2).sum(1)[:, None] + (B ** 2).sum(1)[None, :] - 2 * G
    return np.exp(-gamma * np.maximum(d, 0))


def centre(K):
    H = np.eye(len(K)) - 1 / len(K)
    return H @ K @ H


def correlations(Kx, Ky, kx, ky, k):
    Kx, Ky = centre(Kx), centre(Ky)
    N = len(Kx)
    Rx = Kx @ np.linalg.inv(Kx + (N - 1) * kx * np.eye(N))
    Ry = Ky @ np.linalg.inv(Ky + (N - 1) * ky * np.eye(N))
    ev = np.sort(np.real(scipy.linalg.eigvals(Rx @ Ry)))[::-1]
    return np.sqrt(np.maximum(ev[:k], 0))


def dual(Kx, Ky, kx, ky, k):
    """α, β (n×k), training correlations, from the dual eigenproblem."""
    Kx, Ky = centre(Kx), centre(Ky)
    N = len(Kx)
    Ax = np.linalg.inv(Kx + (N - 1) * kx * np.eye(N))
    Ay = np.linalg.inv(Ky + (N - 1) * ky * np.eye(N))
    ev, V = scipy.linalg.eig(Ax @ Ky @ Ay @ Kx)
    order = np.argsort(-np.real(ev))[:k]
    rho = np.sqrt(np.real(ev[order]))
    alpha = np.real(V[:, order])
    beta = Ay @ Kx @ alpha / rho
    # unit ridged variance: αᵀK̃x(K̃x + (n−1)κI)α/(n−1) = 1
    for c in range(k):
        alpha[:, c] /= np.sqrt(alpha[:, c] @ Kx @ (Kx + (N - 1) * kx * np.eye(N)) @ alpha[:, c] / (N - 1))
        beta[:, c] /= np.sqrt(beta[:, c] @ Ky @ (Ky + (N - 1) * ky * np.eye(N)) @ beta[:, c] / (N - 1))
    return alpha, beta, rho


def new_rows(Knew, Ktrain, coef):
    """variates of new rows: the centred kernel against the training rows times the coefficients."""
    kc = Knew - Knew.mean(1, keepdims=True) - Ktrain.mean(0)[None, :] + Ktrain.mean()
    return kc @ coef


def corr_cols(U, V):
    return [float(np.corrcoef(U[:, c], V[:, c])[0, 1]) for c in range(U.shape[1])]


# ---- crossmodal's landmark draw, reimplemented ----
M32 = 0xffffffff


def splitmix_state(seed):
    s, x = [], seed
    for _ in range(4):
        x = (x + 0x9e3779b9) & M32
        z = x
        z = ((z ^ (z >> 16)) * 0x85ebca6b) & M32
        z = ((z ^ (z >> 13)) * 0xc2b2ae35) & M32
        z ^= z >> 16
        s.append(z)
    if not any(s):
        s[0] = 1
    return s


def rotl(v, r):
    return ((v << r) | (v >> (32 - r))) & M32


def landmarks(n, m, seed):
    s = splitmix_state(seed)

    def nxt():
        result = (rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def bounded(b):
        m_ = nxt() * b
        low = m_ & M32
        if low < b:
            thr = (2 ** 32 - b) % b
            while low < thr:
                m_ = nxt() * b
                low = m_ & M32
        return m_ >> 32

    idx = list(range(n))
    for i in range(n - 1, 0, -1):
        j = bounded(i + 1)
        idx[i], idx[j] = idx[j], idx[i]
    return sorted(idx[:m])

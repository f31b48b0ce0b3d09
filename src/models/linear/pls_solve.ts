/**
 * The exact solves of the PLS family from co-moments (n, means, XᵀX, XᵀY, YᵀY): every
 * component's weight pair is the first singular pair (svd, src/linalg/ops.ts) of the current
 * cross-covariance, so there is no iteration, tolerance or iteration limit. Works on the
 * covariances of the centred (with `scale`, standardised: sd with n − 1, a constant column
 * keeps 1) columns; the results that apply to raw data are scaled back. Without `scale` each
 * view is first divided by a power of two near its largest column standard deviation (every
 * kind answers the same for a view times a number, up to that number): no product under- or
 * overflows for a view near 1e-150 or 1e100 (a y rotation inverts the y loadings, near
 * fy/fx), and where nothing left the range the bits are those of the unscaled solve. The
 * results in Y's units over X's (regression's y weights and loadings, coefficients, and the
 * inverse, its y rotations) are mapped back at the end; a result that does not fit the range
 * in the raw units is an OverflowError at fit.
 *
 * - regression: Dayal & MacGregor's (1997) improved kernel PLS, equal to scikit-learn's
 *   PLSRegression (NIPALS mode A, X deflated on its scores, Y regressed on them):
 *   w = first left singular vector of Sxy, r = w − Σ_b (p_bᵀw) r_b, τ = rᵀSxx r,
 *   p = Sxx r/τ, c = Sxyᵀr/τ, Sxy ← Sxy − τ p cᵀ; coefficients R·Cᵀ.
 * - canonical: scikit-learn's PLSCanonical (both views deflated on their own scores):
 *   S'xx = Sxx − τt p pᵀ, S'yy = Syy − τu q qᵀ, S'xy = (I − p wᵀ) Sxy (I − c qᵀ).
 * - svd: scikit-learn's PLSSVD, one SVD of Sxy, no deflation.
 *
 * Sign rule: in each component the x-weight of largest magnitude is positive (scikit-learn's
 * svd_flip), the y-weights, loadings, rotations and scores flip with it.
 */
import type { CoMoments } from '../../linalg/comoments.js';
import { svd } from '../../linalg/ops.js';
import { ValueError } from '../../errors.js';
import { overflowError } from '../../wasm/index.js';
import { columnScales } from './cca_core.js';

export type PLSKind = 'regression' | 'canonical' | 'svd';

/** A fit: all matrices row-major Float64Arrays (p×k, q×k, p×q), in standardised units unless named raw. */
export interface PLSFit {
  n: number;
  p: number;
  q: number;
  k: number;
  xMean: Float64Array;
  yMean: Float64Array;
  xStd: Float64Array;
  yStd: Float64Array;
  xWeights: Float64Array;
  yWeights: Float64Array;
  xLoadings: Float64Array;
  yLoadings: Float64Array;
  xRotations: Float64Array;
  yRotations: Float64Array;
  /** p×q, for raw X (empty for svd) */
  coefficients: Float64Array;
  /** q (empty for svd) */
  intercept: Float64Array;
}

/** The fields of a fit that are stored, in file order, with their lengths. */
export const FIT_FIELDS = ['xMean', 'yMean', 'xStd', 'yStd', 'xWeights', 'yWeights', 'xLoadings', 'yLoadings', 'xRotations', 'yRotations', 'coefficients', 'intercept'] as const;

export function fieldLength(f: (typeof FIT_FIELDS)[number], kind: PLSKind, p: number, q: number, k: number): number {
  switch (f) {
    case 'xMean':
    case 'xStd':
      return p;
    case 'yMean':
    case 'yStd':
      return q;
    case 'xWeights':
    case 'xRotations':
      return p * k;
    case 'yWeights':
    case 'yRotations':
      return q * k;
    case 'xLoadings':
      return kind === 'svd' ? 0 : p * k;
    case 'yLoadings':
      return kind === 'svd' ? 0 : q * k;
    case 'coefficients':
      return kind === 'svd' ? 0 : p * q;
    case 'intercept':
      return kind === 'svd' ? 0 : q;
  }
}

/** The largest number of components each kind allows (n: the rows, or Infinity before they are known). */
export function componentLimit(kind: PLSKind, p: number, q: number, n = Infinity): number {
  return kind === 'regression' ? p : kind === 'canonical' ? Math.min(n, p, q) : Math.min(p, q);
}

/** The (standardised) covariance block M/(n − 1)/(sr_i·sc_j), rows×cols. */
function cov(M: Float64Array, n: number, sr: Float64Array, sc: Float64Array): Float64Array {
  const rows = sr.length, cols = sc.length, out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = M[i * cols + j]! / (n - 1) / (sr[i]! * sc[j]!);
  return out;
}

/** log₂ of the power of two nearest the largest standard deviation (n − 1) of a view's columns, from its co-moments (0 when all are constant). */
function viewExponent(M: Float64Array, n: number, p: number): number {
  let big = 0;
  for (let i = 0; i < p; i++) big = Math.max(big, M[i * p + i]!);
  return big > 0 && Number.isFinite(big) ? Math.max(-1000, Math.min(1000, Math.round((Math.log2(big) - Math.log2(n - 1)) / 2))) : 0;
}

/** v·2^e in place (two steps when 2^e alone would leave the range): exact, as far as the results stay in it. */
function timesPow2(v: Float64Array, e: number): Float64Array {
  const half = Math.trunc(e / 2);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * 2 ** half * 2 ** (e - half);
  return v;
}

/** a (r×c) · b (c×m) */
export function mul(a: Float64Array, b: Float64Array, r: number, c: number, m: number): Float64Array {
  const out = new Float64Array(r * m);
  for (let i = 0; i < r; i++)
    for (let l = 0; l < c; l++) {
      const v = a[i * c + l]!;
      if (v !== 0) for (let j = 0; j < m; j++) out[i * m + j] = out[i * m + j]! + v * b[l * m + j]!;
    }
  return out;
}

/** aᵀ (r×c → c×r) */
export function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j]!;
  return out;
}

/** The Moore–Penrose inverse of a k×k matrix (singular values below k·ε·largest dropped, as scipy's pinv). */
export function pinv(a: Float64Array, k: number): Float64Array {
  const { u, s, v } = svd({ data: a, rows: k, cols: k });
  try {
    const U = u.toFloat64Array(), V = v.toFloat64Array(), cut = k * 2.220446049250313e-16 * (s[0] ?? 0), out = new Float64Array(k * k);
    for (let l = 0; l < k; l++) {
      if (!(s[l]! > cut)) continue;
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[i * k + j] = out[i * k + j]! + (V[i * k + l]! * U[j * k + l]!) / s[l]!;
    }
    return out;
  } finally {
    u.dispose();
    v.dispose();
  }
}

/** The first `count` singular pairs of S (p×q): columns of u (p×count) and v (q×count), each flipped so u's largest-magnitude entry is positive. */
function singular(S: Float64Array, p: number, q: number, count: number): { u: Float64Array[]; v: Float64Array[]; s: Float64Array } {
  const r = svd({ data: S, rows: p, cols: q });
  try {
    const U = r.u.toFloat64Array(), V = r.v.toFloat64Array(), m = Math.min(p, q), us: Float64Array[] = [], vs: Float64Array[] = [];
    for (let a = 0; a < count; a++) {
      const u = new Float64Array(p), v = new Float64Array(q);
      for (let i = 0; i < p; i++) u[i] = U[i * m + a]!;
      for (let j = 0; j < q; j++) v[j] = V[j * m + a]!;
      let big = 0;
      for (let i = 1; i < p; i++) if (Math.abs(u[i]!) > Math.abs(u[big]!)) big = i;
      if (u[big]! < 0) {
        for (let i = 0; i < p; i++) u[i] = -u[i]!;
        for (let j = 0; j < q; j++) v[j] = -v[j]!;
      }
      us.push(u);
      vs.push(v);
    }
    return { u: us, v: vs, s: r.s };
  } finally {
    r.u.dispose();
    r.v.dispose();
  }
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
/** S (r×c) · v */
const mv = (S: Float64Array, v: Float64Array, r: number, c: number) => mul(S, v, r, c, 1);
/** Sᵀ (r×c) · v */
const mtv = (S: Float64Array, v: Float64Array, r: number, c: number) => {
  const out = new Float64Array(c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j] = out[j]! + S[i * c + j]! * v[i]!;
  return out;
};
/** columns (each of length rows) → row-major rows×k */
const columns = (cols: Float64Array[], rows: number) => {
  const k = cols.length, out = new Float64Array(rows * k);
  cols.forEach((c, a) => c.forEach((v, i) => (out[i * k + a] = v)));
  return out;
};

function refuse(kind: PLSKind, a: number, what: string): never {
  throw new ValueError('options.components', `at most ${a} here (component ${a + 1} of PLS ${kind}: ${what})`, a + 1);
}

/** Solves the PLS of `kind` with k components from the statistics. */
export function solvePLS(s: CoMoments, kind: PLSKind, k: number, scale: boolean): PLSFit {
  const n = s.n, p = s.p, q = s.q;
  const limit = componentLimit(kind, p, q, n);
  if (k > limit) throw new ValueError('options.components', `at most ${limit} for PLS ${kind} with ${p} X columns, ${q} Y columns${kind === 'canonical' ? ` and ${n} rows` : ''}`, k);
  const Mx = s.x.M.toFloat64Array(), My = s.y.M.toFloat64Array(), Mxy = s.Mxy.toFloat64Array();
  const xStd = scale ? columnScales(Mx, n, new Float64Array(p)) : new Float64Array(p).fill(1);
  const yStd = scale ? columnScales(My, n, new Float64Array(q)) : new Float64Array(q).fill(1);
  // without scale, the views in units near 1 (2^ex, 2^ey: see the module comment; 2^(ex + ey) stays in range unless the co-moments overflowed)
  const ex = scale ? 0 : viewExponent(Mx, n, p), ey = scale ? 0 : viewExponent(My, n, q);
  const dx = scale ? xStd : new Float64Array(p).fill(2 ** ex), dy = scale ? yStd : new Float64Array(q).fill(2 ** ey);
  const Sxx = cov(Mx, n, dx, dx), Syy = cov(My, n, dy, dy), Sxy = cov(Mxy, n, dx, dy);
  // values whose squares overflow leave ±Infinity or NaN in the co-moments: reported against the data, not an internal matrix
  for (const S of [Sxx, Syy, Sxy]) if (!S.every(Number.isFinite)) throw overflowError(['X', 'Y'], 'covariances');
  const fit: PLSFit = { n, p, q, k, xMean: Float64Array.from(s.x.mean), yMean: Float64Array.from(s.y.mean), xStd, yStd, xWeights: new Float64Array(0), yWeights: new Float64Array(0), xLoadings: new Float64Array(0), yLoadings: new Float64Array(0), xRotations: new Float64Array(0), yRotations: new Float64Array(0), coefficients: new Float64Array(0), intercept: new Float64Array(0) };
  if (kind === 'svd') {
    const { u, v } = singular(Sxy, p, q, k);
    fit.xWeights = fit.xRotations = columns(u, p);
    fit.yWeights = fit.yRotations = columns(v, q);
    return fit;
  }
  const W: Float64Array[] = [], C: Float64Array[] = [], P: Float64Array[] = [], Q: Float64Array[] = [], R: Float64Array[] = [];
  const tiny = (x: number, ref: number) => !(x > 1e-13 * ref);
  const refX = Math.max(...Array.from({ length: p }, (_, i) => Sxx[i * p + i]!)), refY = Math.max(...Array.from({ length: q }, (_, i) => Syy[i * q + i]!));
  let S = Sxy.slice(), Sx = Sxx.slice(), Sy = Syy.slice();
  for (let a = 0; a < k; a++) {
    const { u, v } = singular(S, p, q, 1), w = u[0]!, cw = v[0]!;
    if (kind === 'regression') {
      const r = w.slice();
      for (let b = 0; b < a; b++) {
        const f = dot(P[b]!, w);
        for (let i = 0; i < p; i++) r[i] = r[i]! - f * R[b]![i]!;
      }
      const Sr = mv(Sxx, r, p, p), tau = dot(r, Sr);
      if (tiny(tau, refX)) refuse(kind, a, "X's scores have no variance left (the rank of X)");
      const pa = Sr.map((x) => x / tau), c = mtv(S, r, p, q).map((x) => x / tau);
      for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) S[i * q + j] = S[i * q + j]! - tau * pa[i]! * c[j]!;
      W.push(w), R.push(r), P.push(pa), C.push(c), Q.push(c);
    } else {
      const Sw = mv(Sx, w, p, p), tt = dot(w, Sw), Sc = mv(Sy, cw, q, q), tu = dot(cw, Sc);
      if (tiny(tt, refX) || tiny(tu, refY)) refuse(kind, a, 'the scores of a view have no variance left');
      const pa = Sw.map((x) => x / tt), qa = Sc.map((x) => x / tu);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) Sx[i * p + j] = Sx[i * p + j]! - tt * pa[i]! * pa[j]!;
      for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) Sy[i * q + j] = Sy[i * q + j]! - tu * qa[i]! * qa[j]!;
      // S' = (I − p wᵀ) S (I − c qᵀ)
      const wS = mtv(S, w, p, q), Sc2 = mv(S, cw, p, q), wSc = dot(wS, cw);
      const next = new Float64Array(p * q);
      for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) next[i * q + j] = S[i * q + j]! - pa[i]! * wS[j]! - Sc2[i]! * qa[j]! + pa[i]! * wSc * qa[j]!;
      S = next;
      W.push(w), C.push(cw), P.push(pa), Q.push(qa);
    }
  }
  fit.xWeights = columns(W, p);
  fit.yWeights = columns(C, q);
  fit.xLoadings = columns(P, p);
  fit.yLoadings = columns(Q, q);
  // rotations: W(PᵀW)⁺ and Cy(QᵀCy)⁺ (scikit-learn's, with its pinv); regression's x rotations are the kernel's R
  fit.xRotations = kind === 'regression' ? columns(R, p) : mul(fit.xWeights, pinv(mul(transpose(fit.xLoadings, p, k), fit.xWeights, k, p, k), k), p, k, k);
  fit.yRotations = mul(fit.yWeights, pinv(mul(transpose(fit.yLoadings, q, k), fit.yWeights, k, q, k), k), q, k, k);
  // coefficients for raw X: (R·Qᵀ)[i][j]·sdY[j]/sdX[i]; intercept = meanY − meanX·B
  const B = mul(fit.xRotations, transpose(fit.yLoadings, q, k), p, k, q);
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) B[i * q + j] = (B[i * q + j]! * yStd[j]!) / xStd[i]!;
  fit.coefficients = B;
  // regression's y weights and loadings (Y regressed on the x scores) and so its coefficients carry Y's units over X's, its y rotations X's over Y's:
  // from the equilibrated units back to the raw ones (canonical's and svd's results are unit-free in both views)
  if (kind === 'regression' && ey !== ex) {
    for (const v of [fit.yWeights, fit.yLoadings, B]) timesPow2(v, ey - ex);
    timesPow2(fit.yRotations, ex - ey);
  }
  fit.intercept = fit.yMean.map((m, j) => {
    let s2 = m;
    for (let i = 0; i < p; i++) s2 -= fit.xMean[i]! * B[i * q + j]!;
    return s2;
  });
  // a result the raw units put out of range cannot be returned: refused at fit, as statistics that overflow are
  for (const f of FIT_FIELDS) if (!fit[f].every(Number.isFinite)) throw overflowError(['X', 'Y'], 'PLS results in the columns\' units');
  return fit;
}

/**
 * Permutation inference for CCA, following Winkler, Renaud, Smith & Nichols (2020,
 * "Permutation inference for canonical correlation analysis"):
 * - optional covariates Z are regressed out of both views first (with the intercept: centring);
 * - component k is tested on the views with the full-sample variates of components 1…k−1
 *   projected out (so its statistic is the first canonical correlation of what is left);
 * - one permutation of the rows of Y serves every k, p = (1 + #{T* ≥ T}) / (1 + B), and the
 *   p-values are made monotone across k (a running maximum: family-wise error control).
 * Each deflated view is whitened once as Q·diag(s/√(s² + (n−1)r)) from its thin SVD (r the
 * ridge; rank lost to the deflation is dropped), so a permutation costs one gather of rows
 * (in wasm), one GEMM and the SVD of a p×q matrix per component.
 */
import * as W from '../wasm/index.js';
import { Indices, Matrix, Rng, withScratch } from '../wasm/index.js';
import { svd } from '../linalg/ops.js';
import { ConvergenceError, ShapeError, ValueError } from '../errors.js';
import { Owner } from '../lifecycle.js';

export interface PermutationTestOptions {
  /** number of permutations B (default 999) */
  permutations?: number;
  /** seed of the in-wasm PRNG that draws them (default 0) */
  seed?: number;
  /** nuisance variables Z (n×c) regressed out of both views first (default none) */
  covariates?: { data: ArrayLike<number>; rows: number; cols: number } | readonly (readonly number[])[] | null;
}

export interface PermutationTestResult {
  /** per component, the family-wise p-value (monotone non-decreasing) */
  pValues: Float64Array;
  /** per component, the first canonical correlation of the deflated views */
  statistics: Float64Array;
  permutations: number;
}

/** Row-major rows of an n×c input as a JS array (validated finite). */
export type Rows = { data: Float64Array; rows: number; cols: number };

/** X with the column space of the orthonormal Q (n×r) removed: X − Q(QᵀX). */
function removeSpan(X: Rows, Q: Rows | null): Rows {
  if (!Q || Q.cols === 0) return X;
  const { data: x, rows: n, cols: p } = X, q = Q.data, r = Q.cols;
  const out = Float64Array.from(x);
  for (let c = 0; c < r; c++)
    for (let j = 0; j < p; j++) {
      let t = 0;
      for (let i = 0; i < n; i++) t += q[i * r + c]! * x[i * p + j]!;
      for (let i = 0; i < n; i++) out[i * p + j] = out[i * p + j]! - q[i * r + c]! * t;
    }
  return { data: out, rows: n, cols: p };
}

/**
 * The left singular vectors of A above rounding, each entry mapped by f(u, s_c) (n×rank, in
 * wasm), or null when A is zero.
 */
function scaledLeftVectors(A: Rows, f: (u: number, s: number) => number): Matrix | null {
  const d = svd(A);
  try {
    const s = d.s, n = A.rows, tol = Math.max(A.rows, A.cols) * 2.220446049250313e-16 * (s[0] ?? 0);
    let r = 0;
    while (r < s.length && s[r]! > tol && s[r]! > 0) r++;
    if (r === 0) return null;
    const out = Matrix.empty(n, r), o = out.data, u = d.u.toShaped().data, k = d.u.cols;
    for (let i = 0; i < n; i++) for (let c = 0; c < r; c++) o[i * r + c] = f(u[i * k + c]!, s[c]!);
    return out;
  } finally {
    d.u.dispose();
    d.v.dispose();
  }
}

/** An orthonormal basis of the columns of A (JS rows), or null when A is zero. */
function basis(A: Rows): Rows | null {
  const m = scaledLeftVectors(A, (u) => u);
  if (!m) return null;
  try {
    return { data: Float64Array.from(m.toShaped().data), rows: m.rows, cols: m.cols };
  } finally {
    m.dispose();
  }
}

/** The whitened view Q·diag(s/√(s² + (n−1)r)) (n×rank) of a centred view, in wasm. */
function whitened(A: Rows, ridge: number): Matrix | null {
  return scaledLeftVectors(A, (u, s) => (u * s) / Math.sqrt(s * s + (A.rows - 1) * ridge));
}

const centred = (A: Rows): Rows => {
  const { data, rows: n, cols: p } = A, out = Float64Array.from(data);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i * p + j]! / n;
    for (let i = 0; i < n; i++) out[i * p + j] = out[i * p + j]! - m;
  }
  return { data: out, rows: n, cols: p };
};

/** σ_max(Aᵀ·B) for wasm matrices A (n×a) and B (n×b), into buffers made once per component (no allocation per call). */
function topSingular(A: Matrix, B: Matrix, buf: { G: Matrix; u: Matrix; s: Matrix; v: Matrix; work: Matrix }): number {
  W.gemm(buf.G, A, B, true, false);
  const info = W.svd(buf.u, buf.s, buf.v, buf.G, buf.work);
  if (info !== 0) throw new ConvergenceError(`permutationTest: the SVD of a ${buf.G.rows}×${buf.G.cols} cross-covariance did not converge (code ${info})`);
  return Math.min(1, Math.max(0, buf.s.data[0]!));
}

/**
 * The test itself, on validated rows: `variates(X, Y)` fits the model's CCA on the
 * residualised views and returns its n×k training variates [U, V].
 */
export function permutationTest(
  X: Rows, Y: Rows, Z: Rows | null, k: number, ridges: [number, number], options: { permutations: number; seed: number },
  variates: (X: Rows, Y: Rows) => [Rows, Rows],
): PermutationTestResult {
  const n = X.rows, B = options.permutations;
  if (Z && Z.rows !== n) throw new ShapeError('options.covariates', `${n} rows (as X)`, `${Z.rows} rows`);
  const Qz = Z ? basis(centred(Z)) : null;
  const Xr = removeSpan(centred(X), Qz), Yr = removeSpan(centred(Y), Qz);
  const [U, V] = variates(Xr, Yr);
  const owner = new Owner(), own = owner.own;
  try {
    // per component: the whitened deflated views (null: nothing left to correlate)
    const views: ([Matrix, Matrix] | null)[] = [];
    for (let c = 0; c < k; c++) {
      const first = (M: Rows): Rows | null => {
        if (c === 0) return null;
        const out = new Float64Array(n * c);
        for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) out[i * c + j] = M.data[i * M.cols + j]!;
        return basis({ data: out, rows: n, cols: c });
      };
      const ax = whitened(removeSpan(Xr, first(U)), ridges[0]), ay = whitened(removeSpan(Yr, first(V)), ridges[1]);
      if (ax) own(ax);
      if (ay) own(ay);
      views.push(ax && ay ? [ax, ay] : null);
    }
    const stat = new Float64Array(k), count = new Float64Array(k);
    const bufs = views.map((v) => {
      if (!v) return null;
      const a = v[0].cols, b = v[1].cols, kk = Math.min(a, b);
      return { G: own(Matrix.empty(a, b)), u: own(Matrix.empty(a, kk)), s: own(Matrix.empty(1, kk)), v: own(Matrix.empty(b, kk)), work: own(Matrix.empty(1, W.svdWorkSize(a, b))) };
    });
    views.forEach((v, c) => (stat[c] = v ? topSingular(v[0], v[1], bufs[c]!) : 0));
    const rng = own(Rng.create(options.seed)), idx = own(Indices.empty(n));
    withScratch((s) => {
      const moved = views.map((v) => (v ? s.matrix(n, v[1].cols) : null));
      for (let b = 0; b < B; b++) {
        W.shuffle(idx, rng);
        views.forEach((v, c) => {
          if (!v) return;
          W.gatherRowsF64(moved[c]!, v[1], idx);
          // a tolerance for ties of the identity-like permutations with T itself
          if (topSingular(v[0], moved[c]!, bufs[c]!) >= stat[c]! - 1e-12) count[c]!++;
        });
      }
    });
    const pValues = new Float64Array(k);
    for (let c = 0; c < k; c++) pValues[c] = Math.max(views[c] ? (1 + count[c]!) / (1 + B) : 1, c > 0 ? pValues[c - 1]! : 0);
    return { pValues, statistics: stat, permutations: B };
  } finally {
    owner.dispose();
  }
}

/** Checks the options of permutationTest (unknown keys are refused by the caller). */
export function checkPermutationOptions(o: PermutationTestOptions): { permutations: number; seed: number } {
  const B = o.permutations ?? 999, seed = o.seed ?? 0;
  if (!Number.isInteger(B) || B < 1 || B > 1e7) throw new ValueError('options.permutations', 'an integer from 1 to 10⁷', B);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValueError('options.seed', 'an integer in [0, 2³²)', seed);
  return { permutations: B, seed };
}

/**
 * Permutation inference for CCA, following Winkler, Renaud, Smith & Nichols (2020,
 * "Permutation inference for canonical correlation analysis"):
 * - optional covariates Z are regressed out of both views, and the rows permuted are those of
 *   QᵀX and QᵀY (Huh–Jhun): Q (n×m, m = n − rank([1, Z])) semi-orthogonal with QQᵀ = I − H
 *   (H the hat matrix of [1, Z]) and QᵀQ = I. Residuals R·X are not exchangeable row by row
 *   (their covariance is R, not I) and permuting them plainly is anti-conservative when
 *   rank(Z)/n is not small (0.20 of null p-values ≤ 0.05 at n = 40 with 12 covariates, in
 *   test/inference.test.ts); QᵀX has the same cross-products as R·X and exchangeable rows.
 *   Without covariates, centring alone keeps the n rows exchangeable (it is equivariant under
 *   permutation), so there the rows of the centred views are permuted;
 * - component k is tested on the views with the full-sample variates of components 1…k−1
 *   projected out (so its statistic is the first canonical correlation of what is left);
 * - one permutation of the rows of Y serves every k, p = (1 + #{T* ≥ T}) / (1 + B), and the
 *   p-values are made monotone across k (a running maximum: family-wise error control by
 *   closure, the nested hypotheses ρ_k = … = 0).
 * How this differs from the paper's Algorithm and its reference code (permcca.m):
 * - the statistic: the paper uses Wilks' Λ_k = Π_{i≥k}(1 − r_i²) of the deflated views, this
 *   Roy's largest root r_k. Both test the same nested hypotheses and were equally calibrated in
 *   our studies (1,000 data sets × 99 permutations, the component after the real ones: Roy
 *   0.041 / 0.045 / 0.042 of p ≤ 0.05 for one planted 0.5, p = q = 5; 0.6 and 0.4, p = q = 4;
 *   0.6, p = 6, q = 3; Wilks 0.049 / 0.048 / 0.043). Wilks had more power when the signal is
 *   spread (three of 0.15, n = 200: 0.45 vs 0.36), Roy when it is one (0.22: 0.38 vs 0.32).
 *   Roy keeps `statistics` the canonical correlations and earlier p-values unchanged;
 * - the deflation: the paper keeps the columns k… of Ũ = Ỹ[A, A⊥] (A⊥ an orthonormal complement
 *   of A, not of Ỹ's variates), which equals ours when K = min(p, q) = p = q; with p ≠ q ours
 *   removes exactly the span of the earlier variates (the complement in the data's metric).
 *   Earlier variates do not enter the Huh–Jhun projection as nuisance in either: Q is made
 *   once from [1, Z], and the earlier components are removed from the columns;
 * - permcca.m takes Q from null(Zᵀ) of the centred Z (n − rank(Z) rows, the constant direction
 *   kept though the views are centred); here, as in the paper, the intercept is one of the
 *   covariates (n − rank([1, Z]) rows);
 * - the paper permutes both sides and counts the identity as its first permutation: the same
 *   null distribution as permuting one side, and the same p-value as the + 1 here.
 * Later components are conservative under the global null (the earlier components removed are
 * the noise's best fit, so what is left correlates less than a permuted view does: about 0 of
 * p-values ≤ 0.05), as in the paper's procedure; closure only reaches them after rejecting the
 * earlier ones, and with those real they are near nominal (0.052 in bench/inference.bench.js).
 * Each deflated view is whitened once as U·diag(s/√(s² + (n−1)r)) from its thin SVD (r the
 * ridge; rank lost to the deflation is dropped). Every such view lies in the column space of
 * the (projected) view it came from, so with orthonormal bases Bx, By of those it is Bx·Cx:
 * a permutation costs one gather of By's rows and one m-long GEMM BxᵀPBy for all components
 * (in wasm), then per component the small product CxᵀGCy and its SVD.
 */
import * as W from '../../wasm/index.js';
import { Indices, Matrix, Rng, dropMissing, type MatrixInput, type MatrixResult, type Missing } from '../../wasm/index.js';
import { checkOptions } from '../../options.js';
import { svd } from '../../linalg/ops.js';
import { ConvergenceError, ShapeError, ValueError } from '../../errors.js';
import { Owner } from '../../lifecycle.js';

/** Options of CCA.permutationTest: the permutations, their seed and the covariates. */
export interface PermutationTestOptions {
  /** number of permutations B (default 999) */
  permutations?: number;
  /** seed of the in-wasm PRNG that draws them (default 0) */
  seed?: number;
  /**
   * nuisance variables Z (n×c) regressed out of both views first, with the intercept (default
   * none); the rows permuted are then the n − rank([1, Z]) ≥ 3 of the Huh–Jhun basis
   */
  covariates?: { data: ArrayLike<number>; rows: number; cols: number } | readonly (readonly number[])[] | null;
}

/** What CCA.permutationTest returns: a p-value per component. */
export interface PermutationTestResult {
  /** per component, the family-wise p-value (monotone non-decreasing) */
  pValues: Float64Array;
  /** per component, the first canonical correlation of the deflated views */
  statistics: Float64Array;
  /** the number of permutations B */
  permutations: number;
}

/** Row-major rows of an n×c input as a JS array (validated finite). */
export type Rows = MatrixResult;

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
  const m = basisOf(A);
  if (!m) return null;
  try {
    return { data: Float64Array.from(m.toShaped().data), rows: m.rows, cols: m.cols };
  } finally {
    m.dispose();
  }
}

/** An orthonormal basis of the columns of A (wasm, m×rank), or null when A is zero. */
function basisOf(A: Rows): Matrix | null {
  return scaledLeftVectors(A, (u) => u);
}

/** The whitened view U·diag(s/√(s² + (n−1)r)) (rows×rank) of a centred view of n samples (thin SVD U·diag(s)·Vᵀ), in wasm. */
function whitened(A: Rows, ridge: number, n: number): Matrix | null {
  return scaledLeftVectors(A, (u, s) => (u * s) / Math.sqrt(s * s + (n - 1) * ridge));
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

/**
 * Huh–Jhun: for the orthonormal basis E (n×r) of [1, Z], the map A ↦ QᵀA (n−r rows) with Q
 * (n×(n−r)) semi-orthogonal, QᵀQ = I, QQᵀ = I − EEᵀ. Q is the last n − r columns of the
 * Householder product H₁⋯Hᵣ that reduces E (Hᵣ⋯H₁E = [R; 0]), so QᵀA is the last n − r rows of
 * Hᵣ⋯H₁A: r reflections of A's columns, O(n·r) per column, Q never formed.
 */
function huhJhun(E: Rows): (A: Rows) => Rows {
  const n = E.rows, r = E.cols, e = Float64Array.from(E.data);
  const refl: { v: Float64Array; tau: number }[] = [];
  const reflect = (v: Float64Array, tau: number, j: number, a: Float64Array, cols: number, from: number) => {
    for (let c = from; c < cols; c++) {
      let t = 0;
      for (let i = j; i < n; i++) t += v[i]! * a[i * cols + c]!;
      t *= tau;
      for (let i = j; i < n; i++) a[i * cols + c] = a[i * cols + c]! - t * v[i]!;
    }
  };
  for (let j = 0; j < r; j++) {
    let ss = 0;
    for (let i = j; i < n; i++) ss += e[i * r + j]! * e[i * r + j]!;
    const x0 = e[j * r + j]!, alpha = x0 >= 0 ? -Math.sqrt(ss) : Math.sqrt(ss);
    const v = new Float64Array(n);
    v[j] = x0 - alpha;
    for (let i = j + 1; i < n; i++) v[i] = e[i * r + j]!;
    let vv = 0;
    for (let i = j; i < n; i++) vv += v[i]! * v[i]!;
    const tau = vv > 0 ? 2 / vv : 0;
    reflect(v, tau, j, e, r, j);
    refl.push({ v, tau });
  }
  return (A) => {
    const p = A.cols, a = Float64Array.from(A.data);
    refl.forEach(({ v, tau }, j) => reflect(v, tau, j, a, p, 0));
    return { data: a.slice(r * p), rows: n - r, cols: p };
  };
}

/**
 * σ_max(Cxᵀ·G·Cy) for the cross-product G = BxᵀBy of the two views' bases and a component's
 * coordinates Cx (px×a), Cy (py×b) in them, into buffers made once per component (no
 * allocation per call).
 */
function topSingular(Cx: Matrix, G: Matrix, Cy: Matrix, buf: { t: Matrix; G: Matrix; u: Matrix; s: Matrix; v: Matrix; work: Matrix }): number {
  W.gemm(buf.t, Cx, G, true, false);
  W.gemm(buf.G, buf.t, Cy);
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
  // with covariates, Huh–Jhun on [1, Z] (m = n − rank rows); without, centring keeps the n rows exchangeable
  let project = (A: Rows): Rows => A, m = n;
  if (Z) {
    const r = 1 + (Qz ? Qz.cols : 0), E = new Float64Array(n * r), inv = 1 / Math.sqrt(n);
    if (n - r < 3) throw new ShapeError('options.covariates', `at most ${n - 4} independent columns (n − rank([1, Z]) ≥ 3 rows to permute)`, `rank ${r - 1}`);
    for (let i = 0; i < n; i++) {
      E[i * r] = inv;
      for (let c = 1; c < r; c++) E[i * r + c] = Qz!.data[i * (r - 1) + c - 1]!;
    }
    project = huhJhun({ data: E, rows: n, cols: r });
    m = n - r;
  }
  const Xr = removeSpan(centred(X), Qz), Yr = removeSpan(centred(Y), Qz);
  const [U, V] = variates(Xr, Yr);
  const owner = new Owner(), own = owner.own;
  try {
    // per component: the whitened deflated views, m rows (null: nothing left to correlate)
    const views: ([Matrix, Matrix] | null)[] = [];
    for (let c = 0; c < k; c++) {
      const first = (M: Rows): Rows | null => {
        if (c === 0) return null;
        const out = new Float64Array(n * c);
        for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) out[i * c + j] = M.data[i * M.cols + j]!;
        return basis({ data: out, rows: n, cols: c });
      };
      const ax = whitened(project(removeSpan(Xr, first(U))), ridges[0], n), ay = whitened(project(removeSpan(Yr, first(V))), ridges[1], n);
      if (ax) own(ax);
      if (ay) own(ay);
      views.push(ax && ay ? [ax, ay] : null);
    }
    // every component's whitened views lie in the column spaces of the projected views: with
    // orthonormal bases Bx, By of those, a view is B·C, and a permutation P needs one
    // cross-product G = Bxᵀ·P·By (one gather and one m-long GEMM) for all components, each then
    // a small Cxᵀ·G·Cy and its SVD
    const ownOrNull = (b: Matrix | null) => b && own(b);
    const bx = ownOrNull(basisOf(project(Xr))), by = ownOrNull(basisOf(project(Yr)));
    const stat = new Float64Array(k), count = new Float64Array(k);
    if (bx && by) {
      const coords = views.map((v) => {
        if (!v) return null;
        const cx = own(Matrix.empty(bx.cols, v[0].cols)), cy = own(Matrix.empty(by.cols, v[1].cols));
        W.gemm(cx, bx, v[0], true, false);
        W.gemm(cy, by, v[1], true, false);
        return [cx, cy] as const;
      });
      const bufs = views.map((v) => {
        if (!v) return null;
        const a = v[0].cols, b = v[1].cols, kk = Math.min(a, b);
        return { t: own(Matrix.empty(a, by.cols)), G: own(Matrix.empty(a, b)), u: own(Matrix.empty(a, kk)), s: own(Matrix.empty(1, kk)), v: own(Matrix.empty(b, kk)), work: own(Matrix.empty(1, W.svdWorkSize(a, b))) };
      });
      const G = own(Matrix.empty(bx.cols, by.cols)), moved = own(Matrix.empty(m, by.cols));
      const statistics = (g: Matrix, each: (c: number, t: number) => void) =>
        coords.forEach((cc, c) => {
          if (cc) each(c, topSingular(cc[0], g, cc[1], bufs[c]!));
        });
      W.gemm(G, bx, by, true, false);
      statistics(G, (c, t) => (stat[c] = t));
      const rng = own(Rng.create(options.seed)), idx = own(Indices.empty(m));
      for (let b = 0; b < B; b++) {
        W.shuffle(idx, rng);
        W.gatherRowsF64(moved, by, idx);
        W.gemm(G, bx, moved, true, false);
        // a tolerance for ties of the identity-like permutations with T itself
        statistics(G, (c, t) => t >= stat[c]! - 1e-12 && count[c]!++);
      }
    }
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

/**
 * CCA.permutationTest for a model's settings: the options and the model's regularization
 * checked (a ridge, no scale), rows with a missing cell left out under missing 'drop', the
 * shapes checked, then the test with `fitVariates` (a fresh model's fit and transform).
 */
export function modelPermutationTest(
  X: MatrixInput, Y: MatrixInput, options: PermutationTestOptions,
  model: { components: number; regularization: number | [number, number] | 'auto' | 'cv'; scale: boolean; missing: Missing },
  fitVariates: (x: Rows, y: Rows) => [MatrixResult, MatrixResult],
): PermutationTestResult {
  const o = checkPermutationOptions(checkOptions(options, ['permutations', 'seed', 'covariates']));
  const reg = model.regularization;
  if (reg === 'auto') throw new ValueError('regularization', "a ridge for permutationTest (the shrinkage λ of 'auto' would be chosen anew for every permutation); use e.g. new CCA({ regularization: 1e-4 })", reg);
  if (reg === 'cv') throw new ValueError('regularization', "a ridge for permutationTest (a ridge chosen on the same rows would bias the test): e.g. new CCA({ regularization: cca.appliedRegularization }), or CCA.crossValidate on other rows", reg);
  if (model.scale) throw new ValueError('scale', 'false for permutationTest (standardise the columns yourself)', model.scale);
  const rows = (input: MatrixInput, name: string): Rows => {
    const m = Matrix.from(input, name);
    try {
      return { data: Float64Array.from(m.toShaped().data), rows: m.rows, cols: m.cols };
    } finally {
      m.dispose();
    }
  };
  // missing 'drop': the rows with a missing cell in X, Y or the covariates are left out of the test
  const d = dropMissing(options.covariates == null ? [X, Y] : [X, Y, options.covariates as MatrixInput], ['X', 'Y', 'options.covariates'], model.missing, 'X, Y');
  const x = rows(d.views[0]!, 'X'), y = rows(d.views[1]!, 'Y');
  if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
  if (x.rows < 3) throw new ShapeError('X', 'at least 3 rows to permute', `${x.rows} rows`);
  if (model.components > Math.min(x.cols, y.cols)) throw new ValueError('options.components', `at most min(p, q) = ${Math.min(x.cols, y.cols)}`, model.components);
  const z = options.covariates == null ? null : rows(d.views[2]!, 'options.covariates');
  const ridges: [number, number] = Array.isArray(reg) ? [reg[0], reg[1]] : [reg, reg];
  return permutationTest(x, y, z, model.components, ridges, o, fitVariates);
}

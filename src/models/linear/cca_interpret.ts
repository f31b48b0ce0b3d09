/**
 * What a fitted two-view CCA says beyond its variates: transform and score with covariates
 * (partial CCA), prediction of one view from the other, the map from variates back to the
 * views, and the classic interpretation (structure correlations, explained variance,
 * Stewart–Love redundancy). Formulas (Σ the sample covariances of the fitted views, residualised
 * with covariates; W the weights; L = Σ·W the structure loadings; k kept pairs):
 *   predict(X)        Ŷ = ȳ + (X − x̄)·Wx·diag(ρ)·Lyᵀ   (+ (Z − z̄)·By with covariates)
 *   inverseTransform  X̂ = x̄ + U·(Lx·(WxᵀΣxxWx)⁻¹)ᵀ      (the least-squares map from U to X)
 *   explainedVariance ev_j = mean_i Lx_ij² / (Σxx_ii · (WxᵀΣxxWx)_jj)  (mean squared structure correlation)
 *   redundancy        rd_j = ev_j · ρ_j²                    (Stewart & Love 1968)
 * With all pairs and no ridge, predict is the least-squares regression of Y on X, since
 * Σyx·wx_j = ρ_j·Σyy·wy_j for every pair.
 */
import { Matrix, rowBlocks, withScratch, type MatrixInput, type MatrixResult, type RowSource } from '../../wasm/index.js';
import { NotFittedError, ShapeError, ValueError, described } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { eachView, heldOutRows, projectInto, projectRows, withSource, withSources } from './cca_transform.js';
import { blockRows } from './stream.js';
import { CrossMoments } from './structure.js';
import { joinedSource, residualSource, stackedWeights, type Covariates } from './cca_partial.js';
import type { CCAFit, Loadings } from './cca_solve.js';
import type { FitCall } from './cca_state.js';

/** The options of fit, partialFit, transform, score and predict: the covariates of the same rows (partial CCA). */
export interface CovariatesOption {
  /** n×r covariates (data, one row per row of X and Y): both views are residualised on [1, Z] */
  covariates?: MatrixInput | null;
}

/** The third argument of fit / partialFit / transform / score / predict, read (anything else is a typed error, never ignored). */
export function readCall(options: unknown, what: string): FitCall {
  if (options === undefined) return { covariates: null };
  const matrixLike = Array.isArray(options) || (options !== null && typeof options === 'object' && ('data' in options || 'rows' in options));
  if (matrixLike) throw new ValueError('options', `an options object for ${what}; covariates go in it: ${what}(X, Y, { covariates: Z })`, described(Array.isArray(options) ? `an array of ${options.length}` : 'a matrix'));
  const o = checkOptions(options as CovariatesOption, ['covariates'], 'options');
  return { covariates: o.covariates ?? null };
}

/** The fit's covariates, checked against what the call brought. */
function covariatesFor(f: CCAFit, call: FitCall): Covariates | null {
  const c = f.covariates;
  if (c && call.covariates === null)
    throw new ValueError('options.covariates', `the covariates of these rows (${c.means.length} columns): this CCA was fitted with covariates (partial CCA), so its variates need them`, 'none');
  if (!c && call.covariates !== null) throw new ValueError('options.covariates', 'none: this CCA was fitted without covariates', described('covariates'));
  return c;
}

/** `fn` with a row source of [V, Z] (V's columns checked first, then Z's rows and columns) and the offset of V in the joined views. */
function withJoined<T>(v: RowSource, name: string, c: Covariates, Z: MatrixInput, cols: number, fn: (joined: RowSource) => T): T {
  if (v.cols !== cols) throw new ShapeError(name, `${cols} columns (as in fit)`, `${v.cols} columns`);
  return withSource(Z, 'options.covariates', (z) => {
    if (z.rows !== v.rows) throw new ShapeError('options.covariates', `${v.rows} rows (as ${name})`, `${z.rows} rows`);
    if (z.cols !== c.means.length) throw new ShapeError('options.covariates', `${c.means.length} columns (as in fit)`, `${z.cols} columns`);
    const j = joinedSource(v, z);
    try {
      return fn(j);
    } finally {
      j.release();
    }
  });
}

/** [v̄, z̄]. */
const joinedMeans = (m: Float64Array, c: Covariates) => Float64Array.of(...m, ...c.means);

/** (V − v̄)·W for a view, through the covariates when the fit has them. */
function projectView(f: CCAFit, c: Covariates | null, input: MatrixInput, name: 'X' | 'Y', Z: MatrixInput | null): MatrixResult {
  const [means, w, offset] = name === 'X' ? [f.xMeans, f.xWeights, 0] : [f.yMeans, f.yWeights, f.xWeights.rows];
  return withSource(input, name, (v) => {
    if (!c) return projectRows(v, name, means, w);
    return withJoined(v, name, c, Z!, w.rows, (j) => {
      const s = stackedWeights(w, c, offset);
      try {
        return projectRows(j, name, joinedMeans(means, c), s);
      } finally {
        s.dispose();
      }
    });
  });
}

/** CCA.transform. */
export function transformViews(f: CCAFit, X: MatrixInput | null, Y: MatrixInput | null, call: FitCall): [MatrixResult | null, MatrixResult | null] {
  const c = covariatesFor(f, call);
  return eachView(X, Y, (input, name) => projectView(f, c, input, name, call.covariates));
}

/** CCA.score: the held-out correlation of each pair of variates. */
export function variateCorrelations(f: CCAFit, k: number, X: MatrixInput, Y: MatrixInput, call: FitCall): Float64Array {
  const c = covariatesFor(f, call);
  return withSources(X, Y, (x, y) => {
    if (!c) return heldOutRows(f, k, x, y);
    if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
    const p = f.xWeights.rows, q = f.yWeights.rows;
    return withJoined(x, 'X', c, call.covariates!, p, (jx) =>
      withJoined(y, 'Y', c, call.covariates!, q, (jy) => {
        const sx = stackedWeights(f.xWeights, c, 0);
        try {
          const sy = stackedWeights(f.yWeights, c, p);
          try {
            return heldOutRows({ xMeans: joinedMeans(f.xMeans, c), yMeans: joinedMeans(f.yMeans, c), xWeights: sx, yWeights: sy }, k, jx, jy);
          } finally {
            sy.dispose();
          }
        } finally {
          sx.dispose();
        }
      }),
    );
  });
}

/** The fit's loadings, or why there are none. */
function loadingsOf(f: CCAFit, what: string): Loadings {
  if (!f.loadings)
    throw new NotFittedError(
      `${what}: this CCA was read from a file written before version 4 without its statistics, which holds no structure loadings (Σ·W); fit it again, or load a file saved with toJSON({ statistics: true })`,
    );
  return f.loadings;
}

/** Var(U) = WᵀΣW (k×k, of the first k pairs) from the weights and the standardised loadings L̃ = D⁻¹ΣW (D the scales, 1 for a constant column). */
function variateCovariance(w: Matrix, L: Float64Array, sd: Float64Array, k: number): Float64Array {
  const rows = w.rows, K = w.cols, wd = w.data, out = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let t = 0;
      for (let i = 0; i < rows; i++) t += wd[i * K + a]! * (sd[i]! || 1) * L[i * K + b]!;
      out[a * k + b] = t;
    }
  return out;
}

/**
 * CCA.predict: one view from the other through the k kept pairs (see the module comment).
 * `from` is the view given; the result has the other view's columns.
 */
export function predictView(f: CCAFit, k: number, input: MatrixInput, from: 'X' | 'Y', call: FitCall): MatrixResult {
  const c = covariatesFor(f, call);
  const L = loadingsOf(f, 'predict');
  const [w, Lo, so, means, outMeans, offset, outOffset] = from === 'X' ? [f.xWeights, L.y, L.yScales, f.xMeans, f.yMeans, 0, f.xWeights.rows] : [f.yWeights, L.x, L.xScales, f.yMeans, f.xMeans, f.xWeights.rows, 0];
  const a = w.rows, b = outMeans.length, K = w.cols, wd = w.data;
  // G = W·diag(ρ)·Loᵀ (a×b); with covariates stacked as [G; B_out − B_in·G]
  const r = c ? c.means.length : 0, P = f.xWeights.rows + f.yWeights.rows;
  const G = new Float64Array((a + r) * b);
  for (let i = 0; i < a; i++)
    for (let j = 0; j < b; j++) {
      let t = 0;
      for (let m = 0; m < k; m++) t += wd[i * K + m]! * f.all[m]! * Lo[j * K + m]!;
      G[i * b + j] = t * (so[j]! || 1);
    }
  if (c)
    for (let z = 0; z < r; z++)
      for (let j = 0; j < b; j++) {
        let t = c.coefficients[z * P + outOffset + j]!;
        for (let i = 0; i < a; i++) t -= c.coefficients[z * P + offset + i]! * G[i * b + j]!;
        G[(a + z) * b + j] = t;
      }
  const Gm = Matrix.from({ data: G, rows: a + r, cols: b }, 'G');
  try {
    const out = withSource(input, from, (v) => (c ? withJoined(v, from, c, call.covariates!, a, (j) => projectRows(j, from, joinedMeans(means, c), Gm)) : projectRows(v, from, means, Gm)));
    return addMeans(out, outMeans);
  } finally {
    Gm.dispose();
  }
}

/** out += 1·meansᵀ (a JS result: its own data). */
function addMeans(out: MatrixResult, means: Float64Array): MatrixResult {
  const d = out.data as Float64Array, b = means.length;
  for (let i = 0; i < out.rows; i++) for (let j = 0; j < b; j++) d[i * b + j] = d[i * b + j]! + means[j]!;
  return out;
}

/**
 * CCA.inverseTransform of one view's variates (n×k): v̄ + U·(L·Var(U)⁻¹)ᵀ, plus (Z − z̄)·B with
 * covariates (without them, the view at the covariates' means).
 */
export function inverseView(f: CCAFit, k: number, input: MatrixInput, view: 'X' | 'Y', Z: MatrixInput | null): MatrixResult {
  const L = loadingsOf(f, 'inverseTransform');
  const [w, Lv, sd, means, offset, name] = view === 'X' ? [f.xWeights, L.x, L.xScales, f.xMeans, 0, 'U'] : [f.yWeights, L.y, L.yScales, f.yMeans, f.xWeights.rows, 'V'];
  const c = f.covariates;
  if (Z !== null && !c) throw new ValueError('options.covariates', 'none: this CCA was fitted without covariates', described('covariates'));
  const d = w.rows, K = w.cols;
  const S = variateCovariance(w, Lv, sd, k);
  const r = Z !== null ? c!.means.length : 0, P = f.xWeights.rows + f.yWeights.rows;
  // M = (L·S⁻¹)ᵀ = S⁻¹·Lᵀ (k×d), S symmetric: solve S·M = Lᵀ
  const Lt = new Float64Array(k * d);
  for (let i = 0; i < d; i++) for (let m = 0; m < k; m++) Lt[m * d + i] = Lv[i * K + m]! * (sd[i]! || 1);
  const M = solveSymmetric(S, Lt, k, d, name);
  const stacked = new Float64Array((k + r) * d);
  stacked.set(M);
  for (let z = 0; z < r; z++) for (let i = 0; i < d; i++) stacked[(k + z) * d + i] = c!.coefficients[z * P + offset + i]!;
  const Mm = Matrix.from({ data: stacked, rows: k + r, cols: d }, 'M');
  try {
    const out = withSource(input, name, (u) => {
      if (u.cols !== k) throw new ShapeError(name, `${k} columns (the kept components)`, `${u.cols} columns`);
      if (!r) return projectRows(u, name, new Float64Array(k), Mm);
      return withSource(Z!, 'options.covariates', (z) => {
        if (z.rows !== u.rows) throw new ShapeError('options.covariates', `${u.rows} rows (as ${name})`, `${z.rows} rows`);
        if (z.cols !== r) throw new ShapeError('options.covariates', `${r} columns (as in fit)`, `${z.cols} columns`);
        const j = joinedSource(u, z);
        try {
          return projectRows(j, name, Float64Array.of(...new Float64Array(k), ...c!.means), Mm);
        } finally {
          j.release();
        }
      });
    });
    return addMeans(out, means);
  } finally {
    Mm.dispose();
  }
}

/** Solves S·M = B for symmetric positive definite S (k×k) and B (k×d) by Cholesky; a singular S is a typed error. */
function solveSymmetric(S: Float64Array, B: Float64Array, k: number, d: number, name: string): Float64Array {
  const Lc = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j <= i; j++) {
      let t = S[i * k + j]!;
      for (let m = 0; m < j; m++) t -= Lc[i * k + m]! * Lc[j * k + m]!;
      if (i === j) {
        if (!(t > 1e-13 * Math.abs(S[i * k + i]!))) throw new ValueError(name, 'variates of a fit whose variates have a non-singular covariance', described(`variate ${i} with no variance of its own`));
        Lc[i * k + i] = Math.sqrt(t);
      } else Lc[i * k + j] = t / Lc[j * k + j]!;
    }
  const M = Float64Array.from(B);
  for (let col = 0; col < d; col++) {
    for (let i = 0; i < k; i++) {
      let t = M[i * d + col]!;
      for (let m = 0; m < i; m++) t -= Lc[i * k + m]! * M[m * d + col]!;
      M[i * d + col] = t / Lc[i * k + i]!;
    }
    for (let i = k - 1; i >= 0; i--) {
      let t = M[i * d + col]!;
      for (let m = i + 1; m < k; m++) t -= Lc[m * k + i]! * M[m * d + col]!;
      M[i * d + col] = t / Lc[i * k + i]!;
    }
  }
  return M;
}

/** Per component j, the mean squared correlation of the view's columns with its own variate j (training statistics). */
export function explained(f: CCAFit, k: number, view: 'X' | 'Y', what: string): Float64Array {
  const L = loadingsOf(f, what);
  const [w, Lv, sd] = view === 'X' ? [f.xWeights, L.x, L.xScales] : [f.yWeights, L.y, L.yScales];
  const S = variateCovariance(w, Lv, sd, k), K = w.cols, out = new Float64Array(k);
  let cols = 0;
  for (let i = 0; i < sd.length; i++) if (sd[i]! > 0) cols++;
  for (let j = 0; j < k; j++) {
    // the structure correlation of column i with variate j is L̃ᵢⱼ/√Var(uⱼ)
    const su = Math.sqrt(S[j * k + j]!);
    let t = 0;
    if (su > 0) for (let i = 0; i < sd.length; i++) if (sd[i]! > 0) t += (Lv[i * K + j]! / su) ** 2;
    out[j] = cols ? t / cols : 0;
  }
  return out;
}

/** Two-view structure correlations: each view's columns with each view's variates. */
export interface StructureCorrelations {
  /** X's columns (p×k) with U (own) and with V (cross) */
  x: { own: MatrixResult; cross: MatrixResult };
  /** Y's columns (q×k) with V (own) and with U (cross) */
  y: { own: MatrixResult; cross: MatrixResult };
}

/**
 * CCA.structureCorrelations on the rows given, a block of rows at a time (the co-moments of the
 * columns with the variates merged block by block, structure.ts): the columns (residualised on
 * the covariates with a partial CCA) against the variates.
 */
export function structure(f: CCAFit, k: number, X: MatrixInput, Y: MatrixInput, call: FitCall): StructureCorrelations {
  const c = covariatesFor(f, call);
  const p = f.xWeights.rows, q = f.yWeights.rows;
  return withSources(X, Y, (x, y) => {
    if (x.cols !== p) throw new ShapeError('X', `${p} columns (as in fit)`, `${x.cols} columns`);
    if (y.cols !== q) throw new ShapeError('Y', `${q} columns (as in fit)`, `${y.cols} columns`);
    if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
    if (x.rows < 2) throw new ShapeError('X', 'at least 2 rows to correlate', `${x.rows} row`);
    const run = (xs: RowSource, ys: RowSource, xm: Float64Array, ym: Float64Array) => {
      const n = xs.rows, acc = new CrossMoments(p + q, 2 * k);
      for (const [start, count] of rowBlocks(n, blockRows(p + q + 2 * k)))
        withScratch((sc) => {
          const u = sc.matrix(count, k), v = sc.matrix(count, k);
          const xb = xs.block(start, count);
          projectInto(u, xb, xm, f.xWeights, sc);
          const xd = xb.toFloat64Array();
          const yb = ys.block(start, count);
          projectInto(v, yb, ym, f.yWeights, sc);
          const cols = joinRows(xd, yb.toFloat64Array(), count, p, q), vars = joinRows(u.toFloat64Array(), v.toFloat64Array(), count, k, k);
          acc.add(cols, vars, count);
        });
      const m = (a0: number, rows: number, b0: number): MatrixResult => ({ data: acc.correlations(a0, rows, b0, k), rows, cols: k });
      return { x: { own: m(0, p, 0), cross: m(0, p, k) }, y: { own: m(p, q, k), cross: m(p, q, 0) } };
    };
    if (!c) return run(x, y, f.xMeans, f.yMeans);
    return withSource(call.covariates!, 'options.covariates', (z) => {
      if (z.rows !== x.rows) throw new ShapeError('options.covariates', `${x.rows} rows (as X)`, `${z.rows} rows`);
      if (z.cols !== c.means.length) throw new ShapeError('options.covariates', `${c.means.length} columns (as in fit)`, `${z.cols} columns`);
      const means = Float64Array.of(...f.xMeans, ...f.yMeans);
      const rx = residualSource(x, z, means, c, 0);
      try {
        const ry = residualSource(y, z, means, c, p);
        try {
          // the residualised rows have mean 0 (the fit's coefficients include the intercept)
          return run(rx, ry, new Float64Array(p), new Float64Array(q));
        } finally {
          ry.release();
        }
      } finally {
        rx.release();
      }
    });
  });
}

/** [a, b] side by side (count rows of ca and cb values). */
function joinRows(a: Float64Array, b: Float64Array, count: number, ca: number, cb: number): Float64Array {
  const out = new Float64Array(count * (ca + cb));
  for (let r = 0; r < count; r++) {
    out.set(a.subarray(r * ca, (r + 1) * ca), r * (ca + cb));
    out.set(b.subarray(r * cb, (r + 1) * cb), r * (ca + cb) + ca);
  }
  return out;
}

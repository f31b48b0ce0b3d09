/**
 * What the multi-view models (MCCA, GCCA) say beyond the variates (issue 35), from what the
 * fit keeps of its training statistics: each view's columns' covariance with every view's
 * kept variates, Cov(Xᵢ, Uⱼ) = Σᵢⱼ·Wⱼ (pᵢ × k per view j), and the columns' variances. The
 * variates' covariance follows, Var(Uᵢ, Uⱼ) = Wᵢᵀ·Σᵢⱼ·Wⱼ = Wᵢᵀ·Cov(Xᵢ, Uⱼ).
 *
 * - predict: every null view t from the given ones S, Ŷₜ = x̄ₜ + Cov(Yₜ, U_S)·Var(U_S)⁺·U_S
 *   (the least-squares map from the given views' kept variates; Var⁺ the pseudo-inverse, its
 *   eigenvalues ≤ PINV_RCOND × the largest dropped). With every component of views whose
 *   weights are square and no ridge it is the least-squares regression of view t on the views
 *   S; for two views, ȳ + U·diag(ρ)·(Σyy·Wy)ᵀ.
 * - inverseTransform: view v ≈ x̄ᵥ + Uᵥ·Lᵥᵀ, Lᵥ = Σᵥᵥ·Wᵥ·(WᵥᵀΣᵥᵥWᵥ)⁺ (the least-squares map
 *   back from the view's own variates).
 * - structure correlations (rows given, a block at a time), explained variance and the
 *   Stewart–Love redundancy (training statistics).
 */
import * as W from '../../wasm/index.js';
import { rowBlocks, rowSource, withScratch, finiteResult, type MatrixInput, type MatrixResult, type RowSource } from '../../wasm/index.js';
import { eigh } from '../../linalg/ops.js';
import { NotFittedError, ShapeError, ValueError, described } from '../../errors.js';
import { CrossMoments } from './structure.js';
import { blockRows, withViewRows } from './stream.js';

/** Eigenvalues of a variate covariance at or below this fraction of its largest count as zero (its pseudo-inverse). */
export const PINV_RCOND = 1e-10;

/** What a fit keeps of its training statistics for these answers (raw columns' units). */
export interface ViewStats {
  /** per view i, pᵢ × (m·k) row-major: Cov(column of view i, variate c of view j) at [a·m·k + j·k + c] */
  cov: Float64Array[];
  /** per view, each column's variance */
  variances: Float64Array[];
}

/** The parts of a multi-view fit these answers read. */
export interface InterpretableFit {
  n: number;
  dims: number[];
  means: Float64Array[];
  /** per view, pᵢ×k row-major, for the raw columns */
  weights: Float64Array[];
  /** null: read from a file of version 1, which kept none */
  stats: ViewStats | null;
}

/**
 * The statistics from the covariance C of the joined views (P×P; with `sd`, of the columns
 * standardised by sd) and the weights for C's columns (before they are divided by sd).
 */
export function viewStats(C: Float64Array, P: number, off: number[], dims: number[], weights: Float64Array[], k: number, sd: Float64Array | null): ViewStats {
  const mk = dims.length * k;
  const cov = dims.map((p, i) => {
    const S = new Float64Array(p * mk);
    for (let a = 0; a < p; a++) {
      const row = (off[i]! + a) * P, s = sd ? sd[off[i]! + a]! : 1;
      for (const [j, w] of weights.entries())
        for (let b = 0; b < dims[j]!; b++) {
          const c = C[row + off[j]! + b]! * s;
          if (c !== 0) for (let l = 0; l < k; l++) S[a * mk + j * k + l] = S[a * mk + j * k + l]! + c * w[b * k + l]!;
        }
    }
    return S;
  });
  const variances = dims.map((p, i) => Float64Array.from({ length: p }, (_, a) => C[(off[i]! + a) * (P + 1)]! * (sd ? sd[off[i]! + a]! ** 2 : 1)));
  // a fit whose statistics overflow is refused as any overflow is, never kept to answer with NaN
  return finiteResult({ cov, variances }, ['views'], 'covariances of the columns with the variates');
}

function statsOf(f: InterpretableFit, kind: string, method: string): ViewStats {
  if (!f.stats)
    throw new NotFittedError(`${kind}.${method}: this ${kind} was read from a file of version 1, which keeps no training covariances of the columns with the variates; fit it again (or fromMoments) and save it anew`);
  return f.stats;
}

/** Var(U_S) (|S|·k square, row-major): the training covariance of the kept variates of the views S, symmetrised. */
function variateCovariance(f: InterpretableFit, st: ViewStats, S: number[], k: number): Float64Array {
  const d = S.length * k, mk = f.dims.length * k, G = new Float64Array(d * d);
  for (const [x, i] of S.entries())
    for (const [y, j] of S.entries())
      for (let c = 0; c < k; c++)
        for (let e = 0; e < k; e++) {
          let t = 0;
          for (let a = 0; a < f.dims[i]!; a++) t += f.weights[i]![a * k + c]! * st.cov[i]![a * mk + j * k + e]!;
          G[(x * k + c) * d + y * k + e] = t;
        }
  for (let r = 0; r < d; r++) for (let c = r + 1; c < d; c++) G[r * d + c] = G[c * d + r] = (G[r * d + c]! + G[c * d + r]!) / 2;
  return G;
}

/** The pseudo-inverse of a symmetric positive semi-definite d×d matrix: eigenvalues ≤ PINV_RCOND·λ₁ dropped. */
export function pinvSym(G: Float64Array, d: number): Float64Array {
  const { values, vectors } = eigh({ data: G, rows: d, cols: d });
  try {
    const V = vectors.toShaped().data, out = new Float64Array(d * d), tol = PINV_RCOND * values[0]!;
    for (let l = 0; l < d; l++) {
      const lam = values[l]!;
      if (!(lam > tol && lam > 0)) continue;
      for (let r = 0; r < d; r++) {
        const vr = V[r * d + l]! / lam;
        if (vr !== 0) for (let c = 0; c < d; c++) out[r * d + c] = out[r * d + c]! + vr * V[c * d + l]!;
      }
    }
    return out;
  } finally {
    vectors.dispose();
  }
}

/** A list of one entry per view, checked. */
function viewList(list: unknown, m: number, name: string): readonly (MatrixInput | null)[] {
  if (!Array.isArray(list) || list.length !== m) throw new ShapeError(name, `${m} entries, one per view (null for a view not given)`, Array.isArray(list) ? `${list.length}` : list === null ? 'null' : typeof list);
  return list as (MatrixInput | null)[];
}

/** predict(views): every null view from the given ones (module comment). */
export function predictViews(f: InterpretableFit, k: number, list: readonly (MatrixInput | null)[], kind: string): (MatrixResult | null)[] {
  const m = f.dims.length, views = viewList(list, m, 'views');
  const S = [...views.keys()].filter((i) => views[i] !== null), T = [...views.keys()].filter((i) => views[i] === null);
  if (!S.length) throw new ValueError('views', 'at least one view given (the predictors; null for each view to predict)', described('only nulls'));
  if (!T.length) throw new ValueError('views', 'at least one null view (null marks each view to predict)', described(`all ${m} views given`));
  const st = statsOf(f, kind, 'predict');
  const d = S.length * k, mk = m * k, Gp = pinvSym(variateCovariance(f, st, S, k), d);
  const PS = S.reduce((t, i) => t + f.dims[i]!, 0), PT = T.reduce((t, i) => t + f.dims[i]!, 0);
  // H = Var(U_S)⁺·Cov(U_S, Y_T) (d × PT), then B = blockdiag(W_s)·H (PS × PT): Ŷ_T = ȳ_T + (X_S − x̄_S)·B
  const C = new Float64Array(d * PT);
  let o = 0;
  for (const t of T) {
    for (const [x, s] of S.entries()) for (let c = 0; c < k; c++) for (let a = 0; a < f.dims[t]!; a++) C[(x * k + c) * PT + o + a] = st.cov[t]![a * mk + s * k + c]!;
    o += f.dims[t]!;
  }
  const H = new Float64Array(d * PT);
  for (let r = 0; r < d; r++) for (let e = 0; e < d; e++) {
    const g = Gp[r * d + e]!;
    if (g !== 0) for (let c = 0; c < PT; c++) H[r * PT + c] = H[r * PT + c]! + g * C[e * PT + c]!;
  }
  const B = new Float64Array(PS * PT);
  o = 0;
  for (const [x, s] of S.entries()) {
    const w = f.weights[s]!;
    for (let a = 0; a < f.dims[s]!; a++) for (let c = 0; c < k; c++) {
      const wa = w[a * k + c]!;
      if (wa !== 0) for (let col = 0; col < PT; col++) B[(o + a) * PT + col] = B[(o + a) * PT + col]! + wa * H[(x * k + c) * PT + col]!;
    }
    o += f.dims[s]!;
  }
  const out = withViewRows(views, f.dims, (sources, n) => {
    const ys = T.map((t) => new Float64Array(n * f.dims[t]!));
    for (const [start, count] of rowBlocks(n, blockRows(PS + PT)))
      withScratch((sc) => {
        const Bm = sc.matrix(PS, PT), xs = sc.matrix(count, PS), y = sc.matrix(count, PT);
        Bm.data.set(B);
        joinCentred(xs, S, sources, f, start, count);
        W.gemm(y, xs, Bm);
        const yd = y.data;
        let off = 0;
        for (const [x, t] of T.entries()) {
          const p = f.dims[t]!, mean = f.means[t]!, dst = ys[x]!;
          for (let r = 0; r < count; r++) for (let j = 0; j < p; j++) dst[(start + r) * p + j] = yd[r * PT + off + j]! + mean[j]!;
          off += p;
        }
      });
    return views.map((v, i) => (v === null ? { data: ys[T.indexOf(i)]!, rows: n, cols: f.dims[i]! } : null));
  });
  return finiteResult(out, ['views'], 'predictions');
}

/** xs (count × Σ pᵢ over `which`) = the views' rows start… side by side, minus the training means. */
function joinCentred(xs: W.Matrix, which: number[], sources: (RowSource | null)[], f: InterpretableFit, start: number, count: number): void {
  const P = xs.cols;
  let o = 0;
  for (const i of which) {
    const b = sources[i]!.block(start, count), p = f.dims[i]!, mean = f.means[i]!;
    // both read after the block call: an allocation may have grown (and detached) the heap
    const src = b.data, dst = xs.data;
    for (let r = 0; r < count; r++) for (let j = 0; j < p; j++) dst[r * P + o + j] = src[r * p + j]! - mean[j]!;
    o += p;
  }
}

/** inverseTransform(variates): each given view's variates mapped back, x̄ᵥ + Uᵥ·Lᵥᵀ (module comment). */
export function inverseViews(f: InterpretableFit, k: number, list: readonly (MatrixInput | null)[], kind: string): (MatrixResult | null)[] {
  const m = f.dims.length, variates = viewList(list, m, 'variates');
  if (variates.every((v) => v === null)) throw new ValueError('variates', 'at least one view\'s variates (null for a view not wanted)', described('only nulls'));
  const st = statsOf(f, kind, 'inverseTransform'), mk = m * k;
  const sources: (RowSource | null)[] = [];
  try {
    let n = -1;
    for (const [i, v] of variates.entries()) {
      if (v === null) {
        sources.push(null);
        continue;
      }
      const s = rowSource(v, `variates[${i}]`);
      sources.push(s);
      if (s.cols !== k) throw new ShapeError(`variates[${i}]`, `${k} columns (the model's components)`, `${s.cols} columns`);
      if (n >= 0 && s.rows !== n) throw new ShapeError(`variates[${i}]`, `${n} rows (as the other variates)`, `${s.rows} rows`);
      n = s.rows;
    }
    const out = sources.map((s, i) => {
      if (!s) return null;
      const p = f.dims[i]!, Gp = pinvSym(variateCovariance(f, st, [i], k), k), L = new Float64Array(p * k);
      // Lᵢ = Cov(Xᵢ, Uᵢ)·Var(Uᵢ)⁺ (p×k)
      for (let a = 0; a < p; a++) for (let c = 0; c < k; c++) for (let e = 0; e < k; e++) L[a * k + e] = L[a * k + e]! + st.cov[i]![a * mk + i * k + c]! * Gp[c * k + e]!;
      const data = new Float64Array(n * p), mean = f.means[i]!;
      for (const [start, count] of rowBlocks(n, blockRows(k + p)))
        withScratch((sc) => {
          const Lm = sc.matrix(p, k), x = sc.matrix(count, p);
          Lm.data.set(L);
          const u = s.block(start, count);
          W.gemm(x, u, Lm, false, true);
          const xd = x.data;
          for (let r = 0; r < count; r++) for (let j = 0; j < p; j++) data[(start + r) * p + j] = xd[r * p + j]! + mean[j]!;
        });
      return { data, rows: n, cols: p };
    });
    return finiteResult(out, ['variates'], 'reconstruction');
  } finally {
    for (const s of sources) s?.release();
  }
}

/** structureCorrelations(views): [i][j] = corr(view i's columns, view j's variates) on these rows (pᵢ×k). */
export function structureViews(f: InterpretableFit, k: number, list: readonly MatrixInput[]): MatrixResult[][] {
  const m = f.dims.length, views = viewList(list, m, 'views');
  if (views.some((v) => v === null)) throw new ValueError('views', 'every view (each view\'s columns are correlated with every view\'s variates)', described('a null view'));
  const P = f.dims.reduce((t, p) => t + p, 0), mk = m * k, all = [...views.keys()];
  const off = f.dims.map((_, i) => f.dims.slice(0, i).reduce((a, b) => a + b, 0));
  // the weights as one P × m·k block-diagonal matrix: U = (X − x̄)·Wb gives every view's variates at once
  const Wb = new Float64Array(P * mk);
  for (let i = 0; i < m; i++) for (let a = 0; a < f.dims[i]!; a++) for (let c = 0; c < k; c++) Wb[(off[i]! + a) * mk + i * k + c] = f.weights[i]![a * k + c]!;
  return withViewRows(views, f.dims, (sources, n) => {
    if (n < 2) throw new ShapeError('views[0]', 'at least 2 rows to correlate', `${n} row`);
    const acc = new CrossMoments(P, mk);
    for (const [start, count] of rowBlocks(n, blockRows(P + mk)))
      withScratch((sc) => {
        const Wm = sc.matrix(P, mk), xs = sc.matrix(count, P), u = sc.matrix(count, mk);
        Wm.data.set(Wb);
        joinCentred(xs, all, sources, f, start, count);
        W.gemm(u, xs, Wm);
        acc.add(xs.toFloat64Array(), u.toFloat64Array(), count);
      });
    const out = all.map((i) => all.map((j) => ({ data: acc.correlations(off[i]!, f.dims[i]!, j * k, k), rows: f.dims[i]!, cols: k })));
    return finiteResult(out, ['views'], 'structure correlations');
  });
}

/** Per view v and component c: the mean over v's columns of corr²(column, v's variate c), from the training statistics. */
export function explainedVariance(f: InterpretableFit, k: number, kind: string): Float64Array[] {
  const st = statsOf(f, kind, 'explainedVariance'), mk = f.dims.length * k;
  const out = f.dims.map((p, v) => {
    const G = variateCovariance(f, st, [v], k), out = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const g = G[c * k + c]!;
      if (!(g > 0)) continue;
      let t = 0;
      for (let a = 0; a < p; a++) {
        const s2 = st.variances[v]![a]!;
        // √s²·√g, not √(s²g): the product of two extreme variances leaves the range
        if (s2 > 0) t += (st.cov[v]![a * mk + v * k + c]! / (Math.sqrt(s2) * Math.sqrt(g))) ** 2;
      }
      out[c] = t / p;
    }
    return out;
  });
  return finiteResult(out, ['views'], 'explained variance');
}

/** Stewart–Love redundancy of view i given view j: explainedVariance[i] × the squared training correlation of variates i and j, per component. */
export function redundancy(f: InterpretableFit, k: number, i: number, j: number, kind: string): Float64Array {
  const m = f.dims.length;
  const index = (v: unknown, name: string) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= m) throw new ValueError(name, `a view index, an integer from 0 to ${m - 1}`, v);
  };
  index(i, 'i');
  index(j, 'j');
  if (i === j) throw new ValueError('j', `another view than i (${i}): redundancy is the share of view i's variance that another view's variates account for`, j);
  const ev = explainedVariance(f, k, kind)[i]!, st = statsOf(f, kind, 'redundancy'), G = variateCovariance(f, st, [i, j], k), out = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const a = G[c * 2 * k + c]!, b = G[(k + c) * 2 * k + k + c]!;
    const r = a > 0 && b > 0 ? G[c * 2 * k + k + c]! / (Math.sqrt(a) * Math.sqrt(b)) : 0;
    out[c] = ev[c]! * r * r;
  }
  return finiteResult(out, ['views'], 'redundancy');
}

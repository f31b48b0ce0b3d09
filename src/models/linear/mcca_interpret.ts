/**
 * What the multi-view models (MCCA, GCCA) say beyond the variates (issue 35), from what the
 * fit keeps of its training statistics, in units that stay near 1 whatever the columns' units
 * (a view near 1e-150 under a ridge sized for one near 1e9 has variates near 1e-158, whose
 * variance, 1e-316, is below the range): each view's columns' training correlations with every
 * view's kept variates, Rᵢⱼ·Ŵⱼ (pᵢ × k per view j; R the columns' correlations), and the
 * columns' standard deviations D. Ŵⱼ = Dⱼ·Wⱼ·Sⱼ⁻¹ are the weights from the standardised
 * columns to the standardised variates (Sⱼ the variates' standard deviations, from the weights
 * and the correlations: each product is formed with its factors brought near 1 first), and the
 * variates' correlations follow, Φᵢⱼ = Ŵᵢᵀ·Rᵢⱼ·Ŵⱼ. Every answer is formed in those units and
 * mapped back to the columns' at the end.
 *
 * - predict: every null view t from the given ones S, Ŷₜ = x̄ₜ + Dₜ·Rₜ_S·Φ_S⁺·Ũ_S, Ũ_S the given
 *   views' kept variates standardised (the least-squares map from them; Φ⁺ the pseudo-inverse,
 *   its eigenvalues ≤ PINV_RCOND × the largest dropped). With every component of views whose
 *   weights are square and no ridge it is the least-squares regression of view t on the views
 *   S; for two views, ȳ + U·diag(ρ)·(Σyy·Wy)ᵀ.
 * - inverseTransform: view v ≈ x̄ᵥ + Dᵥ·Rᵥᵥ·Φᵥᵥ⁺·Ũᵥ (the least-squares map back from the view's
 *   own variates, Σᵥᵥ·Wᵥ·(WᵥᵀΣᵥᵥWᵥ)⁺ in the columns' units).
 * - structure correlations (rows given, a block at a time, on the standardised columns and
 *   variates), explained variance and the Stewart–Love redundancy (training statistics).
 */
import * as W from '../../wasm/index.js';
import { rowBlocks, rowSource, withScratch, finiteResult, type MatrixInput, type MatrixResult, type RowSource } from '../../wasm/index.js';
import { eigh } from '../../linalg/ops.js';
import { NotFittedError, ShapeError, ValueError, described } from '../../errors.js';
import { CrossMoments } from './structure.js';
import { blockRows, withViewRows } from './stream.js';

/** Eigenvalues of a variate correlation matrix at or below this fraction of its largest count as zero (its pseudo-inverse). */
export const PINV_RCOND = 1e-10;

/** What a fit keeps of its training statistics for these answers (file version 3). */
export interface ViewStats {
  /** per view i, pᵢ × (m·k) row-major: the training correlation of column a of view i with variate c of view j at [a·m·k + j·k + c] (0 for a constant column or a variate without variance) */
  structure: Float64Array[];
  /** per view, each column's training standard deviation (n − 1; 0 for a constant column) */
  scales: Float64Array[];
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

/** max |xᵢ| */
const largest = (x: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
};

/**
 * The statistics from the covariance C of the joined views (P×P; with `sd`, of the columns
 * standardised by sd) and the weights for C's columns (before they are divided by sd). The
 * correlations R = E⁻¹·C·E⁻¹ (E C's standard deviations, one division at a time), and each
 * variate's weights on the standardised columns brought to largest magnitude 1 before its
 * variance is formed: every product stays near 1.
 */
export function viewStats(C: Float64Array, P: number, off: number[], dims: number[], weights: Float64Array[], k: number, sd: Float64Array | null): ViewStats {
  const mk = dims.length * k, e = new Float64Array(P), R = new Float64Array(P * P);
  for (let a = 0; a < P; a++) e[a] = Math.sqrt(C[a * (P + 1)]!) || 1;
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) R[a * P + b] = C[a * P + b]! / e[a]! / e[b]!;
  // Ŵⱼ: view j's standardised columns to its standardised variates (0 for a variate without variance)
  const unit = dims.map((p, j) => {
    const w = weights[j]!, out = new Float64Array(p * k), t = new Float64Array(p);
    for (let c = 0; c < k; c++) {
      const mu = largest(Float64Array.from({ length: p }, (_, a) => w[a * k + c]!));
      if (!(mu > 0)) continue;
      for (let a = 0; a < p; a++) t[a] = (w[a * k + c]! / mu) * e[off[j]! + a]!;
      const nt = largest(t);
      let q = 0;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) q += (t[a]! / nt) * R[(off[j]! + a) * P + off[j]! + b]! * (t[b]! / nt);
      const s = Math.sqrt(q);
      if (s > 0) for (let a = 0; a < p; a++) out[a * k + c] = t[a]! / nt / s;
    }
    return out;
  });
  const structure = dims.map((p, i) => {
    const S = new Float64Array(p * mk);
    for (let a = 0; a < p; a++) {
      const row = (off[i]! + a) * P;
      for (const [j, u] of unit.entries())
        for (let b = 0; b < dims[j]!; b++) {
          const r = R[row + off[j]! + b]!;
          if (r !== 0) for (let l = 0; l < k; l++) S[a * mk + j * k + l] = S[a * mk + j * k + l]! + r * u[b * k + l]!;
        }
    }
    return S;
  });
  // the raw columns' standard deviations: C's, times the standardisation's (a constant column: 0)
  const scales = dims.map((p, i) => Float64Array.from({ length: p }, (_, a) => (C[(off[i]! + a) * (P + 1)]! > 0 ? (sd ? sd[off[i]! + a]! : e[off[i]! + a]!) : 0)));
  // a fit whose statistics overflow is refused as any overflow is, never kept to answer with NaN
  return finiteResult({ structure, scales }, ['views'], 'covariances of the columns with the variates');
}

/**
 * The statistics of a version-2 file (Cov(Xᵢ, Uⱼ) = Σᵢⱼ·Wⱼ and the columns' variances, raw
 * units) in today's form: each covariance divided by the column's and the variate's standard
 * deviations (Var(Uⱼ) = Wⱼᵀ·Cov(Xⱼ, Uⱼ)).
 */
export function statsFromCovariances(cov: Float64Array[], variances: Float64Array[], weights: Float64Array[], dims: number[], k: number): ViewStats {
  const mk = dims.length * k;
  const sdU = dims.map((p, j) =>
    Float64Array.from({ length: k }, (_, c) => {
      let t = 0;
      for (let b = 0; b < p; b++) t += weights[j]![b * k + c]! * cov[j]![b * mk + j * k + c]!;
      return Math.sqrt(Math.max(t, 0));
    }),
  );
  const scales = variances.map((v) => v.map(Math.sqrt));
  const structure = cov.map((S, i) =>
    S.map((v, idx) => {
      const a = Math.floor(idx / mk), j = Math.floor((idx % mk) / k), s = sdU[j]![idx % k]!, d = scales[i]![a]!;
      return d > 0 && s > 0 ? v / d / s : 0;
    }),
  );
  return { structure, scales };
}

function statsOf(f: InterpretableFit, kind: string, method: string): ViewStats {
  if (!f.stats)
    throw new NotFittedError(`${kind}.${method}: this ${kind} was read from a file of version 1, which keeps no training covariances of the columns with the variates; fit it again (or fromMoments) and save it anew`);
  return f.stats;
}

/**
 * View i's Ŵ (pᵢ×k: its standardised columns, each divided by its scale or 1 for a constant
 * one, to its variates divided by their training standard deviations), the same weights
 * brought to largest magnitude 1 instead (`dir`: variates of any positive size, for
 * correlations), and each variate's standard deviation as mu·sigma (mu its largest |weight|,
 * kept apart so that neither leaves the range; sigma 0 for a variate without variance, whose
 * Ŵ is 0). With t the weights on the standardised columns, tᵀ·(R·Ŵ) = tᵀRt / sd(U) = sd(U).
 */
function unitWeights(f: InterpretableFit, st: ViewStats, i: number, k: number): { W: Float64Array; dir: Float64Array; mu: Float64Array; sigma: Float64Array } {
  const p = f.dims[i]!, w = f.weights[i]!, e = st.scales[i]!, S = st.structure[i]!, mk = f.dims.length * k;
  const out = new Float64Array(p * k), dir = new Float64Array(p * k), mu = new Float64Array(k), sigma = new Float64Array(k), t = new Float64Array(p);
  for (let c = 0; c < k; c++) {
    mu[c] = largest(Float64Array.from({ length: p }, (_, a) => w[a * k + c]!));
    if (!(mu[c]! > 0)) continue;
    for (let a = 0; a < p; a++) t[a] = (w[a * k + c]! / mu[c]!) * (e[a]! || 1);
    const nt = largest(t);
    let s = 0;
    for (let a = 0; a < p; a++) s += (dir[a * k + c] = t[a]! / nt) * S[a * mk + i * k + c]!;
    if (!(s > 0)) continue;
    sigma[c] = s * nt;
    for (let a = 0; a < p; a++) out[a * k + c] = dir[a * k + c]! / s;
  }
  return { W: out, dir, mu, sigma };
}

/**
 * The weights with each variate's divided by a power of two near its training standard
 * deviation (1 without statistics): variates near 1, whose squares stay in range, and the same
 * bits of any correlation of them (scaling by a power of two changes only the exponent).
 */
export function scaledWeights(f: InterpretableFit, k: number): Float64Array[] {
  if (!f.stats) return f.weights;
  return f.weights.map((w, i) => {
    const { mu, sigma } = unitWeights(f, f.stats!, i, k);
    // 2^round(log₂(mu·sigma)), the product never formed
    const h = Float64Array.from({ length: k }, (_, c) => (mu[c]! > 0 && sigma[c]! > 0 ? 2 ** Math.max(-1000, Math.min(1000, Math.round(Math.log2(mu[c]!) + Math.log2(sigma[c]!)))) : 1));
    return w.map((v, x) => v / h[x % k]!);
  });
}

/** Φ_S (|S|·k square, row-major): the training correlations of the kept variates of the views S (Ŵ per view), symmetrised. */
function variateCorrelation(f: InterpretableFit, st: ViewStats, S: number[], k: number, unit: Float64Array[]): Float64Array {
  const d = S.length * k, mk = f.dims.length * k, G = new Float64Array(d * d);
  for (const [x, i] of S.entries())
    for (const [y, j] of S.entries())
      for (let c = 0; c < k; c++)
        for (let e = 0; e < k; e++) {
          let t = 0;
          for (let a = 0; a < f.dims[i]!; a++) t += unit[i]![a * k + c]! * st.structure[i]![a * mk + j * k + e]!;
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
  const st = statsOf(f, kind, 'predict'), unit: Float64Array[] = [];
  for (const i of S) unit[i] = unitWeights(f, st, i, k).W;
  const d = S.length * k, mk = m * k, Gp = pinvSym(variateCorrelation(f, st, S, k, unit), d);
  const PS = S.reduce((t, i) => t + f.dims[i]!, 0), PT = T.reduce((t, i) => t + f.dims[i]!, 0);
  // H = Φ_S⁺·Corr(Ũ_S, Y_T) (d × PT), then B = blockdiag(Ŵ_s)·H (PS × PT): Ŷ_T = ȳ_T + D_T·((X_S − x̄_S)·D_S⁻¹·B)
  const C = new Float64Array(d * PT);
  let o = 0;
  for (const t of T) {
    for (const [x, s] of S.entries()) for (let c = 0; c < k; c++) for (let a = 0; a < f.dims[t]!; a++) C[(x * k + c) * PT + o + a] = st.structure[t]![a * mk + s * k + c]!;
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
    const w = unit[s]!;
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
        joinCentred(xs, S, sources, f, start, count, st);
        W.gemm(y, xs, Bm);
        const yd = y.data;
        let off = 0;
        for (const [x, t] of T.entries()) {
          const p = f.dims[t]!, mean = f.means[t]!, sd = st.scales[t]!, dst = ys[x]!;
          for (let r = 0; r < count; r++) for (let j = 0; j < p; j++) dst[(start + r) * p + j] = yd[r * PT + off + j]! * sd[j]! + mean[j]!;
          off += p;
        }
      });
    return views.map((v, i) => (v === null ? { data: ys[T.indexOf(i)]!, rows: n, cols: f.dims[i]! } : null));
  });
  return finiteResult(out, ['views'], 'predictions');
}

/** xs (count × Σ pᵢ over `which`) = the views' rows start… side by side, minus the training means, divided by the columns' scales (1 for a constant one). */
function joinCentred(xs: W.Matrix, which: number[], sources: (RowSource | null)[], f: InterpretableFit, start: number, count: number, st: ViewStats): void {
  const P = xs.cols;
  let o = 0;
  for (const i of which) {
    const b = sources[i]!.block(start, count), p = f.dims[i]!, mean = f.means[i]!, e = st.scales[i]!.map((v) => v || 1);
    // both read after the block call: an allocation may have grown (and detached) the heap
    const src = b.data, dst = xs.data;
    for (let r = 0; r < count; r++) for (let j = 0; j < p; j++) dst[r * P + o + j] = (src[r * p + j]! - mean[j]!) / e[j]!;
    o += p;
  }
}

/** inverseTransform(variates): each given view's variates mapped back, x̄ᵥ + Dᵥ·Rᵥᵥ·Φᵥᵥ⁺·Ũᵥ (module comment). */
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
      const p = f.dims[i]!, { W: Wu, mu, sigma } = unitWeights(f, st, i, k), unit: Float64Array[] = [];
      unit[i] = Wu;
      const Gp = pinvSym(variateCorrelation(f, st, [i], k, unit), k), L = new Float64Array(p * k);
      // L̃ᵢ = Corr(Xᵢ, Uᵢ)·Φᵢᵢ⁺ (p×k): standardised variates to standardised columns
      for (let a = 0; a < p; a++) for (let c = 0; c < k; c++) for (let e = 0; e < k; e++) L[a * k + e] = L[a * k + e]! + st.structure[i]![a * mk + i * k + c]! * Gp[c * k + e]!;
      const data = new Float64Array(n * p), mean = f.means[i]!, sd = st.scales[i]!;
      for (const [start, count] of rowBlocks(n, blockRows(k + p)))
        withScratch((sc) => {
          const Lm = sc.matrix(p, k), x = sc.matrix(count, p), u = sc.matrix(count, k);
          Lm.data.set(L);
          const b = s.block(start, count);
          // the variates standardised: each divided by its largest weight, then by the rest of its standard deviation (a variate without variance: 0)
          const src = b.data, ud = u.data;
          for (let r = 0; r < count; r++) for (let c = 0; c < k; c++) ud[r * k + c] = sigma[c]! > 0 ? src[r * k + c]! / mu[c]! / sigma[c]! : 0;
          W.gemm(x, u, Lm, false, true);
          const xd = x.data;
          for (let r = 0; r < count; r++) for (let j = 0; j < p; j++) data[(start + r) * p + j] = xd[r * p + j]! * sd[j]! + mean[j]!;
        });
      return { data, rows: n, cols: p };
    });
    return finiteResult(out, ['variates'], 'reconstruction');
  } finally {
    for (const s of sources) s?.release();
  }
}

/** structureViews(views): [i][j] = corr(view i's columns, view j's variates) on these rows (pᵢ×k), from the standardised columns and variates. */
export function structureViews(f: InterpretableFit, k: number, list: readonly MatrixInput[]): MatrixResult[][] {
  const m = f.dims.length, views = viewList(list, m, 'views');
  if (views.some((v) => v === null)) throw new ValueError('views', 'every view (each view\'s columns are correlated with every view\'s variates)', described('a null view'));
  const P = f.dims.reduce((t, p) => t + p, 0), mk = m * k, all = [...views.keys()];
  const off = f.dims.map((_, i) => f.dims.slice(0, i).reduce((a, b) => a + b, 0));
  // correlations do not change when a column or a variate is multiplied by a positive number: the standardised ones keep every sum of squares in range
  // (a file of version 1 has no statistics: its raw columns and weights)
  const st: ViewStats = f.stats ?? { structure: [], scales: f.dims.map((p) => new Float64Array(p).fill(1)) };
  // the weights as one P × m·k block-diagonal matrix: U = (X − x̄)·Wb gives every view's variates at once
  const Wb = new Float64Array(P * mk);
  for (let i = 0; i < m; i++) {
    const w = f.stats ? unitWeights(f, st, i, k).dir : f.weights[i]!;
    for (let a = 0; a < f.dims[i]!; a++) for (let c = 0; c < k; c++) Wb[(off[i]! + a) * mk + i * k + c] = w[a * k + c]!;
  }
  return withViewRows(views, f.dims, (sources, n) => {
    if (n < 2) throw new ShapeError('views[0]', 'at least 2 rows to correlate', `${n} row`);
    const acc = new CrossMoments(P, mk);
    for (const [start, count] of rowBlocks(n, blockRows(P + mk)))
      withScratch((sc) => {
        const Wm = sc.matrix(P, mk), xs = sc.matrix(count, P), u = sc.matrix(count, mk);
        Wm.data.set(Wb);
        joinCentred(xs, all, sources, f, start, count, st);
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
    const out = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let t = 0;
      for (let a = 0; a < p; a++) t += st.structure[v]![a * mk + v * k + c]! ** 2;
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
  const ev = explainedVariance(f, k, kind)[i]!, st = statsOf(f, kind, 'redundancy'), unit: Float64Array[] = [];
  for (const v of [i, j]) unit[v] = unitWeights(f, st, v, k).W;
  const G = variateCorrelation(f, st, [i, j], k, unit), out = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const a = G[c * 2 * k + c]!, b = G[(k + c) * 2 * k + k + c]!;
    const r = a > 0 && b > 0 ? G[c * 2 * k + k + c]! / (Math.sqrt(a) * Math.sqrt(b)) : 0;
    out[c] = ev[c]! * r * r;
  }
  return finiteResult(out, ['views'], 'redundancy');
}

/**
 * k-fold cross-validation of the ridge, on the mergeable co-moments.
 *
 * The rows are dealt to the folds once (a seeded in-wasm permutation dealt round-robin, so
 * fold sizes differ by at most one), each fold's co-moments are accumulated in one streamed
 * pass, and the training statistics of fold f are the merge of the other folds. A held-out
 * correlation needs no rows either: corr(X_h·a, Y_h·b) = aᵀM_xy·b / √(aᵀM_xx·a · bᵀM_yy·b)
 * with the held-out fold's own centred co-moments (Pearson's centring is the fold's mean).
 *
 * For CCA every ridge of the grid reuses one eigendecomposition per view and fold:
 * (Σ + rI)^-1/2 = E·diag(1/√(λ + r))·Eᵀ, so in the eigenbases the whitened cross-covariance is
 * diag(dx)·(ExᵀΣxyEy)·diag(dy) and a grid value costs one p×q SVD and a few products.
 */
import * as W from '../../wasm/index.js';
import { Matrix, Rng, overflowError, rowBlocks, withScratch, type RowSource } from '../../wasm/index.js';
import { CoMoments } from '../../linalg/comoments.js';
import { columnScales } from './cca_core.js';
import { eigh, svd } from '../../linalg/ops.js';
import { ConvergenceError, NonFiniteError, OverflowError, ShapeError, SingularMatrixError, ValueError } from '../../errors.js';
import { Owner } from '../../lifecycle.js';

/** The 'auto' grid: 10⁻⁶ … 10⁰ in half decades (literals: Math.pow may differ in the last bit between engines). */
export const AUTO_GRID: readonly number[] = [
  1e-6, 3.1622776601683795e-6, 1e-5, 3.1622776601683795e-5, 1e-4, 3.1622776601683794e-4, 1e-3, 3.1622776601683794e-3, 1e-2,
  3.1622776601683794e-2, 1e-1, 3.1622776601683794e-1, 1,
];

/** Options of crossValidate: the ridges to try and the folds. */
export interface CrossValidateOptions<R> {
  /** the ridges to try (default 'auto': 10⁻⁶ … 10⁰ in half decades, each times the view's mean variance) */
  regularization?: readonly R[] | 'auto';
  /** number of folds k (default 5; each fold needs at least 2 rows) */
  folds?: number;
  /** components whose held-out correlations are summed (default 2) */
  components?: number;
  /** seed of the in-wasm permutation that deals the rows to the folds (default 0) */
  seed?: number;
}

/** One ridge's line of crossValidate's table. */
export interface CrossValidationRow<R> {
  /** the ridge as it was applied (absolute: 'auto' values are already times the view's mean variance) */
  regularization: R;
  /** mean over the folds of the held-out sum of the components' correlations (NaN when a fold's covariance was singular at this ridge) */
  score: number;
  /** each fold's held-out sum of correlations */
  foldScores: Float64Array;
}

/** What crossValidate returns: the best ridge and a line per ridge tried. */
export interface CrossValidationResult<R> {
  /** the grid value with the highest score (the first of equals) */
  best: { regularization: R; score: number };
  /** one row per grid value, in grid order */
  table: CrossValidationRow<R>[];
  /** the number of folds k */
  folds: number;
  /** the components whose held-out correlations were summed */
  components: number;
  /** the fold of every row (0 … folds − 1) */
  foldOfRow: Uint32Array;
}

/** Validated folds / seed / components (the grid is the model's to check). */
export function checkFoldOptions(o: { folds?: unknown; seed?: unknown; components?: unknown }, n: number, maxComponents: number, defaultComponents = 2, prefix = 'options', rowsName = 'X'): { folds: number; seed: number; components: number } {
  const folds = o.folds ?? 5, seed = o.seed ?? 0, components = o.components ?? Math.min(defaultComponents, maxComponents);
  if (!Number.isInteger(folds) || (folds as number) < 2) throw new ValueError(`${prefix}.folds`, 'an integer ≥ 2', folds);
  if (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) > 0xffffffff) throw new ValueError(`${prefix}.seed`, 'an integer in [0, 2³²)', seed);
  if (!Number.isInteger(components) || (components as number) < 1 || (components as number) > maxComponents)
    throw new ValueError('options.components', `an integer from 1 to ${maxComponents} (the smallest view's column count)`, components);
  if (n < 2 * (folds as number)) throw new ShapeError(rowsName, `at least ${2 * (folds as number)} rows for ${folds} folds (2 per fold)`, `${n} rows`);
  return { folds: folds as number, seed: seed as number, components: components as number };
}

/** The fold of each of n rows: a seeded in-wasm permutation dealt round-robin. */
export function foldAssignment(n: number, folds: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  const rng = Rng.create(seed);
  try {
    withScratch((s) => {
      const idx = s.indices(n);
      W.shuffle(idx, rng);
      const v = idx.values;
      for (let j = 0; j < n; j++) out[v[j]!] = j % folds;
    });
  } finally {
    rng.dispose();
  }
  return out;
}

/** Each fold's co-moments, in one streamed pass over the two row sources (each block's rows gathered by fold in wasm). */
export function foldMoments(x: RowSource, y: RowSource, fold: Uint32Array, folds: number): CoMoments[] {
  const p = x.cols, q = y.cols, out: CoMoments[] = [];
  try {
    for (let f = 0; f < folds; f++) out.push(new CoMoments(p, q));
    const members: number[][] = Array.from({ length: folds }, () => []);
    for (const [start, count] of rowBlocks(x.rows, CoMoments.blockRows(p, q))) {
      const xb = x.block(start, count), yb = y.block(start, count);
      for (const m of members) m.length = 0;
      for (let i = 0; i < count; i++) members[fold[start + i]!]!.push(i);
      members.forEach((rows, f) => {
        if (rows.length === 0) return;
        withScratch((s) => {
          const idx = s.indices(rows.length), gx = s.matrix(rows.length, p), gy = s.matrix(rows.length, q);
          idx.values.set(rows);
          W.gatherRowsF64(gx, xb, idx);
          W.gatherRowsF64(gy, yb, idx);
          out[f]!.update(gx, gy);
        });
      });
    }
    return out;
  } catch (e) {
    for (const s of out) s.dispose();
    throw e;
  }
}

/**
 * Runs the folds: `score(train, held)` gets the training statistics (the other folds merged)
 * and the held-out fold's, and returns the held-out sum of correlations for every grid value
 * (NaN: singular at that value). Frees nothing of `stats`.
 */
export function crossValidateFolds<R>(names: readonly string[], stats: CoMoments[], grid: readonly R[], components: number, fold: Uint32Array, score: (train: CoMoments, held: CoMoments) => Float64Array): CrossValidationResult<R> {
  const k = stats.length, per = grid.map(() => new Float64Array(k));
  for (let f = 0; f < k; f++) {
    const train = new CoMoments(stats[0]!.p, stats[0]!.q);
    try {
      stats.forEach((s, g) => g !== f && train.merge(s));
      const s = asArguments(names, () => score(train, stats[f]!));
      grid.forEach((_, i) => (per[i]![f] = s[i]!));
    } finally {
      train.dispose();
    }
  }
  const table = grid.map((regularization, i) => {
    let sum = 0;
    for (const v of per[i]!) sum += v;
    return { regularization, score: sum / k, foldScores: per[i]! };
  });
  let best = -1;
  table.forEach((r, i) => {
    if (!Number.isNaN(r.score) && (best < 0 || r.score > table[best]!.score)) best = i;
  });
  if (best < 0) throw new SingularMatrixError(`crossValidate: every ridge of options.regularization left a fold of ${names.join(', ')} with a singular covariance (constant or collinear columns, or fewer rows than columns): try larger ridges`);
  return { best: { regularization: table[best]!.regularization, score: table[best]!.score }, table, folds: k, components, foldOfRow: fold };
}

/**
 * Runs a fold's computation so that what goes wrong inside it is reported against the
 * caller's arguments: an overflow (or a non-finite intermediate) as an OverflowError naming
 * them, a decomposition that gave up prefixed with them.
 */
function asArguments<T>(names: readonly string[], fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof OverflowError || e instanceof NonFiniteError) throw overflowError(names, 'fold statistics');
    if (e instanceof ConvergenceError) throw new ConvergenceError(`${names.join(', ')}: ${e.message}`);
    throw e;
  }
}

/** The folds' statistics merged: all rows' co-moments (new; the caller disposes them). */
export function mergedMoments(stats: CoMoments[]): CoMoments {
  const all = new CoMoments(stats[0]!.p, stats[0]!.q);
  try {
    for (const s of stats) all.merge(s);
    return all;
  } catch (e) {
    all.dispose();
    throw e;
  }
}

/** A view's mean variance tr(Σ)/p from its co-moments M (p×p) of n rows: what 'auto' scales by. */
export function meanVariance(M: Matrix, n: number): number {
  const d = M.data, p = M.rows;
  let t = 0;
  for (let i = 0; i < p; i++) t += d[i * p + i]!;
  return t / p / (n - 1);
}

/** Eᵀ·M·E (wasm, owned by `own`) for a p×p M and p×p E. */
function rotate(M: Matrix, Ea: Matrix, Eb: Matrix, own: Owner['own']): Float64Array {
  const t = own(Matrix.empty(Ea.cols, M.cols)), out = own(Matrix.empty(Ea.cols, Eb.cols));
  W.gemm(t, Ea, M, true, false);
  W.gemm(out, t, Eb);
  return out.toFloat64Array();
}

/**
 * CCA's held-out sums of the first `k` correlations for each ridge pair, with the training
 * statistics `train` and the held-out fold's `held`. `sd` (the training columns' standard
 * deviations) applies the `scale` option to both.
 */
export function ccaFoldScores(train: CoMoments, held: CoMoments, grid: readonly [number, number][], k: number, scale: boolean): Float64Array {
  const p = train.p, q = train.q, c = 1 / (train.n - 1), k0 = Math.min(p, q);
  const owner = new Owner(), own = owner.own;
  try {
    const sdx = scale ? columnScales(train.x.M.data, train.n) : null, sdy = scale ? columnScales(train.y.M.data, train.n) : null;
    // a co-moment matrix in wasm, scaled by c and by the training standard deviations (rows r, columns s)
    const prepared = (M: Matrix, r: Float64Array | null, s: Float64Array | null, f: number) => {
      const m = own(Matrix.empty(M.rows, M.cols)), d = m.data, src = M.data, cols = M.cols;
      for (let i = 0; i < M.rows; i++) for (let j = 0; j < cols; j++) d[i * cols + j] = (src[i * cols + j]! * f) / ((r ? r[i]! : 1) * (s ? s[j]! : 1));
      return m;
    };
    // each result owned as soon as it exists: Y's decomposition may throw (non-finite statistics)
    const ex = eigh(prepared(train.x.M, sdx, sdx, c));
    own(ex.vectors);
    const ey = eigh(prepared(train.y.M, sdy, sdy, c));
    own(ey.vectors);
    const Ct = rotate(prepared(train.Mxy, sdx, sdy, c), ex.vectors, ey.vectors, own);
    const Hxx = rotate(prepared(held.x.M, sdx, sdx, 1), ex.vectors, ex.vectors, own);
    const Hyy = rotate(prepared(held.y.M, sdy, sdy, 1), ey.vectors, ey.vectors, own);
    const Hxy = rotate(prepared(held.Mxy, sdx, sdy, 1), ex.vectors, ey.vectors, own);
    const factors = (values: Float64Array, r: number): Float64Array | null => {
      const n = values.length, d = new Float64Array(n);
      let max = 0, min = Infinity;
      for (const v of values) (max = Math.max(max, v + r)), (min = Math.min(min, v + r));
      // the same test as the whitening of a fit: positive definite above n·ε of the largest
      if (!(max > 0) || !(min > n * 2.220446049250313e-16 * max)) return null;
      for (let i = 0; i < n; i++) d[i] = 1 / Math.sqrt(values[i]! + r);
      return d;
    };
    const quad = (a: Float64Array, H: Float64Array, b: Float64Array, rows: number, cols: number, col: number) => {
      let t = 0;
      for (let i = 0; i < rows; i++) {
        const ai = a[i * k + col]!;
        if (ai === 0) continue;
        let s = 0;
        for (let j = 0; j < cols; j++) s += H[i * cols + j]! * b[j * k + col]!;
        t += ai * s;
      }
      return t;
    };
    const out = new Float64Array(grid.length);
    grid.forEach(([rx, ry], g) => {
      const dx = factors(ex.values, rx), dy = factors(ey.values, ry);
      if (!dx || !dy) return void (out[g] = NaN);
      const T = new Float64Array(p * q);
      for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) T[i * q + j] = dx[i]! * Ct[i * q + j]! * dy[j]!;
      const dec = svd({ data: T, rows: p, cols: q });
      const u = dec.u.toFloat64Array(), v = dec.v.toFloat64Array();
      dec.u.dispose();
      dec.v.dispose();
      // the weights in the eigenbases: a = diag(dx)·Ũ, b = diag(dy)·Ṽ (first k columns)
      const a = new Float64Array(p * k), b = new Float64Array(q * k);
      for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) a[i * k + j] = dx[i]! * u[i * k0 + j]!;
      for (let i = 0; i < q; i++) for (let j = 0; j < k; j++) b[i * k + j] = dy[i]! * v[i * k0 + j]!;
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const vx = quad(a, Hxx, a, p, p, j), vy = quad(b, Hyy, b, q, q, j);
        // √a·√b, not √(ab): the product of two tiny variances underflows; a constant variate correlates 0
        sum += vx > 0 && vy > 0 ? quad(a, Hxy, b, p, q, j) / (Math.sqrt(vx) * Math.sqrt(vy)) : 0;
      }
      // finite statistics whose products overflowed: no score to compare (reported against the caller's arguments)
      if (!Number.isFinite(sum)) throw overflowError(['fold statistics']);
      out[g] = sum;
    });
    return out;
  } finally {
    owner.dispose();
  }
}


/** Frees fold statistics. */
export function disposeAll(stats: CoMoments[]): void {
  for (const s of stats) s.dispose();
}

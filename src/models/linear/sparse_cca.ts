/**
 * Sparse CCA by the penalized matrix decomposition (Witten, Tibshirani & Hastie 2009, section
 * 4), streaming and mergeable: the fit reads the co-moments only (n, means, XᵀX, XᵀY, YᵀY), so
 * `partialFit` over chunks, `merge` of shards and `fromMoments` give what `fit` gives. The
 * decomposition lives in sparse_cca_pmd.ts, the solve from statistics in sparse_cca_solve.ts,
 * the options and file format in sparse_cca_file.ts, the penalty selection (permute,
 * crossValidate) in sparse_cca_select.ts.
 */
import { Matrix, dropMissing, overflowError, type MatrixInput, type MatrixResult, type Missing } from '../../wasm/index.js';
import { CoMoments, addChunk, mergedInto } from '../../linalg/comoments.js';
import { NotFittedError, ShapeError, ValueError, described } from '../../errors.js';
import { Disposable } from '../../lifecycle.js';
import { checkOptions, noExtraArguments } from '../../options.js';
import { coMomentsOf, readMoments, solvingMoments, sqlRowMoments, type Moments } from './moments.js';
import type { SqlRow } from './sql.js';
import { eachView, project, withSources } from './cca_transform.js';
import { appliedPenalty, solveSparse, type SparseFit } from './sparse_cca_solve.js';
import { checkSparseOptions, readSparseFile, writeSparseFile, type SparseCCAOptions, type SparseCCAToJSONOptions, type SparseSettings } from './sparse_cca_file.js';
import { sparseCrossValidate, sparsePermute, type SparseCCACrossValidateOptions, type SparseCCAPermuteOptions, type SparseCrossValidationResult, type SparsePermutationResult } from './sparse_cca_select.js';

export type { SparseCCAOptions, SparseCCAToJSONOptions } from './sparse_cca_file.js';
export type { SparseCCAPermuteOptions, SparseCCACrossValidateOptions, SparsePermutationResult, SparsePermutationRow, SparseCrossValidationResult, SparseCrossValidationRow } from './sparse_cca_select.js';

const result = (data: Float64Array, rows: number, cols: number): MatrixResult => ({ data: data.slice(), rows, cols });

/**
 * Sparse CCA (PMD with L1 bounds): per component, unit weights u (p) and v (q) with
 * ‖u‖₁ ≤ cx·√p and ‖v‖₁ ≤ cy·√q that maximise uᵀCv, C the cross-covariance of the centred
 * (with `scale`, standardised) views, then C ← C − (uᵀCv)·uvᵀ for the next.
 *
 * @example
 * const scca = new SparseCCA({ components: 1, penalty: [0.7, 1] }).fit([[1, 2], [2, 1], [3, 5], [4, 3]], [[1], [2], [3], [4.5]]);
 * scca.xWeights; // { data: Float64Array [0.447…, 0.894…], rows: 2, cols: 1 }
 */
export class SparseCCA extends Disposable {
  /** the number of sparse canonical pairs asked for */
  readonly components: number;
  /** the penalty option as given ([cx, cy]; null: the default) */
  readonly penalty: [number, number] | null;
  /** whether the columns are standardised before the fit */
  readonly scale: boolean;
  /** rounds per component at most */
  readonly maxIterations: number;
  /** the convergence tolerance on v's entries */
  readonly tol: number;
  /** what fit does with a row holding a missing cell: 'error' or 'drop' */
  readonly missing: Missing;
  #stats: CoMoments | null = null;
  #fit: SparseFit | null = null;
  #dirty = false;
  #dropped = 0;

  constructor(options: SparseCCAOptions = {}) {
    super();
    const o = checkSparseOptions(options);
    this.components = o.components;
    this.penalty = o.penalty;
    this.scale = o.scale;
    this.maxIterations = o.maxIterations;
    this.tol = o.tol;
    this.missing = o.missing;
  }

  /** With missing 'drop': the rows the statistics left out (the last fit's plus every partialFit and merge since). */
  get droppedRows(): number {
    return this.#dropped;
  }

  /** Fits on all rows of X (n×p) and Y (n×q), replacing anything fitted before (a failed fit keeps it). */
  fit(X: MatrixInput, Y: MatrixInput): this {
    this.live();
    noExtraArguments(arguments, 2, 'SparseCCA.fit');
    const d = dropMissing([X, Y], ['X', 'Y'], this.missing, 'X, Y');
    return withSources(d.views[0]!, d.views[1]!, (x, y) => {
      this.#check(x, y, true);
      if (x.rows < 2) throw new ShapeError('X', 'at least 2 rows', `${x.rows} row`);
      const stats = new CoMoments(x.cols, y.cols);
      let fit: SparseFit;
      try {
        stats.addRows(x, y);
        fit = solveSparse(stats, this.#settings());
      } catch (e) {
        stats.dispose();
        throw e;
      }
      this.#stats?.dispose();
      this.#stats = stats;
      this.#fit = fit;
      this.#dirty = false;
      this.#dropped = d.dropped;
      return this;
    });
  }

  /** Adds a chunk of rows to the statistics; the solve happens when a result is next read. */
  partialFit(X: MatrixInput, Y: MatrixInput): this {
    this.live();
    noExtraArguments(arguments, 2, 'SparseCCA.partialFit');
    const d = dropMissing([X, Y], ['X', 'Y'], this.missing, 'X, Y');
    return withSources(d.views[0]!, d.views[1]!, (x, y) => {
      if (!this.#stats && this.#fit)
        throw new NotFittedError('partialFit: this SparseCCA was restored without its statistics, so new rows cannot be added (save it with toJSON({ statistics: true }) to keep streaming)');
      this.#check(x, y, this.#stats === null);
      this.#stats = addChunk(this.#stats, x, y);
      this.#dirty = true;
      this.#dropped += d.dropped;
      return this;
    });
  }

  /** Folds another SparseCCA's statistics (same p, q) into this one, e.g. from another shard. */
  merge(other: SparseCCA): this {
    this.live();
    noExtraArguments(arguments, 1, 'SparseCCA.merge');
    if (!(other instanceof SparseCCA)) throw new ValueError('other', 'a SparseCCA', other);
    if (other === this) throw new ValueError('other', 'another SparseCCA (merging a model with itself would count its rows twice)', described('this same SparseCCA'));
    other.live();
    const o = other.#stats;
    if (!o) throw new NotFittedError('merge: the other SparseCCA holds no statistics (fit or partialFit it first, or it was restored without statistics)');
    if (!this.#stats) {
      if (this.#fit) throw new NotFittedError('merge: this SparseCCA was restored without statistics');
      this.#check({ rows: 0, cols: o.p }, { rows: 0, cols: o.q }, true);
    }
    this.#stats = mergedInto(this.#stats, o);
    this.#dirty = true;
    this.#dropped += other.#dropped;
    return this;
  }

  /** True once fitted (or partially fitted with at least 2 rows). */
  get fitted(): boolean {
    this.live();
    return this.#fit !== null || (this.#stats !== null && this.#stats.n >= 2);
  }

  /** Rows seen by the fit. */
  get nSamples(): number {
    return this.#result().n;
  }

  /** p×components x-weights: PMD's unit u per column (standardised units with scale). */
  get xWeights(): MatrixResult {
    const f = this.#result();
    return result(f.xWeights, f.p, f.k);
  }

  /** q×components y-weights: PMD's unit v per column. */
  get yWeights(): MatrixResult {
    const f = this.#result();
    return result(f.yWeights, f.q, f.k);
  }

  /** Per component, the correlation of Xu and Yv on the training rows (in component order). */
  get correlations(): Float64Array {
    return this.#result().correlations.slice();
  }

  /** Per component, the rounds the alternating updates took. */
  get iterations(): number[] {
    return Array.from(this.#result().iterations);
  }

  /** Per component, whether it met tol (false: it stopped at maxIterations). */
  get converged(): boolean[] {
    return Array.from(this.#result().converged, (c) => c === 1);
  }

  /** [cx, cy] as applied (the default raised to 1/√p for a small view). */
  get appliedPenalty(): [number, number] {
    const f = this.#result();
    return [f.appliedPenalty[0]!, f.appliedPenalty[1]!];
  }

  /** The column means of X the fit centred by. */
  get xMeans(): Float64Array {
    return this.#result().xMean.slice();
  }

  /** The column means of Y the fit centred by. */
  get yMeans(): Float64Array {
    return this.#result().yMean.slice();
  }

  /** The columns' standard deviations the fit divided by (all 1 without scale). */
  get xStd(): Float64Array {
    return this.#result().xStd.slice();
  }

  /** Y's standard deviations the fit divided by (all 1 without scale). */
  get yStd(): Float64Array {
    return this.#result().yStd.slice();
  }

  /** Variates [X·u, Y·v] of (standardised with scale) centred rows, n×components each; pass null for a view you don't need. */
  transform(X: MatrixInput, Y: MatrixInput): [MatrixResult, MatrixResult];
  transform(X: MatrixInput, Y?: null): [MatrixResult, null];
  transform(X: null, Y: MatrixInput): [null, MatrixResult];
  transform(X: MatrixInput | null, Y?: MatrixInput | null): [MatrixResult | null, MatrixResult | null];
  transform(X: MatrixInput | null, Y: MatrixInput | null = null): [MatrixResult | null, MatrixResult | null] {
    const f = this.#result();
    noExtraArguments(arguments, 2, 'SparseCCA.transform');
    return eachView(X, Y, (input, name) => (name === 'X' ? withRaw(f.xWeights, f.xStd, f.k, (w) => project(input, 'X', f.xMean, w)) : withRaw(f.yWeights, f.yStd, f.k, (w) => project(input, 'Y', f.yMean, w))));
  }

  /** fit(X, Y) then transform(X, Y). */
  fitTransform(X: MatrixInput, Y: MatrixInput): [MatrixResult, MatrixResult] {
    noExtraArguments(arguments, 2, 'SparseCCA.fitTransform');
    this.fit(X, Y);
    return this.transform(X, Y) as [MatrixResult, MatrixResult];
  }

  /**
   * Per component, the Pearson correlation of the variates on (X, Y), in component order; 0
   * for a variate that is constant on those rows (as `correlations` and crossValidate; CCA's
   * score reports NaN there). Variates that overflow are an OverflowError naming X, Y.
   */
  score(X: MatrixInput, Y: MatrixInput): Float64Array {
    noExtraArguments(arguments, 2, 'SparseCCA.score');
    if (X === null || Y === null) throw new ValueError('X, Y', 'both views (score correlates them)', 'a null view');
    const [u, v] = this.transform(X, Y);
    if (u.rows < 2) throw new ShapeError('X', 'at least 2 rows to correlate', `${u.rows} row`);
    return Float64Array.from({ length: u.cols }, (_, c) => columnCorrelation(u, v, c));
  }

  /** A plain, versioned object with a CRC-32 of every stored number; `{ statistics: true }` also stores the statistics, so a restored model can keep streaming. */
  toJSON(options?: SparseCCAToJSONOptions | string): Record<string, unknown> {
    const f = this.#result();
    const o = typeof options === 'string' ? {} : checkOptions(options, ['statistics'], 'toJSON options');
    return writeSparseFile(this.#settings(), f, o.statistics ? this.#stats : null);
  }

  /** Frees the statistics' wasm buffers; any later use throws DisposedError. */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.#stats?.dispose();
    this.#stats = null;
    this.#fit = null;
    this.#dirty = false;
  }

  /**
   * Penalty selection as PMA's CCA.permute: per candidate, the z-statistic of the first
   * component's correlation against those with Y's rows permuted; the largest z wins.
   *
   * @example
   * const { best } = SparseCCA.permute(X, Y, { penalties: [0.2, 0.4, [0.6, 0.3]], permutations: 25, seed: 0 });
   * new SparseCCA({ penalty: best.penalty }).fit(X, Y);
   */
  static permute(X: MatrixInput, Y: MatrixInput, options: SparseCCAPermuteOptions = {}): SparsePermutationResult {
    noExtraArguments(arguments, 3, 'SparseCCA.permute');
    return sparsePermute(X, Y, options);
  }

  /**
   * k-fold cross-validation of the penalty: the held-out sum of the first `components`
   * correlations, on the folds' co-moments (no refit from rows).
   *
   * @example
   * const { best } = SparseCCA.crossValidate(X, Y, { penalties: [0.2, 0.4, 0.6], folds: 5 });
   */
  static crossValidate(X: MatrixInput, Y: MatrixInput, options: SparseCCACrossValidateOptions = {}): SparseCrossValidationResult {
    noExtraArguments(arguments, 3, 'SparseCCA.crossValidate');
    return sparseCrossValidate(X, Y, options);
  }

  /** A model from statistics computed elsewhere (n, means, covariances; see CCA.fromMoments), solved when first read. */
  static fromMoments(moments: Moments, options: SparseCCAOptions = {}): SparseCCA {
    const model = new SparseCCA(options);
    try {
      const j = readMoments(moments);
      if (j.dims.length !== 2) throw new ShapeError('moments.means', 'the means of two views', `${j.dims.length} views`);
      model.#check({ rows: j.n, cols: j.dims[0]! }, { rows: j.n, cols: j.dims[1]! }, true);
      model.#stats = coMomentsOf(j, 1);
      model.#dirty = true;
      return model;
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  /** A model from a comomentsQuery result row (see CCA.fromSqlRow), solved when first read. */
  static fromSqlRow(row: SqlRow, options: SparseCCAOptions = {}): SparseCCA {
    return SparseCCA.fromMoments(sqlRowMoments(row, true), options);
  }

  /** A model from comomentsQuery's rows, one per group, merged exactly (see CCA.fromSqlRows). */
  static fromSqlRows(rows: readonly SqlRow[], options: SparseCCAOptions = {}): SparseCCA {
    return SparseCCA.fromMoments(sqlRowMoments(rows, false), options);
  }

  /** A SparseCCA from what toJSON wrote (object or string); a FormatError when malformed. */
  static fromJSON(json: unknown): SparseCCA {
    const { model, fit, stats } = readSparseFile(json, (o) => new SparseCCA(o));
    model.#fit = fit;
    model.#stats = stats;
    return model;
  }

  #settings(): SparseSettings {
    return { components: this.components, penalty: this.penalty, scale: this.scale, maxIterations: this.maxIterations, tol: this.tol, missing: this.missing };
  }

  #result(): SparseFit {
    this.live();
    if (this.#dirty && this.#stats) {
      const s = this.#stats;
      if (s.n < 2) throw new NotFittedError(`SparseCCA: ${s.n} row seen so far; at least 2 are needed`);
      this.#fit = solvingMoments(s, () => solveSparse(s, this.#settings()));
      this.#dirty = false;
    }
    if (!this.#fit) throw new NotFittedError('SparseCCA: call fit(X, Y) (or partialFit) first');
    return this.#fit;
  }

  #check(x: { rows: number; cols: number }, y: { rows: number; cols: number }, first: boolean) {
    if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
    const p = x.cols, q = y.cols;
    if (!first && this.#stats) {
      if (p !== this.#stats.p) throw new ShapeError('X', `${this.#stats.p} columns (as earlier chunks)`, `${p} columns`);
      if (q !== this.#stats.q) throw new ShapeError('Y', `${this.#stats.q} columns (as earlier chunks)`, `${q} columns`);
    }
    if (this.components > Math.min(p, q)) throw new ValueError('options.components', `at most min(p, q) = ${Math.min(p, q)} for ${p} X columns and ${q} Y columns`, this.components);
    appliedPenalty(this.penalty, p, q);
  }
}

/** fn(W) with W (p×k, wasm) = M/sd row-wise: weights for raw data. */
function withRaw<T>(M: Float64Array, sd: Float64Array, k: number, fn: (w: Matrix) => T): T {
  const p = sd.length, w = Matrix.empty(p, k);
  try {
    const d = w.data;
    for (let i = 0; i < p; i++) for (let a = 0; a < k; a++) d[i * k + a] = M[i * k + a]! / sd[i]!;
    return fn(w);
  } finally {
    w.dispose();
  }
}

/**
 * The Pearson correlation of column c of two n×k results (two passes); 0 when either column is
 * constant (its spread at most 2⁻⁴⁰ of its largest magnitude: rounding noise, as colCorr's test).
 */
function columnCorrelation(u: MatrixResult, v: MatrixResult, c: number): number {
  const n = u.rows, k = u.cols, a = u.data, b = v.data;
  let ma = 0, mb = 0, ba = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i * k + c]!;
    mb += b[i * k + c]!;
    ba = Math.max(ba, Math.abs(a[i * k + c]!));
    bb = Math.max(bb, Math.abs(b[i * k + c]!));
  }
  ma /= n;
  mb /= n;
  let ab = 0, aa = 0, vv = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i * k + c]! - ma, y = b[i * k + c]! - mb;
    ab += x * y;
    aa += x * x;
    vv += y * y;
  }
  if (!Number.isFinite(ab + aa + vv)) throw overflowError(['X', 'Y'], 'variates');
  const ta = 9.094947017729282e-13 * ba, tb = 9.094947017729282e-13 * bb;
  if (aa / n <= ta * ta || vv / n <= tb * tb) return 0;
  // √a·√b, not √(ab): the product of two tiny sums underflows
  return ab / (Math.sqrt(aa) * Math.sqrt(vv));
}

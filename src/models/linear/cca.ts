/**
 * Exact linear canonical correlation analysis.
 *
 * Fit: whiten each view with (Σ + rI)^-1/2 (or the Ledoit–Wolf shrunk Σ for 'auto'), take
 * the thin SVD of the whitened cross-covariance T = Wx·Σxy·Wy = U·diag(ρ)·Vᵀ; the canonical
 * correlations are ρ (descending), the weights Wx·U and Wy·V. Statistics are mergeable
 * co-moments, so `partialFit` over chunks and `merge` of shards give the in-memory result.
 */
import * as W from '../../wasm/index.js';
import { Matrix, borrowMatrix as borrow, rowSource, withScratch, type MatrixInput, type RowSource, type Scratch } from '../../wasm/index.js';
import { CoMoments, ledoitWolf, type ViewMoments } from '../../linalg/comoments.js';
import { invSqrt, svd } from '../../linalg/ops.js';
import { FormatError, NotFittedError, ShapeError, SingularMatrixError, ValueError, described } from '../../errors.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import { Disposable } from '../../lifecycle.js';
import { checkOptions } from '../../options.js';
import { significance, type SignificanceRow } from './significance.js';
import { coMomentsOf, readMoments, solvingMoments, type Moments } from './moments.js';
import { readSqlMoments, type SqlRow } from './sql.js';
import { columnScales, regularisedCovariance, scaleInPlace } from './cca_core.js';
import { AUTO_GRID, ccaFoldScores, checkFoldOptions, crossValidateFolds, disposeAll, foldAssignment, foldMoments, meanVariance, mergedMoments, type CrossValidateOptions, type CrossValidationResult } from './crossval.js';
import { checkPermutationOptions, permutationTest, type PermutationTestOptions, type PermutationTestResult, type Rows } from './permutation.js';
import { bootstrap, checkBootstrapOptions, type BootstrapOptions, type BootstrapResult } from './bootstrap.js';

export type Regularization = number | [number, number] | 'auto' | 'cv';

/** A ridge as applied: one value for both views or [rx, ry]. */
export type Ridge = number | [number, number];

export interface CCACrossValidateOptions extends CrossValidateOptions<Ridge> {
  /** standardise the columns (by each training fold's standard deviations) as CCA's `scale` (default false) */
  scale?: boolean;
}

/** How `regularization: 'cv'` chooses the ridge inside fit (the components are the model's). */
export interface CCACrossValidationSettings {
  /** the ridges to try (default 'auto') */
  regularization?: readonly Ridge[] | 'auto';
  /** default 5 */
  folds?: number;
  /** default 0 */
  seed?: number;
}

export interface CCAOptions {
  /** number of canonical pairs to keep (default 2; at most min(p, q)) */
  components?: number;
  /** ridge r added to each view's covariance (one value or [rx, ry]), 'auto' for
   *  Ledoit–Wolf shrinkage toward μI, or 'cv' for the ridge chosen by k-fold
   *  cross-validation inside fit (see CCA.crossValidate; default 0) */
  regularization?: Regularization;
  /** with regularization 'cv': the grid, folds and seed (defaults 'auto', 5, 0) */
  crossValidation?: CCACrossValidationSettings;
  /** standardise every column to unit variance before the fit, as scikit-learn's CCA does
   *  (default false; a constant column keeps scale 1). The weights then apply to the raw
   *  columns, so transform() takes the data as given. Not with 'auto'. */
  scale?: boolean;
}

export interface CCAToJSONOptions {
  /** also store the sufficient statistics, so the restored model can keep taking
   *  partialFit / merge (default false: weights and means only) */
  statistics?: boolean;
}

/** A JS-owned row-major matrix. */
export interface MatrixResult {
  data: Float64Array;
  rows: number;
  cols: number;
}

const FORMAT = 'crossmodal.CCA';

/** What a fit with regularization 'cv' chose (the table is not kept in files). */
type CVState = { selected: [number, number]; result: CrossValidationResult<Ridge> | null };
const CCA_OPTIONS = ['components', 'regularization', 'scale', 'crossValidation'] as const satisfies readonly (keyof CCAOptions)[];

export class CCA extends Disposable {
  readonly components: number;
  readonly regularization: Regularization;
  readonly scale: boolean;
  /** with regularization 'cv': the settings (grid, folds, seed) */
  readonly crossValidation: { regularization: readonly Ridge[] | 'auto'; folds: number; seed: number } | null;
  #stats: CoMoments | null = null;
  /** with regularization 'cv': the ridge the last fit chose, and its table */
  #cv: CVState | null = null;
  #fit: {
    n: number;
    xWeights: Matrix;
    yWeights: Matrix;
    xMeans: Float64Array;
    yMeans: Float64Array;
    all: Float64Array;
    shrinkage: [number, number] | null;
  } | null = null;
  #dirty = false;

  constructor(options: CCAOptions = {}) {
    super();
    checkOptions(options, CCA_OPTIONS);
    const k = options.components ?? 2;
    if (!Number.isInteger(k) || k < 1) throw new ValueError('options.components', 'a positive integer', k);
    const r = options.regularization ?? 0;
    const okNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (!(r === 'auto' || r === 'cv' || okNum(r) || (Array.isArray(r) && r.length === 2 && okNum(r[0]) && okNum(r[1]))))
      throw new ValueError('options.regularization', "a ridge r ≥ 0, a pair [rx, ry], 'auto' or 'cv'", r);
    const scale = options.scale ?? false;
    if (typeof scale !== 'boolean') throw new ValueError('options.scale', 'true or false', scale);
    if (scale && r === 'auto')
      throw new ValueError('options.scale', "false with regularization 'auto' (Ledoit–Wolf on standardised columns needs fourth moments that do not merge across chunks: standardise the data yourself, or use a ridge)", scale);
    const cv = options.crossValidation;
    if (cv !== undefined && r !== 'cv') throw new ValueError('options.crossValidation', "to be left out unless regularization is 'cv'", cv);
    this.crossValidation = r === 'cv' ? checkSettings(cv ?? {}) : null;
    this.components = k;
    // + 0 turns −0 into 0: a file stores options as JSON numbers, which have no −0 (the checksum would differ)
    this.regularization = Array.isArray(r) ? [r[0] + 0, r[1] + 0] : r === 'auto' || r === 'cv' ? r : r + 0;
    this.scale = scale;
  }

  /**
   * Fits on all rows of X (n×p) and Y (n×q), replacing anything fitted before.
   *
   * @example
   * const cca = new CCA({ components: 1 }).fit([[1, 2], [2, 1], [3, 5], [4, 3]], [[1], [2], [3], [4.5]]);
   * cca.correlations; // Float64Array [0.98...]
   */
  fit(X: MatrixInput, Y: MatrixInput): this {
    this.live();
    return this.#streamed(X, Y, (x, y) => {
      this.#check(x, y, true);
      if (x.rows < 2) throw new ShapeError('X', 'at least 2 rows', `${x.rows} row`);
      const cv = this.crossValidation;
      let stats: CoMoments | null = null, chosen: CVState | null = null;
      try {
        if (cv) {
          // the folds' statistics serve the selection and, merged, the fit: still one pass
          const run = crossValidateSources(x, y, { ...cv, components: this.components, scale: this.scale }, true);
          stats = run.total!;
          chosen = { selected: ridgePair(run.result.best.regularization), result: run.result };
        } else {
          stats = new CoMoments(x.cols, y.cols);
          stats.addRows(x, y);
        }
        this.#solve(stats, chosen ? chosen.selected : null);
      } catch (e) {
        stats?.dispose();
        throw e;
      }
      this.#stats?.dispose();
      this.#stats = stats;
      this.#cv = chosen;
      this.#dirty = false;
      return this;
    });
  }

  /**
   * Runs `fn` with X and Y as row sources of the statistics' block size: a JS input is
   * validated whole but copied into wasm memory a block at a time, so the peak memory of a
   * fit does not grow with the row count.
   */
  #streamed(X: MatrixInput, Y: MatrixInput, fn: (x: RowSource, y: RowSource) => this): this {
    const x = rowSource(X, 'X');
    try {
      const y = rowSource(Y, 'Y');
      try {
        return fn(x, y);
      } finally {
        y.release();
      }
    } finally {
      x.release();
    }
  }

  /**
   * Adds a chunk of rows to the statistics. Results are recomputed when next read, so a
   * stream of chunks costs one solve. Equal (to rounding) to fitting all rows at once.
   */
  partialFit(X: MatrixInput, Y: MatrixInput): this {
    this.live();
    this.#refuseCV('partialFit');
    return this.#streamed(X, Y, (x, y) => {
      if (!this.#stats && this.#fit)
        throw new NotFittedError(
          'partialFit: this CCA was restored without its statistics, so new rows cannot be added to the old ones (save it with toJSON({ statistics: true }) to keep streaming)',
        );
      this.#check(x, y, this.#stats === null);
      // the chunk's rows gather apart and join the statistics whole: a chunk that fails
      // part-way (out of memory) leaves none of its rows counted
      const chunk = new CoMoments(x.cols, y.cols);
      try {
        chunk.addRows(x, y);
        if (this.#stats) this.#stats.merge(chunk);
      } catch (e) {
        chunk.dispose();
        throw e;
      }
      if (this.#stats) chunk.dispose();
      else this.#stats = chunk;
      this.#dirty = true;
      return this;
    });
  }

  /** Folds another CCA's statistics (same p, q) into this one, e.g. from another shard. */
  merge(other: CCA): this {
    this.live();
    this.#refuseCV('merge');
    if (!(other instanceof CCA)) throw new ValueError('other', 'a CCA', other);
    if (other === this) throw new ValueError('other', 'another CCA (merging a model with itself would count its rows twice)', described('this same CCA'));
    other.live();
    const o = other.#stats;
    if (!o) throw new NotFittedError('merge: the other CCA holds no statistics (fit or partialFit it first, or it was restored without statistics)');
    if (!this.#stats) {
      if (this.#fit) throw new NotFittedError('merge: this CCA was restored without statistics');
      this.#stats = new CoMoments(o.p, o.q);
    }
    if (o.p !== this.#stats.p) throw new ShapeError('other', `X with ${this.#stats.p} columns`, `${o.p} columns`);
    if (o.q !== this.#stats.q) throw new ShapeError('other', `Y with ${this.#stats.q} columns`, `${o.q} columns`);
    this.#stats.merge(o);
    this.#dirty = true;
    return this;
  }

  /** Canonical correlations of the kept components, descending. */
  get correlations(): Float64Array {
    return this.#result().all.slice(0, this.components);
  }

  /** All min(p, q) canonical correlations, descending (what the significance tests use). */
  get allCorrelations(): Float64Array {
    return this.#result().all.slice();
  }

  /** p×components weights: u = (X − xMeans)·xWeights. */
  get xWeights(): MatrixResult {
    return copyOut(this.#result().xWeights);
  }

  /** q×components weights: v = (Y − yMeans)·yWeights. */
  get yWeights(): MatrixResult {
    return copyOut(this.#result().yWeights);
  }

  get xMeans(): Float64Array {
    return this.#result().xMeans.slice();
  }

  get yMeans(): Float64Array {
    return this.#result().yMeans.slice();
  }

  /** Rows seen by the fit. */
  get nSamples(): number {
    return this.#result().n;
  }

  /** With regularization 'auto': the Ledoit–Wolf intensity δ of [X, Y]; otherwise null. */
  get shrinkage(): [number, number] | null {
    const s = this.#result().shrinkage;
    return s ? [s[0], s[1]] : null;
  }

  /** The ridge [rx, ry] the fit applied (with 'auto': null, see shrinkage; with 'cv': the one cross-validation chose). */
  get appliedRegularization(): [number, number] | null {
    this.#result();
    const r = this.regularization;
    return r === 'auto' ? null : r === 'cv' ? [...this.#cv!.selected] : ridgePair(r);
  }

  /** With regularization 'cv': the cross-validation table of the last fit (null after fromJSON, which keeps only the choice). */
  get crossValidationResult(): CrossValidationResult<Ridge> | null {
    this.#result();
    return this.#cv?.result ?? null;
  }

  /**
   * k-fold cross-validation of the ridge: the held-out sum of the first `components`
   * canonical correlations (each fold's weights from the other folds), averaged over the
   * folds, for every ridge of the grid. One streamed pass over the rows builds every fold's
   * co-moments; each fold's training statistics are the others merged, and one
   * eigendecomposition per view and fold serves the whole grid. Grid values are one ridge for
   * both views or [rx, ry]; 'auto' tries 10⁻⁶ … 10⁰ in half decades times each view's mean
   * variance (so the result does not depend on the data's units).
   *
   * @example
   * const { best, table } = CCA.crossValidate(X, Y, { regularization: [1e-4, 1e-2, 1], folds: 5, components: 2 });
   * const cca = new CCA({ components: 2, regularization: best.regularization }).fit(X, Y);
   */
  static crossValidate(X: MatrixInput, Y: MatrixInput, options: CCACrossValidateOptions = {}): CrossValidationResult<Ridge> {
    const o = checkOptions(options, ['regularization', 'folds', 'components', 'seed', 'scale']);
    const x = rowSource(X, 'X');
    try {
      const y = rowSource(Y, 'Y');
      try {
        return crossValidateSources(x, y, o, false).result;
      } finally {
        y.release();
      }
    } finally {
      x.release();
    }
  }

  /** True once fitted (or partially fitted with at least 2 rows). */
  get fitted(): boolean {
    this.live();
    return this.#fit !== null || (this.#stats !== null && this.#stats.n >= 2);
  }

  /**
   * Canonical variates [U, V] (n×components each); pass null for a view you don't need.
   */
  transform(X: MatrixInput, Y: MatrixInput): [MatrixResult, MatrixResult];
  transform(X: MatrixInput, Y?: null): [MatrixResult, null];
  transform(X: null, Y: MatrixInput): [null, MatrixResult];
  transform(X: MatrixInput | null, Y?: MatrixInput | null): [MatrixResult | null, MatrixResult | null];
  transform(X: MatrixInput | null, Y: MatrixInput | null = null): [MatrixResult | null, MatrixResult | null] {
    const f = this.#result();
    return eachView(X, Y, (input, name) => (name === 'X' ? project(input, name, f.xMeans, f.xWeights) : project(input, name, f.yMeans, f.yWeights)));
  }

  /** fit(X, Y) then transform(X, Y). */
  fitTransform(X: MatrixInput, Y: MatrixInput): [MatrixResult, MatrixResult] {
    this.fit(X, Y);
    return this.transform(X, Y) as [MatrixResult, MatrixResult];
  }

  /**
   * Pearson correlation of each pair of canonical variates on (X, Y), in training
   * component order (not re-sorted): the held-out canonical correlations.
   */
  score(X: MatrixInput, Y: MatrixInput): Float64Array {
    const f = this.#result();
    const x = borrow(X, 'X');
    try {
      const y = borrow(Y, 'Y');
      try {
        const p = f.xWeights.rows, q = f.yWeights.rows, k = this.components;
        if (x.m.cols !== p) throw new ShapeError('X', `${p} columns (as in fit)`, `${x.m.cols} columns`);
        if (y.m.cols !== q) throw new ShapeError('Y', `${q} columns (as in fit)`, `${y.m.cols} columns`);
        if (y.m.rows !== x.m.rows) throw new ShapeError('Y', `${x.m.rows} rows (as X)`, `${y.m.rows} rows`);
        if (x.m.rows < 2) throw new ShapeError('X', 'at least 2 rows to correlate', `${x.m.rows} row`);
        const n = x.m.rows;
        return withScratch((s) => {
          const u = s.matrix(n, k), v = s.matrix(n, k), out = s.matrix(1, k);
          projectInto(u, x.m, f.xMeans, f.xWeights, s);
          projectInto(v, y.m, f.yMeans, f.yWeights, s);
          W.colCorr(out, u, v);
          return out.toFloat64Array();
        });
      } finally {
        y.release();
      }
    } finally {
      x.release();
    }
  }

  /**
   * Wilks' lambda for H0: ρ_k = ρ_k+1 = … = 0, for each k, with Bartlett's chi-square and
   * Rao's F approximations and their p-values (what R's CCP and MATLAB's canoncorr report).
   */
  significance(): SignificanceRow[] {
    const f = this.#result();
    return significance(f.all, f.n, f.xWeights.rows, f.yWeights.rows);
  }

  /**
   * Per-component permutation p-values for (X, Y) under this model's options (Winkler et al.
   * 2020): covariates regressed out (the rows permuted in their Huh–Jhun basis, n − rank([1, Z])
   * of them), component k tested with the earlier components removed,
   * one in-wasm permutation of Y's rows for every k, p = (1 + #{T* ≥ T}) / (1 + B), monotone
   * across k (family-wise). Does not change the fit.
   *
   * @example
   * const { pValues } = new CCA({ components: 2 }).permutationTest(X, Y, { permutations: 999, seed: 0 });
   */
  permutationTest(X: MatrixInput, Y: MatrixInput, options: PermutationTestOptions = {}): PermutationTestResult {
    this.live();
    const o = checkPermutationOptions(checkOptions(options, ['permutations', 'seed', 'covariates']));
    const reg = this.regularization;
    if (reg === 'auto') throw new ValueError('regularization', "a ridge for permutationTest (Ledoit–Wolf's δ would be chosen anew for every permutation); use e.g. new CCA({ regularization: 1e-4 })", reg);
    if (reg === 'cv') throw new ValueError('regularization', "a ridge for permutationTest (a ridge chosen on the same rows would bias the test): e.g. new CCA({ regularization: cca.appliedRegularization }), or CCA.crossValidate on other rows", reg);
    if (this.scale) throw new ValueError('scale', 'false for permutationTest (standardise the columns yourself)', this.scale);
    const rows = (input: MatrixInput, name: string): Rows => {
      const m = Matrix.from(input, name);
      try {
        return { data: Float64Array.from(m.toShaped().data), rows: m.rows, cols: m.cols };
      } finally {
        m.dispose();
      }
    };
    const x = rows(X, 'X'), y = rows(Y, 'Y');
    if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
    if (x.rows < 3) throw new ShapeError('X', 'at least 3 rows to permute', `${x.rows} rows`);
    if (this.components > Math.min(x.cols, y.cols)) throw new ValueError('options.components', `at most min(p, q) = ${Math.min(x.cols, y.cols)}`, this.components);
    const z = options.covariates == null ? null : rows(options.covariates as MatrixInput, 'options.covariates');
    const ridges: [number, number] = Array.isArray(reg) ? [reg[0], reg[1]] : [reg as number, reg as number];
    return permutationTest(x, y, z, this.components, ridges, o, (xr, yr) => {
      const m = new CCA({ components: this.components, regularization: reg });
      try {
        const [u, v] = m.fit(xr, yr).transform(xr, yr);
        return [u, v];
      } finally {
        m.dispose();
      }
    });
  }

  /**
   * Bootstrap confidence intervals for (X, Y) under this model's options: `resamples` sets of n
   * rows drawn with replacement (in-wasm PRNG, so a seed gives the same bits on every engine),
   * each refitted; resample component j is matched to the full fit's component j, its sign
   * flipped when its variates on the original rows correlate negatively with the full fit's
   * (X and Y correlations summed). Percentile intervals for the canonical correlations and
   * for every weight; the estimates are what fit(X, Y) gives. Does not change the fit.
   *
   * @example
   * const { correlations, xWeights } = new CCA({ components: 2 }).bootstrap(X, Y, { resamples: 999, seed: 0, level: 0.95 });
   * correlations.lower[0]; // e.g. 0.53 (estimate 0.61, upper 0.68)
   * xWeights.upper.data[0 * 2 + 0]; // upper bound of the first x-weight of component 1
   */
  bootstrap(X: MatrixInput, Y: MatrixInput, options: BootstrapOptions = {}): BootstrapResult {
    this.live();
    const o = checkBootstrapOptions(checkOptions(options, ['resamples', 'seed', 'level']));
    const reg = this.regularization;
    if (reg === 'cv') throw new ValueError('regularization', "a ridge or 'auto' for bootstrap (cross-validation would choose the ridge anew in every resample); fit first and use e.g. new CCA({ regularization: fitted.appliedRegularization })", reg);
    const model = { components: this.components, regularization: reg, scale: this.scale };
    return bootstrap(X, Y, model, o, (x, y) => {
      const m = new CCA(model);
      try {
        m.fit(x, y);
        return { all: m.allCorrelations, xWeights: m.xWeights, yWeights: m.yWeights };
      } finally {
        m.dispose();
      }
    });
  }

  /** Frees the wasm buffers; any later use throws DisposedError. */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.#stats?.dispose();
    this.#stats = null;
    this.#disposeFit();
    this.#dirty = false;
  }

  /**
   * A plain, versioned object (weights and means as base64 little-endian f64, with a CRC-32 of
   * every stored number). `{ statistics: true }` also stores the sufficient statistics, so a
   * restored model can keep taking partialFit/merge.
   */
  toJSON(options?: CCAToJSONOptions | string): Record<string, unknown> {
    const f = this.#result();
    // JSON.stringify passes the property name as a string: that is no options object
    const o = typeof options === 'string' ? {} : checkOptions(options, ['statistics'], 'toJSON options');
    const withStats = !!o.statistics;
    const out: Record<string, unknown> = {
      format: FORMAT,
      version: 2,
      components: this.components,
      regularization: this.regularization,
      scale: this.scale,
      p: f.xWeights.rows,
      q: f.yWeights.rows,
      n: f.n,
      correlations: encodeF64(f.all),
      xMeans: encodeF64(f.xMeans),
      yMeans: encodeF64(f.yMeans),
      xWeights: encodeF64(f.xWeights.data),
      yWeights: encodeF64(f.yWeights.data),
      shrinkage: f.shrinkage,
    };
    if (this.crossValidation) {
      out.crossValidation = { ...this.crossValidation };
      out.selected = [...this.#cv!.selected];
    }
    if (withStats && this.#stats) {
      const s = this.#stats;
      // statistics from fromMoments have no fourth moments (NaN): stored as null
      const view = (v: ViewMoments) => ({ mean: encodeF64(v.mean), M: encodeF64(v.M.data), s4: Number.isNaN(v.s4) ? null : v.s4, t: Number.isNaN(v.s4) ? null : encodeF64(v.t) });
      out.statistics = { n: s.n, x: view(s.x), y: view(s.y), Mxy: encodeF64(s.Mxy.data) };
    }
    const st = withStats ? this.#stats : null;
    out.crc32 = checksum(
      { reg: regNumbers(this, this.#cv?.selected ?? null), scale: this.scale, n: f.n, p: f.xWeights.rows, q: f.yWeights.rows, components: this.components, all: f.all, xMeans: f.xMeans, yMeans: f.yMeans, xw: f.xWeights.data, yw: f.yWeights.data, shrinkage: f.shrinkage },
      st ? { n: st.n, x: [st.x.mean, st.x.M.data, st.x.s4, st.x.t], y: [st.y.mean, st.y.M.data, st.y.s4, st.y.t], Mxy: st.Mxy.data } : null,
    );
    return out;
  }

  /**
   * A fitted CCA from statistics computed elsewhere (an SQL engine, another library, other
   * shards): n, the means and the covariances normalised by n − 1, as
   * `{ n, xMeans, yMeans, xx, yy, xy }` or `{ n, means: [xMeans, yMeans], covariance }` (the
   * joint (p+q)×(p+q) matrix). Every number is checked (finite, shapes, symmetry, positive
   * semi-definite to rounding); the solve happens when a result is first read, as after
   * partialFit (so a shard's singular moments can still be merged). The model keeps the statistics: merge other moment sets or
   * shards, partialFit more rows, toJSON({ statistics: true }). A ridge or 0 only: Ledoit–Wolf
   * ('auto') needs fourth moments and 'cv' needs the rows.
   *
   * @example
   * const cca = CCA.fromMoments({ n: 1000, xMeans: [0, 1], yMeans: [2], xx: [[1, 0.2], [0.2, 1]], yy: [[1]], xy: [[0.5], [0.1]] }, { components: 1 });
   * cca.correlations; // Float64Array [0.5…] (ρ² = xyᵀ·xx⁻¹·xy / yy = 0.25)
   */
  static fromMoments(moments: Moments, options: CCAOptions = {}): CCA {
    const model = new CCA(options);
    try {
      const r = model.regularization;
      if (r === 'auto' || r === 'cv')
        throw new ValueError('options.regularization', `a ridge or 0 for fromMoments (${r === 'auto' ? "Ledoit–Wolf needs fourth moments, which n, means and covariances do not carry" : "cross-validation needs the rows, to deal them to folds"})`, r);
      const j = readMoments(moments);
      if (j.dims.length !== 2) throw new ShapeError('moments.means', 'the means of two views (MCCA.fromMoments takes more)', `${j.dims.length} views`);
      model.#check({ rows: j.n, cols: j.dims[0]! }, { rows: j.n, cols: j.dims[1]! }, true);
      // solved when first read, as after partialFit (a shard's moments may be singular alone and fine merged)
      model.#stats = coMomentsOf(j, 1);
      model.#dirty = true;
      return model;
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  /** Rebuilds a CCA from toJSON() output (object or JSON string), validating every field. */
  static fromJSON(json: unknown): CCA {
    // version 1 (0.1.0) files carry no checksum and no `scale`; version 2 files must carry both
    const o = readEnvelope(json, FORMAT, 2);
    const components = readInt(o, 'components', 1);
    const p = readInt(o, 'p', 1), q = readInt(o, 'q', 1), n = readInt(o, 'n', 2);
    if (components > Math.min(p, q)) throw new FormatError(`components: ${components} exceeds min(p, q) = ${Math.min(p, q)}`);
    if (o.version === 2 && typeof o.scale !== 'boolean') throw new FormatError(`scale: expected true or false, found ${JSON.stringify(o.scale)}`);
    let model: CCA;
    try {
      const cv = o.regularization === 'cv' ? { crossValidation: o.crossValidation as CCACrossValidationSettings } : {};
      model = new CCA({ components, regularization: o.regularization as Regularization, scale: o.version === 2 ? (o.scale as boolean) : false, ...cv });
    } catch (e) {
      throw new FormatError(`${FORMAT}: ${(e as Error).message}`);
    }
    let selected: [number, number] | null = null;
    if (model.regularization === 'cv') {
      const v = o.selected;
      if (!Array.isArray(v) || v.length !== 2 || !v.every(isRidge)) throw new FormatError(`selected: expected the pair of ridges cross-validation chose, found ${JSON.stringify(v)}`);
      selected = [v[0] as number, v[1] as number];
    }
    const all = decodeF64(o.correlations, Math.min(p, q), 'correlations');
    const xMeans = decodeF64(o.xMeans, p, 'xMeans'), yMeans = decodeF64(o.yMeans, q, 'yMeans');
    const xw = decodeF64(o.xWeights, p * components, 'xWeights'), yw = decodeF64(o.yWeights, q * components, 'yWeights');
    let shrinkage: [number, number] | null = null;
    if (o.shrinkage !== null && o.shrinkage !== undefined) {
      const s = o.shrinkage as unknown[];
      if (!Array.isArray(s) || s.length !== 2 || !s.every((v) => typeof v === 'number' && v >= 0 && v <= 1))
        throw new FormatError(`shrinkage: expected null or two numbers in [0, 1], found ${JSON.stringify(o.shrinkage)}`);
      shrinkage = [s[0] as number, s[1] as number];
    }
    let statsDecoded: null | { n: number; x: [Float64Array, Float64Array, number, Float64Array]; y: [Float64Array, Float64Array, number, Float64Array]; Mxy: Float64Array } = null;
    if (o.statistics !== undefined) {
      const s = o.statistics as Record<string, unknown>;
      if (!s || typeof s !== 'object') throw new FormatError('statistics: expected an object');
      const sn = readInt(s, 'n', 1);
      const rv = (v: unknown, d: number, name: string): [Float64Array, Float64Array, number, Float64Array] => {
        const r = v as Record<string, unknown>;
        if (!r || typeof r !== 'object') throw new FormatError(`${name}: expected an object`);
        if (r.s4 === null && r.t === null) return [decodeF64(r.mean, d, `${name}.mean`), decodeF64(r.M, d * d, `${name}.M`), NaN, new Float64Array(d).fill(NaN)];
        if (typeof r.s4 !== 'number' || !Number.isFinite(r.s4)) throw new FormatError(`${name}.s4: expected a finite number (or null with t null: no fourth moments)`);
        return [decodeF64(r.mean, d, `${name}.mean`), decodeF64(r.M, d * d, `${name}.M`), r.s4, decodeF64(r.t, d, `${name}.t`)];
      };
      statsDecoded = { n: sn, x: rv(s.x, p, 'statistics.x'), y: rv(s.y, q, 'statistics.y'), Mxy: decodeF64(s.Mxy, p * q, 'statistics.Mxy') };
    }
    if (o.version === 2) {
      const sd = statsDecoded;
      const want = checksum(
        { reg: regNumbers(model, selected), scale: model.scale, n, p, q, components, all, xMeans, yMeans, xw, yw, shrinkage },
        sd ? { n: sd.n, x: [sd.x[0], sd.x[1], sd.x[2], sd.x[3]], y: [sd.y[0], sd.y[1], sd.y[2], sd.y[3]], Mxy: sd.Mxy } : null,
      );
      if (o.crc32 !== want) throw new FormatError(`${FORMAT}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
    }
    const xWeights = Matrix.from({ data: xw, rows: p, cols: components }, 'xWeights');
    const yWeights = Matrix.from({ data: yw, rows: q, cols: components }, 'yWeights');
    model.#fit = { n, xWeights, yWeights, xMeans, yMeans, all, shrinkage };
    if (selected) model.#cv = { selected, result: null };
    if (statsDecoded) {
      const st = new CoMoments(p, q);
      st.n = statsDecoded.n;
      for (const [v, d] of [[st.x, statsDecoded.x], [st.y, statsDecoded.y]] as const) {
        v.mean.set(d[0]);
        v.M.data.set(d[1]);
        v.s4 = d[2];
        v.t.set(d[3]);
      }
      st.Mxy.data.set(statsDecoded.Mxy);
      model.#stats = st;
    }
    return model;
  }

  /**
   * A fitted CCA from the one result row of `comomentsQuery` (from `crossmodal/sql`), as the
   * SQL driver returns it: the aliases (`n`, `mean_x0`, `cov_x0_y1`, …) say which column is
   * which, the count may be a number, bigint or decimal string. Then as fromMoments: a ridge or
   * 0 only, and the model keeps the statistics (merge, partialFit).
   *
   * @example
   * const cca = CCA.fromSqlRow({ n: 500n, mean_x0: 0, mean_y0: 1, cov_x0_x0: 2, cov_y0_y0: 1, cov_x0_y0: 0.7 }, { components: 1 });
   * cca.correlations; // Float64Array [0.49…] — 0.7 / √(2·1)
   */
  static fromSqlRow(row: SqlRow, options: CCAOptions = {}): CCA {
    if (Array.isArray(row)) throw new ValueError('row', 'one result row (an object; for one row per group use CCA.fromSqlRows)', row);
    return CCA.fromMoments(readSqlMoments([row], 'row', true), options);
  }

  /**
   * A fitted CCA from the rows of `comomentsQuery` with `groupBy` (one per group: shards, days,
   * partitions), merged exactly (Chan, Golub & LeVeque): the engine aggregates each part, this
   * merges them and solves. The group key columns are ignored; a group of 1 row (its
   * covariances NULL) adds its row, a group of 0 rows is skipped.
   *
   * @example
   * const cca = CCA.fromSqlRows([
   *   { day: 1, n: 2n, mean_x0: 1.5, mean_y0: 3, cov_x0_x0: 0.5, cov_y0_y0: 2, cov_x0_y0: 1 },
   *   { day: 2, n: 1n, mean_x0: 3, mean_y0: 6.5, cov_x0_x0: null, cov_y0_y0: null, cov_x0_y0: null },
   * ], { components: 1 });
   * cca.nSamples; // 3
   */
  static fromSqlRows(rows: readonly SqlRow[], options: CCAOptions = {}): CCA {
    if (!Array.isArray(rows)) throw new ValueError('rows', 'an array of result rows (one per group; for the single row use CCA.fromSqlRow)', rows);
    return CCA.fromMoments(readSqlMoments(rows, 'rows', false), options);
  }

  // ---- internals ----

  #refuseCV(what: string) {
    if (this.regularization === 'cv')
      throw new ValueError('regularization', `a ridge or 'auto' for ${what} (regularization 'cv' chooses the ridge from folds of one fit(X, Y); for streamed or sharded data run CCA.crossValidate on a sample and use the ridge it picks)`, 'cv');
  }

  #check(x: { rows: number; cols: number }, y: { rows: number; cols: number }, first: boolean) {
    if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
    const p = x.cols, q = y.cols;
    if (!first && this.#stats) {
      if (p !== this.#stats.p) throw new ShapeError('X', `${this.#stats.p} columns (as earlier chunks)`, `${p} columns`);
      if (q !== this.#stats.q) throw new ShapeError('Y', `${this.#stats.q} columns (as earlier chunks)`, `${q} columns`);
    }
    if (this.components > Math.min(p, q))
      throw new ValueError('options.components', `at most min(p, q) = min(${p}, ${q}) = ${Math.min(p, q)}`, this.components);
  }

  #result() {
    this.live();
    if (this.#dirty && this.#stats) {
      if (this.#stats.n < 2) throw new NotFittedError(`CCA: ${this.#stats.n} row seen so far; at least 2 are needed`);
      const s = this.#stats;
      solvingMoments(s, () => this.#solve(s));
      this.#dirty = false;
    }
    if (!this.#fit) throw new NotFittedError('CCA: call fit(X, Y) (or partialFit) first');
    return this.#fit;
  }

  #disposeFit() {
    if (this.#fit) {
      this.#fit.xWeights.dispose();
      this.#fit.yWeights.dispose();
      this.#fit = null;
    }
  }

  /** Solves from the statistics with the model's ridge ('cv': `selected`, the ridge cross-validation chose). */
  #solve(s: CoMoments, selected: [number, number] | null = this.#cv?.selected ?? null) {
    const n = s.n, p = s.p, q = s.q, k = this.components, k0 = Math.min(p, q);
    const reg = this.regularization === 'cv' ? selected! : this.regularization;
    const scale = 1 / (n - 1);
    let shrinkage: [number, number] | null = null;
    const owned: Matrix[] = [];
    const take = (m: Matrix) => (owned.push(m), m);
    try {
      const Cxx = take(Matrix.empty(p, p)), Cyy = take(Matrix.empty(q, q));
      // with `scale`, every co-moment is divided by the two columns' standard deviations
      const sdx = this.scale ? columnScales(s.x.M.data, n) : null, sdy = this.scale ? columnScales(s.y.M.data, n) : null;
      const prep = (C: Matrix, v: ViewMoments, r: number | null): number | null => {
        const sd = v === s.x ? sdx : sdy;
        if (r !== null) {
          regularisedCovariance(C, v.M, n, sd, { ridge: r });
          return null;
        }
        if (Number.isNaN(v.s4))
          throw new ValueError('regularization', "a ridge for these statistics: some came from fromMoments (or a file of them), which carry no fourth moments, and Ledoit–Wolf ('auto') needs them", 'auto');
        const { delta } = ledoitWolf(v, n);
        regularisedCovariance(C, v.M, n, sd, { delta });
        return delta;
      };
      const [rx, ry] = reg === 'auto' ? [null, null] : Array.isArray(reg) ? reg : [reg, reg];
      const dx = prep(Cxx, s.x, rx), dy = prep(Cyy, s.y, ry);
      if (reg === 'auto') shrinkage = [dx!, dy!];
      const Wx = take(whiten(Cxx, 'X', rx, dx, n));
      const Wy = take(whiten(Cyy, 'Y', ry, dy, n));
      const T = take(Matrix.empty(p, q));
      withScratch((sc) => {
        const tmp = sc.matrix(p, q);
        let Mxy = s.Mxy;
        if (sdx && sdy) {
          Mxy = sc.matrix(p, q);
          Mxy.data.set(s.Mxy.data);
          scaleInPlace(Mxy.data, sdx, sdy);
        }
        W.gemm(tmp, Wx, Mxy, false, false, scale, 0);
        W.gemm(T, tmp, Wy);
      });
      const dec = svd(T);
      owned.push(dec.u, dec.v);
      const xWeights = take(Matrix.empty(p, k)), yWeights = take(Matrix.empty(q, k));
      // the first k singular vectors (column-block views of U and V)
      W.gemm(xWeights, Wx, dec.u.viewCols(0, k));
      W.gemm(yWeights, Wy, dec.v.viewCols(0, k));
      // weights for the raw columns: row i divided by its column's standard deviation
      if (sdx && sdy) for (const [w, sd] of [[xWeights, sdx], [yWeights, sdy]] as const) scaleInPlace(w.data, sd, null);
      orientSigns(xWeights, yWeights);
      const all = new Float64Array(k0);
      for (let i = 0; i < k0; i++) all[i] = Math.min(1, Math.max(0, dec.s[i]!));
      owned.splice(owned.indexOf(xWeights), 1);
      owned.splice(owned.indexOf(yWeights), 1);
      this.#disposeFit();
      this.#fit = { n, xWeights, yWeights, xMeans: s.x.mean.slice(), yMeans: s.y.mean.slice(), all, shrinkage };
    } finally {
      for (const m of owned) m.dispose();
    }
  }
}

/**
 * A two-view transform: `one` maps each given view (null in, null out; not both null), and the
 * two results must have the same rows. Shared by every two-view model.
 */
export function eachView(X: MatrixInput | null, Y: MatrixInput | null, one: (input: MatrixInput, name: 'X' | 'Y') => MatrixResult): [MatrixResult | null, MatrixResult | null] {
  if (X === null && Y === null) throw new ValueError('X, Y', 'at least one view', 'null and null');
  const u = X === null ? null : one(X, 'X');
  const v = Y === null ? null : one(Y, 'Y');
  if (u && v && u.rows !== v.rows) throw new ShapeError('Y', `${u.rows} rows (as X)`, `${v.rows} rows`);
  return [u, v];
}

const isRidge = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A ridge as [rx, ry]. */
function ridgePair(r: Ridge): [number, number] {
  return Array.isArray(r) ? [r[0], r[1]] : [r, r];
}

/** A grid of ridges (one value or [rx, ry] each, −0 as 0), or 'auto'. */
function checkGrid(g: unknown, name: string): readonly Ridge[] | 'auto' {
  if (g === 'auto') return g;
  if (!Array.isArray(g) || g.length < 1 || g.length > 10000) throw new ValueError(name, "'auto' or a list of 1 to 10000 ridges", g);
  return g.map((v: unknown, i) => {
    if (isRidge(v)) return v + 0;
    if (Array.isArray(v) && v.length === 2 && isRidge(v[0]) && isRidge(v[1])) return [v[0] + 0, v[1] + 0] as [number, number];
    throw new ValueError(`${name}[${i}]`, 'a ridge r ≥ 0 or a pair [rx, ry]', v);
  });
}

/** The settings of regularization 'cv', validated (components are the model's). */
function checkSettings(o: CCACrossValidationSettings): { regularization: readonly Ridge[] | 'auto'; folds: number; seed: number } {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ValueError('options.crossValidation', 'an object { regularization, folds, seed }', o);
  checkOptions(o, ['regularization', 'folds', 'seed'], 'options.crossValidation');
  const { folds, seed } = checkFoldOptions(o, Infinity, 1, 1, 'options.crossValidation');
  return { regularization: checkGrid(o.regularization ?? 'auto', 'options.crossValidation.regularization'), folds, seed };
}

/**
 * CCA.crossValidate on row sources: the folds' statistics, the table, and (keepTotal) all
 * rows' statistics as the folds merged.
 */
function crossValidateSources(x: RowSource, y: RowSource, o: CCACrossValidateOptions, keepTotal: boolean): { result: CrossValidationResult<Ridge>; total: CoMoments | null } {
  if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
  const scale = o.scale ?? false;
  if (typeof scale !== 'boolean') throw new ValueError('options.scale', 'true or false', scale);
  const grid = checkGrid(o.regularization ?? 'auto', 'options.regularization');
  const { folds, seed, components } = checkFoldOptions(o, x.rows, Math.min(x.cols, y.cols));
  const fold = foldAssignment(x.rows, folds, seed);
  const stats = foldMoments(x, y, fold, folds);
  const relative = grid === 'auto' && !scale;
  // all rows' statistics, merged once: for the 'auto' grid's scale and, with keepTotal, the fit
  let total: CoMoments | null = relative || keepTotal ? mergedMoments(stats) : null;
  try {
    // 'auto': relative to each view's mean variance (standardised columns have variance 1)
    const [vx, vy] = relative ? [meanVariance(total!.x.M, total!.n), meanVariance(total!.y.M, total!.n)] : [1, 1];
    const values: readonly Ridge[] = grid === 'auto' ? AUTO_GRID.map((g) => (scale ? g : ([g * vx, g * vy] as [number, number]))) : grid;
    const pairs = values.map(ridgePair);
    const result = crossValidateFolds(['X', 'Y'], stats, values, components, fold, (train, held) => ccaFoldScores(train, held, pairs, components, scale));
    if (!keepTotal) {
      total?.dispose();
      total = null;
    }
    return { result, total };
  } catch (e) {
    total?.dispose();
    throw e;
  } finally {
    disposeAll(stats);
  }
}

type ViewNumbers = [ArrayLike<number>, ArrayLike<number>, number, ArrayLike<number>];

/** The regularization's numbers for the checksum: 'auto' −1; 'cv' −2, the chosen pair, folds, seed and the grid (−1 for 'auto', −3 before a pair). */
function regNumbers(m: CCA, selected: [number, number] | null): number[] {
  const r = m.regularization, cv = m.crossValidation;
  if (r === 'auto') return [-1];
  if (r !== 'cv') return Array.isArray(r) ? [...r] : [r];
  const grid = cv!.regularization === 'auto' ? [-1] : cv!.regularization.flatMap((g) => (Array.isArray(g) ? [-3, g[0], g[1]] : [g]));
  return [-2, ...selected!, cv!.folds, cv!.seed, ...grid];
}

/** CRC-32 over every number a CCA file stores, in a fixed order. */
function checksum(
  f: { reg: number[]; scale: boolean; n: number; p: number; q: number; components: number; all: ArrayLike<number>; xMeans: ArrayLike<number>; yMeans: ArrayLike<number>; xw: ArrayLike<number>; yw: ArrayLike<number>; shrinkage: [number, number] | null },
  st: { n: number; x: ViewNumbers; y: ViewNumbers; Mxy: ArrayLike<number> } | null,
): number {
  const parts: (ArrayLike<number> | number)[] = [f.reg, f.scale ? 1 : 0, f.n, f.p, f.q, f.components, f.all, f.xMeans, f.yMeans, f.xw, f.yw, f.shrinkage ?? []];
  // unknown fourth moments (NaN, from fromMoments) hash as the marker −1 (s4 ≥ 0 otherwise), whatever the NaN's bits
  const view = ([mean, M, s4, t]: ViewNumbers): (ArrayLike<number> | number)[] => (Number.isNaN(s4) ? [mean, M, -1] : [mean, M, s4, t]);
  if (st) parts.push(st.n, ...view(st.x), ...view(st.y), st.Mxy);
  return crc32F64(...parts);
}



/** C^(-1/2); a singular C gets a hint for its regularization (ridge null: Ledoit–Wolf chose delta). */
function whiten(C: Matrix, view: 'X' | 'Y', ridge: number | null, delta: number | null, n: number): Matrix {
  try {
    return invSqrt(C, `${view}'s covariance`).matrix;
  } catch (e) {
    if (e instanceof SingularMatrixError) {
      const hint =
        ridge === 0
          ? `; it has constant or collinear columns (or fewer rows than columns). Add a ridge, e.g. new CCA({ regularization: 1e-4 }) or regularization: 'auto'`
          : ridge === null
            ? `; Ledoit–Wolf chose the shrinkage δ = ${delta} from ${n} rows (with 2 rows it is always 0: the two centred rows are opposite). Use a ridge instead, e.g. new CCA({ regularization: 1e-4 })`
            : `; use a larger ridge`;
      throw new SingularMatrixError(`${view}: ${e.message}${hint}`);
    }
    throw e;
  }
}

/** Sign rule: in each component, the x-weight of largest magnitude is positive (ties: first). */
function orientSigns(xw: Matrix, yw: Matrix) {
  const a = xw.data, b = yw.data, k = xw.cols;
  for (let j = 0; j < k; j++) {
    let best = 0, bi = 0;
    for (let i = 0; i < xw.rows; i++) {
      const v = Math.abs(a[i * k + j]!);
      if (v > best) (best = v), (bi = i);
    }
    if (a[bi * k + j]! < 0) {
      for (let i = 0; i < xw.rows; i++) a[i * k + j] = -a[i * k + j]!;
      for (let i = 0; i < yw.rows; i++) b[i * k + j] = -b[i * k + j]!;
    }
  }
}

function copyOut(m: Matrix): MatrixResult {
  return { data: m.toFloat64Array(), rows: m.rows, cols: m.cols };
}

/** dst (n×k) = (X − means)·weights, scratch from the caller's scope. */
function projectInto(dst: Matrix, X: Matrix, means: Float64Array, weights: Matrix, s: Scratch) {
  const mean = s.matrix(1, X.cols), xc = s.matrix(X.rows, X.cols);
  mean.data.set(means);
  W.center(xc, X, mean);
  W.gemm(dst, xc, weights);
}

function project(input: MatrixInput, name: string, means: Float64Array, weights: Matrix): MatrixResult {
  const x = borrow(input, name);
  try {
    if (x.m.cols !== weights.rows) throw new ShapeError(name, `${weights.rows} columns (as in fit)`, `${x.m.cols} columns`);
    return withScratch((s) => {
      const out = s.matrix(x.m.rows, weights.cols);
      projectInto(out, x.m, means, weights, s);
      return out.toShaped();
    });
  } finally {
    x.release();
  }
}

/**
 * Exact linear canonical correlation analysis: the model (statistics, fit, results, inference).
 * The solve lives in cca_solve.ts, the file format in cca_file.ts, the transform paths in
 * cca_transform.ts, the options in cca_options.ts.
 *
 * Fit: whiten each view with (Σ + rI)^-1/2 (or, for 'auto', Σ with its correlations shrunk
 * toward 0 by Schäfer–Strimmer's λ), take the thin SVD of the whitened cross-covariance
 * T = Wx·Σxy·Wy = U·diag(ρ)·Vᵀ; the canonical correlations are ρ (descending), the weights
 * Wx·U and Wy·V. Every solve works on equilibrated columns (cca_core.ts). Statistics are
 * mergeable co-moments, so `partialFit` over chunks and `merge` of shards give the in-memory
 * result.
 */
import { checkMissing, dropMissing, type MatrixInput, type MatrixResult, type Missing } from '../../wasm/index.js';
import { ShapeError, ValueError, described } from '../../errors.js';
import { Disposable } from '../../lifecycle.js';
import { checkOptions, noExtraArguments } from '../../options.js';
import { significance, type SignificanceOptions, type SignificanceRow, type SignificanceRowAll } from './significance.js';
import { coMomentsOf, readMoments, type Moments } from './moments.js';
import { readSqlMoments, type SqlRow } from './sql.js';
import type { CrossValidationResult } from './crossval.js';
import { modelPermutationTest, type PermutationTestOptions, type PermutationTestResult } from './permutation.js';
import { bootstrap, checkBootstrapOptions, type BootstrapOptions, type BootstrapResult } from './bootstrap.js';
import { checkCCAOptions, ridgePair, type CCACrossValidateOptions, type CCAOptions, type CCAToJSONOptions, type CVSettings, type Regularization, type Ridge } from './cca_options.js';
import { crossValidateSources } from './cca_crossval.js';
import { readCCAFile, writeCCAFile } from './cca_file.js';
import { copyOut, withSources } from './cca_transform.js';
import { CCAState, type FitCall } from './cca_state.js';
import { retrieveEmbedded, type RetrieveOptions, type RetrieveResult } from '../retrieve.js';
import { explained, inverseView, predictView, readCall, structure, transformViews, variateCorrelations, type CovariatesOption, type StructureCorrelations } from './cca_interpret.js';

export type { Regularization, Ridge, CCAOptions, CCAToJSONOptions, CCACrossValidateOptions, CCACrossValidationSettings } from './cca_options.js';
export type { MatrixResult } from '../../wasm/index.js';
export type { CovariatesOption, StructureCorrelations } from './cca_interpret.js';

/**
 * Exact linear CCA of two views: weights whose variates correlate most, with streaming
 * (partialFit, merge, fromMoments), ridges, tests, interpretation and files.
 * @example
 * ```ts
 * const cca = new CCA({ components: 2, regularization: 'auto' }).fit(X, Y);
 * const [u, v] = cca.transform(X, Y);
 * console.log(cca.correlations, cca.score(X, Y));
 * ```
 */
export class CCA extends Disposable {
  /** the number of canonical pairs kept */ readonly components: number;
  /** the regularization option as given */ readonly regularization: Regularization;
  /** whether the columns are standardised before the fit */ readonly scale: boolean;
  /** with regularization 'cv': the settings (grid, folds, seed) */
  readonly crossValidation: CVSettings | null;
  /** what fit does with a row that has a NaN, null or undefined cell: 'error' or 'drop' (see `droppedRows`) */
  readonly missing: Missing;
  #s: CCAState;

  constructor(options: CCAOptions = {}) {
    super();
    const o = checkCCAOptions(options);
    this.crossValidation = o.crossValidation;
    this.components = o.components;
    this.regularization = o.regularization;
    this.scale = o.scale;
    this.missing = o.missing;
    this.#s = new CCAState(this);
  }

  /** With missing 'drop': the rows the statistics left out (the last fit's, plus every partialFit and merge since; 0 when none, and after fromJSON). */
  get droppedRows(): number {
    return this.#s.dropped;
  }

  /**
   * Fits on all rows of X (n×p) and Y (n×q), replacing anything fitted before. With
   * `{ covariates: Z }` (n×r, data) it is partial CCA: both views are residualised on [1, Z]
   * first (see docs/linear-cca.md, Covariates, prediction and interpretation); transform, score and predict then take the covariates too.
   *
   * @example
   * const cca = new CCA({ components: 1 }).fit([[1, 2], [2, 1], [3, 5], [4, 3]], [[1], [2], [3], [4.5]]);
   * cca.correlations; // Float64Array [0.98...]
   */
  fit(X: MatrixInput, Y: MatrixInput, options?: CovariatesOption): this {
    noExtraArguments(arguments, 3, 'CCA.fit');
    this.live();
    this.#s.fitRows(X, Y, readCall(options, 'fit'));
    return this;
  }

  /**
   * Adds a chunk of rows (and, for partial CCA, their covariates) to the statistics. Results
   * are recomputed when next read, so a stream of chunks costs one solve. Equal (to rounding)
   * to fitting all rows at once.
   */
  partialFit(X: MatrixInput, Y: MatrixInput, options?: CovariatesOption): this {
    noExtraArguments(arguments, 3, 'CCA.partialFit');
    this.live();
    this.#s.partialFitRows(X, Y, readCall(options, 'partialFit'));
    return this;
  }

  /** Folds another CCA's statistics (same p, q and covariates) into this one, e.g. from another shard. */
  merge(other: CCA): this {
    this.live();
    if (!(other instanceof CCA)) throw new ValueError('other', 'a CCA', other);
    if (other === this) throw new ValueError('other', 'another CCA (merging a model with itself would count its rows twice)', described('this same CCA'));
    other.live();
    this.#s.mergeFrom(other.#s);
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

  /** The column means of X the fit centred by. */
  get xMeans(): Float64Array {
    return this.#result().xMeans.slice();
  }

  /** The column means of Y the fit centred by. */
  get yMeans(): Float64Array {
    return this.#result().yMeans.slice();
  }

  /** Rows seen by the fit. */
  get nSamples(): number {
    return this.#result().n;
  }

  /**
   * With regularization 'auto': the shrinkage intensities [λx, λy] the fit applied (each view's
   * correlations multiplied by 1 − λ, the cross-covariances by √((1 − λx)(1 − λy))); otherwise
   * null. A model read from a file written before version 3 reports Ledoit–Wolf's δ instead
   * (see shrinkageTarget).
   */
  get shrinkage(): [number, number] | null {
    const s = this.#result().shrinkage;
    return s ? [s[0], s[1]] : null;
  }

  /**
   * With regularization 'auto': what the shrinkage moved toward — 'diagonal' (Schäfer–Strimmer:
   * correlations toward 0, variances kept; every fit of this version) or 'identity' (Ledoit–Wolf
   * toward μI: a model read from a file written before version 3, until it is fitted again);
   * otherwise null.
   */
  get shrinkageTarget(): 'diagonal' | 'identity' | null {
    return this.#result().target;
  }

  /** The ridge [rx, ry] the fit applied (with 'auto': null, see shrinkage; with 'cv': the one cross-validation chose). */
  get appliedRegularization(): [number, number] | null {
    this.#result();
    const r = this.regularization;
    return r === 'auto' ? null : r === 'cv' ? [...this.#s.cv!.selected] : ridgePair(r);
  }

  /** With regularization 'cv': the cross-validation table of the last fit (null after fromJSON, which keeps only the choice). */
  get crossValidationResult(): CrossValidationResult<Ridge> | null {
    this.#result();
    return this.#s.cv?.result ?? null;
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
    const o = checkOptions(options, ['regularization', 'folds', 'components', 'seed', 'scale', 'missing']);
    const d = dropMissing([X, Y], ['X', 'Y'], checkMissing(o.missing), 'X, Y');
    return withSources(d.views[0]!, d.views[1]!, (x, y) => crossValidateSources(x, y, o, false).result);
  }

  /** True once fitted (or partially fitted with at least 2 rows). */
  get fitted(): boolean {
    this.live();
    const s = this.#s;
    return s.fit !== null || (s.stats !== null && s.stats.n >= 2);
  }

  /**
   * Canonical variates [U, V] (n×components each); pass null for a view you don't need. A
   * partial CCA takes the covariates of the same rows: `transform(X, Y, { covariates: Z })`.
   */
  transform(X: MatrixInput, Y: MatrixInput, options?: CovariatesOption): [MatrixResult, MatrixResult];
  transform(X: MatrixInput, Y?: null, options?: CovariatesOption): [MatrixResult, null];
  transform(X: null, Y: MatrixInput, options?: CovariatesOption): [null, MatrixResult];
  transform(X: MatrixInput | null, Y?: MatrixInput | null, options?: CovariatesOption): [MatrixResult | null, MatrixResult | null];
  transform(X: MatrixInput | null, Y: MatrixInput | null = null, options?: CovariatesOption): [MatrixResult | null, MatrixResult | null] {
    noExtraArguments(arguments, 3, 'CCA.transform');
    return transformViews(this.#result(), X, Y, readCall(options, 'transform'));
  }

  /**
   * The top k gallery rows of each query row in the canonical space: `from: 'x'` (default)
   * embeds query rows of X and gallery rows of Y (each view transformed alone), 'y' the
   * reverse; each component is weighted by its canonical correlation (pairs that share little
   * count little), then rows rank by cosine similarity (or `metric: 'euclidean'`), as
   * metrics.retrieval. `{ indices, scores, rows, cols }`: queries × k, best first.
   *
   * @example
   * const { indices } = cca.retrieve(Xtest, Ytest, { k: 5 }); // indices[i * 5]: the best Y row for X row i
   */
  retrieve(query: MatrixInput, gallery: MatrixInput, options?: RetrieveOptions): RetrieveResult {
    noExtraArguments(arguments, 3, 'CCA.retrieve');
    const rho = this.correlations;
    return retrieveEmbedded(query, gallery, options, ['X', 'Y'], (v, rows) => this.transform(v === 0 ? (rows as MatrixInput) : null, v === 1 ? (rows as MatrixInput) : null)[v]!, rho);
  }

  /** fit(X, Y) then transform(X, Y). */
  fitTransform(X: MatrixInput, Y: MatrixInput, options?: CovariatesOption): [MatrixResult, MatrixResult] {
    this.fit(X, Y, options);
    return this.transform(X, Y, options) as [MatrixResult, MatrixResult];
  }

  /**
   * Pearson correlation of each pair of canonical variates on (X, Y), in training
   * component order (not re-sorted): the held-out canonical correlations.
   */
  score(X: MatrixInput, Y: MatrixInput, options?: CovariatesOption): Float64Array {
    noExtraArguments(arguments, 3, 'CCA.score');
    return variateCorrelations(this.#result(), this.components, X, Y, readCall(options, 'score'));
  }

  /**
   * One view predicted from the other through the kept pairs: `predict(X)` gives
   * Ŷ = ȳ + (X − x̄)·Wx·diag(ρ)·(Σyy·Wy)ᵀ, `predict(null, Y)` gives X̂ likewise (a partial CCA
   * adds the covariates' part: pass `{ covariates }`). With all pairs and no ridge it is the
   * least-squares regression of one view on the other.
   *
   * @example
   * const yhat = new CCA({ components: 1 }).fit(X, Y).predict(X2); // rows of X2 → their expected Y
   */
  predict(X: MatrixInput, Y?: null, options?: CovariatesOption): MatrixResult;
  predict(X: null, Y: MatrixInput, options?: CovariatesOption): MatrixResult;
  predict(X: MatrixInput | null, Y: MatrixInput | null = null, options?: CovariatesOption): MatrixResult {
    noExtraArguments(arguments, 3, 'CCA.predict');
    const f = this.#result();
    const call = readCall(options, 'predict');
    if ((X === null) === (Y === null)) throw new ValueError('X, Y', 'exactly one view to predict the other from (predict(X) or predict(null, Y))', X === null ? 'null and null' : described('both views'));
    return X !== null ? predictView(f, this.components, X, 'X', call) : predictView(f, this.components, Y!, 'Y', call);
  }

  /**
   * Variates back to the views: X̂ = x̄ + U·(Σxx·Wx·Var(U)⁻¹)ᵀ (the least-squares map from the
   * variates, through the structure loadings), Ŷ likewise from V; null for a view not wanted.
   * A partial CCA adds (Z − z̄)·B when given `{ covariates }` (without: the views at the
   * covariates' means).
   */
  inverseTransform(U: MatrixInput | null, V: MatrixInput | null = null, options?: CovariatesOption): [MatrixResult | null, MatrixResult | null] {
    noExtraArguments(arguments, 3, 'CCA.inverseTransform');
    const f = this.#result();
    const z = readCall(options, 'inverseTransform').covariates;
    if (U === null && V === null) throw new ValueError('U, V', 'at least one view\'s variates', 'null and null');
    const x = U === null ? null : inverseView(f, this.components, U, 'X', z);
    const y = V === null ? null : inverseView(f, this.components, V, 'Y', z);
    if (x && y && x.rows !== y.rows) throw new ShapeError('V', `${x.rows} rows (as U)`, `${y.rows} rows`);
    return [x, y];
  }

  /**
   * Structure correlations on the rows given: each column of X and Y (residualised, with
   * covariates) correlated with each kept variate, of its own view (`own`) and of the other
   * (`cross`): x.own p×k with U, x.cross with V, y.own q×k with V, y.cross with U.
   */
  structureCorrelations(X: MatrixInput, Y: MatrixInput, options?: CovariatesOption): StructureCorrelations {
    noExtraArguments(arguments, 3, 'CCA.structureCorrelations');
    return structure(this.#result(), this.components, X, Y, readCall(options, 'structureCorrelations'));
  }

  /**
   * The share of each view's variance its own variate j carries, from the training statistics:
   * the mean over the view's columns of their squared structure correlation with it (each
   * column counts alike, whatever its units; Stewart & Love's variance extracted).
   */
  get explainedVariance(): { x: Float64Array; y: Float64Array } {
    const f = this.#result();
    return { x: explained(f, this.components, 'X', 'explainedVariance'), y: explained(f, this.components, 'Y', 'explainedVariance') };
  }

  /**
   * Stewart–Love redundancy per component: x[j] = explainedVariance.x[j]·ρⱼ², the share of X's
   * variance that Y's variate j accounts for (y likewise); their sums are the indices.
   */
  get redundancy(): { x: Float64Array; y: Float64Array } {
    const f = this.#result(), e = this.explainedVariance;
    for (let j = 0; j < this.components; j++) {
      const r2 = f.all[j]! * f.all[j]!;
      e.x[j] = e.x[j]! * r2;
      e.y[j] = e.y[j]! * r2;
    }
    return e;
  }

  /**
   * Wilks' lambda for H0: ρ_k = ρ_k+1 = … = 0, for each k, with Bartlett's chi-square and
   * Rao's F approximations and their p-values (what R's CCP and MATLAB's canoncorr report);
   * `{ test: 'all' }` adds Pillai's trace, the Hotelling–Lawley trace and Roy's greatest root.
   * A partial CCA counts n − r rows (r covariates: the residuals keep n − r − 1 degrees of freedom).
   */
  significance(options: { test: 'all' }): SignificanceRowAll[];
  significance(options?: SignificanceOptions): SignificanceRow[];
  significance(options?: SignificanceOptions): SignificanceRow[] {
    const f = this.#result();
    return significance(f.all, f.n - (f.covariates?.means.length ?? 0), f.xWeights.rows, f.yWeights.rows, options);
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
    return modelPermutationTest(X, Y, options, this, (xr, yr) => {
      const m = new CCA({ components: this.components, regularization: this.regularization });
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
    // missing 'drop': resamples of the complete rows
    const d = dropMissing([X, Y], ['X', 'Y'], this.missing, 'X, Y');
    return bootstrap(d.views[0]!, d.views[1]!, model, o, (x, y) => {
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
    this.#s.dispose();
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
    return writeCCAFile(this, f, this.#s.cv?.selected ?? null, o.statistics ? this.#s.stats : null, this.#s.split);
  }

  /**
   * A fitted CCA from statistics computed elsewhere (an SQL engine, another library, other
   * shards): n, the means and the covariances normalised by n − 1, as
   * `{ n, xMeans, yMeans, xx, yy, xy }` or `{ n, means: [xMeans, yMeans], covariance }` (the
   * joint (p+q)×(p+q) matrix). Every number is checked (finite, shapes, symmetry, positive
   * semi-definite to rounding); the solve happens when a result is first read, as after
   * partialFit (so a shard's singular moments can still be merged). The model keeps the statistics: merge other moment sets or
   * shards, partialFit more rows, toJSON({ statistics: true }). A ridge or 0 only: 'auto' needs
   * fourth-order sums over the rows and 'cv' needs the rows themselves.
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
        throw new ValueError('options.regularization', `a ridge or 0 for fromMoments (${r === 'auto' ? "its shrinkage λ needs the sums Σ(xᵢ − x̄ᵢ)²(xⱼ − x̄ⱼ)² over the rows, which n, means and covariances do not carry" : "cross-validation needs the rows, to deal them to folds"})`, r);
      const j = readMoments(moments);
      if (j.dims.length !== 2) throw new ShapeError('moments.means', 'the means of two views (MCCA.fromMoments takes more)', `${j.dims.length} views`);
      const [p, q] = j.dims as [number, number];
      if (model.components > Math.min(p, q)) throw new ValueError('options.components', `at most min(p, q) = min(${p}, ${q}) = ${Math.min(p, q)}`, model.components);
      // solved when first read, as after partialFit (a shard's moments may be singular alone and fine merged)
      model.#s.stats = coMomentsOf(j, 1);
      model.#s.dirty = true;
      return model;
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  /** Rebuilds a CCA from toJSON() output (object or JSON string), validating every field. */
  static fromJSON(json: unknown): CCA {
    const { model, fit, selected, stats, split } = readCCAFile(json, (options) => new CCA(options));
    const s = model.#s;
    s.fit = fit;
    if (selected) s.cv = { selected, result: null };
    s.stats = stats;
    s.split = split;
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

  #result() {
    this.live();
    return this.#s.result();
  }
}

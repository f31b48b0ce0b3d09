/**
 * Partial least squares — PLSRegression, PLSCanonical, PLSSVD — exact, streaming and mergeable:
 * every model fits from the co-moments only (n, means, XᵀX, XᵀY, YᵀY), so `partialFit` over
 * chunks, `merge` of shards, `fromMoments` and `fromSqlRows` give what `fit` gives. Every
 * component's weight pair is the first singular pair of the current cross-covariance (no
 * tolerance, no iteration limit: the result is exact). The solves live in pls_solve.ts, the
 * options and file format in pls_file.ts.
 */
import { Matrix, dropMissing, type MatrixInput, type MatrixResult, type Missing } from '../../wasm/index.js';
import { CoMoments, addChunk, mergedInto } from '../../linalg/comoments.js';
import { NotFittedError, ShapeError, ValueError, described } from '../../errors.js';
import { Disposable } from '../../lifecycle.js';
import { checkOptions, noExtraArguments } from '../../options.js';
import { coMomentsOf, readMoments, solvingMoments, sqlRowMoments, type Moments } from './moments.js';
import type { SqlRow } from './sql.js';
import { eachView, project, withSources } from './cca_transform.js';
import { componentLimit, solvePLS, type PLSFit, type PLSKind } from './pls_solve.js';
import { checkPLSOptions, readPLSFile, writePLSFile, type PLSOptions, type PLSToJSONOptions } from './pls_file.js';

export type { PLSOptions, PLSRegressionOptions, PLSCanonicalOptions, PLSSVDOptions, PLSToJSONOptions } from './pls_file.js';

const NAMES: Record<PLSKind, string> = { regression: 'PLSRegression', canonical: 'PLSCanonical', svd: 'PLSSVD' };

const result = (data: Float64Array, rows: number, cols: number): MatrixResult => ({ data: data.slice(), rows, cols });

/** What the three PLS models share: statistics, fit, streaming, merge, files and the transform. */
abstract class PLSBase extends Disposable {
  /** the number of components asked for */
  readonly components: number;
  /** whether the columns are standardised before the fit */
  readonly scale: boolean;
  /** what fit does with a row holding a missing cell: 'error' or 'drop' */
  readonly missing: Missing;
  #stats: CoMoments | null = null;
  #fit: PLSFit | null = null;
  #dirty = false;
  #dropped = 0;
  protected abstract readonly kind: PLSKind;

  constructor(options: PLSOptions = {}) {
    super();
    const o = checkPLSOptions(options);
    this.components = o.components;
    this.scale = o.scale;
    this.missing = o.missing;
  }

  /** With missing 'drop': the rows the statistics left out (the last fit's plus every partialFit and merge since). */
  get droppedRows(): number {
    return this.#dropped;
  }

  /** Fits on all rows of X (n×p) and Y (n×q), replacing anything fitted before. */
  fit(X: MatrixInput, Y: MatrixInput): this {
    noExtraArguments(arguments, 2, `${NAMES[this.kind]}.fit`);
    this.live();
    const d = dropMissing([X, Y], ['X', 'Y'], this.missing, 'X, Y');
    return withSources(d.views[0]!, d.views[1]!, (x, y) => {
      this.#check(x, y, true);
      if (x.rows < 2) throw new ShapeError('X', 'at least 2 rows', `${x.rows} row`);
      const stats = new CoMoments(x.cols, y.cols);
      let fit: PLSFit;
      try {
        stats.addRows(x, y);
        fit = solvePLS(stats, this.kind, this.components, this.scale);
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
    noExtraArguments(arguments, 2, `${NAMES[this.kind]}.partialFit`);
    this.live();
    const d = dropMissing([X, Y], ['X', 'Y'], this.missing, 'X, Y');
    return withSources(d.views[0]!, d.views[1]!, (x, y) => {
      if (!this.#stats && this.#fit)
        throw new NotFittedError(`partialFit: this ${NAMES[this.kind]} was restored without its statistics, so new rows cannot be added (save it with toJSON({ statistics: true }) to keep streaming)`);
      this.#check(x, y, this.#stats === null);
      this.#stats = addChunk(this.#stats, x, y);
      this.#dirty = true;
      this.#dropped += d.dropped;
      return this;
    });
  }

  /** Folds another model's statistics (same class, p, q) into this one, e.g. from another shard. */
  merge(other: this): this {
    this.live();
    const name = NAMES[this.kind];
    if (!(other instanceof PLSBase) || other.kind !== this.kind) throw new ValueError('other', `a ${name}`, other);
    if (other === this) throw new ValueError('other', `another ${name} (merging a model with itself would count its rows twice)`, described(`this same ${name}`));
    other.live();
    const o = other.#stats;
    if (!o) throw new NotFittedError(`merge: the other ${name} holds no statistics (fit or partialFit it first, or it was restored without statistics)`);
    if (!this.#stats) {
      if (this.#fit) throw new NotFittedError(`merge: this ${name} was restored without statistics`);
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
    return this.result().n;
  }

  /** p×components x-weights (standardised units when scale). */
  get xWeights(): MatrixResult {
    const f = this.result();
    return result(f.xWeights, f.p, f.k);
  }

  /** q×components y-weights. */
  get yWeights(): MatrixResult {
    const f = this.result();
    return result(f.yWeights, f.q, f.k);
  }

  /** p×components x rotations: x scores = ((X − xMeans)/xStd)·xRotations. */
  get xRotations(): MatrixResult {
    const f = this.result();
    return result(f.xRotations, f.p, f.k);
  }

  /** q×components y rotations: y scores = ((Y − yMeans)/yStd)·yRotations. */
  get yRotations(): MatrixResult {
    const f = this.result();
    return result(f.yRotations, f.q, f.k);
  }

  /** The column means of X the fit centred by. */
  get xMeans(): Float64Array {
    return this.result().xMean.slice();
  }

  /** The column means of Y the fit centred by. */
  get yMeans(): Float64Array {
    return this.result().yMean.slice();
  }

  /** The columns' standard deviations the fit divided by (all 1 without scale). */
  get xStd(): Float64Array {
    return this.result().xStd.slice();
  }

  /** Y's standard deviations the fit divided by (all 1 without scale). */
  get yStd(): Float64Array {
    return this.result().yStd.slice();
  }

  /** Scores [x scores, y scores] (n×components each); pass null for a view you don't need. */
  transform(X: MatrixInput, Y: MatrixInput): [MatrixResult, MatrixResult];
  transform(X: MatrixInput, Y?: null): [MatrixResult, null];
  transform(X: null, Y: MatrixInput): [null, MatrixResult];
  transform(X: MatrixInput | null, Y?: MatrixInput | null): [MatrixResult | null, MatrixResult | null];
  transform(X: MatrixInput | null, Y: MatrixInput | null = null): [MatrixResult | null, MatrixResult | null] {
    noExtraArguments(arguments, 2, `${NAMES[this.kind]}.transform`);
    const f = this.result();
    return eachView(X, Y, (input, name) => (name === 'X' ? applyRaw(input, 'X', f.xMean, f.xRotations, f.xStd, f.k) : applyRaw(input, 'Y', f.yMean, f.yRotations, f.yStd, f.k)));
  }

  /** fit(X, Y) then transform(X, Y). */
  fitTransform(X: MatrixInput, Y: MatrixInput): [MatrixResult, MatrixResult] {
    this.fit(X, Y);
    return this.transform(X, Y) as [MatrixResult, MatrixResult];
  }

  /** A plain, versioned object with a CRC-32 of every stored number; `{ statistics: true }` also stores the statistics, so a restored model can keep streaming. */
  toJSON(options?: PLSToJSONOptions | string): Record<string, unknown> {
    const f = this.result();
    const o = typeof options === 'string' ? {} : checkOptions(options, ['statistics'], 'toJSON options');
    return writePLSFile(this.kind, this, f, o.statistics ? this.#stats : null);
  }

  /** Frees the statistics' wasm buffers; any later use throws DisposedError. */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.#stats?.dispose();
    this.#stats = null;
    this.#fit = null;
    this.#dirty = false;
  }

  // ---- internals shared with the subclasses and their statics ----

  protected static load<T extends PLSBase>(json: unknown, kind: PLSKind, make: (o: PLSOptions) => T): T {
    const { model, fit, stats } = readPLSFile(json, kind, make);
    model.#fit = fit;
    model.#stats = stats;
    return model;
  }

  protected static moments<T extends PLSBase>(moments: Moments, model: T): T {
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

  protected result(): PLSFit {
    this.live();
    if (this.#dirty && this.#stats) {
      const s = this.#stats;
      if (s.n < 2) throw new NotFittedError(`${NAMES[this.kind]}: ${s.n} row seen so far; at least 2 are needed`);
      this.#fit = solvingMoments(s, () => solvePLS(s, this.kind, this.components, this.scale));
      this.#dirty = false;
    }
    if (!this.#fit) throw new NotFittedError(`${NAMES[this.kind]}: call fit(X, Y) (or partialFit) first`);
    return this.#fit;
  }

  #check(x: { rows: number; cols: number }, y: { rows: number; cols: number }, first: boolean) {
    if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
    const p = x.cols, q = y.cols;
    if (!first && this.#stats) {
      if (p !== this.#stats.p) throw new ShapeError('X', `${this.#stats.p} columns (as earlier chunks)`, `${p} columns`);
      if (q !== this.#stats.q) throw new ShapeError('Y', `${this.#stats.q} columns (as earlier chunks)`, `${q} columns`);
    }
    const limit = componentLimit(this.kind, p, q);
    if (this.components > limit) throw new ValueError('options.components', `at most ${limit} for ${NAMES[this.kind]} with ${p} X columns and ${q} Y columns`, this.components);
  }
}

/** ((input − means)/sd)·M (M p×k, standardised units) as a JS-owned n×k result. */
function applyRaw(input: MatrixInput, name: string, means: Float64Array, M: Float64Array, sd: Float64Array, k: number): MatrixResult {
  const p = sd.length, w = Matrix.empty(p, k);
  try {
    const d = w.data;
    for (let i = 0; i < p; i++) for (let a = 0; a < k; a++) d[i * k + a] = M[i * k + a]! / sd[i]!;
    return project(input, name, means, w);
  } finally {
    w.dispose();
  }
}

/** PLSRegression and PLSCanonical: a coefficient matrix, predict and score. */
abstract class PLSPredicting extends PLSBase {
  /** p×q coefficients for raw X: predict(X) = X·coefficients + intercept. */
  get coefficients(): MatrixResult {
    const f = this.result();
    return result(f.coefficients, f.p, f.q);
  }

  /** q intercepts: yMeans − xMeans·coefficients. */
  get intercept(): Float64Array {
    return this.result().intercept.slice();
  }

  /** p×components x loadings. */
  get xLoadings(): MatrixResult {
    const f = this.result();
    return result(f.xLoadings, f.p, f.k);
  }

  /** q×components y loadings (scikit-learn's y_loadings_). */
  get yLoadings(): MatrixResult {
    const f = this.result();
    return result(f.yLoadings, f.q, f.k);
  }

  /** n×q predictions X·coefficients + intercept. */
  predict(X: MatrixInput): MatrixResult {
    noExtraArguments(arguments, 1, 'predict');
    const f = this.result();
    const w = Matrix.empty(f.p, f.q);
    try {
      w.data.set(f.coefficients);
      const out = project(X, 'X', new Float64Array(f.p), w);
      for (let r = 0; r < out.rows; r++) for (let j = 0; j < f.q; j++) out.data[r * f.q + j] = out.data[r * f.q + j]! + f.intercept[j]!;
      return out;
    } finally {
      w.dispose();
    }
  }

  /** R² of predict(X) against Y, the uniform average over Y's columns (scikit-learn's r2_score). */
  score(X: MatrixInput, Y: MatrixInput): number {
    noExtraArguments(arguments, 2, 'score');
    const pred = this.predict(X), f = this.result();
    const y = Matrix.from(Y, 'Y');
    try {
      if (y.cols !== f.q) throw new ShapeError('Y', `${f.q} columns (as in fit)`, `${y.cols} columns`);
      if (y.rows !== pred.rows) throw new ShapeError('Y', `${pred.rows} rows (as X)`, `${y.rows} rows`);
      const t = y.toShaped().data, n = y.rows, q = f.q;
      let total = 0;
      for (let j = 0; j < q; j++) {
        let mean = 0;
        for (let r = 0; r < n; r++) mean += t[r * q + j]!;
        mean /= n;
        let ss = 0, res = 0;
        for (let r = 0; r < n; r++) {
          ss += (t[r * q + j]! - mean) ** 2;
          res += (t[r * q + j]! - pred.data[r * q + j]!) ** 2;
        }
        total += ss > 0 ? 1 - res / ss : res === 0 ? 1 : 0;
      }
      return total / q;
    } finally {
      y.dispose();
    }
  }
}

/**
 * PLS regression (scikit-learn's PLSRegression: X deflated on its scores, Y regressed on them),
 * computed exactly as Dayal & MacGregor's improved kernel PLS on the covariances.
 *
 * @example
 * const pls = new PLSRegression({ components: 1 }).fit([[1, 2], [2, 1], [3, 5], [4, 3]], [[1], [2], [3], [4.5]]);
 * pls.predict([[2, 2]]);
 */
export class PLSRegression extends PLSPredicting {
  protected readonly kind = 'regression' as const;
  /** A PLSRegression from co-moments (n, means, XᵀX, XᵀY, YᵀY) computed elsewhere, e.g. by a database. */
  static fromMoments(moments: Moments, options: PLSOptions = {}): PLSRegression {
    return PLSBase.moments(moments, new PLSRegression(options));
  }
  /** A PLSRegression from the one row of the query `comomentsQuery` writes (see crossmodal/sql). */
  static fromSqlRow(row: SqlRow, options: PLSOptions = {}): PLSRegression {
    return PLSBase.moments(sqlRowMoments(row, true), new PLSRegression(options));
  }
  /** A PLSRegression from the rows of a grouped `comomentsQuery` (one per group or shard), merged. */
  static fromSqlRows(rows: readonly SqlRow[], options: PLSOptions = {}): PLSRegression {
    return PLSBase.moments(sqlRowMoments(rows, false), new PLSRegression(options));
  }
  /** A PLSRegression from what toJSON wrote (object or string); a FormatError when malformed. */
  static fromJSON(json: unknown): PLSRegression {
    return PLSBase.load(json, 'regression', (o) => new PLSRegression(o));
  }
}

/**
 * PLS canonical (scikit-learn's PLSCanonical: both views deflated on their own scores), exact.
 *
 * @example
 * ```ts
 * const pls = new PLSCanonical({ components: 1 }).fit([[1, 2], [2, 1], [3, 5], [4, 3]], [[1, 0], [2, 1], [3, 1], [4.5, 2]]);
 * const [xScores, yScores] = pls.transform([[2, 2]], [[2, 1]]);
 * ```
 */
export class PLSCanonical extends PLSPredicting {
  protected readonly kind = 'canonical' as const;
  /** A PLSCanonical from co-moments (n, means, XᵀX, XᵀY, YᵀY) computed elsewhere, e.g. by a database. */
  static fromMoments(moments: Moments, options: PLSOptions = {}): PLSCanonical {
    return PLSBase.moments(moments, new PLSCanonical(options));
  }
  /** A PLSCanonical from the one row of the query `comomentsQuery` writes (see crossmodal/sql). */
  static fromSqlRow(row: SqlRow, options: PLSOptions = {}): PLSCanonical {
    return PLSBase.moments(sqlRowMoments(row, true), new PLSCanonical(options));
  }
  /** A PLSCanonical from the rows of a grouped `comomentsQuery` (one per group or shard), merged. */
  static fromSqlRows(rows: readonly SqlRow[], options: PLSOptions = {}): PLSCanonical {
    return PLSBase.moments(sqlRowMoments(rows, false), new PLSCanonical(options));
  }
  /** A PLSCanonical from what toJSON wrote (object or string); a FormatError when malformed. */
  static fromJSON(json: unknown): PLSCanonical {
    return PLSBase.load(json, 'canonical', (o) => new PLSCanonical(o));
  }
}

/**
 * PLS-SVD (scikit-learn's PLSSVD): the first singular vectors of the cross-covariance, no deflation.
 *
 * @example
 * ```ts
 * const svd = new PLSSVD({ components: 1 }).fit([[1, 2], [2, 1], [3, 5], [4, 3]], [[1], [2], [3], [4.5]]);
 * console.log(svd.xWeights); // { data, rows: 2, cols: 1 }
 * ```
 */
export class PLSSVD extends PLSBase {
  protected readonly kind = 'svd' as const;
  /** A PLSSVD from co-moments (n, means, XᵀX, XᵀY, YᵀY) computed elsewhere, e.g. by a database. */
  static fromMoments(moments: Moments, options: PLSOptions = {}): PLSSVD {
    return PLSBase.moments(moments, new PLSSVD(options));
  }
  /** A PLSSVD from the one row of the query `comomentsQuery` writes (see crossmodal/sql). */
  static fromSqlRow(row: SqlRow, options: PLSOptions = {}): PLSSVD {
    return PLSBase.moments(sqlRowMoments(row, true), new PLSSVD(options));
  }
  /** A PLSSVD from the rows of a grouped `comomentsQuery` (one per group or shard), merged. */
  static fromSqlRows(rows: readonly SqlRow[], options: PLSOptions = {}): PLSSVD {
    return PLSBase.moments(sqlRowMoments(rows, false), new PLSSVD(options));
  }
  /** A PLSSVD from what toJSON wrote (object or string); a FormatError when malformed. */
  static fromJSON(json: unknown): PLSSVD {
    return PLSBase.load(json, 'svd', (o) => new PLSSVD(o));
  }
}



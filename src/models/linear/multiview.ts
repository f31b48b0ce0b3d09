/**
 * The statistics side shared by the multi-view models (MCCA, GCCA): options, fit / partialFit /
 * merge on the mergeable co-moments of the joined views (the first ⌈m/2⌉ views as one side,
 * the rest as the other), lazy solving, the checks, and the projection of views by weights.
 * Each model supplies `solveFit`.
 */
import { Matrix, bufferedSource, rowBlocks, rowSource, type MatrixInput, type MatrixResult, type RowSource } from '../../wasm/index.js';
import { CoMoments } from '../../linalg/comoments.js';
import { matmul } from '../../linalg/ops.js';
import { NotFittedError, ShapeError, ValueError, described } from '../../errors.js';
import { Disposable } from '../../lifecycle.js';
import { checkOptions, noExtraArguments } from '../../options.js';
import { checkMissing, dropMissing, type Missing } from '../../wasm/index.js';
import { coMomentsOf, readMoments, solvingMoments, type Moments } from './moments.js';
import { VariateMoments, blockRows, fillRows, withViewRows } from './stream.js';
import { explainedVariance, inverseViews, predictViews, redundancy, structureViews, type InterpretableFit } from './mcca_interpret.js';

/** Options of MCCA and GCCA. */
export interface MCCAOptions {
  /** number of components, at most the smallest view's column count (default 2) */
  components?: number;
  /** ridge rᵢ ≥ 0 added to each view's covariance: one value for all views or one per view (default 0) */
  regularization?: number | readonly number[];
  /** standardise every column to unit variance (the statistics' standard deviations; a constant
   *  column keeps scale 1) before the fit, so that the ridge applies to the correlation matrix
   *  and every answer is the same in any column units (default false). The weights then apply
   *  to the raw columns, so transform() takes the data as given. */
  scale?: boolean;
  /** a row with a NaN, null or undefined cell in any view: 'error' (the default) refuses it,
   *  'drop' leaves it out of every view (counted in `droppedRows`; ±Infinity stays an error) */
  missing?: Missing;
}


/** What every multi-view fit keeps. */
export interface ViewsFit {
  n: number;
  dims: number[];
  means: Float64Array[];
}

/**
 * The statistics side of the multi-view models: options, fit / partialFit / merge on the
 * co-moments of the joined views, lazy solving, and the checks. `solveFit` makes the fit.
 */
export abstract class MultiView<F extends ViewsFit & InterpretableFit> extends Disposable {
  /** the number of components asked for */
  readonly components: number;
  /** the ridge added to each view's covariance: one for all views, or one per view */
  readonly regularization: number | readonly number[];
  /** whether the columns are standardised before the fit */
  readonly scale: boolean;
  /** what fit does with a row that has a NaN, null or undefined cell: 'error' or 'drop' (see `droppedRows`) */
  readonly missing: Missing;
  #dropped = 0;
  #stats: CoMoments | null = null;
  #dims: number[] | null = null;
  #fit: F | null = null;
  #dirty = false;

  constructor(options: MCCAOptions, private readonly kind: string) {
    super();
    checkOptions(options, ['components', 'regularization', 'scale', 'missing']);
    this.missing = checkMissing(options.missing);
    const k = options.components ?? 2;
    if (!Number.isInteger(k) || k < 1) throw new ValueError('options.components', 'a positive integer', k);
    const r = options.regularization ?? 0;
    const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (!(ok(r) || (Array.isArray(r) && r.length >= 2 && r.every(ok)))) throw new ValueError('options.regularization', 'a ridge r ≥ 0, or one per view', r);
    const scale = options.scale ?? false;
    if (typeof scale !== 'boolean') throw new ValueError('options.scale', 'true or false', scale);
    this.components = k;
    // + 0 turns −0 into 0: a file stores options as JSON numbers, which have no −0 (the checksum would differ)
    this.regularization = Array.isArray(r) ? r.map((v: number) => v + 0) : (r as number) + 0;
    this.scale = scale;
  }

  /** Solves from the statistics; with `standardise` on the columns scaled by their standard deviations, weights for the raw ones. */
  protected abstract solveFit(s: CoMoments, dims: number[], ridges: number[], standardise: boolean): F;

  /** Fits on all rows of the views (each n×pᵢ, m ≥ 2), replacing anything fitted before. */
  fit(views: readonly MatrixInput[]): this {
    this.live();
    // eslint-disable-next-line prefer-rest-params
    viewListHint(this.kind, 'fit', views, arguments[1]);
    // (after the hint: fit(X, Y) written as for CCA is a ShapeError saying fit([X, Y]), not 'argument 2')
    noExtraArguments(arguments, 1, `${this.kind}.fit`);
    return this.#streamed(views, (sources) => {
      const dims = this.#check(sources, true);
      if (sources[0]!.rows < 2) throw new ShapeError('views[0]', 'at least 2 rows', `${sources[0]!.rows} row`);
      const stats = addViews(sources, null);
      try {
        this.#fit = this.solveFit(stats, dims, this.#ridges(dims.length), this.scale);
      } catch (e) {
        stats.dispose();
        throw e;
      }
      this.#stats?.dispose();
      this.#stats = stats;
      this.#dims = dims;
      this.#dirty = false;
      return this;
    });
  }

  /** Adds a chunk of rows of every view; results are recomputed when next read. */
  partialFit(views: readonly MatrixInput[]): this {
    this.live();
    // eslint-disable-next-line prefer-rest-params
    viewListHint(this.kind, 'partialFit', views, arguments[1]);
    // (after the hint: fit(X, Y) written as for CCA is a ShapeError saying fit([X, Y]), not 'argument 2')
    noExtraArguments(arguments, 1, `${this.kind}.partialFit`);
    return this.#streamed(views, (sources) => {
      if (!this.#stats && this.#fit) throw new NotFittedError(`partialFit: this ${this.kind} was restored from a file, which keeps no statistics`);
      const dims = this.#check(sources, this.#stats === null);
      const chunk = addViews(sources, null);
      if (this.#stats) {
        try {
          this.#stats.merge(chunk);
        } finally {
          chunk.dispose();
        }
      } else this.#stats = chunk;
      this.#dims = dims;
      this.#dirty = true;
      return this;
    }, true);
  }

  /** Folds another model's statistics (same kind, same views) into this one, e.g. from another shard. */
  merge(other: this): this {
    this.live();
    if (!(other instanceof MultiView) || other.kind !== this.kind) throw new ValueError('other', `a ${this.kind}`, other);
    if (other === this) throw new ValueError('other', `another ${this.kind} (merging a model with itself would count its rows twice)`, described(`this same ${this.kind}`));
    other.live();
    const o = other.#stats;
    if (!o || !other.#dims) throw new NotFittedError(`merge: the other ${this.kind} holds no statistics (fit or partialFit it first)`);
    if (!this.#stats) {
      if (this.#fit) throw new NotFittedError(`merge: this ${this.kind} was restored from a file, which keeps no statistics`);
      this.#stats = new CoMoments(o.p, o.q);
      this.#dims = [...other.#dims];
    }
    if (other.#dims.join() !== this.#dims!.join()) throw new ShapeError('other', `views of ${this.#dims!.join(', ')} columns`, `${other.#dims.join(', ')} columns`);
    this.#stats.merge(o);
    this.#dirty = true;
    this.#dropped += other.#dropped;
    return this;
  }

  /** Column means of each view (training data). */
  get means(): Float64Array[] {
    return this.result().means.map((m) => m.slice());
  }

  /** Rows seen by the fit. */
  get nSamples(): number {
    return this.result().n;
  }

  /** True once fitted (or partially fitted with at least 2 rows). */
  get fitted(): boolean {
    this.live();
    return this.#fit !== null || (this.#stats !== null && this.#stats.n >= 2);
  }

  dispose(): void {
    if (!this.markDisposed()) return;
    this.#stats?.dispose();
    this.#stats = null;
    this.#fit = null;
  }

  /** Fits statistics computed elsewhere (fromMoments); disposes this model if they are refused. */
  protected adopt(moments: Moments): this {
    try {
      const j = readMoments(moments);
      this.#ridges(j.dims.length); // one per view, if given per view
      const min = Math.min(...j.dims);
      if (this.components > min) throw new ValueError('options.components', `at most the smallest view's column count, ${min}`, this.components);
      // solved when first read, as after partialFit
      this.#stats = coMomentsOf(j, Math.ceil(j.dims.length / 2));
      this.#dims = j.dims;
      this.#dirty = true;
      return this;
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The fit, solved now if rows came since. */
  protected result(): F {
    this.live();
    if (this.#dirty && this.#stats && this.#dims) {
      if (this.#stats.n < 2) throw new NotFittedError(`${this.kind}: ${this.#stats.n} row seen so far; at least 2 are needed`);
      const s = this.#stats, dims = this.#dims;
      this.#fit = solvingMoments(s, () => this.solveFit(s, dims, this.#ridges(dims.length), this.scale));
      this.#dirty = false;
    }
    if (!this.#fit) throw new NotFittedError(`${this.kind}: call fit(views) (or partialFit) first`);
    return this.#fit;
  }

  /** A fit read from a file (no statistics). */
  protected restore(f: F): void {
    this.#fit = f;
  }

  /** Each given view's rows mapped by its weights ((X − mean)·w), checked against the fit. */
  protected projectViews(views: readonly (MatrixInput | null)[], weights: Float64Array[]): (MatrixResult | null)[] {
    const f = this.result(), m = f.dims.length;
    if (!Array.isArray(views) || views.length !== m) throw new ShapeError('views', `${m} views (null for a missing one)`, Array.isArray(views) ? `${views.length}` : typeof views);
    if (views.every((v) => v === null)) throw new ValueError('views', 'at least one view', 'only nulls');
    return projectStreamed(views, f, weights, this.components);
  }

  /**
   * Per component, the mean pairwise correlation of the views' variates on these rows, a block
   * of rows at a time: one block is `oneBlock` of its variates, more merge each block's
   * co-moments of them (stream.ts).
   */
  protected scoreViews(views: readonly MatrixInput[], weights: Float64Array[], oneBlock: (u: MatrixResult[], n: number) => Float64Array): Float64Array {
    const f = this.result(), m = f.dims.length, k = this.components;
    if (!Array.isArray(views) || views.length !== m) throw new ShapeError('views', `${m} views`, Array.isArray(views) ? `${views.length}` : typeof views);
    return withViewRows(views, f.dims, (sources, n) => {
      if (n < 2) throw new ShapeError('views[0]', 'at least 2 rows to correlate', `${n} row`);
      const step = blockRows(f.dims.reduce((t, p) => t + p, 0)), acc = new VariateMoments(m, k);
      for (const [start, count] of rowBlocks(n, step)) {
        const u = sources.map((s, i) => project(s!.block(start, count), `views[${i}]`, f.means[i]!, weights[i]!, f.dims[i]!, k));
        if (n <= step) return oneBlock(u, n);
        acc.add(u.map((r) => r.data), count);
      }
      return acc.meanPairwise();
    });
  }

  /**
   * Every null view predicted from the given ones: Ŷₜ = x̄ₜ + Cov(Yₜ, U_S)·Var(U_S)⁺·U_S, with U_S
   * the given views' kept variates and both covariances from the training statistics (the
   * least-squares map from those variates; with every component, square weights and no ridge,
   * the least-squares regression of view t on the given views). At least one view given and
   * one null; each given view gives null back.
   *
   * @example
   * const [, , Zhat] = model.predict([X, Y, null]); // view 2 from views 0 and 1
   */
  predict<const T extends readonly (MatrixInput | null)[]>(views: T): { -readonly [K in keyof T]: T[K] extends null ? MatrixResult : null extends T[K] ? MatrixResult | null : null };
  predict(views: readonly (MatrixInput | null)[]): (MatrixResult | null)[] {
    noExtraArguments(arguments, 1, `${this.kind}.predict`);
    return predictViews(this.result(), this.components, views, this.kind);
  }

  /**
   * Each given view's variates (n×k) mapped back to its columns: x̄ᵥ + Uᵥ·Lᵥᵀ with
   * Lᵥ = Σᵥᵥ·Wᵥ·(WᵥᵀΣᵥᵥWᵥ)⁺, the least-squares map back (with every component of a view and no
   * ridge, inverseTransform(transform(X)) = X). Null in, null out.
   */
  inverseTransform<const T extends readonly (MatrixInput | null)[]>(variates: T): { -readonly [K in keyof T]: T[K] extends null ? null : null extends T[K] ? MatrixResult | null : MatrixResult };
  inverseTransform(variates: readonly (MatrixInput | null)[]): (MatrixResult | null)[] {
    noExtraArguments(arguments, 1, `${this.kind}.inverseTransform`);
    return inverseViews(this.result(), this.components, variates, this.kind);
  }

  /** [i][j]: the Pearson correlation of each column of view i with each kept variate of view j (pᵢ×k), on these rows (every view given). */
  structureCorrelations(views: readonly MatrixInput[]): MatrixResult[][] {
    noExtraArguments(arguments, 1, `${this.kind}.structureCorrelations`);
    return structureViews(this.result(), this.components, views);
  }

  /**
   * Per view and component, the share of the view's variance its own variate carries: the mean
   * over its columns of their squared training correlation with it (Stewart–Love's variance
   * extracted; each column counts equally, whatever its units; a constant column counts 0).
   */
  get explainedVariance(): Float64Array[] {
    return explainedVariance(this.result(), this.components, this.kind);
  }

  /**
   * Stewart–Love redundancy of view i given view j, per component: explainedVariance[i] times the
   * squared training correlation of the variates of views i and j.
   */
  redundancy(i: number, j: number): Float64Array {
    noExtraArguments(arguments, 2, `${this.kind}.redundancy`);
    return redundancy(this.result(), this.components, i, j, this.kind);
  }

  #ridges(m: number): number[] {
    const r = this.regularization;
    if (typeof r === 'number') return new Array<number>(m).fill(r);
    if (r.length !== m) throw new ShapeError('options.regularization', `one ridge per view (${m})`, `${r.length} ridges`);
    return [...r];
  }

  #streamed(views: readonly MatrixInput[], fn: (sources: RowSource[]) => this, streaming = false): this {
    // missing 'drop': the rows with a missing cell in any view left out (a partialFit's chunk its own; the count adds up)
    const d = Array.isArray(views) && views.length >= 2 ? dropMissing(views, views.map((_, i) => `views[${i}]`), this.missing, 'views') : null;
    const r = withViewSources(d ? d.views : views, fn);
    this.#dropped = (streaming ? this.#dropped : 0) + (d?.dropped ?? 0);
    return r;
  }

  /** With missing 'drop': the rows the statistics left out (the last fit's, plus every partialFit and merge since; 0 when none, and after fromJSON). */
  get droppedRows(): number {
    return this.#dropped;
  }

  #check(sources: RowSource[], first: boolean): number[] {
    const dims = sources.map((s) => s.cols);
    for (const [i, s] of sources.entries()) if (s.rows !== sources[0]!.rows) throw new ShapeError(`views[${i}]`, `${sources[0]!.rows} rows (as views[0])`, `${s.rows} rows`);
    if (!first && this.#dims) {
      if (dims.length !== this.#dims.length) throw new ShapeError('views', `${this.#dims.length} views (as earlier chunks)`, `${dims.length} views`);
      for (const [i, d] of dims.entries()) if (d !== this.#dims[i]) throw new ShapeError(`views[${i}]`, `${this.#dims[i]} columns (as earlier chunks)`, `${d} columns`);
    }
    this.#ridges(dims.length);
    const min = Math.min(...dims);
    if (this.components > min) throw new ValueError('options.components', `at most the smallest view's column count, ${min}`, this.components);
    return dims;
  }
}

/**
 * The views written as for CCA (fit(X, Y)), or one matrix where the list of views belongs: a
 * ShapeError saying the call takes a list of views, fit([X, Y, …]).
 */
function viewListHint(kind: string, method: string, views: unknown, second: unknown): void {
  const matrixLike = (v: unknown) => v instanceof Matrix || Array.isArray(v) || ArrayBuffer.isView(v) || (typeof v === 'object' && v !== null && ('data' in v || 'rows' in v));
  // a list of views holds matrices; a matrix given as rows holds numbers (or is { data, rows, cols })
  const oneMatrix = views instanceof Matrix || ArrayBuffer.isView(views) || (Array.isArray(views) && views.length > 0 && (typeof views[0] === 'number' || ArrayBuffer.isView(views[0]) || (Array.isArray(views[0]) && typeof views[0][0] === 'number'))) || (!Array.isArray(views) && matrixLike(views));
  const two = second !== undefined && matrixLike(second);
  if (!two && !oneMatrix) return;
  throw new ShapeError(
    'views',
    `one list of two or more views: ${kind}.${method}([X, Y, …]) (each view n×pᵢ, the same rows), not the views as separate arguments as in CCA.fit(X, Y)`,
    two ? 'two arguments (views[0] and a second matrix)' : 'one matrix (rows of numbers) where the list of views belongs',
  );
}

/** Runs fn on the views as row sources (two or more), released after. */
export function withViewSources<T>(views: readonly MatrixInput[], fn: (sources: RowSource[]) => T): T {
  if (!Array.isArray(views)) throw new ShapeError('views', 'an array of two or more views', views === null ? 'null' : typeof views);
  if (views.length < 2) throw new ShapeError('views', 'two or more views', `${views.length} view${views.length === 1 ? '' : 's'}`);
  const sources: RowSource[] = [];
  try {
    for (const [i, v] of views.entries()) sources.push(rowSource(v, `views[${i}]`));
    return fn(sources);
  } finally {
    for (const s of sources) s.release();
  }
}

/** The views' rows joined into the co-moments of (first ⌈m/2⌉ views, the rest). */
export function addViews(sources: RowSource[], into: CoMoments | null): CoMoments {
  const a = Math.ceil(sources.length / 2);
  const A = joined(sources.slice(0, a)), B = joined(sources.slice(a));
  const stats = into ?? new CoMoments(A.cols, B.cols);
  try {
    stats.addRows(A, B);
  } catch (e) {
    if (!into) stats.dispose();
    throw e;
  } finally {
    A.release();
    B.release();
  }
  return stats;
}

/** Row sources side by side as one (each block copied into one reused buffer). */
export function joined(sources: RowSource[]): RowSource {
  if (sources.length === 1) return { ...sources[0]!, release() {} };
  const cols = sources.reduce((s, v) => s + v.cols, 0);
  return bufferedSource(sources[0]!.rows, cols, (view, start, count) => {
    let off = 0;
    for (const s of sources) {
      const b = s.block(start, count), p = s.cols;
      // read both after the block call: an allocation may have grown (and detached) the heap
      const src = b.data, dst = view.data;
      for (let r = 0; r < count; r++) dst.set(src.subarray(r * p, r * p + p), r * cols + off);
      off += p;
    }
  });
}

/** Each view's column means from the two-sided statistics. */
export function viewMeans(s: CoMoments, dims: number[]): Float64Array[] {
  const a = Math.ceil(dims.length / 2);
  let o = 0;
  return dims.map((p, i) => {
    if (i === a) o = 0;
    const src = i < a ? s.x.mean : s.y.mean, out = Float64Array.from(src.subarray(o, o + p));
    o += p;
    return out;
  });
}

/** Each given view's (X − mean)·w, a block of rows at a time into JS-owned results (stream.ts). */
function projectStreamed(views: readonly (MatrixInput | null)[], f: ViewsFit, weights: Float64Array[], k: number): (MatrixResult | null)[] {
  return withViewRows(views, f.dims, (sources, n) => {
    const step = blockRows(sources.reduce((t, s) => t + (s ? s.cols : 0), 0));
    return sources.map((s, i) => (s ? fillRows(n, k, step, (start, count) => project(s.block(start, count), `views[${i}]`, f.means[i]!, weights[i]!, f.dims[i]!, k)) : null));
  });
}

/** (X − mean)·w for one view, validated (columns as in fit). */
export function project(x: MatrixInput, name: string, mean: Float64Array, w: Float64Array, p: number, k: number): MatrixResult {
  const X = Matrix.from(x, name);
  try {
    if (X.cols !== p) throw new ShapeError(name, `${p} columns (as in fit)`, `${X.cols} columns`);
    const d = X.data, n = X.rows;
    for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) d[r * p + j] = d[r * p + j]! - mean[j]!;
    const out = matmul(X, { data: w, rows: p, cols: k });
    try {
      return out.toShaped() as MatrixResult;
    } finally {
      out.dispose();
    }
  } finally {
    X.dispose();
  }
}

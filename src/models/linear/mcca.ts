/**
 * Multiset CCA (MCCA, the SUMCOR relaxation as cca_zoo's MCCA) for m ≥ 2 views.
 *
 * Fit: C w = λ D w, with D the block diagonal of each view's covariance plus its ridge
 * (Σᵢᵢ + rᵢI) and C the covariance of the concatenated views with its diagonal blocks
 * replaced by D's. With Wᵢ = (Σᵢᵢ + rᵢI)^-1/2 this is the symmetric eigenproblem of
 * M = [I, W₁Σ₁₂W₂, …; …] (identity blocks on the diagonal); wᵢ = Wᵢvᵢ, each view's weights
 * scaled to unit (ridged) variance. For m = 2 the eigenvalues are 1 ± ρ and the weights are
 * CCA's. Statistics are the mergeable co-moments of the concatenated views (the first
 * ⌈m/2⌉ views as one side, the rest as the other), so partialFit and merge stream as CCA's.
 */
import { Matrix, bufferedSource, rowSource, type MatrixInput, type MatrixResult, type RowSource } from '../../wasm/index.js';
import { CoMoments } from '../../linalg/comoments.js';
import { eigh, invSqrt, matmul } from '../../linalg/ops.js';
import { FormatError, NotFittedError, ShapeError, SingularMatrixError, ValueError, described } from '../../errors.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import { Disposable, Owner } from '../../lifecycle.js';
import { checkOptions } from '../../options.js';
import { coMomentsOf, readMoments, solvingMoments, type Moments } from './moments.js';
import { AUTO_GRID, checkFoldOptions, crossValidateFolds, disposeAll, foldAssignment, foldMoments, mergedMoments, type CrossValidateOptions, type CrossValidationResult } from './crossval.js';

export interface MCCAOptions {
  /** number of components, at most the smallest view's column count (default 2) */
  components?: number;
  /** ridge rᵢ ≥ 0 added to each view's covariance: one value for all views or one per view (default 0) */
  regularization?: number | readonly number[];
}


/** What every multi-view fit keeps. */
interface ViewsFit {
  n: number;
  dims: number[];
  means: Float64Array[];
}

/**
 * The statistics side of the multi-view models: options, fit / partialFit / merge on the
 * co-moments of the joined views, lazy solving, and the checks. `solveFit` makes the fit.
 */
abstract class MultiView<F extends ViewsFit> extends Disposable {
  readonly components: number;
  readonly regularization: number | readonly number[];
  #stats: CoMoments | null = null;
  #dims: number[] | null = null;
  #fit: F | null = null;
  #dirty = false;

  constructor(options: MCCAOptions, private readonly kind: string) {
    super();
    checkOptions(options, ['components', 'regularization']);
    const k = options.components ?? 2;
    if (!Number.isInteger(k) || k < 1) throw new ValueError('options.components', 'a positive integer', k);
    const r = options.regularization ?? 0;
    const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (!(ok(r) || (Array.isArray(r) && r.length >= 2 && r.every(ok)))) throw new ValueError('options.regularization', 'a ridge r ≥ 0, or one per view', r);
    this.components = k;
    // + 0 turns −0 into 0: a file stores options as JSON numbers, which have no −0 (the checksum would differ)
    this.regularization = Array.isArray(r) ? r.map((v: number) => v + 0) : (r as number) + 0;
  }

  protected abstract solveFit(s: CoMoments, dims: number[], ridges: number[]): F;

  /** Fits on all rows of the views (each n×pᵢ, m ≥ 2), replacing anything fitted before. */
  fit(views: readonly MatrixInput[]): this {
    this.live();
    return this.#streamed(views, (sources) => {
      const dims = this.#check(sources, true);
      if (sources[0]!.rows < 2) throw new ShapeError('views[0]', 'at least 2 rows', `${sources[0]!.rows} row`);
      const stats = addViews(sources, null);
      try {
        this.#fit = this.solveFit(stats, dims, this.#ridges(dims.length));
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
    });
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
    return this;
  }

  /** Column means of each view (training data). */
  get means(): Float64Array[] {
    return this.result().means.map((m) => m.slice());
  }

  get nSamples(): number {
    return this.result().n;
  }

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
      this.#fit = solvingMoments(s, () => this.solveFit(s, dims, this.#ridges(dims.length)));
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
    let rows = -1;
    return views.map((v, i) => {
      if (v === null) return null;
      const r = project(v, `views[${i}]`, f.means[i]!, weights[i]!, f.dims[i]!, this.components);
      if (rows >= 0 && r.rows !== rows) throw new ShapeError(`views[${i}]`, `${rows} rows (as the other views)`, `${r.rows} rows`);
      rows = r.rows;
      return r;
    });
  }

  #ridges(m: number): number[] {
    const r = this.regularization;
    if (typeof r === 'number') return new Array<number>(m).fill(r);
    if (r.length !== m) throw new ShapeError('options.regularization', `one ridge per view (${m})`, `${r.length} ridges`);
    return [...r];
  }

  #streamed(views: readonly MatrixInput[], fn: (sources: RowSource[]) => this): this {
    return withViewSources(views, fn);
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

interface Fit extends ViewsFit {
  /** per view, p_i×k row-major */
  weights: Float64Array[];
  eigenvalues: Float64Array;
  correlations: Float64Array;
  /** per component, m×m row-major */
  pairwise: Float64Array[];
}

export class MCCA extends MultiView<Fit> {
  constructor(options: MCCAOptions = {}) {
    super(options, 'MCCA');
  }

  protected solveFit(s: CoMoments, dims: number[], ridges: number[]): Fit {
    return solve(s, dims, ridges, this.components);
  }

  /**
   * A fitted MCCA from statistics computed elsewhere: `{ n, means: [m₁, …], covariance }` (the
   * joint covariance of the concatenated views, normalised by n − 1) or `{ n, means, blocks }`
   * (blocks[i][j] = cov(view i, view j); i ≤ j is enough). Checked as CCA.fromMoments; the
   * model keeps the statistics (merge, partialFit).
   *
   * @example
   * const mcca = MCCA.fromMoments({ n: 500, means: [[0], [0], [0]], covariance: [[1, 0.5, 0.4], [0.5, 1, 0.3], [0.4, 0.3, 1]] }, { components: 1 });
   */
  static fromMoments(moments: Moments, options: MCCAOptions = {}): MCCA {
    return new MCCA(options).adopt(moments);
  }

  /**
   * k-fold cross-validation of the ridge: for every grid value (one ridge for all views, or
   * one per view), the held-out sum over the first `components` of the mean pairwise
   * correlation, averaged over the folds. One streamed pass builds every fold's co-moments;
   * each fold's training statistics are the others merged. 'auto' tries 10⁻⁶ … 10⁰ in half
   * decades times each view's mean variance.
   *
   * @example
   * const { best } = MCCA.crossValidate([A, B, C], { regularization: [1e-4, 1e-3, 1e-2], components: 2 });
   * const mcca = new MCCA({ components: 2, regularization: best.regularization }).fit([A, B, C]);
   */
  static crossValidate(views: readonly MatrixInput[], options: CrossValidateOptions<ViewRidges> = {}): CrossValidationResult<ViewRidges> {
    return crossValidateViews(views, options);
  }

  /** Per component, the mean over view pairs of the training correlation of their variates. */
  get correlations(): Float64Array {
    return this.result().correlations.slice();
  }

  /** Per component, the m×m matrix of training correlations between the view variates. */
  get pairwise(): MatrixResult[] {
    const f = this.result(), m = f.dims.length;
    return f.pairwise.map((d) => ({ data: d.slice(), rows: m, cols: m }));
  }

  /** One pᵢ×k weight matrix per view. */
  get weights(): MatrixResult[] {
    const f = this.result();
    return f.weights.map((w, i) => ({ data: w.slice(), rows: f.dims[i]!, cols: this.components }));
  }

  /** The k largest eigenvalues λ of C w = λ D w (for two views, 1 + ρ). */
  get eigenvalues(): Float64Array {
    return this.result().eigenvalues.slice();
  }

  /** The views' canonical variates: one n×k result per view (null in, null out). */
  transform<const T extends readonly (MatrixInput | null)[]>(views: T): { -readonly [K in keyof T]: T[K] extends null ? null : null extends T[K] ? MatrixResult | null : MatrixResult };
  transform(views: readonly (MatrixInput | null)[]): (MatrixResult | null)[] {
    return this.projectViews(views, this.result().weights);
  }

  /** Per component, the mean pairwise Pearson correlation of the views' variates on these rows (held-out score). */
  score(views: readonly MatrixInput[]): Float64Array {
    const f = this.result(), m = f.dims.length, k = this.components;
    if (Array.isArray(views) && views.some((v) => v === null)) throw new ValueError('views', 'every view (score correlates all pairs)', 'a null view');
    const u = this.transform(views as readonly MatrixInput[]) as MatrixResult[];
    const n = u[0]!.rows;
    if (n < 2) throw new ShapeError('views[0]', 'at least 2 rows to correlate', `${n} row`);
    return pairwiseCorrelations(u, n, k, m).mean;
  }

  /** A plain, versioned object: weights, means, eigenvalues and correlations as base64 f64, with a CRC-32 of every number. */
  toJSON(): Record<string, unknown> {
    const f = this.result();
    return writeFile('crossmodal.MCCA', this, f, { weights: f.weights, eigenvalues: f.eigenvalues, correlations: f.correlations, pairwise: f.pairwise });
  }

  /** Rebuilds an MCCA from toJSON() output (object or JSON string), validating every field. */
  static fromJSON(json: unknown): MCCA {
    const { base, parts, model } = readFile(json, 'crossmodal.MCCA', (o) => new MCCA(o), (dims, k) => ({ weights: dims.map((p) => p * k), eigenvalues: k, correlations: k, pairwise: new Array<number>(k).fill(dims.length ** 2) }));
    model.restore({ ...base, weights: parts.weights as Float64Array[], eigenvalues: parts.eigenvalues as Float64Array, correlations: parts.correlations as Float64Array, pairwise: parts.pairwise as Float64Array[] });
    return model;
  }
}

export type GCCAOptions = MCCAOptions;

interface GFit extends ViewsFit {
  /** per view, p_i×k row-major: view i's rows to its estimate of the shared representation */
  weights: Float64Array[];
  eigenvalues: Float64Array;
}

/**
 * Carroll's MAXVAR generalised CCA: the shared n×k representation G with GᵀG = I maximising
 * tr(Gᵀ Σᵢ Pᵢ G), Pᵢ = Xᵢ(XᵢᵀXᵢ + (n−1)rᵢI)⁻¹Xᵢᵀ on centred views. With Yᵢ = XᵢWᵢ/√(n−1),
 * YᵀY is MCCA's whitened block matrix with WᵢΣᵢᵢWᵢ on its diagonal, so G = Y·V·Λ^-1/2 from M's eigenpairs: no n×n
 * matrix. Each view's projection is m·XᵢWᵢVᵢΛ^-1/2/√(n−1) (= m·PᵢGΛ⁻¹), so the average over
 * all views is G on the training rows.
 */
export class GCCA extends MultiView<GFit> {
  constructor(options: GCCAOptions = {}) {
    super(options, 'GCCA');
  }

  /** A fitted GCCA from statistics computed elsewhere (the shapes of MCCA.fromMoments). */
  static fromMoments(moments: Moments, options: GCCAOptions = {}): GCCA {
    return new GCCA(options).adopt(moments);
  }

  protected solveFit(s: CoMoments, dims: number[], ridges: number[]): GFit {
    const k = this.components, m = dims.length;
    return whitenedEigen(s, dims, ridges, true, ({ P, off, W, values, V }) => {
      const weights = dims.map((p, i) => {
        const v = new Float64Array(p * k);
        for (let a = 0; a < p; a++) for (let c = 0; c < k; c++) v[a * k + c] = (m * V[(off[i]! + a) * P + c]!) / Math.sqrt((s.n - 1) * Math.max(values[c]!, 1e-300));
        return timesW(W[i]!, v, p, k);
      });
      orientSigns(weights, dims, k);
      return { n: s.n, dims: [...dims], means: viewMeans(s, dims), weights, eigenvalues: Float64Array.from(values.subarray(0, k)) };
    });
  }

  /** The k largest eigenvalues of Σᵢ Pᵢ (each at most m). */
  get eigenvalues(): Float64Array {
    return this.result().eigenvalues.slice();
  }

  /** One pᵢ×k matrix per view: its centred rows to its estimate of the shared representation. */
  get weights(): MatrixResult[] {
    const f = this.result();
    return f.weights.map((w, i) => ({ data: w.slice(), rows: f.dims[i]!, cols: this.components }));
  }

  /** Each view mapped into the shared space: one n×k result per view (null in, null out). */
  transform<const T extends readonly (MatrixInput | null)[]>(views: T): { -readonly [K in keyof T]: T[K] extends null ? null : null extends T[K] ? MatrixResult | null : MatrixResult };
  transform(views: readonly (MatrixInput | null)[]): (MatrixResult | null)[] {
    return this.projectViews(views, this.result().weights);
  }

  /** The estimate of G for these rows: the average of the given views' projections (all views: G itself on the training rows). */
  shared(views: readonly (MatrixInput | null)[]): MatrixResult {
    const u = this.transform(views).filter((r): r is MatrixResult => r !== null);
    const out = new Float64Array(u[0]!.data.length);
    for (const r of u) for (let i = 0; i < out.length; i++) out[i] = out[i]! + r.data[i]! / u.length;
    return { data: out, rows: u[0]!.rows, cols: u[0]!.cols };
  }

  /** A plain, versioned object (weights, means, eigenvalues as base64 f64, with a CRC-32 of every number). */
  toJSON(): Record<string, unknown> {
    const f = this.result();
    return writeFile('crossmodal.GCCA', this, f, { weights: f.weights, eigenvalues: f.eigenvalues });
  }

  /** Rebuilds a GCCA from toJSON() output (object or JSON string), validating every field. */
  static fromJSON(json: unknown): GCCA {
    const { base, parts, model } = readFile(json, 'crossmodal.GCCA', (o) => new GCCA(o), (dims, k) => ({ weights: dims.map((p) => p * k), eigenvalues: k }));
    model.restore({ ...base, weights: parts.weights as Float64Array[], eigenvalues: parts.eigenvalues as Float64Array });
    return model;
  }
}

type Parts = Record<string, Float64Array | Float64Array[]>;

/** A multi-view model's file: options, n, dims, means and the parts, with a CRC-32 of every number. */
function writeFile(format: string, model: { components: number; regularization: number | readonly number[] }, f: ViewsFit, parts: Parts): Record<string, unknown> {
  const out: Record<string, unknown> = { format, version: 1, components: model.components, regularization: model.regularization, n: f.n, dims: f.dims, means: f.means.map(encodeF64) };
  for (const [k, v] of Object.entries(parts)) out[k] = Array.isArray(v) ? v.map(encodeF64) : encodeF64(v);
  out.crc32 = fileChecksum(model.components, model.regularization, f, parts);
  return out;
}

/** Reads writeFile's output: every field checked (sizes from `sizes(dims, k)`: a number, or one per entry of a list). */
function readFile<M extends { components: number; regularization: number | readonly number[] }>(
  json: unknown,
  format: string,
  make: (o: MCCAOptions) => M,
  sizes: (dims: number[], k: number) => Record<string, number | number[]>,
): { base: ViewsFit; parts: Parts; model: M } {
  const o = readEnvelope(json, format, 1);
  const components = readInt(o, 'components', 1), n = readInt(o, 'n', 2);
  const dims = o.dims;
  if (!Array.isArray(dims) || dims.length < 2 || !dims.every((d) => Number.isInteger(d) && d >= 1)) throw new FormatError(`dims: expected two or more positive integers, found ${JSON.stringify(dims)}`);
  if (components > Math.min(...dims)) throw new FormatError(`components: ${components} exceeds the smallest view's ${Math.min(...dims)} columns`);
  let model: M;
  try {
    model = make({ components, regularization: o.regularization as number });
  } catch (e) {
    throw new FormatError(`${format}: ${(e as Error).message}`);
  }
  const list = (v: unknown, name: string, each: number[]) => {
    if (!Array.isArray(v) || v.length !== each.length) throw new FormatError(`${name}: expected ${each.length} entries, found ${Array.isArray(v) ? v.length : typeof v}`);
    return v.map((e, i) => decodeF64(e, each[i]!, `${name}[${i}]`));
  };
  const base: ViewsFit = { n, dims: dims as number[], means: list(o.means, 'means', dims as number[]) };
  const parts: Parts = {};
  for (const [key, size] of Object.entries(sizes(dims as number[], components))) parts[key] = Array.isArray(size) ? list(o[key], key, size) : decodeF64(o[key], size, key);
  const want = fileChecksum(components, model.regularization, base, parts);
  if (o.crc32 !== want) throw new FormatError(`${format}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
  return { base, parts, model };
}

function fileChecksum(components: number, reg: number | readonly number[], f: ViewsFit, parts: Parts): number {
  const nums: (ArrayLike<number> | number)[] = [components, typeof reg === 'number' ? [reg] : reg, f.n, f.dims, ...f.means];
  for (const v of Object.values(parts)) nums.push(...(Array.isArray(v) ? v : [v]));
  return crc32F64(...nums);
}

/** Runs fn on the views as row sources (two or more), released after. */
function withViewSources<T>(views: readonly MatrixInput[], fn: (sources: RowSource[]) => T): T {
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

/** A multi-view ridge: one value for every view, or one per view. */
export type ViewRidges = number | number[];

/**
 * MCCA.crossValidate: the folds of the joined views' co-moments; each grid value's training
 * fit is MCCA's solve on the other folds merged, scored by the held-out fold's covariance.
 */
function crossValidateViews(views: readonly MatrixInput[], options: CrossValidateOptions<ViewRidges>): CrossValidationResult<ViewRidges> {
  const o = checkOptions(options, ['regularization', 'folds', 'components', 'seed']);
  return withViewSources(views, (sources) => {
    const n = sources[0]!.rows, dims = sources.map((s) => s.cols), m = dims.length;
    for (const [i, s] of sources.entries()) if (s.rows !== n) throw new ShapeError(`views[${i}]`, `${n} rows (as views[0])`, `${s.rows} rows`);
    const g = o.regularization ?? 'auto';
    const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (g !== 'auto' && (!Array.isArray(g) || g.length < 1 || g.length > 10000)) throw new ValueError('options.regularization', "'auto' or a list of 1 to 10000 ridges", g);
    const grid: ViewRidges[] | 'auto' = g === 'auto' ? g : g.map((v: unknown, i: number) => {
      if (ok(v)) return v + 0;
      if (Array.isArray(v) && v.length === m && v.every(ok)) return v.map((r: number) => r + 0);
      throw new ValueError(`options.regularization[${i}]`, `a ridge r ≥ 0 or one per view (${m})`, v);
    });
    const { folds, seed, components } = checkFoldOptions(o, n, Math.min(...dims), 2, 'options', 'views[0]');
    const off = dims.map((_, i) => dims.slice(0, i).reduce((a, b) => a + b, 0));
    const a = Math.ceil(m / 2), A = joined(sources.slice(0, a)), B = joined(sources.slice(a));
    try {
      const fold = foldAssignment(n, folds, seed);
      const stats = foldMoments(A, B, fold, folds);
      try {
        let values: ViewRidges[];
        if (grid === 'auto') {
          // each view's mean variance, from the folds merged
          const all = mergedMoments(stats);
          let C: Float64Array;
          try {
            C = covariance(all);
          } finally {
            all.dispose();
          }
          const P = all.p + all.q;
          const mv = dims.map((p, i) => {
            let t = 0;
            for (let j = 0; j < p; j++) t += C[(off[i]! + j) * P + off[i]! + j]!;
            return t / p;
          });
          values = AUTO_GRID.map((r) => mv.map((v) => r * v));
        } else values = grid;
        const ridges = values.map((r) => (typeof r === 'number' ? new Array<number>(m).fill(r) : r));
        return crossValidateFolds(['views'], stats, values, components, fold, (train, held) => {
          const C = covariance(held), P = held.p + held.q;
          return Float64Array.from(ridges, (r) => {
            let fit: Fit;
            try {
              fit = solve(train, dims, r, components);
            } catch (e) {
              if (e instanceof SingularMatrixError) return NaN;
              throw e;
            }
            let sum = 0;
            for (const c of viewCorrelations(C, P, off, dims, fit.weights, components).correlations) sum += c;
            return sum;
          });
        });
      } finally {
        disposeAll(stats);
      }
    } finally {
      A.release();
      B.release();
    }
  });
}

/** Sign rule: in each component the first view's weight of largest magnitude is positive (all views flip together). */
function orientSigns(weights: Float64Array[], dims: number[], k: number): void {
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let a = 0; a < dims[0]!; a++) if (Math.abs(weights[0]![a * k + c]!) > Math.abs(best)) best = weights[0]![a * k + c]!;
    if (best < 0) for (const [i, w] of weights.entries()) for (let a = 0; a < dims[i]!; a++) w[a * k + c] = -w[a * k + c]!;
  }
}

/** The views' rows joined into the co-moments of (first ⌈m/2⌉ views, the rest). */
function addViews(sources: RowSource[], into: CoMoments | null): CoMoments {
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
function joined(sources: RowSource[]): RowSource {
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

/** The full covariance of the concatenated views from the two-sided co-moments. */
function covariance(s: CoMoments): Float64Array {
  const p = s.p, q = s.q, P = p + q, c = 1 / (s.n - 1), C = new Float64Array(P * P);
  const xx = s.x.M.data, yy = s.y.M.data, xy = s.Mxy.data;
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) C[i * P + j] = xx[i * p + j]! * c;
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) C[(p + i) * P + p + j] = yy[i * q + j]! * c;
  for (let i = 0; i < p; i++)
    for (let j = 0; j < q; j++) {
      const v = xy[i * q + j]! * c;
      C[i * P + p + j] = v;
      C[(p + j) * P + i] = v;
    }
  return C;
}

function block(C: Float64Array, P: number, r0: number, c0: number, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) out.set(C.subarray((r0 + i) * P + c0, (r0 + i) * P + c0 + cols), i * cols);
  return out;
}

/**
 * The shared eigenproblem of MCCA and GCCA: Wᵢ = (Σᵢᵢ + rᵢI)^-1/2 and the top k eigenpairs of
 * M (WᵢΣᵢⱼWⱼ off the diagonal; identity blocks on it, or WᵢΣᵢᵢWᵢ with whitenedDiagonal). `use` gets the covariance C of the
 * joined views (P×P), the view offsets, the Wᵢ (wasm, freed after), the eigenvalues and the
 * eigenvectors (P×P row-major, columns descending).
 */
function whitenedEigen<T>(s: CoMoments, dims: number[], ridges: number[], whitenedDiagonal: boolean, use: (e: { C: Float64Array; P: number; off: number[]; W: Matrix[]; values: Float64Array; V: Float64Array }) => T): T {
  const m = dims.length, P = s.p + s.q, C = covariance(s);
  const off = dims.map((_, i) => dims.slice(0, i).reduce((a, b) => a + b, 0));
  const owner = new Owner(), own = owner.own;
  try {
    // Wᵢ = (Σᵢᵢ + rᵢI)^-1/2
    const Wm = dims.map((p, i) => {
      const D = block(C, P, off[i]!, off[i]!, p, p);
      for (let j = 0; j < p; j++) D[j * p + j] = D[j * p + j]! + ridges[i]!;
      try {
        return own(invSqrt({ data: D, rows: p, cols: p }, `views[${i}]'s covariance`).matrix);
      } catch (e) {
        if (e instanceof SingularMatrixError)
          throw new SingularMatrixError(`views[${i}]: ${e.message}${ridges[i] === 0 ? '; it has constant or collinear columns (or fewer rows than columns). Add a ridge, e.g. new MCCA({ regularization: 1e-4 })' : '; use a larger ridge'}`);
        throw e;
      }
    });
    // M: Wᵢ Σᵢⱼ Wⱼ off the diagonal; on it identity blocks (MCCA) or Wᵢ Σᵢᵢ Wᵢ = I − rᵢWᵢ² (GCCA's YᵀY)
    const M = new Float64Array(P * P);
    for (let i = 0; i < m; i++) {
      if (!whitenedDiagonal) for (let a = 0; a < dims[i]!; a++) M[(off[i]! + a) * P + off[i]! + a] = 1;
      for (let j = whitenedDiagonal ? i : i + 1; j < m; j++) {
        const left = own(matmul(Wm[i]!, { data: block(C, P, off[i]!, off[j]!, dims[i]!, dims[j]!), rows: dims[i]!, cols: dims[j]! }));
        const T = own(matmul(left, Wm[j]!));
        const t = T.toShaped().data;
        for (let a = 0; a < dims[i]!; a++)
          for (let b = 0; b < dims[j]!; b++) {
            M[(off[i]! + a) * P + off[j]! + b] = t[a * dims[j]! + b]!;
            M[(off[j]! + b) * P + off[i]! + a] = t[a * dims[j]! + b]!;
          }
      }
    }
    const { values, vectors } = eigh({ data: M, rows: P, cols: P });
    own(vectors);
    const V = vectors.toShaped().data;
    return use({ C, P, off, W: Wm, values, V });
  } finally {
    owner.dispose();
  }
}

/** Wᵢ·v (p×p times p×k) as a JS array. */
function timesW(W: Matrix, v: Float64Array, p: number, k: number): Float64Array {
  const w = matmul(W, { data: v, rows: p, cols: k });
  try {
    return Float64Array.from(w.toShaped().data);
  } finally {
    w.dispose();
  }
}

function solve(s: CoMoments, dims: number[], ridges: number[], k: number): Fit {
  const m = dims.length;
  return whitenedEigen(s, dims, ridges, false, ({ C, P, off, W: Wm, values, V }) => {
    // wᵢ = Wᵢ vᵢ, each view's columns scaled to unit ridged variance (‖vᵢ‖ = 1)
    const weights = dims.map((p, i) => {
      const v = new Float64Array(p * k);
      for (let a = 0; a < p; a++) for (let c = 0; c < k; c++) v[a * k + c] = V[(off[i]! + a) * P + c]!;
      for (let c = 0; c < k; c++) {
        let nn = 0;
        for (let a = 0; a < p; a++) nn += v[a * k + c]! ** 2;
        const sc = nn > 0 ? 1 / Math.sqrt(nn) : 0;
        for (let a = 0; a < p; a++) v[a * k + c] = v[a * k + c]! * sc;
      }
      return timesW(Wm[i]!, v, p, k);
    });
    orientSigns(weights, dims, k);
    const { pairwise, correlations } = viewCorrelations(C, P, off, dims, weights, k);
    return { n: s.n, dims: [...dims], means: viewMeans(s, dims), weights, eigenvalues: Float64Array.from(values.subarray(0, k)), correlations, pairwise };
  });
}

/**
 * Per component, the correlations of the views' variates from a covariance C of the joined
 * views (P×P): wᵢᵀCᵢⱼwⱼ / √(wᵢᵀCᵢᵢwᵢ · wⱼᵀCⱼⱼwⱼ), as m×m matrices and their off-diagonal means.
 */
function viewCorrelations(C: Float64Array, P: number, off: number[], dims: number[], weights: Float64Array[], k: number): { pairwise: Float64Array[]; correlations: Float64Array } {
  const m = dims.length;
  const quad = (i: number, j: number, c: number) => {
    let t = 0;
    for (let a = 0; a < dims[i]!; a++) {
      const wa = weights[i]![a * k + c]!;
      if (wa === 0) continue;
      const row = (off[i]! + a) * P + off[j]!;
      for (let b = 0; b < dims[j]!; b++) t += wa * C[row + b]! * weights[j]![b * k + c]!;
    }
    return t;
  };
  const pairwise: Float64Array[] = [], correlations = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const R = new Float64Array(m * m), d = dims.map((_, i) => quad(i, i, c));
    let sum = 0;
    for (let i = 0; i < m; i++) {
      R[i * m + i] = 1;
      for (let j = i + 1; j < m; j++) {
        // √a·√b, not √(ab): the product of two tiny variances underflows
        const r = d[i]! > 0 && d[j]! > 0 ? quad(i, j, c) / (Math.sqrt(d[i]!) * Math.sqrt(d[j]!)) : 0;
        R[i * m + j] = R[j * m + i] = r;
        sum += r;
      }
    }
    pairwise.push(R);
    correlations[c] = sum / ((m * (m - 1)) / 2);
  }
  return { pairwise, correlations };
}

/** Each view's column means from the two-sided statistics. */
function viewMeans(s: CoMoments, dims: number[]): Float64Array[] {
  const a = Math.ceil(dims.length / 2);
  let o = 0;
  return dims.map((p, i) => {
    if (i === a) o = 0;
    const src = i < a ? s.x.mean : s.y.mean, out = Float64Array.from(src.subarray(o, o + p));
    o += p;
    return out;
  });
}

/** (X − mean)·w for one view, validated (columns as in fit). */
function project(x: MatrixInput, name: string, mean: Float64Array, w: Float64Array, p: number, k: number): MatrixResult {
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

/** Per component, the views' pairwise Pearson correlations and their mean. */
function pairwiseCorrelations(u: MatrixResult[], n: number, k: number, m: number): { mean: Float64Array } {
  const mean = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const cols = u.map((v) => {
      const x = new Float64Array(n);
      let mu = 0;
      for (let r = 0; r < n; r++) mu += (x[r] = v.data[r * k + c]!);
      mu /= n;
      let ss = 0;
      for (let r = 0; r < n; r++) ss += (x[r] = x[r]! - mu) ** 2;
      return { x, ss };
    });
    let sum = 0;
    for (let i = 0; i < m; i++)
      for (let j = i + 1; j < m; j++) {
        let t = 0;
        for (let r = 0; r < n; r++) t += cols[i]!.x[r]! * cols[j]!.x[r]!;
        sum += cols[i]!.ss > 0 && cols[j]!.ss > 0 ? t / (Math.sqrt(cols[i]!.ss) * Math.sqrt(cols[j]!.ss)) : 0;
      }
    mean[c] = sum / ((m * (m - 1)) / 2);
  }
  return { mean };
}


/**
 * Kernel CCA: linear CCA with ridge κ in a kernel's centred feature space.
 *
 * The canonical correlations are the square roots of the eigenvalues of Rx·Ry with
 * R = K̃(K̃ + (n−1)κI)⁻¹ and K̃ the doubly centred Gram matrix. Both fits build an explicit
 * feature map and solve the linear problem in it:
 * - exact: K̃ = U·Λ·Uᵀ, so the features UΛ^½ (one column per eigenvalue above rounding)
 *   have diagonal covariance Λ/(n−1), the whitened cross-covariance is FxᵀFy with
 *   F = U·diag(√(λ/(λ+(n−1)κ))), and its SVD gives ρ and the dual coefficients;
 * - Nyström: m landmark rows, features k(x, L)·V·M^-½ from K_mm = V·M·Vᵀ, then the streaming
 *   linear CCA with ridge κ on them (blocks of rows: O(n·m²) time, no n×n matrix).
 * Either way a variate is k(x, basis)·coefficients − offset, the basis being the training
 * rows (exact) or the landmarks (Nyström). With `scale` (the default for 'rbf' and
 * 'polynomial' without a γ) x and the basis are standardised by the training columns' means
 * and standard deviations first; the default γ is the median heuristic (kcca_scale.ts).
 *
 * The options live in kcca_options.ts, the kernel functions in kcca_gram.ts, the solves in
 * kcca_exact.ts and kcca_nystrom.ts (on the fit struct of kcca_fit.ts), the variates in
 * kcca_transform.ts, the file format in kcca_file.ts.
 */
import { borrowMatrix, type Matrix, type MatrixInput, type MatrixResult } from '../../wasm/index.js';
import { NotFittedError, ShapeError, ValueError } from '../../errors.js';
import { Disposable } from '../../lifecycle.js';
import { noExtraArguments } from '../../options.js';
import { dropMissing, type Missing } from '../../wasm/index.js';
import { eachView } from './cca_transform.js';
import { retrieveEmbedded, type RetrieveOptions, type RetrieveResult } from '../retrieve.js';
import { checkKernelCCAOptions, type GammaSetting, type Kernel, type KernelCCAOptions, type NystromApproximation } from './kcca_options.js';
import type { Spec } from './kcca_gram.js';
import { finiteFit, type Fit, type Solved } from './kcca_fit.js';
import { medianGamma, medianRows, standardisation, standardised, type Standardisation } from './kcca_scale.js';
import { EXACT_LIMIT, exactFit } from './kcca_exact.js';
import { nystromFit } from './kcca_nystrom.js';
import { scoreVariates, variates } from './kcca_transform.js';
import { readKCCAFile, writeKCCAFile } from './kcca_file.js';
import { kernelExplained, kernelStructure, noPreImage } from './kcca_interpret.js';
import type { StructureCorrelations } from './cca_interpret.js';

export type { Kernel, KernelCCAOptions, NystromApproximation } from './kcca_options.js';
export { EXACT_LIMIT } from './kcca_exact.js';
export { MEDIAN_ROWS, MEDIAN_SEED } from './kcca_scale.js';
export { NYSTROM_RCOND } from './kcca_nystrom.js';

/** The landmarks of a Nyström fit: their training row indices (ascending) and rows. */
export interface Landmarks {
  indices: Uint32Array;
  x: MatrixResult;
  y: MatrixResult;
}

/**
 * Kernel CCA (rbf, polynomial or linear kernel, ridged), exact or by a Nyström approximation:
 * nonlinear variates of two views that correlate most.
 * @example
 * ```ts
 * const kcca = new KernelCCA({ kernel: 'rbf', regularization: 0.1, components: 2 }).fit(X, Y);
 * const [u, v] = kcca.transform(Xnew, Ynew);
 * ```
 */
export class KernelCCA extends Disposable {
  /** the kernel */ readonly kernel: Kernel;
  /** the polynomial kernel's degree */ readonly degree: number;
  /** the polynomial kernel's constant term */ readonly coef0: number;
  /** the ridge added to each view's kernel matrix (one, or [rx, ry]) */ readonly regularization: number | readonly [number, number];
  /** the number of canonical pairs kept */ readonly components: number;
  /** 'exact', or the Nyström landmarks' number and seed */ readonly approximation: 'exact' | Readonly<Required<NystromApproximation>>;
  /** what fit does with a row that has a NaN, null or undefined cell: 'error' or 'drop' (see `droppedRows`) */
  readonly missing: Missing;
  #dropped = 0;
  #gamma: GammaSetting;
  #scale: boolean;
  /** the fit was read from a file of the old default (γ 'variance' on raw columns); fit() ends it */
  #legacy = false;
  #fit: Fit | null = null;
  /** explainedVariance of this fit, computed on first use */
  #explained: { x: Float64Array; y: Float64Array } | null = null;

  constructor(options: KernelCCAOptions = {}) {
    super();
    const o = checkKernelCCAOptions(options);
    this.approximation = o.approximation;
    this.kernel = o.kernel;
    this.#gamma = o.gamma;
    this.#scale = o.scale;
    this.degree = o.degree;
    this.coef0 = o.coef0;
    this.regularization = o.regularization;
    this.components = o.components;
    this.missing = o.missing;
  }

  /** With missing 'drop': the rows the last fit left out (0 when none, and after fromJSON). */
  get droppedRows(): number {
    return this.#dropped;
  }

  /**
   * How γ is set: the option's value, 'median' (the median heuristic, the default for 'rbf' and
   * 'polynomial'), null for the linear kernel, or 'variance' for a model read from a file
   * written before the median heuristic (1/(p·variance of the raw view's entries), the old
   * default): its fit keeps that γ (`fittedGamma`); fit() on it uses the current default
   * ('median', with `scale`).
   */
  get gamma(): number | readonly [number, number] | 'median' | 'variance' | null {
    return this.#legacy ? 'variance' : this.#gamma;
  }

  /** Whether each view's columns are standardised before the kernel (see the option). */
  get scale(): boolean {
    return this.#legacy ? false : this.#scale;
  }

  /**
   * Fits on all rows of X (n×p) and Y (n×q), replacing anything fitted before.
   *
   * @example
   * const kcca = new KernelCCA({ gamma: 2, components: 1 }).fit(X, Y);
   * kcca.correlations; // Float64Array [0.99...]
   */
  fit(X: MatrixInput, Y: MatrixInput): this {
    noExtraArguments(arguments, 2, 'KernelCCA.fit');
    this.live();
    const d = dropMissing([X, Y], ['X', 'Y'], this.missing, 'X, Y');
    const x = borrowMatrix(d.views[0]!, 'X');
    try {
      const y = borrowMatrix(d.views[1]!, 'Y');
      try {
        const n = x.m.rows;
        if (y.m.rows !== n) throw new ShapeError('Y', `${n} rows (as X)`, `${y.m.rows} rows`);
        if (n < 2) throw new ShapeError('X', 'at least 2 rows', `${n} row`);
        const a = this.approximation;
        if (a === 'exact' && n > EXACT_LIMIT)
          throw new ShapeError('X', `at most ${EXACT_LIMIT} rows for approximation 'exact' (it solves two ${n}×${n} eigenproblems: O(n³) time, 8n² bytes each); use the Nyström approximation, e.g. new KernelCCA({ approximation: { nystrom: 500 } })`, `${n} rows`);
        if (a !== 'exact' && a.nystrom > n) throw new ValueError('options.approximation.nystrom', `at most the number of rows, ${n}`, a.nystrom);
        const scaling: [Standardisation, Standardisation] | null = this.#scale ? [standardisation(x.m, 'X'), standardisation(y.m, 'Y')] : null;
        const fit = this.#fitOn(x.m, y.m, scaling);
        this.#fit = fit;
        this.#explained = null;
        this.#legacy = false;
        this.#dropped = d.dropped;
        return this;
      } finally {
        y.release();
      }
    } finally {
      x.release();
    }
  }

  /** Canonical correlations of the kept components (training data), descending. */
  get correlations(): Float64Array {
    return this.#result().all.slice(0, this.components);
  }

  /** Every canonical correlation of the feature-space problem, descending. */
  get allCorrelations(): Float64Array {
    return this.#result().all.slice();
  }

  /** The γ of each view as used by the fit ([γx, γy], in the units of the standardised rows with `scale`; null for the linear kernel). */
  get fittedGamma(): [number, number] | null {
    const f = this.#result();
    return this.kernel === 'linear' ? null : [f.gamma[0], f.gamma[1]];
  }

  /** The dimension of each view's feature space as kept (eigenvalues above rounding). */
  get ranks(): [number, number] {
    const f = this.#result();
    return [f.ranks[0], f.ranks[1]];
  }

  /** Nyström: the landmark rows (as given, not standardised) and their training indices; exact: null. */
  get landmarks(): Landmarks | null {
    const f = this.#result();
    if (!f.landmarks) return null;
    return { indices: f.landmarks.slice(), x: { data: f.basis[0].slice(), rows: f.nb, cols: f.dims[0] }, y: { data: f.basis[1].slice(), rows: f.nb, cols: f.dims[1] } };
  }

  /** The dual coefficients (basis rows × components, per view): u = k(x, basis)·coefficients − offset. */
  get coefficients(): [MatrixResult, MatrixResult] {
    const f = this.#result(), k = this.components;
    return [{ data: f.coef[0].slice(), rows: f.nb, cols: k }, { data: f.coef[1].slice(), rows: f.nb, cols: k }];
  }

  /** Rows seen by the fit. */
  /** Rows seen by the fit. */
  get nSamples(): number {
    return this.#result().n;
  }

  /** True once fitted. */
  get fitted(): boolean {
    this.live();
    return this.#fit !== null;
  }

  /** Canonical variates [U, V] (n×components each) of new rows; pass null for a view you don't need. */
  transform(X: MatrixInput, Y: MatrixInput): [MatrixResult, MatrixResult];
  transform(X: MatrixInput, Y?: null): [MatrixResult, null];
  transform(X: null, Y: MatrixInput): [null, MatrixResult];
  transform(X: MatrixInput | null, Y?: MatrixInput | null): [MatrixResult | null, MatrixResult | null];
  transform(X: MatrixInput | null, Y: MatrixInput | null = null): [MatrixResult | null, MatrixResult | null] {
    noExtraArguments(arguments, 2, 'KernelCCA.transform');
    const f = this.#result();
    // (with `scale`, new rows are standardised by the training columns' means and deviations)
    return eachView(X, Y, (input, name) => {
      const side = name === 'X' ? 0 : 1;
      return variates(input, name, f, side, this.#spec(f.gamma[side]), this.components);
    });
  }

  /**
   * The top k gallery rows of each query row in the canonical space, as CCA.retrieve: query
   * rows of X against gallery rows of Y (`from: 'x'`, default) or the reverse, each view
   * transformed alone, components weighted by their canonical correlations, cosine similarity
   * (or `metric: 'euclidean'`). `{ indices, scores, rows, cols }`: queries × k, best first.
   *
   * @example
   * const { indices, scores } = kcca.retrieve(Ytest, Xtest, { k: 3, from: 'y' });
   */
  retrieve(query: MatrixInput, gallery: MatrixInput, options?: RetrieveOptions): RetrieveResult {
    noExtraArguments(arguments, 3, 'KernelCCA.retrieve');
    const rho = this.correlations;
    return retrieveEmbedded(query, gallery, options, ['X', 'Y'], (v, rows) => this.transform(v === 0 ? (rows as MatrixInput) : null, v === 1 ? (rows as MatrixInput) : null)[v]!, rho);
  }

  /** fit(X, Y) then the training variates. */
  fitTransform(X: MatrixInput, Y: MatrixInput): [MatrixResult, MatrixResult] {
    this.fit(X, Y);
    return this.transform(X, Y) as [MatrixResult, MatrixResult];
  }

  /** Pearson correlation of each pair of variates on (X, Y), in training component order: the held-out canonical correlations. */
  score(X: MatrixInput, Y: MatrixInput): Float64Array {
    noExtraArguments(arguments, 2, 'KernelCCA.score');
    const f = this.#result();
    if (X === null || Y === null) throw new ValueError('X, Y', 'both views (score correlates them)', 'a null view');
    return scoreVariates(X, Y, f.dims, this.components, (block, name) => this.transform(name === 'X' ? block : null, name === 'Y' ? block : null)[name === 'X' ? 0 : 1]!);
  }

  /**
   * Not defined: kernel CCA has no map from its variates back to the input space (a
   * pre-image), so nothing to predict one view from the other through. Throws an
   * UnsupportedError saying what to use instead (CCA's predict, PLSRegression, a decoder).
   */
  predict(X?: MatrixInput | null, Y?: MatrixInput | null): never;
  predict(): never {
    this.live();
    throw noPreImage('predict');
  }

  /** Not defined, as predict: variates have no pre-image in the input space. Throws an UnsupportedError. */
  inverseTransform(U?: MatrixInput | null, V?: MatrixInput | null): never;
  inverseTransform(): never {
    this.live();
    throw noPreImage('inverseTransform');
  }

  /**
   * Each column of X and Y correlated with each kept variate on these rows: x.own (p×k) with U,
   * x.cross with V, y.own (q×k) with V, y.cross with U (CCA's shape).
   */
  structureCorrelations(X: MatrixInput, Y: MatrixInput): StructureCorrelations {
    noExtraArguments(arguments, 2, 'KernelCCA.structureCorrelations');
    const f = this.#result();
    return kernelStructure(X, Y, f.dims, this.components, (block, name) => this.#variates(f, block, name));
  }

  /**
   * Per component, the share of each view's variance its own variate carries: the mean over the
   * view's columns of their squared correlation with it on the training rows, which an exact fit
   * keeps. A Nyström fit keeps only its landmarks: an UnsupportedError (use
   * structureCorrelations on the training rows).
   */
  get explainedVariance(): { x: Float64Array; y: Float64Array } {
    const f = this.#result();
    this.#explained ??= kernelExplained(f, this.components, (block, name) => this.#variates(f, block, name));
    return { x: this.#explained.x.slice(), y: this.#explained.y.slice() };
  }

  /** Stewart–Love redundancy per component: x[j] = explainedVariance.x[j]·ρⱼ² (y likewise); exact fits only, as explainedVariance. */
  get redundancy(): { x: Float64Array; y: Float64Array } {
    const e = this.explainedVariance, r = this.#result().all;
    for (let j = 0; j < this.components; j++) {
      e.x[j] = e.x[j]! * r[j]! ** 2;
      e.y[j] = e.y[j]! * r[j]! ** 2;
    }
    return e;
  }

  /** Frees nothing in wasm (a fit is held in JS arrays); any later use throws DisposedError. */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.#fit = null;
  }

  /**
   * A plain, versioned object: the options, the basis rows (all training rows for an exact fit,
   * the landmarks for Nyström), the dual coefficients and offsets as base64 f64, with a CRC-32
   * of every number.
   */
  toJSON(): Record<string, unknown> {
    return writeKCCAFile(this, this.#result());
  }

  /** Rebuilds a KernelCCA from toJSON() output (object or JSON string), validating every field. */
  static fromJSON(json: unknown): KernelCCA {
    const { model, fit, legacy } = readKCCAFile(json, (o) => new KernelCCA(o));
    model.#fit = fit;
    model.#legacy = legacy;
    return model;
  }

  // ---- internals ----

  #result(): Fit {
    this.live();
    if (!this.#fit) throw new NotFittedError('KernelCCA: call fit(X, Y) first');
    return this.#fit;
  }

  #ridges(): [number, number] {
    const r = this.regularization;
    return typeof r === 'number' ? [r, r] : [r[0], r[1]];
  }

  /** The variates of one view's rows. */
  #variates(f: Fit, rows: MatrixInput, name: 'X' | 'Y'): MatrixResult {
    const side = name === 'X' ? 0 : 1;
    return variates(rows, name, f, side, this.#spec(f.gamma[side]), this.components);
  }

  #spec(gamma: number): Spec {
    return { kernel: this.kernel, gamma, degree: this.degree, coef0: this.coef0 };
  }

  /** The fit on the raw views X, Y (standardised by `scaling` first, when given); the basis kept raw. */
  #fitOn(X: Matrix, Y: Matrix, scaling: [Standardisation, Standardisation] | null): Fit {
    const xs = scaling ? standardised(X, scaling[0]) : X;
    try {
      const ys = scaling ? standardised(Y, scaling[1]) : Y;
      try {
        const gamma = this.#gammas(xs, ys);
        const specs: [Spec, Spec] = [this.#spec(gamma[0]), this.#spec(gamma[1])];
        const a = this.approximation;
        const solved: Solved = finiteFit(a === 'exact' ? exactFit(xs, ys, specs, this.#ridges(), this.components) : nystromFit(xs, ys, specs, this.#ridges(), this.components, a.nystrom, a.seed));
        // the basis as given: transform standardises it as fit did (the same bits)
        if (scaling) solved.basis = [rawRows(X, solved.landmarks), rawRows(Y, solved.landmarks)];
        return { ...solved, gamma, scaling };
      } finally {
        if (ys !== Y) ys.dispose();
      }
    } finally {
      if (xs !== X) xs.dispose();
    }
  }

  /** γ of each view: the option's, or the median heuristic on the rows the kernel sees (one draw of rows for both views). */
  #gammas(X: Matrix, Y: Matrix): [number, number] {
    const g = this.#gamma;
    if (g === null) return [0, 0];
    if (typeof g === 'number') return [g, g];
    if (g !== 'median' && g !== 'variance') return [g[0], g[1]];
    const rows = medianRows(X.rows);
    return [medianGamma(X, rows, 'X'), medianGamma(Y, rows, 'Y')];
  }
}

/** Rows `idx` of X (all rows when null) as a JS array. */
function rawRows(X: Matrix, idx: Uint32Array | null): Float64Array {
  const p = X.cols, d = X.data;
  if (!idx) return Float64Array.from(d);
  const out = new Float64Array(idx.length * p);
  for (let i = 0; i < idx.length; i++) out.set(d.subarray(idx[i]! * p, idx[i]! * p + p), i * p);
  return out;
}

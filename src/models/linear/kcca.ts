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
 * rows (exact) or the landmarks (Nyström).
 */
import * as W from '../../wasm/index.js';
import { Indices, Matrix, Rng, borrowMatrix, finiteResult, rowSource, withScratch, type MatrixInput, type MatrixResult } from '../../wasm/index.js';
import { eigh, svd } from '../../linalg/ops.js';
import { FormatError, NotFittedError, ShapeError, SingularMatrixError, ValueError } from '../../errors.js';
import { crc32F64, decodeF64, encodeF64, readEnvelope, readInt } from '../../serialize.js';
import { Disposable, Owner } from '../../lifecycle.js';
import { checkOptions } from '../../options.js';
import { CCA } from './cca.js';
import { eachView } from './cca_transform.js';

export type Kernel = 'rbf' | 'polynomial' | 'linear';

export interface NystromApproximation {
  /** number of landmark rows m (required; 1 ≤ m ≤ n) */
  nystrom: number;
  /** seed of the landmark draw (default 0) */
  seed?: number;
}

export interface KernelCCAOptions {
  /** 'rbf' exp(−γ‖x − x′‖²), 'polynomial' (γ·xᵀx′ + coef0)^degree or 'linear' xᵀx′ (default 'rbf') */
  kernel?: Kernel;
  /** γ of 'rbf' and 'polynomial', one value or [γx, γy] (default 1/(p·variance of the view's entries), as scikit-learn's gamma='scale') */
  gamma?: number | readonly [number, number];
  /** degree of 'polynomial', a positive integer (default 3) */
  degree?: number;
  /** constant term of 'polynomial' (default 1) */
  coef0?: number;
  /** ridge κ ≥ 0 of the feature-space covariance, one value or [κx, κy] (default 1e-3) */
  regularization?: number | readonly [number, number];
  /** number of canonical pairs to keep (default 2) */
  components?: number;
  /** 'exact' (an n×n eigenproblem per view, n ≤ 5000) or { nystrom: m, seed } (default 'exact') */
  approximation?: 'exact' | NystromApproximation;
}

/** The landmarks of a Nyström fit: their training row indices (ascending) and rows. */
export interface Landmarks {
  indices: Uint32Array;
  x: MatrixResult;
  y: MatrixResult;
}

const FORMAT = 'crossmodal.KernelCCA';
const OPTIONS = ['kernel', 'gamma', 'degree', 'coef0', 'regularization', 'components', 'approximation'] as const satisfies readonly (keyof KernelCCAOptions)[];
/** The largest n an exact fit takes (two n×n eigenproblems). */
export const EXACT_LIMIT = 5000;
/** Gram entries per block when a kernel is evaluated against a basis (16 MiB of f64). */
const BLOCK = 1 << 21;
/** Nyström drops K_mm's eigenvalues below this fraction of the largest (the pseudo-inverse's cutoff). */
export const NYSTROM_RCOND = 1e-12;

interface Spec {
  kernel: Kernel;
  gamma: number;
  degree: number;
  coef0: number;
}

/** What a fit keeps (JS-owned), per view [x, y]. */
interface Fit {
  n: number;
  gamma: [number, number];
  /** basis rows (training rows or landmarks), nb×p and nb×q */
  basis: [Float64Array, Float64Array];
  nb: number;
  dims: [number, number];
  /** nb×k dual coefficients and the k offsets: u = k(x, basis)·coef − offset */
  coef: [Float64Array, Float64Array];
  offset: [Float64Array, Float64Array];
  all: Float64Array;
  ranks: [number, number];
  landmarks: Uint32Array | null;
}

export class KernelCCA extends Disposable {
  readonly kernel: Kernel;
  readonly gamma: number | readonly [number, number] | 'scale';
  readonly degree: number;
  readonly coef0: number;
  readonly regularization: number | readonly [number, number];
  readonly components: number;
  readonly approximation: 'exact' | Readonly<Required<NystromApproximation>>;
  #fit: Fit | null = null;

  constructor(options: KernelCCAOptions = {}) {
    super();
    checkOptions(options, OPTIONS);
    const kernel = options.kernel ?? 'rbf';
    if (kernel !== 'rbf' && kernel !== 'polynomial' && kernel !== 'linear') throw new ValueError('options.kernel', "'rbf', 'polynomial' or 'linear'", kernel);
    const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    const pairOf = (v: unknown, ok: (x: unknown) => boolean) => ok(v) || (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1]));
    // options that the kernel does not read are refused: a silently ignored γ is a wrong model
    const unused = (name: 'gamma' | 'degree' | 'coef0', used: boolean) => {
      if (options[name] !== undefined && !used) throw new ValueError(`options.${name}`, `no ${name} with kernel '${kernel}' (it has none)`, options[name]);
    };
    unused('gamma', kernel !== 'linear');
    unused('degree', kernel === 'polynomial');
    unused('coef0', kernel === 'polynomial');
    const gamma = options.gamma;
    if (gamma !== undefined && !pairOf(gamma, (v) => finite(v) && v > 0)) throw new ValueError('options.gamma', 'γ > 0 or a pair [γx, γy]', gamma);
    const degree = options.degree ?? 3;
    if (!Number.isInteger(degree) || degree < 1 || degree > 64) throw new ValueError('options.degree', 'an integer from 1 to 64', degree);
    const coef0 = options.coef0 ?? 1;
    if (!finite(coef0)) throw new ValueError('options.coef0', 'a finite number', coef0);
    const r = options.regularization ?? 1e-3;
    if (!pairOf(r, (v) => finite(v) && v >= 0)) throw new ValueError('options.regularization', 'a ridge κ ≥ 0 or a pair [κx, κy]', r);
    const k = options.components ?? 2;
    if (!Number.isInteger(k) || k < 1) throw new ValueError('options.components', 'a positive integer', k);
    const a = options.approximation ?? 'exact';
    if (a === 'exact') this.approximation = 'exact';
    else {
      if (!a || typeof a !== 'object' || Array.isArray(a)) throw new ValueError('options.approximation', "'exact' or { nystrom: m, seed }", a);
      checkOptions(a, ['nystrom', 'seed'], 'options.approximation');
      if (!Number.isInteger(a.nystrom) || a.nystrom < 1) throw new ValueError('options.approximation.nystrom', 'a positive integer number of landmarks', a.nystrom);
      const seed = a.seed ?? 0;
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValueError('options.approximation.seed', 'an integer in [0, 2³²)', seed);
      if (k > a.nystrom) throw new ValueError('options.components', `at most the number of landmarks, ${a.nystrom}`, k);
      this.approximation = Object.freeze({ nystrom: a.nystrom, seed });
    }
    this.kernel = kernel;
    this.gamma = kernel === 'linear' ? 'scale' : gamma === undefined ? 'scale' : Array.isArray(gamma) ? [gamma[0], gamma[1]] : (gamma as number);
    this.degree = degree;
    // + 0 turns −0 into 0: a file stores options as JSON numbers, which have no −0 (the checksum would differ)
    this.coef0 = coef0 + 0;
    this.regularization = Array.isArray(r) ? [r[0] + 0, r[1] + 0] : (r as number) + 0;
    this.components = k;
  }

  /**
   * Fits on all rows of X (n×p) and Y (n×q), replacing anything fitted before.
   *
   * @example
   * const kcca = new KernelCCA({ gamma: 2, components: 1 }).fit(X, Y);
   * kcca.correlations; // Float64Array [0.99...]
   */
  fit(X: MatrixInput, Y: MatrixInput): this {
    this.live();
    const x = borrowMatrix(X, 'X');
    try {
      const y = borrowMatrix(Y, 'Y');
      try {
        const n = x.m.rows;
        if (y.m.rows !== n) throw new ShapeError('Y', `${n} rows (as X)`, `${y.m.rows} rows`);
        if (n < 2) throw new ShapeError('X', 'at least 2 rows', `${n} row`);
        const gamma: [number, number] = [this.#gammaFor(x.m, 0), this.#gammaFor(y.m, 1)];
        const specs: [Spec, Spec] = [this.#spec(gamma[0]), this.#spec(gamma[1])];
        const ridges = this.#ridges();
        const a = this.approximation;
        if (a === 'exact') {
          if (n > EXACT_LIMIT)
            throw new ShapeError('X', `at most ${EXACT_LIMIT} rows for approximation 'exact' (it solves two ${n}×${n} eigenproblems: O(n³) time, 8n² bytes each); use the Nyström approximation, e.g. new KernelCCA({ approximation: { nystrom: 500 } })`, `${n} rows`);
          this.#fit = { ...finiteFit(exactFit(x.m, y.m, specs, ridges, this.components)), gamma };
        } else {
          if (a.nystrom > n) throw new ValueError('options.approximation.nystrom', `at most the number of rows, ${n}`, a.nystrom);
          this.#fit = { ...finiteFit(nystromFit(x.m, y.m, specs, ridges, this.components, a.nystrom, a.seed)), gamma };
        }
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

  /** The γ of each view as used by the fit ([γx, γy]; null for the linear kernel). */
  get fittedGamma(): [number, number] | null {
    const f = this.#result();
    return this.kernel === 'linear' ? null : [f.gamma[0], f.gamma[1]];
  }

  /** The dimension of each view's feature space as kept (eigenvalues above rounding). */
  get ranks(): [number, number] {
    const f = this.#result();
    return [f.ranks[0], f.ranks[1]];
  }

  /** Nyström: the landmark rows and their training indices; exact: null. */
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
  get nSamples(): number {
    return this.#result().n;
  }

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
    const f = this.#result();
    return eachView(X, Y, (input, name) => {
      const side = name === 'X' ? 0 : 1;
      return variates(input, name, f, side, this.#spec(f.gamma[side]), this.components);
    });
  }

  /** fit(X, Y) then the training variates. */
  fitTransform(X: MatrixInput, Y: MatrixInput): [MatrixResult, MatrixResult] {
    this.fit(X, Y);
    return this.transform(X, Y) as [MatrixResult, MatrixResult];
  }

  /** Pearson correlation of each pair of variates on (X, Y), in training component order: the held-out canonical correlations. */
  score(X: MatrixInput, Y: MatrixInput): Float64Array {
    this.#result();
    if (X === null || Y === null) throw new ValueError('X, Y', 'both views (score correlates them)', 'a null view');
    const [u, v] = this.transform(X, Y);
    if (u.rows < 2) throw new ShapeError('X', 'at least 2 rows to correlate', `${u.rows} row`);
    return columnCorrelations(u, v);
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
    const f = this.#result();
    const out: Record<string, unknown> = {
      format: FORMAT,
      version: 1,
      ...this.#optionsRecord(),
      n: f.n,
      p: f.dims[0],
      q: f.dims[1],
      nb: f.nb,
      fittedGamma: f.gamma,
      ranks: f.ranks,
      landmarks: f.landmarks ? encodeF64(f.landmarks) : null,
      correlations: encodeF64(f.all),
      basisX: encodeF64(f.basis[0]),
      basisY: encodeF64(f.basis[1]),
      coefX: encodeF64(f.coef[0]),
      coefY: encodeF64(f.coef[1]),
      offsetX: encodeF64(f.offset[0]),
      offsetY: encodeF64(f.offset[1]),
    };
    out.crc32 = fileChecksum(out, f);
    return out;
  }

  /** Rebuilds a KernelCCA from toJSON() output (object or JSON string), validating every field. */
  static fromJSON(json: unknown): KernelCCA {
    const o = readEnvelope(json, FORMAT, 1);
    let model: KernelCCA;
    try {
      const opts: Record<string, unknown> = { kernel: o.kernel, regularization: o.regularization, components: o.components, approximation: o.approximation };
      if (o.kernel === 'polynomial') Object.assign(opts, { degree: o.degree, coef0: o.coef0 });
      if (o.kernel !== 'linear' && o.gamma !== 'scale') opts.gamma = o.gamma;
      model = new KernelCCA(opts as KernelCCAOptions);
    } catch (e) {
      throw new FormatError(`${FORMAT}: ${(e as Error).message}`);
    }
    const k = model.components;
    const n = readInt(o, 'n', 2), p = readInt(o, 'p', 1), q = readInt(o, 'q', 1), nb = readInt(o, 'nb', 1);
    const exact = model.approximation === 'exact';
    if (exact ? nb !== n : nb !== (model.approximation as { nystrom: number }).nystrom || nb > n)
      throw new FormatError(`nb: ${nb} basis rows do not fit ${exact ? `an exact fit of ${n} rows` : `${(model.approximation as { nystrom: number }).nystrom} landmarks of ${n} rows`}`);
    const pair = (v: unknown, name: string, ok: (x: number) => boolean): [number, number] => {
      if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && ok(x))) throw new FormatError(`${name}: expected a pair of numbers, found ${JSON.stringify(v)}`);
      return [v[0], v[1]];
    };
    const gamma = pair(o.fittedGamma, 'fittedGamma', (x) => Number.isFinite(x) && x >= 0);
    const ranks = pair(o.ranks, 'ranks', (x) => Number.isInteger(x) && x >= k && x <= nb);
    const all = decodeF64(o.correlations, Math.min(ranks[0], ranks[1]), 'correlations');
    let landmarks: Uint32Array | null = null;
    if (!exact) {
      const l = decodeF64(o.landmarks, nb, 'landmarks');
      if (!l.every((v, i) => Number.isInteger(v) && v >= 0 && v < n && (i === 0 || v > l[i - 1]!))) throw new FormatError(`landmarks: expected ${nb} ascending row indices below ${n}`);
      landmarks = Uint32Array.from(l);
    } else if (o.landmarks !== null) throw new FormatError(`landmarks: expected null for an exact fit, found ${typeof o.landmarks}`);
    const f: Fit = {
      n,
      gamma,
      basis: [decodeF64(o.basisX, nb * p, 'basisX'), decodeF64(o.basisY, nb * q, 'basisY')],
      nb,
      dims: [p, q],
      coef: [decodeF64(o.coefX, nb * k, 'coefX'), decodeF64(o.coefY, nb * k, 'coefY')],
      offset: [decodeF64(o.offsetX, k, 'offsetX'), decodeF64(o.offsetY, k, 'offsetY')],
      all,
      ranks,
      landmarks,
    };
    const want = fileChecksum({ ...model.#optionsRecord(), n, p, q, nb }, f);
    if (o.crc32 !== want) throw new FormatError(`${FORMAT}: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${want}): the file was altered or truncated`);
    model.#fit = f;
    return model;
  }

  // ---- internals ----

  #optionsRecord(): Record<string, unknown> {
    return {
      kernel: this.kernel,
      gamma: this.gamma,
      degree: this.degree,
      coef0: this.coef0,
      regularization: this.regularization,
      components: this.components,
      approximation: this.approximation,
    };
  }

  #result(): Fit {
    this.live();
    if (!this.#fit) throw new NotFittedError('KernelCCA: call fit(X, Y) first');
    return this.#fit;
  }

  #ridges(): [number, number] {
    const r = this.regularization;
    return typeof r === 'number' ? [r, r] : [r[0], r[1]];
  }

  #spec(gamma: number): Spec {
    return { kernel: this.kernel, gamma, degree: this.degree, coef0: this.coef0 };
  }

  /** The option's γ for view i, or 1/(p·variance of the view's entries) (1 for a constant view). */
  #gammaFor(X: Matrix, i: 0 | 1): number {
    if (this.kernel === 'linear') return 0;
    const g = this.gamma;
    if (g !== 'scale') return typeof g === 'number' ? g : g[i];
    const d = X.data, N = d.length;
    let mean = 0;
    for (let j = 0; j < N; j++) mean += d[j]!;
    mean /= N;
    let v = 0;
    for (let j = 0; j < N; j++) v += (d[j]! - mean) ** 2;
    v /= N;
    const gamma = 1 / (X.cols * v);
    return v > 0 && Number.isFinite(gamma) ? gamma : 1;
  }
}

/**
 * The kernel between the rows of A (na×p) and B (nb×p): one GEMM for the inner products, the
 * kernel applied elementwise in wasm (the same bits on every engine). A non-finite entry (a polynomial of large values) is a typed
 * error naming `name`.
 */
function gram(A: Matrix, B: Matrix, s: Spec, name: string): Matrix {
  const out = Matrix.empty(A.rows, B.rows);
  try {
    W.gemm(out, A, B, false, true);
    if (s.kernel === 'polynomial') W.polyFromGram(out, s.gamma, s.coef0, s.degree);
    else if (s.kernel === 'rbf')
      withScratch((sc) => {
        const na = sc.matrix(1, A.rows), nb = sc.matrix(1, B.rows);
        W.rowSqNorms(na, A);
        W.rowSqNorms(nb, B);
        W.rbfFromGram(out, na, nb, s.gamma);
      });
  } catch (e) {
    out.dispose();
    throw e;
  }
  return finiteResult(out, [name], 'kernel');
}

/** Makes a (square) matrix exactly symmetric: the GEMM's two triangles may differ in the last bit. */
function symmetrise(K: Matrix): void {
  const d = K.data, n = K.rows;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (d[i * n + j]! + d[j * n + i]!);
      d[i * n + j] = d[j * n + i] = v;
    }
}

/**
 * Eigenvalues kept as features: those above `relative`·λ₁ (none when λ₁ ≤ 0). Exact fits keep
 * everything above rounding (n·ε); Nyström keeps K_mm's above NYSTROM_RCOND·μ₁, since its
 * features divide by √μ and would amplify rounding in the directions below.
 */
function rankOf(values: Float64Array, relative = values.length * 2.220446049250313e-16): number {
  const tol = relative * values[0]!;
  let r = 0;
  while (r < values.length && values[r]! > tol && values[r]! > 0) r++;
  return r;
}

function tooFewFeatures(name: string, rank: number, k: number): Error {
  if (rank === 0) return new SingularMatrixError(`${name}: the centred kernel matrix is zero: every row is the same under this kernel`);
  return new ValueError('options.components', `at most the rank of ${name}'s centred kernel matrix, ${rank}`, k);
}

/** Exact kernel CCA of two wasm views (n ≤ EXACT_LIMIT). */
function exactFit(X: Matrix, Y: Matrix, specs: [Spec, Spec], ridges: [number, number], k: number): Omit<Fit, 'gamma'> {
  const n = X.rows, owner = new Owner(), own = owner.own;
  try {
    // per view: K̃ = UΛUᵀ; F = U·diag(√(λ/(λ+(n−1)κ))) (n×r) and the column means of K
    const views = ([X, Y] as const).map((V, i) => {
      const name = i === 0 ? 'X' : 'Y';
      const K = gram(V, V, specs[i]!, name);
      const colMean = new Float64Array(n);
      const dec = (() => {
        try {
          symmetrise(K);
          const d = K.data;
          for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) colMean[b] = colMean[b]! + d[a * n + b]! / n;
          let g = 0;
          for (let b = 0; b < n; b++) g += colMean[b]! / n;
          for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) d[a * n + b] = d[a * n + b]! - colMean[a]! - colMean[b]! + g;
          return eigh(K);
        } finally {
          K.dispose();
        }
      })();
      own(dec.vectors);
      const r = rankOf(dec.values);
      if (r < k) throw tooFewFeatures(name, r, k);
      const kappa = ridges[i]! * (n - 1);
      const shrink = Float64Array.from(dec.values.subarray(0, r), (l) => Math.sqrt(l / (l + kappa)));
      // the dual coefficient per unit of F: √(n−1)/√(λ(λ+(n−1)κ)) ÷ √(λ/(λ+(n−1)κ)) = √(n−1)/λ
      const perF = Float64Array.from(dec.values.subarray(0, r), (l) => Math.sqrt(n - 1) / l);
      const F = own(Matrix.empty(n, r));
      // both views taken after the last allocation
      const f = F.data, u = dec.vectors.data;
      // K̃'s eigenvectors are orthogonal to 1 (K̃1 = 0) in exact arithmetic; those of tiny
      // eigenvalues mix with 1 in rounding, which new rows' centring would not undo: centre them
      const mean = new Float64Array(r);
      for (let a = 0; a < n; a++) for (let c = 0; c < r; c++) mean[c] = mean[c]! + u[a * n + c]! / n;
      for (let a = 0; a < n; a++) for (let c = 0; c < r; c++) f[a * r + c] = (u[a * n + c]! - mean[c]!) * shrink[c]!;
      dec.vectors.dispose();
      return { F, r, perF, colMean };
    });
    const [vx, vy] = views as [(typeof views)[0], (typeof views)[0]];
    const T = own(Matrix.empty(vx.r, vy.r));
    W.gemm(T, vx.F, vy.F, true, false);
    const dec = svd(T);
    own(dec.u);
    own(dec.v);
    const kk = Math.min(vx.r, vy.r);
    const all = Float64Array.from(dec.s.subarray(0, kk), (s) => Math.min(1, Math.max(0, s)));
    // coefficients α = F·diag(perF)·a_k; training variates √(n−1)·F·a_k
    const sides = ([[vx, dec.u], [vy, dec.v]] as const).map(([v, vecs]) => {
      const a = own(Matrix.empty(v.r, k)), ad = a.data, src = vecs.toShaped().data, cols = vecs.cols;
      for (let c = 0; c < v.r; c++) for (let j = 0; j < k; j++) ad[c * k + j] = src[c * cols + j]!;
      const train = own(Matrix.empty(n, k));
      W.gemm(train, v.F, a, false, false, Math.sqrt(n - 1), 0);
      for (let c = 0; c < v.r; c++) for (let j = 0; j < k; j++) ad[c * k + j] = ad[c * k + j]! * v.perF[c]!;
      const alpha = own(Matrix.empty(n, k));
      W.gemm(alpha, v.F, a);
      const coef = Float64Array.from(alpha.toShaped().data);
      return { coef, offset: offsets(coef, v.colMean, k), train: train.toShaped().data };
    });
    orient(sides[0]!.train, n, k, sides);
    return {
      n,
      basis: [Float64Array.from(X.toShaped().data), Float64Array.from(Y.toShaped().data)],
      nb: n,
      dims: [X.cols, Y.cols],
      coef: [sides[0]!.coef, sides[1]!.coef],
      offset: [sides[0]!.offset, sides[1]!.offset],
      all,
      ranks: [vx.r, vy.r],
      landmarks: null,
    };
  } finally {
    owner.dispose();
  }
}

/**
 * A fit whose coefficients overflowed (a kernel of values near the underflow limit, whose
 * eigenvalues' reciprocals leave the range) is a typed error naming the data, never a model
 * that transforms to NaN.
 */
function finiteFit<F extends Omit<Fit, 'gamma'>>(f: F): F {
  return finiteResult({ coef: f.coef, offset: f.offset, all: f.all }, ['X', 'Y'], 'kernel CCA coefficients') && f;
}

/** offset_j = Σᵢ mean_i·coef[i, j] (coef row-major len(mean)×k): the feature means through the coefficients. */
function offsets(coef: Float64Array, mean: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < mean.length; i++) for (let j = 0; j < k; j++) out[j] = out[j]! + mean[i]! * coef[i * k + j]!;
  return out;
}

/**
 * Sign rule: in each component, the basis row whose x-variate is largest in magnitude gets a
 * positive one (ties: the first); both views flip together. On the training rows (exact) or
 * the landmarks (Nyström), so a Nyström fit with every row as a landmark agrees with the exact one.
 */
function orient(u: Float64Array, rows: number, k: number, sides: { coef: Float64Array; offset: Float64Array }[]): void {
  for (let j = 0; j < k; j++) {
    let best = 0;
    for (let i = 0; i < rows; i++) if (Math.abs(u[i * k + j]!) > Math.abs(best)) best = u[i * k + j]!;
    if (best >= 0) continue;
    for (const s of sides) {
      for (let i = 0; i < s.coef.length / k; i++) s.coef[i * k + j] = -s.coef[i * k + j]!;
      s.offset[j] = -s.offset[j]!;
    }
  }
}

/** Rows `idx` of X as a new wasm matrix (the gather kernel). */
function gatherRows(X: Matrix, idx: Uint32Array): Matrix {
  const out = Matrix.empty(idx.length, X.cols), ix = Indices.from(idx);
  try {
    W.gatherRowsF64(out, X, ix);
  } catch (e) {
    out.dispose();
    throw e;
  } finally {
    ix.dispose();
  }
  return out;
}

/** m distinct row indices of 0..n−1 drawn by the seed (the in-wasm PRNG's shuffle), ascending. */
function drawLandmarks(n: number, m: number, seed: number): Uint32Array {
  const rng = Rng.create(seed), idx = Indices.empty(n);
  try {
    W.shuffle(idx, rng);
    return Uint32Array.from(idx.values.subarray(0, m)).sort();
  } finally {
    rng.dispose();
    idx.dispose();
  }
}

/** Nyström kernel CCA: features k(x, L)·V·M^-½ of each view, then the streaming ridge CCA on them. */
function nystromFit(X: Matrix, Y: Matrix, specs: [Spec, Spec], ridges: [number, number], k: number, m: number, seed: number): Omit<Fit, 'gamma'> {
  const n = X.rows, owner = new Owner(), own = owner.own;
  try {
    const landmarks = drawLandmarks(n, m, seed);
    const views = ([X, Y] as const).map((V, i) => {
      const name = i === 0 ? 'X' : 'Y';
      const L = own(gatherRows(V, landmarks));
      const Kmm = own(gram(L, L, specs[i]!, name));
      symmetrise(Kmm);
      const dec = eigh(Kmm);
      own(dec.vectors);
      const r = rankOf(dec.values, NYSTROM_RCOND);
      if (r < k) throw tooFewFeatures(name, r, k);
      const A = own(Matrix.empty(m, r));
      const v = dec.vectors.toShaped().data, a = A.data;
      for (let s = 0; s < m; s++) for (let c = 0; c < r; c++) a[s * r + c] = v[s * m + c]! / Math.sqrt(dec.values[c]!);
      return { V, L, Kmm, A, r, name };
    });
    const [vx, vy] = views as [(typeof views)[0], (typeof views)[0]];
    const inner = own(new CCA({ components: k, regularization: [ridges[0], ridges[1]] }));
    // features a block of rows at a time: k(rows, L)·A
    const features = (v: typeof vx, start: number, count: number, into: Matrix) =>
      withScratch((s) => {
        const rows = s.matrix(count, v.V.cols);
        rows.data.set(v.V.data.subarray(start * v.V.cols, (start + count) * v.V.cols));
        const K = gram(rows, v.L, specs[v === vx ? 0 : 1], v.name);
        try {
          W.gemm(into, K, v.A);
        } finally {
          K.dispose();
        }
      });
    const step = Math.max(1, Math.min(n, Math.floor(BLOCK / m)));
    for (let start = 0; start < n; start += step) {
      const count = Math.min(step, n - start);
      withScratch((s) => {
        const fx = s.matrix(count, vx.r), fy = s.matrix(count, vy.r);
        features(vx, start, count, fx);
        features(vy, start, count, fy);
        inner.partialFit(fx, fy);
      });
    }
    try {
      void inner.correlations;
    } catch (e) {
      if (e instanceof SingularMatrixError) throw new SingularMatrixError(`${e.message.replace(/\. Add a ridge.*$|; use a larger ridge$/, '')}: the Nyström features are collinear without a ridge; use new KernelCCA({ regularization: 1e-3 })`);
      throw e;
    }
    // u = (k(x, L)·A − μ)·Wc = k(x, L)·(A·Wc) − μᵀWc
    const sides = ([[vx, inner.xWeights, inner.xMeans], [vy, inner.yWeights, inner.yMeans]] as const).map(([v, w, mu]) => {
      const coef = own(Matrix.empty(m, k));
      const Wc = own(Matrix.from(w, 'weights'));
      W.gemm(coef, v.A, Wc);
      const c = Float64Array.from(coef.toShaped().data);
      return { coef: c, offset: offsets(w.data, mu, k) };
    });
    // the landmarks' own variates decide the signs
    const uL = own(Matrix.empty(m, k));
    W.gemm(uL, vx.Kmm, own(Matrix.from({ data: sides[0]!.coef, rows: m, cols: k }, 'coef')));
    const ul = Float64Array.from(uL.toShaped().data);
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) ul[i * k + j] = ul[i * k + j]! - sides[0]!.offset[j]!;
    orient(ul, m, k, sides);
    return {
      n,
      basis: [Float64Array.from(vx.L.toShaped().data), Float64Array.from(vy.L.toShaped().data)],
      nb: m,
      dims: [X.cols, Y.cols],
      coef: [sides[0]!.coef, sides[1]!.coef],
      offset: [sides[0]!.offset, sides[1]!.offset],
      all: inner.allCorrelations,
      ranks: [vx.r, vy.r],
      landmarks,
    };
  } finally {
    owner.dispose();
  }
}

/** The variates of new rows of one view: k(rows, basis)·coef − offset, a block of rows at a time. */
function variates(input: MatrixInput, name: string, f: Fit, side: 0 | 1, spec: Spec, k: number): MatrixResult {
  const p = f.dims[side];
  const src = rowSource(input, name);
  try {
    if (src.cols !== p) throw new ShapeError(name, `${p} columns (as in fit)`, `${src.cols} columns`);
    const n = src.rows, out = new Float64Array(n * k), off = f.offset[side];
    return withScratch((s) => {
      const basis = s.matrix(f.nb, p), coef = s.matrix(f.nb, k);
      basis.data.set(f.basis[side]);
      coef.data.set(f.coef[side]);
      const step = Math.max(1, Math.floor(BLOCK / f.nb));
      for (let start = 0; start < n; start += step) {
        const count = Math.min(step, n - start);
        const block = src.block(start, count);
        const K = gram(block, basis, spec, name);
        try {
          const u = s.matrix(count, k);
          W.gemm(u, K, coef);
          const d = u.data;
          for (let i = 0; i < count; i++) for (let j = 0; j < k; j++) out[(start + i) * k + j] = d[i * k + j]! - off[j]!;
          u.dispose();
        } finally {
          K.dispose();
        }
      }
      return { data: out, rows: n, cols: k };
    });
  } finally {
    src.release();
  }
}

/** Pearson correlation of matching columns of u and v (0 for a constant column). */
function columnCorrelations(u: MatrixResult, v: MatrixResult): Float64Array {
  const n = u.rows, k = u.cols, out = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let mu = 0, mv = 0;
    for (let i = 0; i < n; i++) (mu += u.data[i * k + j]!), (mv += v.data[i * k + j]!);
    mu /= n;
    mv /= n;
    let suv = 0, suu = 0, svv = 0;
    for (let i = 0; i < n; i++) {
      const a = u.data[i * k + j]! - mu, b = v.data[i * k + j]! - mv;
      suv += a * b;
      suu += a * a;
      svv += b * b;
    }
    out[j] = suu > 0 && svv > 0 ? suv / (Math.sqrt(suu) * Math.sqrt(svv)) : 0;
  }
  return out;
}

/** CRC-32 over the options and every stored number, in a fixed order. */
function fileChecksum(o: Record<string, unknown>, f: Fit): number {
  const kernels: Kernel[] = ['rbf', 'polynomial', 'linear'];
  const g = o.gamma === 'scale' ? [-1] : typeof o.gamma === 'number' ? [o.gamma] : (o.gamma as number[]);
  const r = typeof o.regularization === 'number' ? [o.regularization] : (o.regularization as number[]);
  const a = o.approximation === 'exact' ? [-1] : [(o.approximation as { nystrom: number }).nystrom, (o.approximation as { seed: number }).seed];
  return crc32F64(
    kernels.indexOf(o.kernel as Kernel), g, o.degree as number, o.coef0 as number, r, o.components as number, a,
    o.n as number, o.p as number, o.q as number, o.nb as number, f.gamma, f.ranks, f.landmarks ?? [], f.all,
    f.basis[0], f.basis[1], f.coef[0], f.coef[1], f.offset[0], f.offset[1],
  );
}

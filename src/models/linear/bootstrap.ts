/**
 * Bootstrap confidence intervals for linear CCA: B resamples of the rows (with replacement,
 * drawn by the in-wasm PRNG), each refitted with the model's options; resample b's component j
 * is matched to the full fit's component j by order, and by sign (both its weight vectors are
 * flipped when its X and Y variates, evaluated on the original rows, correlate negatively in
 * sum with the full fit's). The interval of every correlation and weight is the
 * bias-corrected percentile (BC) interval of its B replicates (Efron 1981): the top sample
 * canonical correlation is biased upward, and its bootstrap replicates are biased upward again
 * around it, so the plain percentile interval sits too high (planted ρ = 0.6, n = 300,
 * p = q = 4, 200 data sets: 89 % coverage for a nominal 95 %; 94 % with the correction at 199
 * resamples, test/bootstrap.test.ts; 97.5 % on other data sets at 999, bench/bootstrap.bench.js).
 *
 * A resample's fit repeats CCA's solve (covariances, a ridge or the 'auto' λ from the
 * resample's fourth-order sums, equilibration, two inverse square roots, one SVD) in buffers made once, so a resample
 * costs a gather of n rows, the co-moments and the small decompositions, and allocates nothing
 * in wasm memory.
 */
import * as W from '../../wasm/index.js';
import { Indices, Matrix, Rng, Tensor, borrowMatrix } from '../../wasm/index.js';
import type { MatrixInput, MatrixResult } from '../../wasm/index.js';
import { diagonalShrinkage, equilibration, regularisedCovariance, scaleInPlace, type Shrink } from './cca_core.js';
import { fourthSums, jointOf } from '../../linalg/comoments.js';
import { normalCdf, normalQuantile } from '../../stats/normal.js';
import { ConvergenceError, ShapeError, SingularMatrixError, ValueError } from '../../errors.js';
import { Owner } from '../../lifecycle.js';

/** Options of CCA.bootstrap: the resamples, their seed and the intervals' level. */
export interface BootstrapOptions {
  /** number of resamples B (default 999) */
  resamples?: number;
  /** seed of the in-wasm PRNG that draws the resampled rows (default 0) */
  seed?: number;
  /** confidence level of the intervals, in (0, 1) (default 0.95) */
  level?: number;
}

/** An estimate with its interval, per value. */
export interface BootstrapInterval<T> {
  /** the full fit's value (what fit(X, Y) gives) */
  estimate: T;
  /** the interval's lower ends */
  lower: T;
  /** the interval's upper ends */
  upper: T;
}

/** What CCA.bootstrap returns: intervals for the correlations, weights and loadings. */
export interface BootstrapResult {
  /** the confidence level of the intervals */
  level: number;
  /** the number of resamples B */
  resamples: number;
  /** per kept component, the canonical correlation */
  correlations: BootstrapInterval<Float64Array>;
  /** p×components, row-major: the x-weights (signs as in the full fit) */
  xWeights: BootstrapInterval<MatrixResult>;
  /** q×components, row-major: the y-weights */
  yWeights: BootstrapInterval<MatrixResult>;
}

/** The model's options, as the resamples use them. */
export interface BootstrapModel {
  components: number;
  /** a ridge (one value or [rx, ry]) or 'auto' (λ estimated anew in every resample) */
  regularization: number | [number, number] | 'auto';
  scale: boolean;
}

/** The full fit: all min(p, q) correlations and the weights. */
export interface FullFit {
  all: Float64Array;
  xWeights: MatrixResult;
  yWeights: MatrixResult;
}

/** Checks the options of bootstrap (unknown keys are refused by the caller). */
export function checkBootstrapOptions(o: BootstrapOptions): { resamples: number; seed: number; level: number } {
  const B = o.resamples ?? 999, seed = o.seed ?? 0, level = o.level ?? 0.95;
  if (!Number.isInteger(B) || B < 1 || B > 1e7) throw new ValueError('options.resamples', 'an integer from 1 to 10⁷', B);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValueError('options.seed', 'an integer in [0, 2³²)', seed);
  if (typeof level !== 'number' || !(level > 0 && level < 1)) throw new ValueError('options.level', 'a number in (0, 1)', level);
  return { resamples: B, seed, level };
}

/**
 * CCA's solve on one set of rows, in buffers made once for n×p and n×q inputs: `fit(X, Y)`
 * leaves the correlations in `corr` (min(p, q), descending) and the weights in `xw`, `yw`
 * (signs as the SVD gives them). The same arithmetic as CCA's fit on ≤ one statistics block
 * of rows. @internal (exported for the tests)
 */
export class Refit {
  readonly corr: Float64Array;
  readonly xw: Matrix;
  readonly yw: Matrix;
  readonly #b: ReturnType<typeof buffers>;
  /** the first k columns of the SVD's u and v (views) */
  readonly #uk: Matrix;
  readonly #vk: Matrix;
  /** the ridges [rx, ry]; null: 'auto' (λ estimated anew in every resample) */
  readonly #ridges: [number, number] | null;
  readonly #scaled: boolean;
  readonly #sd: [Float64Array, Float64Array];

  constructor(own: Owner['own'], n: number, readonly p: number, readonly q: number, model: BootstrapModel) {
    const k = model.components;
    this.#b = buffers(own, n, p, q, model.regularization === 'auto');
    this.#uk = this.#b.u.viewCols(0, k);
    this.#vk = this.#b.v.viewCols(0, k);
    this.xw = own(Matrix.empty(p, k));
    this.yw = own(Matrix.empty(q, k));
    this.corr = new Float64Array(Math.min(p, q));
    const reg = model.regularization;
    this.#ridges = reg === 'auto' ? null : Array.isArray(reg) ? [reg[0], reg[1]] : [reg, reg];
    this.#scaled = model.scale;
    this.#sd = [new Float64Array(p), new Float64Array(q)];
  }

  /** The co-moment matrix Σ (x − mean)(x − mean)ᵀ of X's rows from the last fit (p×p). */
  get xMoments(): Matrix {
    return this.#b.Mx;
  }

  get yMoments(): Matrix {
    return this.#b.My;
  }

  fit(X: Matrix, Y: Matrix): void {
    const b = this.#b;
    const n = X.rows, ridges = this.#ridges;
    W.colMeans(b.mx, X);
    W.colMeans(b.my, Y);
    W.center(b.xc, X, b.mx);
    W.center(b.yc, Y, b.my);
    W.syrk(b.Mx, b.xc, 1, 0);
    W.syrk(b.My, b.yc, 1, 0);
    W.gemm(b.Mxy, b.xc, b.yc, true, false, 1, 0);
    // the arithmetic of CCA's solve (cca_solve.ts): equilibrated columns, weights divided back
    const sd = this.#sd;
    let shrinks: [Shrink, Shrink], c = 1;
    if (ridges) shrinks = [{ ridge: ridges[0], scaled: this.#scaled }, { ridge: ridges[1], scaled: this.#scaled }];
    else {
      // as CoMoments keeps them: the fourth-order sums of the joined centred rows, λ of the joined views
      const F = new Float64Array(this.p + this.q);
      fourthSums(b.Q!, null, F, b.xc, b.yc, b.z!, b.sq!);
      const lambda = diagonalShrinkage(jointOf(b.Mx.data, b.My.data, b.Mxy.data, this.p, this.q), b.Q!.data, n, F);
      shrinks = [{ lambda }, { lambda }];
      c = 1 - lambda;
    }
    equilibration(b.Mx.data, n, shrinks[0], sd[0]);
    equilibration(b.My.data, n, shrinks[1], sd[1]);
    regularisedCovariance(b.Cx, b.Mx, n, sd[0], shrinks[0]);
    regularisedCovariance(b.Cy, b.My, n, sd[1], shrinks[1]);
    inverseRoot(b.Wx, b.vx, b.Cx, b.wx, 'X');
    inverseRoot(b.Wy, b.vy, b.Cy, b.wy, 'Y');
    scaleInPlace(b.Mxy.data, sd[0], sd[1]);
    W.gemm(b.tmp, b.Wx, b.Mxy, false, false, c / (n - 1), 0);
    W.gemm(b.T, b.tmp, b.Wy);
    const info = W.svd(b.u, b.s, b.v, b.T, b.ws);
    if (info !== 0) throw new ConvergenceError(`bootstrap: the SVD of a ${this.p}×${this.q} whitened cross-covariance did not converge (code ${info})`);
    W.gemm(this.xw, b.Wx, this.#uk);
    W.gemm(this.yw, b.Wy, this.#vk);
    scaleInPlace(this.xw.data, sd[0], null);
    scaleInPlace(this.yw.data, sd[1], null);
    const s = b.s.data;
    for (let i = 0; i < this.corr.length; i++) this.corr[i] = Math.min(1, Math.max(0, s[i]!));
  }
}

/** Every wasm buffer of one resample's fit (n×p and n×q inputs; with `auto` the squared values and fourth-order sums), owned by `own`. */
function buffers(own: Owner['own'], n: number, p: number, q: number, auto: boolean) {
  const k0 = Math.min(p, q);
  const m = (r: number, c: number) => own(Matrix.empty(r, c));
  return {
    mx: m(1, p), my: m(1, q), xc: m(n, p), yc: m(n, q),
    z: auto ? m(n, p + q) : null, sq: auto ? m(n, p + q) : null, Q: auto ? m(p + q, p + q) : null,
    Mx: m(p, p), My: m(q, q), Mxy: m(p, q), Cx: m(p, p), Cy: m(q, q), Wx: m(p, p), Wy: m(q, q),
    vx: m(1, p), vy: m(1, q), wx: m(1, W.invSqrtWorkSize(p)), wy: m(1, W.invSqrtWorkSize(q)),
    tmp: m(p, q), T: m(p, q), u: m(p, k0), s: m(1, k0), v: m(q, k0), ws: m(1, W.svdWorkSize(p, q)),
  };
}

function inverseRoot(out: Matrix, values: Matrix, C: Matrix, work: Matrix, view: 'X' | 'Y') {
  const info = W.invSqrtSpd(out, values, C, work);
  if (info === 1) throw new ConvergenceError(`bootstrap: the eigen iteration did not converge for ${view}'s covariance in a resample`);
  if (info === 2) {
    const v = values.data;
    throw new SingularMatrixError(
      `bootstrap: ${view}'s covariance in a resample (${C.rows}×${C.rows}) is not positive definite (smallest eigenvalue ${v[C.rows - 1]!.toExponential(3)}, largest ${v[0]!.toExponential(3)}): a resample repeats rows, so it holds fewer distinct rows than the data. Add a ridge, e.g. new CCA({ regularization: 1e-4 })`,
    );
  }
}

/**
 * idx = n row indices drawn uniformly with replacement: each from two uniforms u1, u2 of the
 * in-wasm PRNG (exact f32 multiples of 2⁻²⁴, so h = 2²⁴u1 and l = 2²⁴u2 are 24-bit integers)
 * as ⌊(u1 + 2⁻²⁴u2)·n⌋ = ⌊(h·n + ⌊l·n/2²⁴⌋)/2²⁴⌋, in integers below 2⁵³ (exact, so the same
 * bits in every engine; each row's probability is within 2⁻⁴⁸ of 1/n).
 */
function drawRows(idx: Indices, uniforms: Tensor, rng: Rng) {
  const n = idx.length, T24 = 16777216;
  W.randomUniform(uniforms, 0, 1, rng);
  const u = uniforms.data, out = idx.values;
  for (let i = 0; i < n; i++) {
    const hi = u[2 * i]! * T24, lo = u[2 * i + 1]! * T24;
    out[i] = Math.floor((hi * n + Math.floor((lo * n) / T24)) / T24);
  }
}

/** The order statistic at probability `prob` of the sorted values (R's type 6: position (B + 1)·prob, linear between neighbours, clamped to the range). */
function quantile(sorted: Float64Array, prob: number): number {
  const B = sorted.length;
  let h = (B + 1) * prob;
  const r = Math.round(h);
  if (Math.abs(h - r) < 1e-9) h = r;
  if (h <= 1) return sorted[0]!;
  if (h >= B) return sorted[B - 1]!;
  const j = Math.floor(h), f = h - j;
  const a = sorted[j - 1]!, b = sorted[j]!;
  return f === 0 ? a : a + f * (b - a);
}

/**
 * The bias-corrected percentile interval (Efron 1981) of the sorted replicates s of an
 * estimate θ: z0 = Φ⁻¹(share of replicates below θ, ties counting half, kept within
 * [1/(2B), 1 − 1/(2B)]), bounds at the quantiles Φ(2z0 ∓ z) with z = Φ⁻¹(1 − α/2). z0 = 0
 * (θ the replicates' median) gives the percentile interval.
 */
function biasCorrected(s: Float64Array, theta: number, z: number): [number, number] {
  const B = s.length;
  const below = firstAtLeast(s, theta), ties = firstAbove(s, theta) - below;
  const share = Math.min(1 - 0.5 / B, Math.max(0.5 / B, (below + 0.5 * ties) / B));
  const z0 = normalQuantile(share);
  return [quantile(s, normalCdf(2 * z0 - z)), quantile(s, normalCdf(2 * z0 + z))];
}

/** The first index i with s[i] ≥ v (s sorted ascending). */
function firstAtLeast(s: Float64Array, v: number): number {
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index i with s[i] > v (s sorted ascending). */
function firstAbove(s: Float64Array, v: number): number {
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The bootstrap itself: `full(X, Y)` is the model's fit on all rows (the estimates and the
 * sign reference). X and Y are validated here.
 */
export function bootstrap(
  X: MatrixInput, Y: MatrixInput, model: BootstrapModel, options: { resamples: number; seed: number; level: number },
  full: (X: Matrix, Y: Matrix) => FullFit,
): BootstrapResult {
  const owner = new Owner(), own = owner.own;
  const releases: (() => void)[] = [];
  try {
    const bx = borrowMatrix(X, 'X');
    releases.push(bx.release);
    const by = borrowMatrix(Y, 'Y');
    releases.push(by.release);
    const x = bx.m, y = by.m, n = x.rows, p = x.cols, q = y.cols, k = model.components, B = options.resamples;
    if (y.rows !== n) throw new ShapeError('Y', `${n} rows (as X)`, `${y.rows} rows`);
    if (n < 3) throw new ShapeError('X', 'at least 3 rows to resample', `${n} row${n === 1 ? '' : 's'}`);
    if (k > Math.min(p, q)) throw new ValueError('options.components', `at most min(p, q) = min(${p}, ${q}) = ${Math.min(p, q)}`, k);
    const est = full(x, y);
    const refit = new Refit(own, n, p, q, model);
    // the sign reference: co-moments of the original rows and the full fit's weights
    refit.fit(x, y);
    const refX = new SignReference(own, refit.xMoments, est.xWeights), refY = new SignReference(own, refit.yMoments, est.yWeights);
    // [X Y] side by side (n×(p+q)), so that one gather serves both views of a resample
    const xy = own(Matrix.empty(n, p + q)), drawn = own(Matrix.empty(n, p + q));
    sideBySide(xy.data, x.data, y.data, n, p, q);
    const xs = drawn.viewCols(0, p), ys = drawn.viewCols(p, q);
    const idx = own(Indices.empty(n)), uniforms = own(Tensor.empty(1, 2 * n)), rng = own(Rng.create(options.seed));
    // replicates, one row of B per value: correlations (k), x-weights (p·k), y-weights (q·k)
    const rc = new Float64Array(k * B), rx = new Float64Array(p * k * B), ry = new Float64Array(q * k * B);
    const sign = new Float64Array(k);
    for (let b = 0; b < B; b++) {
      drawRows(idx, uniforms, rng);
      W.gatherRowsF64(drawn, xy, idx);
      refit.fit(xs, ys);
      const cx = refX.agreement(refit.xw), cy = refY.agreement(refit.yw);
      const xw = refit.xw.data, yw = refit.yw.data;
      for (let j = 0; j < k; j++) {
        sign[j] = cx[j]! + cy[j]! < 0 ? -1 : 1;
        rc[j * B + b] = refit.corr[j]!;
      }
      for (let i = 0; i < p * k; i++) rx[i * B + b] = sign[i % k]! * xw[i]!;
      for (let i = 0; i < q * k; i++) ry[i * B + b] = sign[i % k]! * yw[i]!;
    }
    const z = normalQuantile(1 - (1 - options.level) / 2);
    const bounds = (estimates: Float64Array, reps: Float64Array): [Float64Array, Float64Array] => {
      const count = estimates.length, lo = new Float64Array(count), hi = new Float64Array(count);
      for (let i = 0; i < count; i++) [lo[i], hi[i]] = biasCorrected(reps.subarray(i * B, (i + 1) * B).sort(), estimates[i]!, z);
      return [lo, hi];
    };
    const matrices = (w: MatrixResult, reps: Float64Array): BootstrapInterval<MatrixResult> => {
      const [lo, hi] = bounds(w.data, reps);
      return { estimate: w, lower: { data: lo, rows: w.rows, cols: w.cols }, upper: { data: hi, rows: w.rows, cols: w.cols } };
    };
    const correlations = est.all.slice(0, k);
    const [clo, chi] = bounds(correlations, rc);
    return {
      level: options.level,
      resamples: B,
      correlations: { estimate: correlations, lower: clo, upper: chi },
      xWeights: matrices(est.xWeights, rx),
      yWeights: matrices(est.yWeights, ry),
    };
  } finally {
    owner.dispose();
    for (const r of releases.reverse()) r();
  }
}

/** out (n×(p+q)) = [x y] for row-major x (n×p) and y (n×q). */
function sideBySide(out: Float64Array, x: Float64Array, y: Float64Array, n: number, p: number, q: number) {
  for (let i = 0; i < n; i++) {
    out.set(x.subarray(i * p, (i + 1) * p), i * (p + q));
    out.set(y.subarray(i * q, (i + 1) * q), i * (p + q) + p);
  }
}

/**
 * The sign rule's reference for one view: the original rows' co-moments M (p×p, in wasm), the
 * full fit's weights w (p×k) and wⱼᵀMwⱼ per component, and a p×k buffer for M·wb.
 */
class SignReference {
  readonly #M: Matrix;
  readonly #G: Matrix;
  readonly #w: Float64Array;
  readonly #norms: Float64Array;
  readonly #num: Float64Array;
  readonly #den: Float64Array;
  readonly out: Float64Array;

  constructor(own: Owner['own'], M: Matrix, w: MatrixResult) {
    const p = w.rows, k = w.cols;
    this.#M = own(Matrix.empty(p, p));
    this.#M.data.set(M.data);
    this.#G = own(Matrix.empty(p, k));
    this.#w = w.data;
    this.#norms = new Float64Array(k);
    this.out = new Float64Array(k);
    const wm = own(Matrix.empty(p, k));
    wm.data.set(w.data);
    W.gemm(this.#G, this.#M, wm);
    this.#columnDots(this.#norms, this.#G.data, w.data);
    this.#num = new Float64Array(k);
    this.#den = new Float64Array(k);
  }

  /** out[j] = Σᵢ a[i][j]·b[i][j] per column j. */
  #columnDots(out: Float64Array, a: Float64Array, b: Float64Array): Float64Array {
    const k = out.length, p = a.length / k;
    out.fill(0);
    for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) out[j] = out[j]! + a[i * k + j]! * b[i * k + j]!;
    return out;
  }

  /**
   * out[j] = the correlation, on the original rows, between the variates of the resample's
   * weights wb (p×k, in wasm) and the full fit's: wbⱼᵀMwⱼ / √(wbⱼᵀMwbⱼ · wⱼᵀMwⱼ).
   */
  agreement(wb: Matrix): Float64Array {
    W.gemm(this.#G, this.#M, wb);
    const g = this.#G.data, b = wb.data;
    const num = this.#columnDots(this.#num, g, this.#w), den = this.#columnDots(this.#den, g, b);
    for (let j = 0; j < this.out.length; j++) this.out[j] = num[j]! / Math.sqrt(den[j]! * this.#norms[j]!);
    return this.out;
  }
}

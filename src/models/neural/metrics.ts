/**
 * Metrics for generated samples (the `metrics` namespace): conditional accuracy under a
 * classifier, Fréchet distance, kernel (MMD²) distance, k-NN precision/recall and
 * density/coverage, in f64 on the linear-algebra kernels. Sample sets are rows (any
 * accepted input); where a feature space is wanted, map them first with `features` (a
 * function or a Classifier's last hidden layer).
 */
import { Matrix, type MatrixInput, Rng, Indices, finiteAs, finiteResult, type MatrixResult } from '../../wasm/index.js';
import * as W from '../../wasm/index.js';
import { colMeans, covariance, eigh, matmul } from '../../linalg/ops.js';
import { ShapeError, ValueError } from '../../errors.js';
import { checkLabels, checkOptions } from '../../options.js';
import type { Classifier } from './classifier.js';

type Rows = MatrixResult;

// Powers are written as products: V8 may compute `x ** n` differently in its interpreter and
// its optimising compiler (and so between runtimes), products are exact IEEE operations.
const sq = (x: number) => x * x;

/** Rows as a JS-owned f64 block. */
function rows(x: MatrixInput, name: string): Rows {
  const m = Matrix.from(x, name);
  try {
    return { data: Float64Array.from(m.toShaped().data), rows: m.rows, cols: m.cols };
  } finally {
    m.dispose();
  }
}

/** A feature extractor: a function rows → features, or a Classifier (its last hidden layer). */
export type FeatureExtractor = ((x: MatrixInput) => MatrixInput) | Pick<Classifier, 'features'>;

/**
 * x mapped through the extractor (x itself without one)
 *
 * @example
 * ```ts
 * const f = metrics.features(samples, clf); // the Classifier's last hidden layer
 * ```
 */
export function features(x: MatrixInput, extractor?: FeatureExtractor): MatrixInput {
  if (!extractor) return x;
  if (typeof extractor === 'function') return extractor(x);
  if (typeof (extractor as Classifier).features === 'function') return (extractor as Classifier).features(x as never);
  throw new ValueError('extractor', 'a function rows → features or a Classifier', extractor);
}

/**
 * The share of samples that the classifier assigns to the class they were conditioned on
 *
 * @example
 * ```ts
 * const samples = gan.generate(ConditionalGAN.oneHot(labels, 10), { seed: 1 });
 * console.log(metrics.conditionalAccuracy(clf, samples, labels));
 * ```
 */
export function conditionalAccuracy(classifier: Pick<Classifier, 'predict'>, samples: MatrixInput, labels: ArrayLike<number>): number {
  if (!classifier || typeof classifier.predict !== 'function') throw new ValueError('classifier', 'a Classifier (an object with predict(samples))', classifier);
  const predicted = classifier.predict(samples as never);
  checkLabels(labels, predicted.length, null, 'labels');
  let hit = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) hit++;
  return hit / predicted.length;
}

/** A classifier of rows: a function rows → integer labels (it gets the rows as they were passed), or a Classifier (its predict). */
export type RowClassifier<X extends MatrixInput = MatrixInput> = ((x: X) => ArrayLike<number>) | Pick<Classifier, 'predict'>;

/** The labels `classifier` gives the rows of x (checked: one integer per row). */
function classify<X extends MatrixInput>(classifier: RowClassifier<X>, x: X, name: string, samples: string): ArrayLike<number> {
  const fn = typeof classifier === 'function' ? classifier : classifier && typeof classifier.predict === 'function' ? (r: MatrixInput) => classifier.predict(r as never) : null;
  if (!fn) throw new ValueError(name, 'a Classifier or a function rows → integer labels', classifier);
  const m = Matrix.from(x, samples);
  let n: number;
  try {
    n = m.rows;
  } finally {
    m.dispose();
  }
  const out = fn(x);
  if (!out || typeof (out as ArrayLike<number>).length !== 'number' || out.length !== n) throw new ValueError(`${name}(${samples})`, `${n} labels (one per row)`, out);
  for (let i = 0; i < n; i++) if (!Number.isInteger(out[i])) throw new ValueError(`${name}(${samples})[${i}]`, 'an integer label', out[i]);
  return out;
}

/**
 * Cross-coherence (Shi, Siddharth, Paige & Torr 2019; Sutter, Daunhawer & Vogt 2021): the
 * share of generated rows (a modality generated from the others) that a classifier assigns
 * to the class of the row they were generated from. The classifier sees what is passed: a
 * generated modality alone, or (as on the digits) the generated half joined to the given one.
 *
 * @example
 * ```ts
 * const [, bFromA] = vae.sample([A, null], { seed: 1 });
 * console.log(metrics.crossCoherence(classifierOfB, bFromA, labels)); // 1: every row of the right class
 * ```
 */
export function crossCoherence<X extends MatrixInput>(classifier: RowClassifier<X>, generated: X, labels: ArrayLike<number>): number {
  const predicted = classify(classifier, generated, 'classifier', 'generated');
  checkLabels(labels, predicted.length, null, 'labels');
  let hit = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) hit++;
  return hit / predicted.length;
}

/**
 * Joint coherence (the same papers): the share of jointly generated rows (every modality
 * sampled together, e.g. from the prior) whose modalities the classifiers, one per modality,
 * all assign to the same class.
 *
 * @example
 * ```ts
 * const [a, b] = vae.sample(1000, { seed: 2 }); // both views from the prior
 * console.log(metrics.jointCoherence([classifierOfA, classifierOfB], [a, b]));
 * ```
 */
export function jointCoherence<X extends MatrixInput>(classifiers: readonly RowClassifier<X>[], samples: readonly X[]): number {
  if (!Array.isArray(samples) || samples.length < 2) throw new ShapeError('samples', 'an array of at least 2 modalities (the same rows generated together)', Array.isArray(samples) ? `${samples.length}` : String(samples));
  if (!Array.isArray(classifiers) || classifiers.length !== samples.length) throw new ShapeError('classifiers', `${samples.length} classifiers (one per modality)`, Array.isArray(classifiers) ? `${classifiers.length}` : String(classifiers));
  const predicted = samples.map((x, j) => classify(classifiers[j]!, x, `classifiers[${j}]`, `samples[${j}]`));
  const n = predicted[0]!.length;
  predicted.forEach((p, j) => {
    if (p.length !== n) throw new ShapeError(`samples[${j}]`, `${n} rows (as samples[0])`, `${p.length} rows`);
  });
  if (n === 0) throw new ShapeError('samples[0]', 'at least 1 row', '0 rows');
  let same = 0;
  for (let i = 0; i < n; i++) if (predicted.every((p) => p[i] === predicted[0]![i])) same++;
  return same / n;
}

/** √S = V diag(√λ) Vᵀ of a symmetric positive semi-definite S (negative rounding eigenvalues clamped to 0), as (V diag(λ^¼))(V diag(λ^¼))ᵀ. */
function sqrtPsd(S: Matrix): Matrix {
  const { values, vectors } = eigh(S);
  try {
    const d = S.rows, v = vectors.toShaped().data, scaled = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) scaled[i * d + k] = v[i * d + k]! * Math.sqrt(Math.sqrt(Math.max(values[k]!, 0)));
    return matmul({ data: scaled, rows: d, cols: d }, { data: scaled, rows: d, cols: d }, { transposeB: true });
  } finally {
    vectors.dispose();
  }
}

/**
 * Fréchet distance between Gaussians fitted to a and b (rows of the same width):
 * ‖μa − μb‖² + tr Σa + tr Σb − 2 tr (√Σa Σb √Σa)^½, the trace of the square root taken
 * through the symmetric eigen kernel. Covariances use n − 1.
 *
 * @example
 * ```ts
 * console.log(metrics.frechetDistance(real, gan.generate(conditions, { seed: 1 }))); // 0: the same Gaussian
 * ```
 */
export function frechetDistance(a: MatrixInput, b: MatrixInput): number {
  return finiteAs(['a', 'b'], () => frechet(a, b));
}

function frechet(a: MatrixInput, b: MatrixInput): number {
  const A = Matrix.from(a, 'a');
  const held: Matrix[] = [A];
  try {
    const B = Matrix.from(b, 'b');
    held.push(B);
    if (A.cols !== B.cols) throw new ShapeError('b', `${A.cols} columns (as a)`, `${B.cols} columns`);
    if (A.rows < 2 || B.rows < 2) throw new ShapeError(A.rows < 2 ? 'a' : 'b', 'at least 2 rows', `${Math.min(A.rows, B.rows)} row`);
    const ma = colMeans(A), mb = colMeans(B);
    const Sa = covariance(A);
    held.push(Sa); // each as soon as it exists: the next call may throw
    const Sb = covariance(B);
    held.push(Sb);
    const r = sqrtPsd(Sa);
    held.push(r);
    const rS = matmul(r, Sb);
    held.push(rS);
    const M = matmul(rS, r);
    held.push(M);
    const { values, vectors } = eigh(M);
    vectors.dispose();
    let trSqrt = 0;
    for (const v of values) trSqrt += Math.sqrt(Math.max(v, 0));
    let dm = 0, tr = 0;
    const d = A.cols, sa = Sa.toShaped().data, sb = Sb.toShaped().data;
    for (let j = 0; j < d; j++) (dm += sq(ma[j]! - mb[j]!)), (tr += sa[j * d + j]! + sb[j * d + j]!);
    return dm + tr - 2 * trSqrt;
  } finally {
    for (const m of held) m.dispose();
  }
}

/** Options of kernelDistance: the random subsets. */
export interface KernelDistanceOptions {
  /** number of random subsets averaged (default 100) */
  subsets?: number;
  /** rows drawn from each set per subset, without replacement (default 1000, at most the smaller set) */
  subsetSize?: number;
  /** seed of the subsets (default 0) */
  seed?: number;
}

/**
 * Kernel distance (KID, Bińkowski et al. 2018): the unbiased MMD² between a and b with the
 * cubic polynomial kernel k(x, y) = (xᵀy / d + 1)³, averaged over random subsets;
 * `{ mean, std }` over the subsets.
 *
 * @example
 * ```ts
 * const { mean, std } = metrics.kernelDistance(real, fake, { subsets: 50, subsetSize: 500 });
 * ```
 */
export function kernelDistance(a: MatrixInput, b: MatrixInput, options: KernelDistanceOptions = {}): { mean: number; std: number } {
  return finiteAs(['a', 'b'], () => kid(a, b, options), 'kernel');
}

function kid(a: MatrixInput, b: MatrixInput, options: KernelDistanceOptions): { mean: number; std: number } {
  checkOptions(options, ['subsets', 'subsetSize', 'seed'], 'options');
  const A = rows(a, 'a'), B = rows(b, 'b');
  if (A.cols !== B.cols) throw new ShapeError('b', `${A.cols} columns (as a)`, `${B.cols} columns`);
  const subsets = options.subsets ?? 100, seed = options.seed ?? 0;
  if (!Number.isInteger(subsets) || subsets < 1) throw new ValueError('options.subsets', 'a positive integer', subsets);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValueError('options.seed', 'an integer in [0, 2³²)', seed);
  const m = Math.min(options.subsetSize ?? 1000, A.rows, B.rows);
  if (!Number.isInteger(m) || m < 2) throw new ValueError('options.subsetSize', 'an integer ≥ 2 (and both sets need 2 rows)', options.subsetSize ?? m);
  const d = A.cols;
  const rng = Rng.create(seed >>> 0), ia = Indices.empty(A.rows), ib = Indices.empty(B.rows);
  const values: number[] = [];
  try {
    for (let s = 0; s < subsets; s++) {
      W.shuffle(ia, rng);
      W.shuffle(ib, rng);
      const pick = (X: Rows, idx: Indices) => {
        const order = idx.toArray(), out = new Float64Array(m * d);
        for (let i = 0; i < m; i++) out.set(X.data.subarray(order[i]! * d, order[i]! * d + d), i * d);
        return { data: out, rows: m, cols: d };
      };
      values.push(mmd2(pick(A, ia), pick(B, ib)));
    }
  } finally {
    rng.dispose();
    ia.dispose();
    ib.dispose();
  }
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + sq(v - mean), 0) / values.length);
  return { mean, std };
}

/** Unbiased MMD² with the cubic polynomial kernel, Gram matrices by the GEMM kernel. */
function mmd2(X: Rows, Y: Rows): number {
  const m = X.rows, n = Y.rows, d = X.cols;
  const gram = (P: Rows, Q: Rows) => {
    const g = matmul(P, Q, { transposeB: true });
    try {
      // a plain loop: Float64Array.from(data, fn) goes through the iterator protocol (10× slower)
      const src = g.toShaped().data, out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const t = src[i]! / d + 1;
        out[i] = t * t * t;
      }
      return out;
    } finally {
      g.dispose();
    }
  };
  const kxx = gram(X, X), kyy = gram(Y, Y), kxy = gram(X, Y);
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) sxx += kxx[i * m + j]!;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) syy += kyy[i * n + j]!;
  for (let i = 0; i < m * n; i++) sxy += kxy[i]!;
  return sxx / (m * (m - 1)) + syy / (n * (n - 1)) - (2 * sxy) / (m * n);
}

/** Options of precisionRecall. */
export interface PrecisionRecallOptions {
  /** the k of the k-nearest-neighbour radii (default 3) */
  k?: number;
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union
 * of balls around its points reaching their k-th nearest neighbour in the same set;
 * precision is the share of fake rows inside the real manifold, recall the share of real
 * rows inside the fake one. Euclidean distances, by the GEMM kernel.
 *
 * @example
 * ```ts
 * const { precision, recall } = metrics.precisionRecall(real, fake, { k: 3 });
 * ```
 */
export function precisionRecall(real: MatrixInput, fake: MatrixInput, options: PrecisionRecallOptions = {}): { precision: number; recall: number } {
  return finiteAs(['real', 'fake'], () => manifolds(real, fake, options), 'distances');
}

function manifolds(real: MatrixInput, fake: MatrixInput, options: PrecisionRecallOptions): { precision: number; recall: number } {
  checkOptions(options, ['k'], 'options');
  const k = options.k ?? 3;
  const R = rows(real, 'real'), F = rows(fake, 'fake');
  if (R.cols !== F.cols) throw new ShapeError('fake', `${R.cols} columns (as real)`, `${F.cols} columns`);
  if (!Number.isInteger(k) || k < 1 || k >= Math.min(R.rows, F.rows)) throw new ValueError('options.k', `an integer in 1..${Math.min(R.rows, F.rows) - 1} (fewer than the rows of each set)`, k);
  const rr = radii(R, k), rf = radii(F, k);
  finiteResult([rr, rf], ['real', 'fake'], 'distances');
  return { precision: inside(F, R, rr), recall: inside(R, F, rf) };
}

/** Squared distances between the rows of P and Q (|P|×|Q|). */
function sqDistances(P: Rows, Q: Rows): Float64Array {
  const g = matmul(P, Q, { transposeB: true });
  try {
    const dot = g.toShaped().data, d = P.cols, np = P.rows, nq = Q.rows;
    const norm = (X: Rows, i: number) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += sq(X.data[i * d + j]!);
      return s;
    };
    const pn = Float64Array.from({ length: np }, (_, i) => norm(P, i)), qn = Float64Array.from({ length: nq }, (_, i) => norm(Q, i));
    const out = new Float64Array(np * nq);
    for (let i = 0; i < np; i++) for (let j = 0; j < nq; j++) out[i * nq + j] = Math.max(pn[i]! + qn[j]! - 2 * dot[i * nq + j]!, 0);
    return out;
  } finally {
    g.dispose();
  }
}

/** Squared distance of each row to its k-th nearest neighbour in its own set. */
function radii(X: Rows, k: number): Float64Array {
  const n = X.rows, D = sqDistances(X, X), out = new Float64Array(n);
  // the k smallest of each row but its own entry, kept sorted (k is small: O(n·k), not a sort of n)
  const best = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let have = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const v = D[i * n + j]!;
      if (have === k && v >= best[k - 1]!) continue;
      let at = have < k ? have++ : k - 1;
      while (at > 0 && best[at - 1]! > v) (best[at] = best[at - 1]!), at--;
      best[at] = v;
    }
    out[i] = best[k - 1]!;
  }
  return out;
}

/** Share of the rows of P inside some ball of Q (squared radii r). */
function inside(P: Rows, Q: Rows, r: Float64Array): number {
  const D = sqDistances(P, Q), nq = Q.rows;
  let hit = 0;
  for (let i = 0; i < P.rows; i++) {
    for (let j = 0; j < nq; j++) {
      if (D[i * nq + j]! <= r[j]!) {
        hit++;
        break;
      }
    }
  }
  return hit / P.rows;
}

/** Options of densityCoverage. */
export interface DensityCoverageOptions {
  /** the k of the real rows' k-nearest-neighbour radii (default 5, the paper's choice) */
  k?: number;
}

/**
 * Density and coverage (Naeem, Oh, Uh, Choi & Yoo 2020): each real row's ball reaches its
 * k-th nearest other real row (the radii of precisionRecall); density = (1/(kM)) Σ_j Σ_i
 * 1[fake_j in ball_i] (how many real balls a fake row sits in, over k: about 1 when the sets
 * match, above 1 where fakes crowd dense real regions), coverage = the share of real rows
 * whose ball holds at least one fake row. "In" is distance ≤ radius (a fake on the sphere
 * counts). Only the real rows' neighbourhoods are used, so fake outliers do not inflate
 * them. Euclidean distances by the GEMM kernel; real needs ≥ 2 rows, k in 1..N − 1.
 *
 * @example
 * ```ts
 * const { density, coverage } = metrics.densityCoverage(real, fake); // about 1 and 1 when they match
 * ```
 */
export function densityCoverage(real: MatrixInput, fake: MatrixInput, options: DensityCoverageOptions = {}): { density: number; coverage: number } {
  return finiteAs(['real', 'fake'], () => densityCoverageOf(real, fake, options), 'distances');
}

function densityCoverageOf(real: MatrixInput, fake: MatrixInput, options: DensityCoverageOptions): { density: number; coverage: number } {
  checkOptions(options, ['k'], 'options');
  const k = options.k ?? 5;
  const R = rows(real, 'real'), F = rows(fake, 'fake');
  if (R.cols !== F.cols) throw new ShapeError('fake', `${R.cols} columns (as real)`, `${F.cols} columns`);
  if (R.rows < 2) throw new ShapeError('real', 'at least 2 rows (each real row needs a nearest other real row)', `${R.rows} row`);
  if (!Number.isInteger(k) || k < 1 || k >= R.rows) throw new ValueError('options.k', `an integer in 1..${R.rows - 1} (fewer than the real rows)`, k);
  const r = radii(R, k);
  finiteResult([r], ['real', 'fake'], 'distances');
  const D = sqDistances(F, R), n = R.rows, m = F.rows;
  finiteResult([D], ['real', 'fake'], 'distances');
  const covered = new Uint8Array(n);
  let hits = 0;
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) {
      if (D[j * n + i]! <= r[i]!) (hits++), (covered[i] = 1);
    }
  }
  let c = 0;
  for (let i = 0; i < n; i++) c += covered[i]!;
  return { density: hits / (k * m), coverage: c / n };
}

/**
 * Per-class Fréchet distance (intra-FD) for label conditions: the Fréchet distance between
 * the generated and the real rows of each class (classes 0..max label), in class order.
 *
 * @example
 * ```ts
 * const perClass = metrics.intraFrechetDistance(real, realLabels, fake, fakeLabels); // one per class
 * ```
 */
export function intraFrechetDistance(real: MatrixInput, realLabels: ArrayLike<number>, fake: MatrixInput, fakeLabels: ArrayLike<number>): Float64Array {
  const R = rows(real, 'real'), F = rows(fake, 'fake');
  if (R.cols !== F.cols) throw new ShapeError('fake', `${R.cols} columns (as real)`, `${F.cols} columns`);
  checkLabels(realLabels, R.rows, null, 'realLabels');
  checkLabels(fakeLabels, F.rows, null, 'fakeLabels');
  let classes = 0;
  for (let i = 0; i < realLabels.length; i++) classes = Math.max(classes, realLabels[i]! + 1);
  const of = (X: Rows, labels: ArrayLike<number>, c: number) => {
    const idx: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === c) idx.push(i);
    const out = new Float64Array(idx.length * X.cols);
    idx.forEach((r, i) => out.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
    return { data: out, rows: idx.length, cols: X.cols };
  };
  // class by class: a gap stops it at once, before a large label could size anything
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    const a = of(R, realLabels, c), b = of(F, fakeLabels, c);
    if (a.rows < 2 || b.rows < 2) throw new ShapeError('realLabels, fakeLabels', `at least 2 real and 2 generated rows of every class 0..${classes - 1}`, `${a.rows} real, ${b.rows} generated of class ${c}`);
    out.push(finiteAs(['real', 'fake'], () => frechet(a, b)));
  }
  return Float64Array.from(out);
}

export { retrieval, type RetrievalOptions, type RetrievalResult } from './metrics_retrieval.js';

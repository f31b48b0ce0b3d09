/**
 * KernelCCA's answers that do not depend on column units: the standardisation of `scale`
 * (training column means and standard deviations, applied in fit and to new rows) and the
 * default γ, the median heuristic (γ = 1/median of the squared distances between rows).
 */
import * as W from '../../wasm/index.js';
import { Indices, Matrix, Rng, finiteResult, overflowError } from '../../wasm/index.js';

/** One view's standardisation: x ↦ (x − mean) / sd, column by column. */
export interface Standardisation {
  mean: Float64Array;
  sd: Float64Array;
}

/** Above this many rows the median heuristic looks at a draw of this many rows. */
export const MEDIAN_ROWS = 1000;
/** The seed of that draw (the in-wasm generator's shuffle, as the Nyström landmarks are drawn). */
export const MEDIAN_SEED = 1;

/**
 * The training columns' means and standard deviations (n − 1) of X; a constant column gets
 * sd 1. Sums in row order; the deviations are divided by their largest magnitude before
 * squaring (no overflow or underflow of the squares); a mean that overflows is a typed error
 * naming `name`.
 */
export function standardisation(X: Matrix, name: string): Standardisation {
  const n = X.rows, p = X.cols, d = X.data;
  const mean = new Float64Array(p), big = new Float64Array(p), ss = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let c = 0; c < p; c++) mean[c] = mean[c]! + d[i * p + c]!;
  for (let c = 0; c < p; c++) mean[c] = mean[c]! / n;
  for (let i = 0; i < n; i++) for (let c = 0; c < p; c++) big[c] = Math.max(big[c]!, Math.abs(d[i * p + c]! - mean[c]!));
  for (let i = 0; i < n; i++)
    for (let c = 0; c < p; c++) {
      const v = (d[i * p + c]! - mean[c]!) / big[c]!;
      ss[c] = ss[c]! + v * v;
    }
  const sd = ss.map((s, c) => (big[c]! > 0 ? big[c]! * Math.sqrt(s / (n - 1)) : 1));
  return finiteResult({ mean, sd }, [name], 'column means and standard deviations');
}

/** Standardises row-major rows of s.mean.length columns in place: v ← (v − mean) / sd. */
export function standardiseInPlace(rows: Float64Array, s: Standardisation): void {
  const p = s.mean.length, mean = s.mean, sd = s.sd;
  for (let i = 0; i < rows.length; i += p) for (let c = 0; c < p; c++) rows[i + c] = (rows[i + c]! - mean[c]!) / sd[c]!;
}

/** X standardised, as a new wasm matrix (the caller disposes it). */
export function standardised(X: Matrix, s: Standardisation): Matrix {
  const out = Matrix.from(X);
  standardiseInPlace(out.data, s);
  return out;
}

/**
 * The rows the median heuristic looks at: all of them (null) up to MEDIAN_ROWS, else
 * MEDIAN_ROWS distinct rows drawn by MEDIAN_SEED — the first MEDIAN_ROWS of the in-wasm
 * Fisher–Yates shuffle of 0..n−1 (xoshiro128** seeded by splitmix32, Lemire's bounded draws;
 * integer arithmetic, the same bits in every engine), ascending.
 */
export function medianRows(n: number): Uint32Array | null {
  if (n <= MEDIAN_ROWS) return null;
  const rng = Rng.create(MEDIAN_SEED), idx = Indices.empty(n);
  try {
    W.shuffle(idx, rng);
    return Uint32Array.from(idx.values.subarray(0, MEDIAN_ROWS)).sort();
  } finally {
    rng.dispose();
    idx.dispose();
  }
}

/**
 * The median heuristic: γ = 1/median of ‖xᵢ − xⱼ‖² over the pairs i < j of X's rows (`rows`
 * of them when given); 1 when the median is 0 (the rows all equal). Distances summed over
 * columns in order, the median of an even count the mean of the middle two.
 */
export function medianGamma(X: Matrix, rows: Uint32Array | null, name: string): number {
  const p = X.cols, all = X.data;
  const m = rows ? rows.length : X.rows;
  const r = new Float64Array(m * p);
  if (rows) for (let i = 0; i < m; i++) r.set(all.subarray(rows[i]! * p, rows[i]! * p + p), i * p);
  else r.set(all.subarray(0, m * p));
  const d = new Float64Array((m * (m - 1)) / 2);
  let t = 0;
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) {
      let s = 0;
      for (let c = 0; c < p; c++) {
        const v = r[i * p + c]! - r[j * p + c]!;
        s += v * v;
      }
      d[t++] = s;
    }
  d.sort();
  const h = d.length >> 1;
  const median = d.length % 2 ? d[h]! : 0.5 * d[h - 1]! + 0.5 * d[h]!;
  if (median === 0) return 1;
  const gamma = 1 / median;
  if (!Number.isFinite(median) || !Number.isFinite(gamma)) throw overflowError([name], 'median squared distance and its reciprocal γ');
  return gamma;
}

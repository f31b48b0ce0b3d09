/**
 * transform and score a bounded block of rows at a time, as fit streams its statistics: the
 * rows are copied into wasm memory one block at a time (rowSource), each block's variates go
 * into a JS-owned result, and score folds each block's co-moments of the variates into
 * mergeable per-component sums (Chan, Golub & LeVeque), so the wasm memory transform and score
 * hold does not grow with the row count. An input of one block takes the unblocked path
 * (the same bits as before blocks); more blocks agree with it to rounding.
 */
import { rowSource, type MatrixInput, type MatrixResult, type RowSource } from '../../wasm/index.js';
import { CoMoments } from '../../linalg/comoments.js';
import { ShapeError } from '../../errors.js';

/** Rows per transform / score block for inputs of `cols` columns in all: as fit's (about 8 MiB of input per block). */
export function blockRows(cols: number): number {
  return CoMoments.blockRows(cols, 0);
}

/**
 * An n×k result filled a block at a time: `fn(start, count)` gives the rows start…start+count−1.
 * One block (n ≤ step) returns fn's result itself.
 */
export function fillRows(n: number, k: number, step: number, fn: (start: number, count: number) => MatrixResult): MatrixResult {
  if (n <= step) return fn(0, n);
  const data = new Float64Array(n * k);
  for (let start = 0; start < n; start += step) data.set(fn(start, Math.min(step, n - start)).data, start * k);
  return { data, rows: n, cols: k };
}

/**
 * Per component c, the centred co-moments Σ (uₐ − ūₐ)(u_b − ū_b) of the m views' variates
 * (column c of each), merged block by block.
 */
export class VariateMoments {
  n = 0;
  /** ūₐ of component c at [a·k + c] */
  readonly mean: Float64Array;
  /** the m×m co-moments of component c at [c·m·m + a·m + b] */
  readonly M: Float64Array;

  constructor(readonly m: number, readonly k: number) {
    this.mean = new Float64Array(m * k);
    this.M = new Float64Array(k * m * m);
  }

  /** Adds `count` rows: u[a] holds view a's count×k variates (row-major). */
  add(u: readonly Float64Array[], count: number): void {
    if (count === 0) return;
    const { m, k } = this, mu = new Float64Array(m * k), C = new Float64Array(k * m * m), d = new Float64Array(m);
    for (let a = 0; a < m; a++) {
      const x = u[a]!;
      for (let r = 0; r < count; r++) for (let c = 0; c < k; c++) mu[a * k + c] = mu[a * k + c]! + x[r * k + c]!;
    }
    for (let i = 0; i < m * k; i++) mu[i] = mu[i]! / count;
    for (let r = 0; r < count; r++)
      for (let c = 0; c < k; c++) {
        for (let a = 0; a < m; a++) d[a] = u[a]![r * k + c]! - mu[a * k + c]!;
        for (let a = 0; a < m; a++) for (let b = a; b < m; b++) C[c * m * m + a * m + b] = C[c * m * m + a * m + b]! + d[a]! * d[b]!;
      }
    const na = this.n, n = na + count, w = (na * count) / n;
    for (let c = 0; c < k; c++) {
      for (let a = 0; a < m; a++) d[a] = mu[a * k + c]! - this.mean[a * k + c]!;
      for (let a = 0; a < m; a++)
        for (let b = a; b < m; b++) {
          const i = c * m * m + a * m + b;
          this.M[i] = this.M[i]! + C[i]! + w * d[a]! * d[b]!;
        }
      for (let a = 0; a < m; a++) this.mean[a * k + c] = this.mean[a * k + c]! + (d[a]! * count) / n;
    }
    this.n = n;
  }

  /** Pearson correlation of views a < b in each component (0 where either is constant). */
  correlation(a: number, b: number): Float64Array {
    const { m, k } = this, out = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const o = c * m * m, saa = this.M[o + a * m + a]!, sbb = this.M[o + b * m + b]!;
      out[c] = saa > 0 && sbb > 0 ? this.M[o + a * m + b]! / (Math.sqrt(saa) * Math.sqrt(sbb)) : 0;
    }
    return out;
  }

  /** Per component, the mean over view pairs of their correlation. */
  meanPairwise(): Float64Array {
    const { m, k } = this, out = new Float64Array(k);
    for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) this.correlation(a, b).forEach((r, c) => (out[c] = out[c]! + r));
    for (let c = 0; c < k; c++) out[c] = out[c]! / ((m * (m - 1)) / 2);
    return out;
  }
}

/**
 * Runs `fn` on the given views (null: missing) as row sources, checked against the fit's
 * column counts and against each other's row count, released after.
 */
export function withViewRows<T>(views: readonly (MatrixInput | null)[], dims: readonly number[], fn: (sources: (RowSource | null)[], n: number) => T): T {
  const sources: (RowSource | null)[] = [];
  try {
    let n = -1;
    for (const [i, v] of views.entries()) {
      if (v === null) {
        sources.push(null);
        continue;
      }
      const s = rowSource(v, `views[${i}]`);
      sources.push(s);
      if (s.cols !== dims[i]) throw new ShapeError(`views[${i}]`, `${dims[i]} columns (as in fit)`, `${s.cols} columns`);
      if (n >= 0 && s.rows !== n) throw new ShapeError(`views[${i}]`, `${n} rows (as the other views)`, `${s.rows} rows`);
      n = s.rows;
    }
    return fn(sources, n);
  } finally {
    for (const s of sources) s?.release();
  }
}

/**
 * The transform paths of the two-view linear models: canonical variates (X − means)·weights
 * into JS-owned results, the held-out correlation of each pair, and `eachView`, the null-aware
 * two-view call every two-view model's transform goes through.
 */
import * as W from '../../wasm/index.js';
import { rowBlocks, rowSource, withScratch, type Matrix, type MatrixInput, type MatrixResult, type RowSource, type Scratch } from '../../wasm/index.js';
import { ShapeError, ValueError } from '../../errors.js';
import { VariateMoments, blockRows, fillRows } from './stream.js';

/**
 * A two-view transform: `one` maps each given view (null in, null out; not both null), and the
 * two results must have the same rows. Shared by every two-view model.
 */
export function eachView(X: MatrixInput | null, Y: MatrixInput | null, one: (input: MatrixInput, name: 'X' | 'Y') => MatrixResult): [MatrixResult | null, MatrixResult | null] {
  if (X === null && Y === null) throw new ValueError('X, Y', 'at least one view', 'null and null');
  const u = X === null ? null : one(X, 'X');
  const v = Y === null ? null : one(Y, 'Y');
  if (u && v && u.rows !== v.rows) throw new ShapeError('Y', `${u.rows} rows (as X)`, `${v.rows} rows`);
  return [u, v];
}

/** A wasm matrix copied out into a JS-owned result. */
export function copyOut(m: Matrix): MatrixResult {
  return { data: m.toFloat64Array(), rows: m.rows, cols: m.cols };
}

/** dst (n×k) = (X − means)·weights, scratch from the caller's scope. */
export function projectInto(dst: Matrix, X: Matrix, means: Float64Array, weights: Matrix, s: Scratch) {
  const mean = s.matrix(1, X.cols), xc = s.matrix(X.rows, X.cols);
  mean.data.set(means);
  W.center(xc, X, mean);
  W.gemm(dst, xc, weights);
}

/** (input − means)·weights as a JS-owned result, a block of rows at a time (stream.ts); `name` is the argument the errors name. */
export function project(input: MatrixInput, name: string, means: Float64Array, weights: Matrix): MatrixResult {
  return withSource(input, name, (x) => projectRows(x, name, means, weights));
}

/** project on a row source. */
export function projectRows(x: RowSource, name: string, means: Float64Array, weights: Matrix): MatrixResult {
  if (x.cols !== weights.rows) throw new ShapeError(name, `${weights.rows} columns (as in fit)`, `${x.cols} columns`);
  return fillRows(x.rows, weights.cols, blockRows(x.cols), (start, count) =>
    withScratch((s) => {
      const out = s.matrix(count, weights.cols);
      projectInto(out, x.block(start, count), means, weights, s);
      return out.toShaped();
    }),
  );
}

/** What the held-out correlations need of a fit: its means and weights (p×k, q×k). */
export interface TwoViewWeights {
  xMeans: Float64Array;
  yMeans: Float64Array;
  xWeights: Matrix;
  yWeights: Matrix;
}

/**
 * Pearson correlation of each pair of canonical variates on (X, Y), in training component
 * order (not re-sorted), for the first `k` components. A block of rows at a time: one block
 * correlates its variates directly, more merge each block's co-moments of them (stream.ts).
 */
export function heldOutCorrelations(f: TwoViewWeights, k: number, X: MatrixInput, Y: MatrixInput): Float64Array {
  return withSources(X, Y, (x, y) => heldOutRows(f, k, x, y));
}

/** heldOutCorrelations on row sources (their columns those of the weights' rows). */
export function heldOutRows(f: TwoViewWeights, k: number, x: RowSource, y: RowSource): Float64Array {
  const p = f.xWeights.rows, q = f.yWeights.rows;
  if (x.cols !== p) throw new ShapeError('X', `${p} columns (as in fit)`, `${x.cols} columns`);
  if (y.cols !== q) throw new ShapeError('Y', `${q} columns (as in fit)`, `${y.cols} columns`);
  if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
  if (x.rows < 2) throw new ShapeError('X', 'at least 2 rows to correlate', `${x.rows} row`);
  const n = x.rows, step = blockRows(p + q), acc = new VariateMoments(2, k);
  for (const [start, count] of rowBlocks(n, step)) {
    const r = withScratch((s) => {
      const u = s.matrix(count, k), v = s.matrix(count, k), out = s.matrix(1, k);
      projectInto(u, x.block(start, count), f.xMeans, f.xWeights, s);
      projectInto(v, y.block(start, count), f.yMeans, f.yWeights, s);
      if (n <= step) {
        W.colCorr(out, u, v);
        return out.toFloat64Array();
      }
      acc.add([u.toFloat64Array(), v.toFloat64Array()], count);
      return null;
    });
    if (r) return r;
  }
  return acc.correlation(0, 1);
}

/**
 * Runs `fn` with X and Y as row sources of the statistics' block size: a JS input is
 * validated whole but copied into wasm memory a block at a time, so the peak memory of a
 * fit does not grow with the row count.
 */
export function withSources<T>(X: MatrixInput, Y: MatrixInput, fn: (x: RowSource, y: RowSource) => T): T {
  return withSource(X, 'X', (x) => withSource(Y, 'Y', (y) => fn(x, y)));
}

/** One input as a row source for `fn` (errors name `name`), released after. */
export function withSource<T>(input: MatrixInput, name: string, fn: (x: RowSource) => T): T {
  const x = rowSource(input, name);
  try {
    return fn(x);
  } finally {
    x.release();
  }
}

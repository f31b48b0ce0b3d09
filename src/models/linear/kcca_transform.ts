/**
 * KernelCCA's transform paths: the variates of new rows, k(rows, basis)·coef − offset a block
 * of rows at a time (rows and basis standardised first when the fit has `scale`), and the
 * Pearson correlation of each pair (the held-out score).
 */
import * as W from '../../wasm/index.js';
import { overflowError, rowBlocks, rowSource, withScratch, type Matrix, type MatrixInput, type MatrixResult } from '../../wasm/index.js';
import { ShapeError } from '../../errors.js';
import { BLOCK, gram, type Spec } from './kcca_gram.js';
import type { Fit } from './kcca_fit.js';
import { standardiseInPlace } from './kcca_scale.js';
import { withSources } from './cca_transform.js';
import { VariateMoments, blockRows } from './stream.js';

/**
 * The variates of new rows of one view: k(rows, basis)·coef − offset, a block of rows at a
 * time; with the fit's standardisation, of the standardised rows and basis (computed as in
 * fit: the same bits).
 */
export function variates(input: MatrixInput, name: string, f: Fit, side: 0 | 1, spec: Spec, k: number): MatrixResult {
  const p = f.dims[side];
  const src = rowSource(input, name);
  try {
    if (src.cols !== p) throw new ShapeError(name, `${p} columns (as in fit)`, `${src.cols} columns`);
    const n = src.rows, out = new Float64Array(n * k), off = f.offset[side];
    return withScratch((s) => {
      const basis = s.matrix(f.nb, p), coef = s.matrix(f.nb, k);
      const scaling = f.scaling?.[side];
      basis.data.set(f.basis[side]);
      if (scaling) standardiseInPlace(basis.data, scaling);
      coef.data.set(f.coef[side]);
      const step = Math.max(1, Math.floor(BLOCK / f.nb));
      for (let start = 0; start < n; start += step) {
        const count = Math.min(step, n - start);
        let block = src.block(start, count);
        if (scaling) {
          // a copy: the block may be the caller's own matrix
          const z = s.matrix(count, p), zd = z.data;
          zd.set(block.data.subarray(0, count * p));
          standardiseInPlace(zd, scaling);
          if (!zd.every(Number.isFinite)) throw overflowError([name], 'standardised rows');
          block = z;
        }
        const K = gram(block, basis, spec, name);
        try {
          const u = s.matrix(count, k);
          W.gemm(u, K, coef);
          const d = u.data;
          for (let i = 0; i < count; i++) for (let j = 0; j < k; j++) out[(start + i) * k + j] = d[i * k + j]! - off[j]!;
          u.dispose();
        } finally {
          K.dispose();
          if (scaling) block.dispose();
        }
      }
      return { data: out, rows: n, cols: k };
    });
  } finally {
    src.release();
  }
}

/**
 * The held-out score: Pearson correlation of each pair of variates on (X, Y), a block of rows
 * at a time (`one` maps a block of one view): one block correlates its variates directly
 * (columnCorrelations), more merge each block's co-moments of them (stream.ts).
 */
export function scoreVariates(X: MatrixInput, Y: MatrixInput, dims: readonly [number, number], k: number, one: (block: Matrix, name: 'X' | 'Y') => MatrixResult): Float64Array {
  return withSources(X, Y, (x, y) => {
    if (x.cols !== dims[0]) throw new ShapeError('X', `${dims[0]} columns (as in fit)`, `${x.cols} columns`);
    if (y.cols !== dims[1]) throw new ShapeError('Y', `${dims[1]} columns (as in fit)`, `${y.cols} columns`);
    if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
    if (x.rows < 2) throw new ShapeError('X', 'at least 2 rows to correlate', `${x.rows} row`);
    const n = x.rows, step = blockRows(x.cols + y.cols), acc = new VariateMoments(2, k);
    for (const [start, count] of rowBlocks(n, step)) {
      const u = one(x.block(start, count), 'X'), v = one(y.block(start, count), 'Y');
      if (n <= step) return columnCorrelations(u, v);
      acc.add([u.data, v.data], count);
    }
    return acc.correlation(0, 1);
  });
}

/** Pearson correlation of matching columns of u and v (0 for a constant column). */
export function columnCorrelations(u: MatrixResult, v: MatrixResult): Float64Array {
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

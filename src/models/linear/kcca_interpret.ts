/**
 * What KernelCCA says about its views beyond the variates (issue 35), and what it cannot:
 * - structure correlations on the rows given: each column of X and Y with each kept variate
 *   U = k(x, basis)·coef − offset and V (own and cross), a block of rows at a time;
 * - explained variance (the mean over a view's columns of their squared correlation with its
 *   own variate) and the Stewart–Love redundancy (explained variance × ρ²) on the training
 *   rows, which an exact fit keeps (its basis); a Nyström fit keeps only its landmarks;
 * - no predict or inverseTransform: the variates are functions of the kernel features, and
 *   kernel CCA defines no map back from them to the input space (a pre-image).
 */
import { rowBlocks, type Matrix, type MatrixInput, type MatrixResult } from '../../wasm/index.js';
import { ShapeError, UnsupportedError } from '../../errors.js';
import { finiteResult } from '../../wasm/index.js';
import { withSources } from './cca_transform.js';
import { CrossMoments } from './structure.js';
import { blockRows } from './stream.js';
import type { Fit } from './kcca_fit.js';
import type { StructureCorrelations } from './cca_interpret.js';


/** The error of predict and inverseTransform. */
export function noPreImage(method: 'predict' | 'inverseTransform'): UnsupportedError {
  const what = method === 'predict' ? 'predict(X) would map X through the variates to Y' : 'inverseTransform(U, V) would map variates back to X and Y';
  return new UnsupportedError(
    `KernelCCA.${method}: not defined. ${what}, and kernel CCA's variates are functions of kernel features with no map back to the input space (a pre-image); ` +
      "for predictions use CCA's predict (linear), PLSRegression, or a model with a decoder (MultimodalAutoencoder's reconstruct); KernelCCA gives transform, score, structureCorrelations and, for an exact fit, explainedVariance and redundancy",
  );
}

/**
 * Structure correlations of (X, Y) with their variates, in CCA's shape (x.own p×k with U,
 * x.cross with V, y.own q×k with V, y.cross with U), a block of rows at a time; `one` maps a
 * block of one view to its variates (the model's transform).
 */
export function kernelStructure(X: MatrixInput, Y: MatrixInput, dims: readonly [number, number], k: number, one: (block: Matrix, name: 'X' | 'Y') => MatrixResult): StructureCorrelations {
  return withSources(X, Y, (x, y) => {
    const [p, q] = dims;
    if (x.cols !== p) throw new ShapeError('X', `${p} columns (as in fit)`, `${x.cols} columns`);
    if (y.cols !== q) throw new ShapeError('Y', `${q} columns (as in fit)`, `${y.cols} columns`);
    if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
    if (x.rows < 2) throw new ShapeError('X', 'at least 2 rows to correlate', `${x.rows} row`);
    const acc = new CrossMoments(p + q, 2 * k), P = p + q;
    for (const [start, count] of rowBlocks(x.rows, blockRows(P))) {
      const xb = x.block(start, count), u = one(xb, 'X');
      const yb = y.block(start, count), v = one(yb, 'Y');
      // the columns side by side and [U, V], read after every allocation of this block
      const cols = new Float64Array(count * P), uv = new Float64Array(count * 2 * k), xd = xb.data, yd = yb.data;
      for (let r = 0; r < count; r++) {
        cols.set(xd.subarray(r * p, r * p + p), r * P);
        cols.set(yd.subarray(r * q, r * q + q), r * P + p);
        uv.set(u.data.subarray(r * k, r * k + k), r * 2 * k);
        uv.set(v.data.subarray(r * k, r * k + k), r * 2 * k + k);
      }
      acc.add(cols, uv, count);
    }
    const m = (a0: number, rows: number, b0: number): MatrixResult => ({ data: acc.correlations(a0, rows, b0, k), rows, cols: k });
    return finiteResult({ x: { own: m(0, p, 0), cross: m(0, p, k) }, y: { own: m(p, q, k), cross: m(p, q, 0) } }, ['X', 'Y'], 'structure correlations');
  });
}

/** explainedVariance of an exact fit: on its training rows (the basis), the mean over each view's columns of own². */
export function kernelExplained(f: Fit, k: number, one: (block: Matrix, name: 'X' | 'Y') => MatrixResult): { x: Float64Array; y: Float64Array } {
  if (f.landmarks)
    throw new UnsupportedError(
      `KernelCCA.explainedVariance: a Nyström fit keeps only its ${f.nb} landmark rows, not the ${f.n} training rows the shares are taken over; ` +
        "call structureCorrelations(X, Y) on the training rows (the share of component j is the mean over a view's columns of own[·, j]²), or fit with approximation 'exact' (up to 5000 rows)",
    );
  const s = kernelStructure({ data: f.basis[0], rows: f.nb, cols: f.dims[0] }, { data: f.basis[1], rows: f.nb, cols: f.dims[1] }, f.dims, k, one);
  const mean = (r: MatrixResult) => {
    const out = new Float64Array(k);
    for (let a = 0; a < r.rows; a++) for (let c = 0; c < k; c++) out[c] = out[c]! + r.data[a * k + c]! ** 2 / r.rows;
    return out;
  };
  return { x: mean(s.x.own), y: mean(s.y.own) };
}

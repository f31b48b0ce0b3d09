/**
 * The arithmetic CCA's fits share (CCA.fit and partialFit, the bootstrap's resamples,
 * cross-validation), written once so that every route gives the same bits: the columns'
 * standard deviations of `scale`, the standardisation itself, and the regularised covariance
 * (a ridge, or Ledoit–Wolf's shrinkage toward μI) from a co-moment matrix.
 */
import type { Matrix } from '../../wasm/index.js';

/** sd[i] = the standard deviation (n − 1) of column i from the p×p co-moments M; a constant column gets 1. */
export function columnScales(M: Float64Array, n: number, sd: Float64Array = new Float64Array(Math.round(Math.sqrt(M.length)))): Float64Array {
  const p = sd.length;
  for (let i = 0; i < p; i++) sd[i] = Math.sqrt(M[i * p + i]! / (n - 1)) || 1;
  return sd;
}

/** a[i][j] /= r[i]·c[j] in place (c null: columns unscaled), a row-major with r.length rows. */
export function scaleInPlace(a: Float64Array, r: Float64Array, c: Float64Array | null): Float64Array {
  const rows = r.length, cols = a.length / rows;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[i * cols + j] = a[i * cols + j]! / (r[i]! * (c ? c[j]! : 1));
  return a;
}

/**
 * C = M/(n − 1) + rI (ridge r), or with `delta` C = (1 − δ)M/(n − 1) + δμI, μ the mean
 * variance (Ledoit–Wolf); M standardised by sd first when given.
 */
export function regularisedCovariance(C: Matrix, M: Matrix, n: number, sd: Float64Array | null, shrink: { ridge: number } | { delta: number }): void {
  const dim = C.rows, d = C.data, scale = 1 / (n - 1);
  d.set(M.data);
  if (sd) scaleInPlace(d, sd, sd);
  if ('ridge' in shrink) {
    for (let i = 0; i < d.length; i++) d[i] = d[i]! * scale;
    for (let i = 0; i < dim; i++) d[i * dim + i] = d[i * dim + i]! + shrink.ridge;
    return;
  }
  const delta = shrink.delta;
  let tr = 0;
  for (let i = 0; i < dim; i++) tr += d[i * dim + i]!;
  const mu = (tr * scale) / dim;
  for (let i = 0; i < d.length; i++) d[i] = (1 - delta) * d[i]! * scale;
  for (let i = 0; i < dim; i++) d[i * dim + i] = d[i * dim + i]! + delta * mu;
}

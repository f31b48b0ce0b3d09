/**
 * CCA's solve from co-moments: whiten each view with (Σ + rI)^-1/2 (or the Ledoit–Wolf shrunk
 * Σ), take the thin SVD of the whitened cross-covariance T = Wx·Σxy·Wy = U·diag(ρ)·Vᵀ; the
 * canonical correlations are ρ (descending), the weights Wx·U and Wy·V, signs by one rule.
 */
import * as W from '../../wasm/index.js';
import { Matrix, withScratch } from '../../wasm/index.js';
import { ledoitWolf, type CoMoments, type ViewMoments } from '../../linalg/comoments.js';
import { invSqrt, svd } from '../../linalg/ops.js';
import { SingularMatrixError, ValueError } from '../../errors.js';
import { columnScales, regularisedCovariance, scaleInPlace } from './cca_core.js';
import type { Regularization } from './cca_options.js';

/** A solved CCA: what the model keeps (the weights are its own wasm matrices). */
export interface CCAFit {
  n: number;
  xWeights: Matrix;
  yWeights: Matrix;
  xMeans: Float64Array;
  yMeans: Float64Array;
  all: Float64Array;
  shrinkage: [number, number] | null;
}

/**
 * Solves from the statistics with the ridge `reg` (a ridge, a pair or 'auto'; a 'cv' model
 * passes the ridge cross-validation chose) for `components` pairs; with `scale` on
 * standardised columns, the weights returned for the raw ones.
 */
export function solveCCA(s: CoMoments, components: number, reg: Exclude<Regularization, 'cv'>, standardise: boolean): CCAFit {
  const n = s.n, p = s.p, q = s.q, k = components, k0 = Math.min(p, q);
  const scale = 1 / (n - 1);
  let shrinkage: [number, number] | null = null;
  const owned: Matrix[] = [];
  const take = (m: Matrix) => (owned.push(m), m);
  try {
    const Cxx = take(Matrix.empty(p, p)), Cyy = take(Matrix.empty(q, q));
    // with `scale`, every co-moment is divided by the two columns' standard deviations
    const sdx = standardise ? columnScales(s.x.M.data, n) : null, sdy = standardise ? columnScales(s.y.M.data, n) : null;
    const prep = (C: Matrix, v: ViewMoments, r: number | null): number | null => {
      const sd = v === s.x ? sdx : sdy;
      if (r !== null) {
        regularisedCovariance(C, v.M, n, sd, { ridge: r });
        return null;
      }
      if (Number.isNaN(v.s4))
        throw new ValueError('regularization', "a ridge for these statistics: some came from fromMoments (or a file of them), which carry no fourth moments, and Ledoit–Wolf ('auto') needs them", 'auto');
      const { delta } = ledoitWolf(v, n);
      regularisedCovariance(C, v.M, n, sd, { delta });
      return delta;
    };
    const [rx, ry] = reg === 'auto' ? [null, null] : Array.isArray(reg) ? reg : [reg, reg];
    const dx = prep(Cxx, s.x, rx), dy = prep(Cyy, s.y, ry);
    if (reg === 'auto') shrinkage = [dx!, dy!];
    const Wx = take(whiten(Cxx, 'X', rx, dx, n));
    const Wy = take(whiten(Cyy, 'Y', ry, dy, n));
    const T = take(Matrix.empty(p, q));
    withScratch((sc) => {
      const tmp = sc.matrix(p, q);
      let Mxy = s.Mxy;
      if (sdx && sdy) {
        Mxy = sc.matrix(p, q);
        Mxy.data.set(s.Mxy.data);
        scaleInPlace(Mxy.data, sdx, sdy);
      }
      W.gemm(tmp, Wx, Mxy, false, false, scale, 0);
      W.gemm(T, tmp, Wy);
    });
    const dec = svd(T);
    owned.push(dec.u, dec.v);
    const xWeights = take(Matrix.empty(p, k)), yWeights = take(Matrix.empty(q, k));
    // the first k singular vectors (column-block views of U and V)
    W.gemm(xWeights, Wx, dec.u.viewCols(0, k));
    W.gemm(yWeights, Wy, dec.v.viewCols(0, k));
    // weights for the raw columns: row i divided by its column's standard deviation
    if (sdx && sdy) for (const [w, sd] of [[xWeights, sdx], [yWeights, sdy]] as const) scaleInPlace(w.data, sd, null);
    orientSigns(xWeights, yWeights);
    const all = new Float64Array(k0);
    for (let i = 0; i < k0; i++) all[i] = Math.min(1, Math.max(0, dec.s[i]!));
    owned.splice(owned.indexOf(xWeights), 1);
    owned.splice(owned.indexOf(yWeights), 1);
    return { n, xWeights, yWeights, xMeans: s.x.mean.slice(), yMeans: s.y.mean.slice(), all, shrinkage };
  } finally {
    for (const m of owned) m.dispose();
  }
}

/** C^(-1/2); a singular C gets a hint for its regularization (ridge null: Ledoit–Wolf chose delta). */
function whiten(C: Matrix, view: 'X' | 'Y', ridge: number | null, delta: number | null, n: number): Matrix {
  try {
    return invSqrt(C, `${view}'s covariance`).matrix;
  } catch (e) {
    if (e instanceof SingularMatrixError) {
      const hint =
        ridge === 0
          ? `; it has constant or collinear columns (or fewer rows than columns). Add a ridge, e.g. new CCA({ regularization: 1e-4 }) or regularization: 'auto'`
          : ridge === null
            ? `; Ledoit–Wolf chose the shrinkage δ = ${delta} from ${n} rows (with 2 rows it is always 0: the two centred rows are opposite). Use a ridge instead, e.g. new CCA({ regularization: 1e-4 })`
            : `; use a larger ridge`;
      throw new SingularMatrixError(`${view}: ${e.message}${hint}`);
    }
    throw e;
  }
}

/** Sign rule: in each component, the x-weight of largest magnitude is positive (ties: first). */
function orientSigns(xw: Matrix, yw: Matrix) {
  const a = xw.data, b = yw.data, k = xw.cols;
  for (let j = 0; j < k; j++) {
    let best = 0, bi = 0;
    for (let i = 0; i < xw.rows; i++) {
      const v = Math.abs(a[i * k + j]!);
      if (v > best) (best = v), (bi = i);
    }
    if (a[bi * k + j]! < 0) {
      for (let i = 0; i < xw.rows; i++) a[i * k + j] = -a[i * k + j]!;
      for (let i = 0; i < yw.rows; i++) b[i * k + j] = -b[i * k + j]!;
    }
  }
}

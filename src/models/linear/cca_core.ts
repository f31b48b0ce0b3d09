/**
 * The arithmetic CCA's fits share (CCA.fit and partialFit, the bootstrap's resamples,
 * cross-validation), written once so that every route gives the same bits: the columns'
 * standard deviations, the standardisation itself, the unit-free shrinkage intensity of
 * regularization 'auto' (Schäfer & Strimmer), and the regularised covariance of a view.
 *
 * Every solve works on equilibrated columns (each divided by the square root of its
 * regularised variance, the weights divided back at the end; van der Sluis' scaling): the
 * canonical correlations do not change, but the matrix a solve factors has a unit diagonal,
 * so its condition number does not depend on the columns' units (raw tables with columns from
 * 0.1 to 1,600 have covariance condition numbers of 10¹⁰ and more, and rounding errors to
 * match).
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
 * The Schäfer–Strimmer (2005) intensity λ ∈ [0, 1] of shrinking correlations toward 0 (target
 * D: the variances kept), estimated on the standardised columns of the co-moments M (P×P; for
 * CCA those of the joined views [X, Y], so the cross-correlations count): with r̂ᵢⱼ the
 * sample correlations and wᵢⱼ the products of standardised centred values,
 *   λ = Σᵢ≠ⱼ Var(r̂ᵢⱼ) / Σᵢ≠ⱼ r̂ᵢⱼ²  =  (n·Σ bᵢⱼ − Σ aᵢⱼ) / ((n − 1)·Σ aᵢⱼ)
 * with aᵢⱼ = Mᵢⱼ²/(MᵢᵢMⱼⱼ) and bᵢⱼ = Qᵢⱼ/(MᵢᵢMⱼⱼ) from the co-moments M and the sums
 * Q = Σ yᵢ²yⱼ² of the centred values (corpcor's estimate.lambda). Ratios of the columns'
 * own scales, so λ does not depend on their units. Q is in units F (powers of two per
 * column, see CoMoments), M is brought to them, so nothing overflows for values near
 * 1e±100. Constant columns take no part; one column, or no correlation at all, gives 0.
 */
export function diagonalShrinkage(M: Float64Array, Q: Float64Array, n: number, F: Float64Array): number {
  const p = Math.round(Math.sqrt(M.length));
  let a = 0, b = 0;
  for (let i = 0; i < p; i++) {
    const mii = M[i * p + i]! / (F[i]! * F[i]!);
    if (!(mii > 0)) continue;
    for (let j = 0; j < i; j++) {
      const mjj = M[j * p + j]! / (F[j]! * F[j]!);
      if (!(mjj > 0)) continue;
      const r = M[i * p + j]! / (F[i]! * F[j]!) / Math.sqrt(mii) / Math.sqrt(mjj);
      a += r * r;
      b += Q[i * p + j]! / mii / mjj;
    }
  }
  if (!(a > 0)) return 0;
  const lambda = (n * b - a) / ((n - 1) * a);
  return Math.min(1, Math.max(0, lambda));
}

/** How a view's covariance is regularised: a ridge r (on the raw covariance, or with `scaled` on the standardised one) or the shrinkage λ of 'auto'. */
export type Shrink = { ridge: number; scaled: boolean } | { lambda: number };

/**
 * The equilibration of a view: eᵢ = √(Mᵢᵢ/(n − 1) + r) for a ridge r on the raw covariance (so
 * the regularised matrix gets a unit diagonal; 1 when that is 0), the standard deviations
 * (columnScales) for a ridge on the standardised covariance and for 'auto'.
 */
export function equilibration(M: Float64Array, n: number, shrink: Shrink, e: Float64Array = new Float64Array(Math.round(Math.sqrt(M.length)))): Float64Array {
  if (!('ridge' in shrink) || shrink.scaled) return columnScales(M, n, e);
  const p = e.length;
  for (let i = 0; i < p; i++) e[i] = Math.sqrt(M[i * p + i]! / (n - 1) + shrink.ridge) || 1;
  return e;
}

/**
 * C = the view's covariance M/(n − 1) on equilibrated columns (divided by e, from
 * equilibration), regularised: a ridge r is added to the raw covariance's diagonal (r/eᵢ² here)
 * or, `scaled`, to the standardised one's (r); 'auto' keeps the unit diagonal and multiplies
 * the correlations by 1 − λ. With a ridge a constant column has variance r; with 'auto'
 * variance 1 and no correlation with anything, so its weight in every component of a nonzero
 * correlation is 0 (the CCA of the other columns), where a zero variance would make the
 * covariance singular.
 */
export function regularisedCovariance(C: Matrix, M: Matrix, n: number, sd: Float64Array, shrink: Shrink): void {
  const dim = C.rows, d = C.data, scale = 1 / (n - 1);
  d.set(M.data);
  scaleInPlace(d, sd, sd);
  if ('ridge' in shrink) {
    for (let i = 0; i < d.length; i++) d[i] = d[i]! * scale;
    for (let i = 0; i < dim; i++) d[i * dim + i] = d[i * dim + i]! + (shrink.scaled ? shrink.ridge : shrink.ridge / (sd[i]! * sd[i]!));
    return;
  }
  const keep = 1 - shrink.lambda;
  for (let i = 0; i < d.length; i++) d[i] = keep * d[i]! * scale;
  for (let i = 0; i < dim; i++) d[i * dim + i] = 1;
}

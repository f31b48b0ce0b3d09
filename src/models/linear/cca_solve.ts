/**
 * CCA's solve from co-moments, on equilibrated columns (see cca_core.ts): whiten each view
 * with C^-1/2, C its regularised covariance (a ridge, or the Schäfer–Strimmer shrinkage of
 * 'auto'), take the thin SVD of the whitened cross-covariance T = Wx·Cxy·Wy = U·diag(ρ)·Vᵀ; the
 * canonical correlations are ρ (descending), the weights Wx·U and Wy·V divided by the
 * columns' standard deviations (so they apply to the raw columns), signs by one rule.
 */
import * as W from '../../wasm/index.js';
import { Matrix, withScratch } from '../../wasm/index.js';
import type { CoMoments } from '../../linalg/comoments.js';
import { invSqrt, svd } from '../../linalg/ops.js';
import { SingularMatrixError, ValueError } from '../../errors.js';
import { columnScales, diagonalShrinkage, regularisedCovariance, scaleInPlace, type Shrink } from './cca_core.js';
import type { Regularization } from './cca_options.js';

/** A solved CCA: what the model keeps (the weights are its own wasm matrices). */
export interface CCAFit {
  n: number;
  xWeights: Matrix;
  yWeights: Matrix;
  xMeans: Float64Array;
  yMeans: Float64Array;
  all: Float64Array;
  /** with 'auto': the intensity λ applied, once per view ([λ, λ]; Ledoit–Wolf's [δx, δy] in files before version 3) */
  shrinkage: [number, number] | null;
  /** with 'auto': the target the shrinkage moved toward ('identity': Ledoit–Wolf's μI, files before version 3) */
  target: 'diagonal' | 'identity' | null;
}

/** Why 'auto' cannot be solved from statistics without fourth-order sums. */
const WITHOUT: Record<string, string> = {
  'not asked': 'a CCA with a ridge (or 0) keeps none; merge only statistics of CCAs with regularization \'auto\'',
  moments: 'statistics from fromMoments (or a file of them) carry only n, means and covariances',
  'old file': "the file's statistics were written before version 3, by the Ledoit–Wolf 'auto', which kept other sums",
};

/**
 * Solves from the statistics with the ridge `reg` (a ridge, a pair or 'auto'; a 'cv' model
 * passes the ridge cross-validation chose) for `components` pairs; with `scale` the ridge
 * applies to the standardised columns. The weights returned apply to the raw ones.
 */
export function solveCCA(s: CoMoments, components: number, reg: Exclude<Regularization, 'cv'>, standardise: boolean): CCAFit {
  const n = s.n, p = s.p, q = s.q, k = components, k0 = Math.min(p, q);
  const owned: Matrix[] = [];
  const take = (m: Matrix) => (owned.push(m), m);
  try {
    if (reg === 'auto' && !s.fourth)
      throw new ValueError('regularization', `a ridge for these statistics: 'auto' needs the sums Σ(xᵢ − x̄ᵢ)²(xⱼ − x̄ⱼ)² over the rows, and ${WITHOUT[s.without!]}`, 'auto');
    const Cxx = take(Matrix.empty(p, p)), Cyy = take(Matrix.empty(q, q));
    const sdx = columnScales(s.x.M.data, n), sdy = columnScales(s.y.M.data, n);
    const shrinks = viewShrinks(s, reg, standardise);
    regularisedCovariance(Cxx, s.x.M, n, sdx, shrinks[0]);
    regularisedCovariance(Cyy, s.y.M, n, sdy, shrinks[1]);
    const lambdas = 'lambda' in shrinks[0] && 'lambda' in shrinks[1] ? ([shrinks[0].lambda, shrinks[1].lambda] as [number, number]) : null;
    const Wx = take(whiten(Cxx, 'X', reg, n));
    const Wy = take(whiten(Cyy, 'Y', reg, n));
    const T = take(Matrix.empty(p, q));
    withScratch((sc) => {
      const tmp = sc.matrix(p, q), Cxy = sc.matrix(p, q);
      Cxy.data.set(s.Mxy.data);
      scaleInPlace(Cxy.data, sdx, sdy);
      // 'auto' shrinks every correlation of the joined views, the cross ones too: the joint matrix stays semi-definite, every canonical correlation ≤ 1
      const c = lambdas ? 1 - lambdas[0] : 1;
      W.gemm(tmp, Wx, Cxy, false, false, c / (n - 1), 0);
      W.gemm(T, tmp, Wy);
    });
    const dec = svd(T);
    owned.push(dec.u, dec.v);
    const xWeights = take(Matrix.empty(p, k)), yWeights = take(Matrix.empty(q, k));
    // the first k singular vectors (column-block views of U and V)
    W.gemm(xWeights, Wx, dec.u.viewCols(0, k));
    W.gemm(yWeights, Wy, dec.v.viewCols(0, k));
    // weights for the raw columns: row i divided by its column's standard deviation
    for (const [w, sd] of [[xWeights, sdx], [yWeights, sdy]] as const) scaleInPlace(w.data, sd, null);
    orientSigns(xWeights, yWeights);
    const all = new Float64Array(k0);
    for (let i = 0; i < k0; i++) all[i] = Math.min(1, Math.max(0, dec.s[i]!));
    owned.splice(owned.indexOf(xWeights), 1);
    owned.splice(owned.indexOf(yWeights), 1);
    return { n, xWeights, yWeights, xMeans: s.x.mean.slice(), yMeans: s.y.mean.slice(), all, shrinkage: lambdas, target: lambdas ? 'diagonal' : null };
  } finally {
    for (const m of owned) m.dispose();
  }
}

/** Each view's regularisation: its ridge (raw or, with `scale`, standardised) or, with 'auto', the λ of the joined views from the fourth-order sums. */
function viewShrinks(s: CoMoments, reg: Exclude<Regularization, 'cv'>, scaled: boolean): [Shrink, Shrink] {
  if (reg === 'auto') {
    const lambda = diagonalShrinkage(s.joint(), s.Q!.data, s.n);
    return [{ lambda }, { lambda }];
  }
  const [rx, ry] = Array.isArray(reg) ? reg : [reg, reg];
  return [
    { ridge: rx, scaled },
    { ridge: ry, scaled },
  ];
}

/** C^(-1/2); a singular C gets a hint for its regularization. */
function whiten(C: Matrix, view: 'X' | 'Y', reg: Exclude<Regularization, 'cv'>, n: number): Matrix {
  try {
    return invSqrt(C, `${view}'s covariance`).matrix;
  } catch (e) {
    if (e instanceof SingularMatrixError) {
      const ridge = Array.isArray(reg) ? reg[view === 'X' ? 0 : 1] : reg;
      const hint =
        ridge === 0
          ? `; it has constant or collinear columns (or fewer rows than columns). Add a ridge, e.g. new CCA({ regularization: 1e-4 }) or regularization: 'auto'`
          : ridge === 'auto'
            ? `; the shrinkage estimated from ${n} rows leaves it singular (with 2 rows λ is always 0: the two centred rows are opposite). Use a ridge instead, e.g. new CCA({ regularization: 1e-4, scale: true })`
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

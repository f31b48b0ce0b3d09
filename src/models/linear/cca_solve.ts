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
import { SingularMatrixError, ValueError, described } from '../../errors.js';
import { columnScales, diagonalShrinkage, equilibration, regularisedCovariance, scaleInPlace, type Shrink } from './cca_core.js';
import type { Regularization } from './cca_options.js';
import type { Covariates } from './cca_partial.js';

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
  /** what predict and the interpretation read (null: a file written before version 4 without statistics) */
  loadings: Loadings | null;
  /** with covariates: z̄ and the residualisation's coefficients (cca_partial.ts) */
  covariates: Covariates | null;
}

/**
 * The structure loadings of a fit on standardised columns: x = D⁻¹·Σxx·Wx (p×k), the covariance
 * of each column divided by its standard deviation with each variate, and y likewise, with
 * the standard deviations themselves (0 for a constant column), all from the sample
 * covariances (n − 1) of the views the fit solved (residualised ones with covariates), whatever
 * the regularisation. Standardised so that no product under- or overflows for columns in any
 * units (Σxx·Wx itself underflows for columns near 1e-150 under a ridge).
 */
export interface Loadings {
  x: Float64Array;
  y: Float64Array;
  xScales: Float64Array;
  yScales: Float64Array;
}

/** The loadings of weights (p×k, q×k) on the statistics s. */
export function loadingsOf(s: CoMoments, xWeights: Matrix, yWeights: Matrix): Loadings {
  const n = s.n;
  const out = withScratch((sc) =>
    [[s.x.M, xWeights], [s.y.M, yWeights]].map(([M, w]) => {
      const d = M!.rows, k = w!.cols;
      const sd = Float64Array.from({ length: d }, (_, i) => Math.sqrt(M!.get(i, i) / (n - 1)));
      const e = sd.map((v) => v || 1);
      const R = sc.matrix(d, d), Ws = sc.matrix(d, k), L = sc.matrix(d, k);
      R.data.set(M!.data);
      scaleInPlace(R.data, e, e);
      Ws.data.set(w!.data);
      for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) Ws.data[i * k + j] = Ws.data[i * k + j]! * e[i]!;
      W.gemm(L, R, Ws, false, false, 1 / (n - 1), 0);
      return [L.toFloat64Array(), sd];
    }),
  );
  return { x: out[0]![0]!, y: out[1]![0]!, xScales: out[0]![1]!, yScales: out[1]![1]! };
}

/** Why 'auto' cannot be solved from statistics without fourth-order sums. */
const WITHOUT: Record<string, string> = {
  'not asked': 'a CCA with a ridge (or 0) keeps none; merge only statistics of CCAs with regularization \'auto\'',
  moments: 'statistics from fromMoments (or a file of them) carry only n, means and covariances',
  'old file': "the file's statistics were written before version 3, by the Ledoit–Wolf 'auto', which kept other sums",
};

/**
 * Throws when `s` (a model's statistics, or the other's of a merge) lacks the fourth-order sums
 * regularization 'auto' needs, saying why, before anything is added to them.
 */
export function refuseWithoutFourth(what: string, s: CoMoments, whose: 'this' | 'other', reg: Regularization): void {
  if (s.fourth) return;
  const why =
    s.without === 'old file'
      ? `${whose === 'this' ? 'this CCA' : 'the other CCA'} was read from a file written before version 3, when 'auto' was Ledoit–Wolf's shrinkage toward μI, whose statistics lack the fourth-order sums today's 'auto' needs: fit the rows again (the answer changes: see docs/linear-cca.md, Migrating)`
      : s.without === 'moments'
        ? `${whose === 'this' ? 'these' : "the other CCA's"} statistics came from fromMoments, which carry no fourth-order sums`
        : `the other CCA was fitted with a ridge, and keeps no fourth-order sums (give it regularization 'auto' too)`;
  throw new ValueError(whose === 'this' ? 'regularization' : 'other', `statistics that 'auto' can be solved from for ${what}: ${why}`, whose === 'this' ? reg : described(`a CCA with regularization ${JSON.stringify(reg)}`));
}

/** What a model read from an old-'auto' file says when it is fitted again. */
export const REFITTED =
  "crossmodal: this CCA was read from a file fitted with the old regularization 'auto' (Ledoit–Wolf toward μI); it is now fitted with today's 'auto' (Schäfer–Strimmer toward the diagonal, unit-free), so its correlations and weights change (docs/linear-cca.md: Migrating)";

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
    const shrinks = viewShrinks(s, reg, standardise);
    const sdx = equilibration(s.x.M.data, n, shrinks[0]), sdy = equilibration(s.y.M.data, n, shrinks[1]);
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
    // weights for the raw columns: row i divided by its column's scale
    for (const [w, sd] of [[xWeights, sdx], [yWeights, sdy]] as const) scaleInPlace(w.data, sd, null);
    orientSigns(xWeights, yWeights, columnScales(s.x.M.data, n));
    const all = new Float64Array(k0);
    for (let i = 0; i < k0; i++) all[i] = Math.min(1, Math.max(0, dec.s[i]!));
    const loadings = loadingsOf(s, xWeights, yWeights);
    // statistics that overflowed (values near 1e±300) answer nothing: refused as any overflow is
    for (const v of [loadings.x, loadings.y, loadings.xScales, loadings.yScales, all, xWeights.data, yWeights.data]) if (!v.every(Number.isFinite)) throw W.overflowError(['X', 'Y'], 'covariances');
    owned.splice(owned.indexOf(xWeights), 1);
    owned.splice(owned.indexOf(yWeights), 1);
    return { n, xWeights, yWeights, xMeans: s.x.mean.slice(), yMeans: s.y.mean.slice(), all, shrinkage: lambdas, target: lambdas ? 'diagonal' : null, loadings, covariates: null };
  } finally {
    for (const m of owned) m.dispose();
  }
}

/** Each view's regularisation: its ridge (raw or, with `scale`, standardised) or, with 'auto', the λ of the joined views from the fourth-order sums. */
function viewShrinks(s: CoMoments, reg: Exclude<Regularization, 'cv'>, scaled: boolean): [Shrink, Shrink] {
  if (reg === 'auto') {
    const lambda = diagonalShrinkage(s.joint(), s.Q!.data, s.n, s.F!);
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

/**
 * Sign rule: in each component, the x-weight of largest magnitude on standardised columns
 * (weight times the column's standard deviation `sd`, so the rule does not depend on units) is
 * positive (ties: first).
 */
function orientSigns(xw: Matrix, yw: Matrix, sd: Float64Array) {
  const a = xw.data, b = yw.data, k = xw.cols;
  for (let j = 0; j < k; j++) {
    let best = 0, bi = 0;
    for (let i = 0; i < xw.rows; i++) {
      const v = Math.abs(a[i * k + j]! * sd[i]!);
      if (v > best) (best = v), (bi = i);
    }
    if (a[bi * k + j]! < 0) {
      for (let i = 0; i < xw.rows; i++) a[i * k + j] = -a[i * k + j]!;
      for (let i = 0; i < yw.rows; i++) b[i * k + j] = -b[i * k + j]!;
    }
  }
}

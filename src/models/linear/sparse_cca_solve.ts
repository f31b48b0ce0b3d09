/**
 * SparseCCA's solve from co-moments (n, means, XᵀX, XᵀY, YᵀY): the PMD (sparse_cca_pmd.ts)
 * of C = Mxy/(n − 1), the cross-covariance of the centred (with `scale`, standardised: sd with
 * n − 1, a constant column keeps 1) columns, with L1 bounds cx·√p and cy·√q. The weights are
 * PMD's unit u and v (standardised units with `scale`); `correlations` are those of Xu and Yv
 * on the rows the statistics hold, uᵀMxy v/√(uᵀMxx u · vᵀMyy v) (0 for a constant variate).
 */
import type { CoMoments } from '../../linalg/comoments.js';
import { ValueError, described } from '../../errors.js';
import { overflowError } from '../../wasm/index.js';
import { columnScales } from './cca_core.js';
import { PMD, type PMDComponent, type PMDSettings } from './sparse_cca_pmd.js';

/** A fit: matrices row-major (p×k, q×k), standardised units with scale. */
export interface SparseFit {
  n: number;
  p: number;
  q: number;
  k: number;
  xMean: Float64Array;
  yMean: Float64Array;
  xStd: Float64Array;
  yStd: Float64Array;
  xWeights: Float64Array;
  yWeights: Float64Array;
  correlations: Float64Array;
  /** rounds per component */
  iterations: Float64Array;
  /** 1 where the component met tol, 0 where it stopped at maxIterations */
  converged: Float64Array;
  /** [cx, cy] as applied */
  appliedPenalty: Float64Array;
}

/** The fields of a fit that are stored, in file order. */
export const FIT_FIELDS = ['xMean', 'yMean', 'xStd', 'yStd', 'xWeights', 'yWeights', 'correlations', 'iterations', 'converged', 'appliedPenalty'] as const;

export function fieldLength(f: (typeof FIT_FIELDS)[number], p: number, q: number, k: number): number {
  return f === 'xMean' || f === 'xStd' ? p : f === 'yMean' || f === 'yStd' ? q : f === 'xWeights' ? p * k : f === 'yWeights' ? q * k : f === 'appliedPenalty' ? 2 : k;
}

/** The default penalty of each view (raised to 1/√p for a view of fewer than 12 columns). */
export const DEFAULT_PENALTY = 0.3;

/** The least penalty a view of p columns allows: an L1 bound c·√p of 1 (one non-zero weight). */
export const leastPenalty = (p: number): number => 1 / Math.sqrt(p);

/**
 * The penalties as applied to views of p and q columns: null (the default) gives 0.3 each,
 * raised to 1/√p where that is larger; given values below 1/√p are refused.
 */
export function appliedPenalty(penalty: readonly [number, number] | null, p: number, q: number, name = 'options.penalty'): [number, number] {
  if (!penalty) return [Math.max(DEFAULT_PENALTY, leastPenalty(p)), Math.max(DEFAULT_PENALTY, leastPenalty(q))];
  penalty.forEach((c, i) => {
    const m = i === 0 ? p : q;
    // c·√m ≥ 1 up to rounding, so that 1/Math.sqrt(m) itself is accepted
    if (!(c * Math.sqrt(m) >= 1 - 1e-12)) throw new ValueError(`${name}[${i}]`, `at least 1/√${i === 0 ? 'p' : 'q'} = ${leastPenalty(m).toPrecision(6)} for ${i === 0 ? 'X' : 'Y'} with ${m} columns (an L1 bound c·√${i === 0 ? 'p' : 'q'} ≥ 1)`, c);
  });
  return [penalty[0], penalty[1]];
}

/** A view's co-moments, means and (with scale) sds as JS copies; C = Mxy/(n − 1)/(sx·sy). */
export interface CrossParts {
  n: number;
  p: number;
  q: number;
  Mx: Float64Array;
  My: Float64Array;
  xStd: Float64Array;
  yStd: Float64Array;
  C: Float64Array;
}

/** The cross-covariance C and what the correlations need, from the statistics. */
export function crossParts(s: CoMoments, scale: boolean, Mxy: Float64Array = s.Mxy.toFloat64Array()): CrossParts {
  const n = s.n, p = s.p, q = s.q, Mx = s.x.M.toFloat64Array(), My = s.y.M.toFloat64Array();
  const xStd = scale ? columnScales(Mx, n, new Float64Array(p)) : new Float64Array(p).fill(1);
  const yStd = scale ? columnScales(My, n, new Float64Array(q)) : new Float64Array(q).fill(1);
  // values whose squares overflow leave ±Infinity or NaN in the co-moments: reported against the data
  for (const M of [Mx, My, Mxy]) if (!finite(M)) throw overflowError(['X', 'Y'], 'covariances');
  return { n, p, q, Mx, My, xStd, yStd, C: crossCovariance(Mxy, n, xStd, yStd) };
}

/** Mxy/(n − 1)/(sx_i·sy_j), p×q. */
export function crossCovariance(Mxy: Float64Array, n: number, xStd: Float64Array, yStd: Float64Array): Float64Array {
  const p = xStd.length, q = yStd.length, C = new Float64Array(p * q);
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) C[i * q + j] = Mxy[i * q + j]! / (n - 1) / (xStd[i]! * yStd[j]!);
  if (!finite(C)) throw overflowError(['X', 'Y'], 'covariances');
  return C;
}

function finite(a: Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * 0;
  return s === 0;
}

/** aᵀMb over the non-zeros of a and b (M rows×cols row-major). */
function bilinear(a: Float64Array, M: Float64Array, b: Float64Array): number {
  const cols = b.length, ia: number[] = [], ib: number[] = [];
  a.forEach((x, i) => x !== 0 && ia.push(i));
  b.forEach((x, j) => x !== 0 && ib.push(j));
  let t = 0;
  for (const i of ia) {
    let s = 0;
    for (const j of ib) s += M[i * cols + j]! * b[j]!;
    t += a[i]! * s;
  }
  return t;
}

/**
 * The correlation of the variates with raw-unit weights a (p) and b (q) from co-moments Mx,
 * My, Mxy of the same rows: aᵀMxy b/(√(aᵀMx a)·√(bᵀMy b)); 0 when a variate is constant.
 */
export function variateCorrelation(Mx: Float64Array, My: Float64Array, Mxy: Float64Array, a: Float64Array, b: Float64Array): number {
  const va = bilinear(a, Mx, a), vb = bilinear(b, My, b);
  // √a·√b, not √(ab): the product of two tiny variances underflows
  return va > 0 && vb > 0 ? bilinear(a, Mxy, b) / (Math.sqrt(va) * Math.sqrt(vb)) : 0;
}

/** The weights in raw units: w_i/sd_i. */
export const rawWeights = (w: Float64Array, sd: Float64Array): Float64Array => w.map((x, i) => x / sd[i]!);

/** The PMD settings of penalties [cx, cy] for p and q columns. */
export function pmdSettings([cx, cy]: readonly [number, number], p: number, q: number, tol: number, maxIterations: number): PMDSettings {
  return { lx: cx * Math.sqrt(p), ly: cy * Math.sqrt(q), tol, maxIterations };
}

/** Refuses component a + 1 (nothing left to decompose). */
function refuse(a: number, k: number): never {
  if (a === 0) throw new ValueError('X, Y', 'views with some cross-covariance (C = XᵀY/(n − 1) is zero: a constant view, or no correlation to rounding)', described('C = 0'));
  throw new ValueError('options.components', `at most ${a} here (the cross-covariance left after ${a} deflation${a > 1 ? 's' : ''} is zero to rounding)`, k);
}

/**
 * k components of the PMD: the first from v0 when given (a start shared by several
 * penalties), every other from the leading singular vector of what is left.
 */
export function components(pmd: PMD, k: number, s: PMDSettings, v0: Float64Array | null = null): PMDComponent[] {
  const out: PMDComponent[] = [];
  for (let a = 0; a < k; a++) {
    if (pmd.exhausted) refuse(a, k);
    const c = pmd.component(a === 0 && v0 ? v0 : pmd.start(), s, a + 1 < k);
    if (!c) refuse(a, k);
    out.push(c);
  }
  return out;
}

/** The settings a solve needs. */
export interface SolveSettings {
  components: number;
  penalty: readonly [number, number] | null;
  scale: boolean;
  tol: number;
  maxIterations: number;
}

/** Solves SparseCCA with the settings from the statistics. */
export function solveSparse(s: CoMoments, o: SolveSettings): SparseFit {
  const { n, p, q, k } = { n: s.n, p: s.p, q: s.q, k: o.components };
  if (k > Math.min(p, q)) throw new ValueError('options.components', `at most min(p, q) = ${Math.min(p, q)}`, k);
  const penalty = appliedPenalty(o.penalty, p, q);
  const parts = crossParts(s, o.scale), Mxy = s.Mxy.toFloat64Array();
  const comps = components(new PMD(parts.C, p, q), k, pmdSettings(penalty, p, q, o.tol, o.maxIterations));
  const fit: SparseFit = {
    n, p, q, k, xMean: Float64Array.from(s.x.mean), yMean: Float64Array.from(s.y.mean), xStd: parts.xStd, yStd: parts.yStd,
    xWeights: new Float64Array(p * k), yWeights: new Float64Array(q * k), correlations: new Float64Array(k),
    iterations: new Float64Array(k), converged: new Float64Array(k), appliedPenalty: Float64Array.from(penalty),
  };
  comps.forEach((c, a) => {
    for (let i = 0; i < p; i++) fit.xWeights[i * k + a] = c.u[i]!;
    for (let j = 0; j < q; j++) fit.yWeights[j * k + a] = c.v[j]!;
    fit.correlations[a] = variateCorrelation(parts.Mx, parts.My, Mxy, rawWeights(c.u, parts.xStd), rawWeights(c.v, parts.yStd));
    fit.iterations[a] = c.iterations;
    fit.converged[a] = c.converged ? 1 : 0;
  });
  return fit;
}

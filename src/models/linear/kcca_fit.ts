/**
 * What a KernelCCA fit keeps (JS-owned), and the steps the exact and the Nyström solve share:
 * the feature rank of an eigendecomposition, the error when it is too small, the offsets, the
 * sign rule and the finite check of the coefficients.
 */
import { finiteResult } from '../../wasm/index.js';
import { SingularMatrixError, ValueError } from '../../errors.js';
import type { Standardisation } from './kcca_scale.js';

/** What a fit keeps (JS-owned), per view [x, y]. */
export interface Fit {
  n: number;
  gamma: [number, number];
  /** `scale`: each view's standardisation, applied to the basis and to new rows before the kernel; else null */
  scaling: [Standardisation, Standardisation] | null;
  /** basis rows (training rows or landmarks, as given: not standardised), nb×p and nb×q */
  basis: [Float64Array, Float64Array];
  nb: number;
  dims: [number, number];
  /** nb×k dual coefficients and the k offsets: u = k(x, basis)·coef − offset */
  coef: [Float64Array, Float64Array];
  offset: [Float64Array, Float64Array];
  all: Float64Array;
  ranks: [number, number];
  landmarks: Uint32Array | null;
}

/** What a solve returns: the fit without the settings the model adds (γ, standardisation). */
export type Solved = Omit<Fit, 'gamma' | 'scaling'>;

/**
 * Eigenvalues kept as features: those above `relative`·λ₁ (none when λ₁ ≤ 0). Exact fits keep
 * everything above rounding (n·ε); Nyström keeps K_mm's above NYSTROM_RCOND·μ₁, since its
 * features divide by √μ and would amplify rounding in the directions below.
 */
export function rankOf(values: Float64Array, relative = values.length * 2.220446049250313e-16): number {
  const tol = relative * values[0]!;
  let r = 0;
  while (r < values.length && values[r]! > tol && values[r]! > 0) r++;
  return r;
}

export function tooFewFeatures(name: string, rank: number, k: number): Error {
  if (rank === 0) return new SingularMatrixError(`${name}: the centred kernel matrix is zero: every row is the same under this kernel`);
  return new ValueError('options.components', `at most the rank of ${name}'s centred kernel matrix, ${rank}`, k);
}

/**
 * A fit whose coefficients overflowed (a kernel of values near the underflow limit, whose
 * eigenvalues' reciprocals leave the range) is a typed error naming the data, never a model
 * that transforms to NaN.
 */
export function finiteFit<F extends Solved>(f: F): F {
  return finiteResult({ coef: f.coef, offset: f.offset, all: f.all }, ['X', 'Y'], 'kernel CCA coefficients') && f;
}

/** offset_j = Σᵢ mean_i·coef[i, j] (coef row-major len(mean)×k): the feature means through the coefficients. */
export function offsets(coef: Float64Array, mean: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < mean.length; i++) for (let j = 0; j < k; j++) out[j] = out[j]! + mean[i]! * coef[i * k + j]!;
  return out;
}

/**
 * Sign rule: in each component, the basis row whose x-variate is largest in magnitude gets a
 * positive one (ties: the first); both views flip together. On the training rows (exact) or
 * the landmarks (Nyström), so a Nyström fit with every row as a landmark agrees with the exact one.
 */
export function orient(u: Float64Array, rows: number, k: number, sides: { coef: Float64Array; offset: Float64Array }[]): void {
  for (let j = 0; j < k; j++) {
    let best = 0;
    for (let i = 0; i < rows; i++) if (Math.abs(u[i * k + j]!) > Math.abs(best)) best = u[i * k + j]!;
    if (best >= 0) continue;
    for (const s of sides) {
      for (let i = 0; i < s.coef.length / k; i++) s.coef[i * k + j] = -s.coef[i * k + j]!;
      s.offset[j] = -s.offset[j]!;
    }
  }
}

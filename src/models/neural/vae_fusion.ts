/**
 * MultimodalVAE's fusion, in f64 on the experts' outputs (JS arrays: the work is rows ×
 * latent per subset, small beside the networks): which subsets of a row's present views
 * enter the objective and with what weight, the Gaussian of a subset (a product of experts,
 * with or without the prior expert N(0, I), or a single expert), its gradient with respect
 * to the experts, the closed-form KL to N(0, I), and the log-densities the importance-
 * sampled likelihood needs.
 *
 * Subsets are bit masks over the views (bit v: view v). Every expert v is N(μ_v, diag
 * exp(λ_v)); its outputs for row i, dimension j sit at mu[v][i·L + j], lv[v][i·L + j].
 */
import type { Fusion } from './vae_options.js';
import { LOG_2PI, exp, log } from './vae_math.js';

export { LOG_2PI, logSumExp, sigmoid, softplus } from './vae_math.js';

/** The non-empty subsets of the mask p, in increasing order. */
export function subsetsOf(p: number): number[] {
  const out: number[] = [];
  for (let s = 1; s <= p; s++) if ((s & p) === s) out.push(s);
  return out;
}

/** Number of bits set. */
export function bits(s: number): number {
  let c = 0;
  for (; s; s &= s - 1) c++;
  return c;
}

/** Whether a subset's Gaussian includes the prior expert (the product of experts of 'poe'). */
export const withPrior = (f: Fusion): boolean => f === 'poe';

/**
 * The ELBO terms of a row whose present views are the mask p, with their weights, in
 * increasing subset order: 'poe' the whole set and each single view (weight 1, the whole set
 * once when it is a single view); 'moe' each single view (1/|p|); 'mopoe' every non-empty
 * subset (1/(2^|p| − 1)).
 */
export function terms(f: Fusion, p: number): { s: number; w: number }[] {
  const all = subsetsOf(p), k = bits(p);
  if (f === 'mopoe') return all.map((s) => ({ s, w: 1 / (2 ** k - 1) }));
  if (f === 'moe') return all.filter((s) => bits(s) === 1).map((s) => ({ s, w: 1 / k }));
  return all.filter((s) => s === p || bits(s) === 1).map((s) => ({ s, w: 1 }));
}

/** The components of q(z | p), the inference distribution (uniform mixture): 'poe' the one product, 'moe' the experts, 'mopoe' every subset's product. */
export function components(f: Fusion, p: number): number[] {
  if (f === 'poe') return [p];
  const all = subsetsOf(p);
  return f === 'moe' ? all.filter((s) => bits(s) === 1) : all;
}

/** Experts' outputs: per view, rows × L. */
export interface Experts {
  mu: Float64Array[];
  lv: Float64Array[];
  L: number;
}

/**
 * The Gaussian of subset s for row i, written at outMu/outLv[o … o + L): the product of the
 * experts in s (and of N(0, I) with `prior`); a single expert without the prior is copied.
 */
export function subsetGaussian(e: Experts, i: number, s: number, prior: boolean, outMu: Float64Array, outLv: Float64Array, o: number): void {
  const { L } = e;
  if (!prior && bits(s) === 1) {
    const v = 31 - Math.clz32(s);
    for (let j = 0; j < L; j++) (outMu[o + j] = e.mu[v]![i * L + j]!), (outLv[o + j] = e.lv[v]![i * L + j]!);
    return;
  }
  for (let j = 0; j < L; j++) {
    let t = prior ? 1 : 0, num = 0;
    for (let v = 0; 1 << v <= s; v++) {
      if (!(s & (1 << v))) continue;
      const p = exp(-e.lv[v]![i * L + j]!);
      t += p;
      num += e.mu[v]![i * L + j]! * p;
    }
    outMu[o + j] = num / t;
    outLv[o + j] = -log(t);
  }
}

/**
 * Backward of subsetGaussian: given ∂/∂μ_s and ∂/∂λ_s at gMu/gLv[o …], accumulates the
 * experts' gradients (gMu[v], gLv[v], rows × L). With a = exp(−λ_v)/T:
 * ∂μ_s/∂μ_v = a, ∂λ_s/∂λ_v = a, ∂μ_s/∂λ_v = a (μ_s − μ_v).
 */
export function subsetGaussianBackward(
  e: Experts, i: number, s: number, prior: boolean, sMu: Float64Array, sLv: Float64Array, o: number,
  gMuS: Float64Array, gLvS: Float64Array, gMu: Float64Array[], gLv: Float64Array[],
): void {
  const { L } = e;
  for (let v = 0; 1 << v <= s; v++) {
    if (!(s & (1 << v))) continue;
    const gm = gMu[v]!, gl = gLv[v]!;
    if (!prior && s === 1 << v) {
      for (let j = 0; j < L; j++) (gm[i * L + j]! += gMuS[o + j]!), (gl[i * L + j]! += gLvS[o + j]!);
      continue;
    }
    for (let j = 0; j < L; j++) {
      const a = exp(-e.lv[v]![i * L + j]! + sLv[o + j]!);
      gm[i * L + j]! += gMuS[o + j]! * a;
      gl[i * L + j]! += gLvS[o + j]! * a + gMuS[o + j]! * a * (sMu[o + j]! - e.mu[v]![i * L + j]!);
    }
  }
}

/** KL(N(μ, diag exp λ) ‖ N(0, I)) = ½ Σ_j (exp λ_j + μ_j² − 1 − λ_j). */
export function klNormal(mu: Float64Array, lv: Float64Array, o: number, L: number): number {
  let k = 0;
  for (let j = 0; j < L; j++) k += exp(lv[o + j]!) + mu[o + j]! ** 2 - 1 - lv[o + j]!;
  return 0.5 * k;
}

/** log N(z; μ, diag exp λ) of z at zs[zo …] (μ, λ at o …). */
export function logNormal(z: ArrayLike<number>, zo: number, mu: Float64Array, lv: Float64Array, o: number, L: number): number {
  let s = 0;
  for (let j = 0; j < L; j++) {
    const d = z[zo + j]! - mu[o + j]!;
    s += LOG_2PI + lv[o + j]! + d * d * exp(-lv[o + j]!);
  }
  return -0.5 * s;
}

/** log N(z; 0, I). */
export function logStandard(z: ArrayLike<number>, zo: number, L: number): number {
  let s = 0;
  for (let j = 0; j < L; j++) s += LOG_2PI + z[zo + j]! ** 2;
  return -0.5 * s;
}

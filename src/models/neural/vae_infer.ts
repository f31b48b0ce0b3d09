/**
 * MultimodalVAE's inference on read views, in chunks of rows: the posterior summary of
 * encode and reconstruct (per fusion), decoding latent rows to each view's mean, draws from
 * q(z | present views), and the importance-sampled log-likelihood (Burda et al. 2016).
 */
import * as W from '../../wasm/index.js';
import { Rng, Tensor } from '../../wasm/index.js';
import { components, logNormal, logStandard, logSumExp, sigmoid, subsetGaussian, withPrior, type Experts } from './vae_fusion.js';
import { experts, rowMask, viewNll } from './vae_objective.js';
import { exp, log } from './vae_math.js';
import { logScales, type VaeNet } from './vae_nets.js';
import type { Fusion } from './vae_options.js';
import type { ReadViews } from './autoencoder_views.js';

const CHUNK = 1024;
/** latent rows the decoders see at once in logLikelihood */
const BLOCK = 8192;

/** Random draws: `count` uniforms in [0, 1) or standard normals. */
export interface Draws {
  uniform(count: number): ArrayLike<number>;
  normal(count: number): ArrayLike<number>;
}

/** Draws from the in-wasm PRNG (the same bits on every runtime). */
export function rngDraws(rng: Rng): Draws {
  const draw = (count: number, fill: (t: Tensor) => void) => {
    const t = Tensor.empty(1, Math.max(1, count));
    try {
      fill(t);
      return t.toFloat32Array().subarray(0, count);
    } finally {
      t.dispose();
    }
  };
  return { uniform: (k) => draw(k, (t) => W.randomUniform(t, 0, 1, rng)), normal: (k) => draw(k, (t) => W.randomNormal(t, 0, 1, rng)) };
}

/** Calls fn for each chunk of rows of the views (views of the read tensors) and their row masks. */
export function eachChunk(data: ReadViews, fn: (start: number, x: Tensor[], masks: Int32Array) => void, chunk = CHUNK, masks?: Int32Array): void {
  const m = data.x.length;
  const all = masks ?? Int32Array.from({ length: data.n }, (_, i) => rowMask(data.mask, i, m));
  for (let s = 0; s < data.n; s += chunk) {
    const len = Math.min(chunk, data.n - s);
    fn(s, data.x.map((t) => (len === data.n ? t : t.viewRows(s, len))), all.subarray(s, s + len));
  }
}

/**
 * The Gaussian encode reports for each row of present views p (0: no view; N(0, I)):
 * 'poe' the product with the prior, 'mopoe' the product of the present views without it,
 * 'moe' the mixture's mean and per-dimension variance (mean of var_v + μ_v², minus mean²).
 */
export function summary(fusion: Fusion, e: Experts, masks: Int32Array, mu: Float64Array, lv: Float64Array, rowOffset: number): void {
  const L = e.L;
  masks.forEach((p, i) => {
    const o = (rowOffset + i) * L;
    if (p === 0) return void (mu.fill(0, o, o + L), lv.fill(0, o, o + L));
    if (fusion !== 'moe') return subsetGaussian(e, i, p, withPrior(fusion), mu, lv, o);
    const views = components('moe', p).map((s) => 31 - Math.clz32(s));
    for (let j = 0; j < L; j++) {
      let a = 0, b = 0;
      for (const v of views) {
        const mv = e.mu[v]![i * L + j]!;
        a += mv;
        b += exp(e.lv[v]![i * L + j]!) + mv * mv;
      }
      a /= views.length;
      b /= views.length;
      mu[o + j] = a;
      lv[o + j] = log(Math.max(b - a * a, Number.MIN_VALUE));
    }
  });
}

/** Each view's decoded mean (σ of the logits for a Bernoulli view) of latent rows z (rows × L). */
export function decodeMeans(g: VaeNet, z: Float32Array, rows: number): Float32Array[] {
  const t = Tensor.from({ data: z, rows, cols: g.latent });
  try {
    return g.decoders.map((dec, u) => {
      const out = dec.predict(t).data;
      if (g.lik[u]!.kind === 'bernoulli') for (let k = 0; k < out.length; k++) out[k] = sigmoid(out[k]!);
      return out;
    });
  } finally {
    t.dispose();
  }
}

/** The mean and log-variance of every row's encode Gaussian, for row masks `masks` (default: each row's present views). */
export function encodeRows(g: VaeNet, fusion: Fusion, data: ReadViews, masks?: Int32Array): { mu: Float64Array; lv: Float64Array } {
  const L = g.latent, mu = new Float64Array(data.n * L), lv = new Float64Array(data.n * L);
  for (const enc of g.encoders) enc.eval();
  eachChunk(data, (s, x, ms) => summary(fusion, experts(g, x), ms, mu, lv, s), CHUNK, masks);
  return { mu, lv };
}

/**
 * `samples` draws of z per row from q(z | present views) (a mixture: a component chosen
 * uniformly, then drawn from; no view present: N(0, I)), as rows i·samples + k (f32).
 */
export function drawLatents(g: VaeNet, fusion: Fusion, data: ReadViews | null, rows: number, samples: number, draws: Draws): Float32Array {
  const L = g.latent, z = new Float32Array(rows * samples * L);
  if (!data) {
    z.set(draws.normal(rows * samples * L));
    return z;
  }
  const cm = new Float64Array(L), cl = new Float64Array(L);
  eachChunk(data, (s, x, masks) => {
    const e = experts(g, x), len = masks.length;
    const u = draws.uniform(len * samples), eps = draws.normal(len * samples * L);
    for (let i = 0; i < len; i++) {
      const comps = components(fusion, masks[i]!);
      for (let k = 0; k < samples; k++) {
        const r = i * samples + k, c = comps[Math.min(comps.length - 1, Math.floor(u[r]! * comps.length))]!;
        subsetGaussian(e, i, c, withPrior(fusion), cm, cl, 0);
        for (let j = 0; j < L; j++) z[((s + i) * samples + k) * L + j] = cm[j]! + exp(0.5 * cl[j]!) * eps[r * L + j]!;
      }
    }
  });
  return z;
}

/**
 * Per row, log (1/K) Σ_k p(x_P | z_k) p(z_k) / q(z_k | x_P), z_k ~ q(z | P) the full
 * inference distribution (its log-density by log-sum-exp over the mixture's components).
 */
export function logLikelihoodRows(g: VaeNet, fusion: Fusion, data: ReadViews, K: number, draws: Draws): Float64Array {
  const L = g.latent, out = new Float64Array(data.n);
  const logS = logScales(g), prior = withPrior(fusion);
  const rowsPer = Math.max(1, Math.floor(BLOCK / K));
  for (const d of g.decoders) d.eval();
  eachChunk(data, (s, x, masks) => {
    const e = experts(g, x), len = masks.length;
    const u = draws.uniform(len * K), eps = draws.normal(len * K * L);
    const z = new Float32Array(len * K * L), logw = new Float64Array(len * K);
    for (let i = 0; i < len; i++) {
      const comps = components(fusion, masks[i]!), C = comps.length;
      const cm = new Float64Array(C * L), cl = new Float64Array(C * L);
      comps.forEach((c, q) => subsetGaussian(e, i, c, prior, cm, cl, q * L));
      for (let k = 0; k < K; k++) {
        const r = i * K + k, q = Math.min(C - 1, Math.floor(u[r]! * C));
        for (let j = 0; j < L; j++) z[r * L + j] = cm[q * L + j]! + exp(0.5 * cl[q * L + j]!) * eps[r * L + j]!;
        const lq = new Float64Array(C);
        for (let c = 0; c < C; c++) lq[c] = logNormal(z, r * L, cm, cl, c * L, L);
        logw[r] = logStandard(z, r * L, L) - (logSumExp(lq) - log(C));
      }
    }
    // the decoders on blocks of at most BLOCK latent rows (their buffers stay that size for any K)
    for (let b = 0; b < len * K; b += BLOCK) {
      const cnt = Math.min(BLOCK, len * K - b);
      const zt = Tensor.from({ data: z.subarray(b * L, (b + cnt) * L), rows: cnt, cols: L });
      try {
        g.decoders.forEach((dec, v) => {
          const d = g.widths[v]!;
          const o = dec.forward(zt).data, xd = x[v]!.data;
          for (let r = b; r < b + cnt; r++) {
            const i = Math.floor(r / K);
            if (masks[i]! & (1 << v)) logw[r]! -= viewNll(g.lik[v]!.kind, logS[v]!, o, (r - b) * d, xd, i * d, d);
          }
        });
      } finally {
        zt.dispose();
      }
    }
    for (let i = 0; i < len; i++) out[s + i] = logSumExp(logw, i * K, (i + 1) * K) - log(K);
  }, rowsPer);
  return out;
}

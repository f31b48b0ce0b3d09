/**
 * ConditionalGAN's networks: the generator G on [z | c̃] and the discriminator D on [x | c̃],
 * and the condition's standardisation c̃ = (c − mean) / scale they both take.
 */
import * as W from '../../wasm/index.js';
import type { Tensor } from '../../wasm/index.js';
import { MLP } from '../../nn/mlp.js';
import type { GANSettings } from './cgan_options.js';
import { SpectralNorm } from './cgan_spectral.js';
import { Projection } from './cgan_projection.js';

export interface Nets {
  G: MLP;
  D: MLP;
  /** with the ema option: the moving average of G's weights (what generate uses), else null */
  Gema: MLP | null;
  /** with the spectralNorm option: D's power-iteration vectors (D holds the raw weights), else null */
  sn: SpectralNorm | null;
  /**
   * with discriminator 'projection': ψ and V (D is then the body φ on x alone, [x, …discriminatorHidden],
   * its output the last hidden layer), and with spectralNorm ψ's power-iteration vector; else null
   */
  proj: Projection | null;
  snHead: SpectralNorm | null;
  /** widths of x and of c */
  x: number;
  c: number;
  /** the condition's standardisation, c ↦ (c − mean) / scale per column (0 and 1 when off) */
  mean: Float64Array;
  scale: Float64Array;
}

/** Column means and standard deviations (population, as scikit-learn's StandardScaler) of C, or 0 and 1. */
export function conditionStats(C: Tensor, standardize: boolean): { mean: Float64Array; scale: Float64Array } {
  const n = C.rows, q = C.cols, mean = new Float64Array(q), scale = new Float64Array(q).fill(1);
  if (!standardize) return { mean, scale };
  const d = C.data;
  for (let i = 0; i < n; i++) for (let j = 0; j < q; j++) mean[j]! += d[i * q + j]!;
  for (let j = 0; j < q; j++) mean[j]! /= n;
  const ss = new Float64Array(q);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < q; j++) {
      const e = d[i * q + j]! - mean[j]!;
      ss[j]! += e * e;
    }
  for (let j = 0; j < q; j++) if (ss[j]! > 0) scale[j] = Math.sqrt(ss[j]! / n);
  return { mean, scale };
}

/** A network of G's architecture holding a copy of G's weights (the moving average's start). */
export function copyGenerator(G: MLP): MLP {
  const A = new MLP({ layers: [...G.layers], activation: G.activation, outputActivation: G.outputActivation, leakySlope: G.leakySlope, seed: 0 });
  A.parameters.set(G.parameters);
  return A;
}

/**
 * New generator and discriminator for x of width xw and conditions of width cw (and, with the
 * ema option, the moving average, starting at G's initial weights).
 */
export function buildNets(s: GANSettings, xw: number, cw: number, stats: { mean: Float64Array; scale: Float64Array }): Nets {
  const common = { activation: s.activation, init: s.init };
  const G = new MLP({ layers: [s.noise + cw, ...s.hidden, xw], ...common, outputActivation: s.outputActivation, seed: s.seed });
  let D: MLP | null = null;
  try {
    const projection = s.discriminatorKind === 'projection';
    const dseed = (s.seed + 0x9e3779b9) >>> 0;
    D = projection
      ? new MLP({ layers: [xw, ...s.discriminatorHidden], ...common, outputActivation: s.activation, dropout: s.discriminatorDropout, seed: dseed })
      : new MLP({ layers: [xw + cw, ...s.discriminatorHidden, 1], ...common, outputActivation: 'identity', dropout: s.discriminatorDropout, seed: dseed });
    let sn: SpectralNorm | null = null, proj: Projection | null = null, snHead: SpectralNorm | null = null, Gema: MLP | null = null;
    try {
      sn = s.spectralNorm ? new SpectralNorm(D, (s.seed + 0x85ebca6b) >>> 0) : null;
      if (projection) {
        proj = new Projection(D, cw, { ...common, seed: (s.seed + 0x165667b1) >>> 0 });
        if (s.spectralNorm) snHead = new SpectralNorm(proj.head, (s.seed + 0xd3a2646c) >>> 0);
      }
      Gema = s.ema === false ? null : copyGenerator(G);
    } catch (e) {
      sn?.dispose();
      proj?.dispose();
      snHead?.dispose();
      throw e;
    }
    return { G, D, Gema, sn, proj, snHead, x: xw, c: cw, ...stats };
  } catch (e) {
    G.dispose();
    D?.dispose();
    throw e;
  }
}

/** Frees the networks (and the spectral normalisation's vectors). */
export function disposeNets(n: Nets): void {
  n.G.dispose();
  n.D.dispose();
  n.Gema?.dispose();
  n.sn?.dispose();
  n.proj?.dispose();
  n.snHead?.dispose();
}

/** θ_ema ← d·θ_ema + (1 − d)·θ over the two networks' parameter vectors (f32, as they are stored). */
export function emaUpdate(avg: MLP, net: MLP, decay: number): void {
  W.emaStep(avg._parameterBlocks().params, net._parameterBlocks().params, decay);
}

/**
 * MultimodalAutoencoder's network graph: one encoder MLP per modality, the fusion layer on
 * the gated encodings and the presence mask (the code), the shared decoder trunk and one head
 * per modality; building it from the settings, the forward pass and one forward-backward step.
 */
import * as W from '../../wasm/index.js';
import type { Tensor } from '../../wasm/index.js';
import { MLP } from '../../nn/mlp.js';
import { Concat, Fork } from '../../nn/blocks.js';
import { backwardTogether, forwardTogether } from '../../nn/lockstep.js';
import { perModality, type AutoencoderSettings } from './autoencoder_options.js';

/** The fitted graph. */
export interface Net {
  widths: number[];
  encoders: MLP[];
  fusion: MLP;
  trunk: MLP;
  heads: MLP[];
  cat: Concat;
  fork: Fork;
}

/** Frees every network of the graph. */
export function disposeNet(g: Net): void {
  for (const t of [...allNets(g), g.cat, g.fork]) t.dispose();
}

export const seedFor = (seed: number, k: number) => (seed + Math.imul(0x9e3779b9, k + 1)) >>> 0;

/** A fresh graph for modalities of these widths. */
export function buildNet(a: AutoencoderSettings, widths: number[]): Net {
  const m = widths.length;
  const { hidden, outs } = perModality(a, m);
  const made: { dispose(): void }[] = [];
  const keep = <T extends { dispose(): void }>(o: T): T => (made.push(o), o);
  try {
    const lasts = hidden.map((h) => h[h.length - 1]!);
    const sum = lasts.reduce((s, w) => s + w, 0);
    const trunkWidths = a.decoderHidden ?? [sum];
    const common = { activation: a.activation, outputActivation: a.activation, init: a.init };
    const encoders = widths.map((p, j) => keep(new MLP({ layers: [p, ...hidden[j]!], ...common, seed: seedFor(a.seed, j) })));
    const fusion = keep(new MLP({ layers: [sum + m, a.code], ...common, seed: seedFor(a.seed, m) }));
    const trunk = keep(new MLP({ layers: [a.code, ...trunkWidths], ...common, seed: seedFor(a.seed, m + 1) }));
    const t = trunkWidths[trunkWidths.length - 1]!;
    const heads = widths.map((p, j) => keep(new MLP({ layers: [t, p], activation: a.activation, outputActivation: outs[j], init: a.init, seed: seedFor(a.seed, m + 2 + j) })));
    const cat = keep(new Concat([...lasts, m]));
    const fork = keep(new Fork());
    return { widths: [...widths], encoders, fusion, trunk, heads, cat, fork };
  } catch (e) {
    for (const o of made) o.dispose();
    throw e;
  }
}

/** The networks in parameter order: encoders, fusion, trunk, heads. */
export function allNets(g: Net): MLP[] {
  return [...g.encoders, g.fusion, g.trunk, ...g.heads];
}

/** Forward through the whole graph: the code and each head's output (views). */
export function forwardGraph(g: Net, x: readonly Tensor[], gates: Tensor): { code: Tensor; outs: Tensor[] } {
  const enc = forwardTogether(g.encoders, x.slice(0, g.encoders.length));
  const code = g.fusion.forward(g.cat.forward([...enc, gates], { gates }));
  const h = g.fork.forward(g.trunk.forward(code));
  return { code, outs: forwardTogether(g.heads, g.heads.map(() => h)) };
}

/**
 * One forward and backward of the whole graph: the encoders see `gates`, the losses count the
 * rows `present` marks; parameter gradients accumulate. Returns the weighted loss and each
 * modality's MSE.
 */
export function backpropagate(g: Net, x: readonly Tensor[], present: Tensor, gates: Tensor, grads: readonly Tensor[], weights: readonly number[]): Record<string, number> {
  const { outs } = forwardGraph(g, x, gates);
  const losses: Record<string, number> = { loss: 0 };
  outs.forEach((o, j) => {
    const l = W.maskedMse(grads[j]!, o, x[j]!, present, j, weights[j]!);
    losses[`mse${j}`] = l;
    losses.loss! += weights[j]! * l;
  });
  const dh = g.fork.backward(backwardTogether(g.heads, grads.slice(0, g.heads.length)));
  const de = g.cat.backward(g.fusion.backward(g.trunk.backward(dh)), { inputGradient: [...outs.map(() => true), false] })!;
  backwardTogether(g.encoders, de.slice(0, g.encoders.length) as Tensor[], { inputGradient: false });
  return losses;
}

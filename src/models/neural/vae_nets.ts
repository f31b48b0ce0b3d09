/**
 * MultimodalVAE's networks: per view an encoder MLP [d_v, …hidden, 2L] (columns 0..L−1 the
 * expert's mean, L..2L−1 its log-variance) and a decoder MLP [L, …reverse(hidden), d_v]
 * (logits for a Bernoulli view, the mean for a Gaussian one), and the learned log-scales of
 * the Gaussian views (one parameter per view, a piece of its own so the optimiser, the
 * checkpoint and the file treat it as a network). Encoder v is seeded seed + 2v, decoder v
 * seed + 2v + 1.
 */
import * as W from '../../wasm/index.js';
import { Tensor } from '../../wasm/index.js';
import { MLP } from '../../nn/mlp.js';
import { Disposable } from '../../lifecycle.js';
import { likelihoods, type VAESettings, type ViewLikelihood } from './vae_options.js';
import { log } from './vae_math.js';

/** One learned value per view: log s of a Gaussian view's scale (initialised to 0; unused for the others). */
export class LogScales extends Disposable {
  #params: Tensor | null;
  #grads: Tensor | null;
  #training = true;
  constructor(m: number) {
    super();
    this.#params = Tensor.zeros(1, m);
    try {
      this.#grads = Tensor.zeros(1, m);
    } catch (e) {
      this.#params.dispose();
      throw e;
    }
  }
  get parameterCount(): number {
    return this.#params?.cols ?? 0;
  }
  get parameters(): Float32Array {
    this.live();
    return this.#params!.data;
  }
  get gradients(): Float32Array {
    this.live();
    return this.#grads!.data;
  }
  get training(): boolean {
    return this.#training;
  }
  train(): this {
    this.#training = true;
    return this;
  }
  eval(): this {
    this.#training = false;
    return this;
  }
  zeroGrad(): void {
    this.live();
    W.fill(this.#grads!, 0);
  }
  /** @internal */
  _parameterBlocks(): { params: Tensor; grads: Tensor } {
    this.live();
    return { params: this.#params!, grads: this.#grads! };
  }
  dispose(): void {
    if (!this.markDisposed()) return;
    this.#params?.dispose();
    this.#grads?.dispose();
    this.#params = this.#grads = null;
  }
}

/** The networks of a fitted MultimodalVAE. */
export interface VaeNet {
  widths: number[];
  latent: number;
  encoders: MLP[];
  decoders: MLP[];
  /** with a Gaussian view of learned scale */
  scales: LogScales | null;
  lik: ViewLikelihood[];
}

/** Encoders, decoders, then the log-scales: the optimiser's, the checkpoint's and the file's order. */
export function allVaeNets(g: VaeNet): (MLP | LogScales)[] {
  return [...g.encoders, ...g.decoders, ...(g.scales ? [g.scales] : [])];
}

export function disposeVae(g: VaeNet): void {
  for (const t of allVaeNets(g)) t.dispose();
}

/** Whether some view is a Gaussian of learned scale. */
export const learnsScales = (lik: readonly ViewLikelihood[]): boolean => lik.some((l) => l.kind === 'gaussian' && l.scale === null);

/** Fresh networks for views of these widths. */
export function buildVae(s: VAESettings, widths: readonly number[]): VaeNet {
  const lik = likelihoods(s, widths.length);
  const made: { dispose(): void }[] = [];
  const keep = <T extends { dispose(): void }>(o: T): T => (made.push(o), o);
  try {
    const L = s.latent, h = [...s.hidden], common = { activation: s.activation, outputActivation: 'identity' as const, init: s.init };
    const encoders = widths.map((d, v) => keep(new MLP({ layers: [d, ...h, 2 * L], ...common, seed: (s.seed + 2 * v) >>> 0 })));
    const decoders = widths.map((d, v) => keep(new MLP({ layers: [L, ...h.slice().reverse(), d], ...common, seed: (s.seed + 2 * v + 1) >>> 0 })));
    const scales = learnsScales(lik) ? keep(new LogScales(widths.length)) : null;
    return { widths: [...widths], latent: L, encoders, decoders, scales, lik };
  } catch (e) {
    for (const o of made) o.dispose();
    throw e;
  }
}

/** Each view's log-scale for a Gaussian view (learned or fixed), 0 for a Bernoulli one. */
export function logScales(g: VaeNet): Float64Array {
  const p = g.scales?.parameters;
  return Float64Array.from(g.lik, (l, v) => (l.kind === 'gaussian' ? (l.scale === null ? p![v]! : log(l.scale)) : 0));
}

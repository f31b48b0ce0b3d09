/**
 * DCCAE (Wang, Arora, Livescu & Bilmes, ICML 2015): DeepCCA with `reconstruction`. Each
 * tower gets a decoder, an MLP from the tower's output (width `outputs`) back to its view
 * ([outputs, …reconstruction.hidden, p], the towers' activation between layers, no output
 * activation: with `scale: true` the views are standardised, so a linear output fits), and
 * the loss minimised is
 *   −objective(H1, H2) + weight·(MSE(X̂, X) + MSE(Ŷ, Y)),   X̂ = dec_x(H1), Ŷ = dec_y(H2),
 * MSE the mean over rows and columns (as the autoencoder's). The towers receive the
 * objective's gradient plus `weight` × the decoders' input gradients; the decoders' parameter
 * gradients are `weight` × ∂MSE. Works with any objective with the CCAObjective interface
 * (H1, H2 in; evaluate() → G1, G2).
 *
 * This file: the option, building the decoders, their part of a training step, reconstruct,
 * their file entries and their PyTorch names.
 */
import * as W from '../../wasm/index.js';
import { Tensor, type TensorInput, type FloatResult, type MatrixResult } from '../../wasm/index.js';
import { MLP, type Activation, type MLPInit } from '../../nn/mlp.js';
import { backwardTogether, forwardTogether } from '../../nn/lockstep.js';
import type { Optimizer } from '../../nn/optim.js';
import type { TorchTensors } from '../../nn/torch.js';
import { FormatError, ShapeError, UnsupportedError, ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { makeOptimizer, type TrainingSettings } from './training.js';
import { unstandardize, type ColumnScaler } from './scaler.js';

/** DeepCCA's `reconstruction` option (DCCAE). */
export interface DeepCCAReconstructionOptions {
  /** the decoders' hidden widths, from the tower output to the view (default: the towers' `hidden` reversed) */
  hidden?: number[];
  /** λ, the weight of the two views' mean squared reconstruction errors in the loss (default 0.1; > 0) */
  weight?: number;
}

/** `reconstruction` as validated. */
export interface ReconstructionSettings {
  readonly hidden: readonly number[];
  readonly weight: number;
}

/** Checks `options.reconstruction` (undefined: plain DeepCCA, null returned). */
export function checkReconstruction(r: unknown, towersHidden: readonly number[]): ReconstructionSettings | null {
  if (r === undefined) return null;
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw new ValueError('options.reconstruction', '{ hidden?, weight? } (DCCAE: a decoder per tower)', r);
  const o = checkOptions(r as DeepCCAReconstructionOptions, ['hidden', 'weight'], 'options.reconstruction');
  const hidden = o.hidden ?? [...towersHidden].reverse();
  if (!Array.isArray(hidden) || !hidden.every((v) => Number.isInteger(v) && v >= 1)) throw new ValueError('options.reconstruction.hidden', 'an array of positive integer widths', o.hidden);
  const weight = o.weight ?? 0.1;
  if (!(typeof weight === 'number' && Number.isFinite(weight) && weight > 0))
    throw new ValueError('options.reconstruction.weight', 'a finite weight > 0 (leave reconstruction out for plain DeepCCA)', weight);
  return Object.freeze({ hidden: Object.freeze([...hidden]), weight });
}

/** What a file stores of the option (the resolved widths). */
export function reconstructionRecord(s: ReconstructionSettings | null): { reconstruction?: DeepCCAReconstructionOptions } {
  return s ? { reconstruction: { hidden: [...s.hidden], weight: s.weight } } : {};
}

/** What a DCCAE epoch reports beyond DeepCCA's: the two views' reconstruction MSEs and their sum (unweighted). */
export type ReconstructionLosses = { reconstruction?: number; reconstructionX?: number; reconstructionY?: number };

interface Model extends TrainingSettings {
  readonly reconstruction: ReconstructionSettings | null;
  readonly activation: Activation;
  readonly init: MLPInit;
  readonly outputs: number;
}

/** Seeds of the decoders: after the towers' (seed, seed + 1). */
const decoderSeed = (seed: number, j: number) => (seed + 2 + j) >>> 0;

/** New decoders for views of widths p and q. */
export function buildDecoders(m: Model, p: number, q: number): [MLP, MLP] {
  const s = m.reconstruction!;
  const make = (w: number, j: number) => new MLP({ layers: [m.outputs, ...s.hidden, w], activation: m.activation, init: m.init, seed: decoderSeed(m.seed, j) });
  const a = make(p, 0);
  try {
    return [a, make(q, 1)];
  } catch (e) {
    a.dispose();
    throw e;
  }
}

/** The decoders' part of a fit: their networks, optimisers and step. */
export interface DecoderSession {
  nets: [MLP, MLP];
  optimizers: [Optimizer, Optimizer];
  /**
   * With the towers' outputs h1, h2 of the batch (xb, yb), and g1, g2 holding the objective's
   * part of the towers' output gradients: runs the decoders forward and backward, steps their
   * optimisers and adds weight × their input gradients to g1 and g2. Returns the loss parts.
   */
  step(h1: Tensor, h2: Tensor, xb: Tensor, yb: Tensor, g1: Tensor, g2: Tensor): { penalty: number; reconstruction: number; reconstructionX: number; reconstructionY: number };
}

type Prep = { warm: boolean; previous: { optimizers: readonly Optimizer[] } | null; own: <T extends { dispose(): void }>(o: T) => T; built: <T extends { dispose(): void }>(o: T) => T };

/** Sets up the decoders for a fit (the model's own on a warm start); null without `reconstruction`. */
export function decoderSession(m: Model, fitted: [MLP, MLP] | null, prep: Prep, bs: number, p: number, q: number): DecoderSession | null {
  const s = m.reconstruction;
  if (!s) return null;
  const { warm, previous, own, built } = prep;
  const [d1, d2] = warm ? fitted! : buildDecoders(m, p, q).map((d) => built(d)) as [MLP, MLP];
  const opts = previous && previous.optimizers.length === 4 ? previous.optimizers.slice(2) : [built(makeOptimizer(m, d1)), built(makeOptimizer(m, d2))];
  const [o1, o2] = opts as [Optimizer, Optimizer];
  const r1 = own(Tensor.empty(bs, p)), r2 = own(Tensor.empty(bs, q));
  const w = s.weight;
  return {
    nets: [d1, d2],
    optimizers: [o1, o2],
    step(h1, h2, xb, yb, g1, g2) {
      o1.zeroGrad();
      o2.zeroGrad();
      // the two decoders side by side (their layers as pairs): forward, MSE, backward (× w), steps; g += w·∂MSE/∂h
      const [out1, out2] = forwardTogether([d1, d2], [h1, h2]);
      const mx = W.mseLoss(r1, out1!, xb), my = W.mseLoss(r2, out2!, yb);
      W.scaleBy(r1, w);
      W.scaleBy(r2, w);
      const [dh1, dh2] = backwardTogether([d1, d2], [r1, r2], { inputGradient: true });
      W.add(g1, g1, dh1!);
      W.add(g2, g2, dh2!);
      o1.step();
      o2.step();
      return { penalty: w * (mx + my), reconstruction: mx + my, reconstructionX: mx, reconstructionY: my };
    },
  };
}

/** A fitted DCCAE for reconstruct: decoders, towers, the final CCA's predict, the views' scalers. */
export interface Fitted {
  towers: [MLP, MLP];
  decoders: [MLP, MLP] | null;
  /** the final linear CCA's prediction of one tower's outputs from the other's */
  predict(h1: MatrixResult | null, h2: MatrixResult | null): MatrixResult;
  outputs(t: 0 | 1, input: TensorInput): MatrixResult;
  scaler: readonly [ColumnScaler, ColumnScaler] | null;
}

/** reconstruct on a DeepCCA without decoders. */
export function noDecoders(): UnsupportedError {
  return new UnsupportedError('DeepCCA.reconstruct: this model has no decoders: construct it with the reconstruction option (DCCAE), e.g. new DeepCCA({ reconstruction: { weight: 0.1 } })');
}

/**
 * reconstruct([X, Y]): each view decoded from its own tower's output; a view passed as null is
 * decoded from the other view's tower output mapped into its tower's output space by the final
 * linear CCA (CCA.predict through the kept pairs). Results in the data's units.
 */
export function reconstructViews(f: Fitted, views: unknown): [FloatResult, FloatResult] {
  if (!f.decoders) throw noDecoders();
  if (!Array.isArray(views) || views.length !== 2) throw new ValueError('views', '[X, Y], either of them null (reconstructed from the other)', views);
  const [X, Y] = views as [TensorInput | null, TensorInput | null];
  if ((X === null || X === undefined) && (Y === null || Y === undefined)) throw new ValueError('views', 'at least one view', 'null and null');
  [X, Y].forEach((v, j) => {
    const w = f.towers[j]!.layers[0]!, cols = v == null ? undefined : Array.isArray(v) ? (v[0] as ArrayLike<number> | undefined)?.length : (v as { cols?: number }).cols;
    if (cols !== undefined && cols !== w) throw new ShapeError(`views[${j}]`, `${w} columns (${j ? 'Y' : 'X'} as in fit)`, `${cols} columns`);
  });
  const h1 = X == null ? null : f.outputs(0, X), h2 = Y == null ? null : f.outputs(1, Y);
  if (h1 && h2 && h1.rows !== h2.rows) throw new ShapeError('views[1]', `${h1.rows} rows (as views[0])`, `${h2.rows} rows`);
  const c1 = h1 ?? f.predict(null, h2), c2 = h2 ?? f.predict(h1, null);
  return [decode(f.decoders[0], c1, f.scaler?.[0]), decode(f.decoders[1], c2, f.scaler?.[1])];
}

function decode(d: MLP, h: MatrixResult, scaler: ColumnScaler | undefined): FloatResult {
  const r = d.predict({ data: Float32Array.from(h.data), rows: h.rows, cols: h.cols });
  if (scaler) unstandardize(r, scaler);
  return r;
}

/** The decoders of a file (`decoders`, present exactly when the options have `reconstruction`), checked against the widths. */
export function readDecoders(o: Record<string, unknown>, s: ReconstructionSettings | null, out: number, p: number, q: number, where: string): [MLP, MLP] | null {
  if (!s) {
    if (o.decoders !== undefined) throw new FormatError(`${where}: decoders: present, but options.reconstruction is not set`);
    return null;
  }
  const v = o.decoders;
  if (!Array.isArray(v) || v.length !== 2) throw new FormatError(`${where}: decoders: expected two networks (options.reconstruction is set)`);
  const d1 = MLP.fromJSON(v[0]);
  try {
    const d2 = MLP.fromJSON(v[1]);
    const want = (w: number) => [out, ...s.hidden, w].join('-');
    if (d1.layers.join('-') !== want(p) || d2.layers.join('-') !== want(q)) {
      d2.dispose();
      throw new FormatError(`${where}: decoders: widths ${d1.layers.join('-')}, ${d2.layers.join('-')}; expected ${want(p)}, ${want(q)} (outputs, reconstruction.hidden, the views' widths)`);
    }
    return [d1, d2];
  } catch (e) {
    d1.dispose();
    throw e;
  }
}

/**
 * The decoders from PyTorch tensors, when any tensor starts with either decoder prefix
 * (default 'xdec.' and 'ydec.': nn.Sequential MLPs, Linear layers with `activation` between
 * them and no output activation, as the towers); null when there are none.
 */
export function decodersFromTorch(tensors: TorchTensors, prefixes: readonly [string, string], activation: Activation): [MLP, MLP] | null {
  const names = Object.keys(tensors);
  const has = (pre: string) => names.some((n) => n.startsWith(pre));
  if (!has(prefixes[0]) && !has(prefixes[1])) return null;
  for (const pre of prefixes) if (!has(pre)) throw new FormatError(`DeepCCA.fromTorch: tensors: no decoder under ${JSON.stringify(pre)}, but one under ${JSON.stringify(prefixes.find((x) => x !== pre))}: DCCAE has a decoder per view`);
  const a = MLP.fromTorch(tensors, { prefix: prefixes[0], activation });
  try {
    return [a, MLP.fromTorch(tensors, { prefix: prefixes[1], activation })];
  } catch (e) {
    a.dispose();
    throw e;
  }
}

/** fromTorch's decoder prefixes, checked: strings, and no one of the four prefixes starts another. */
export function decoderPrefixes(x: unknown, y: unknown, xd: unknown, yd: unknown): [string, string] {
  const all = [['options.xPrefix', x], ['options.yPrefix', y], ['options.xDecoderPrefix', xd], ['options.yDecoderPrefix', yd]] as const;
  for (const [name, v] of all) if (typeof v !== 'string') throw new ValueError(name, "a string such as 'xdec.'", v);
  for (let i = 2; i < 4; i++)
    for (let j = 0; j < 4; j++)
      if (i !== j && ((all[i]![1] as string).startsWith(all[j]![1] as string) || (all[j]![1] as string).startsWith(all[i]![1] as string)))
        throw new ValueError(all[i]![0], `a prefix apart from ${all[j]![0]} (${JSON.stringify(all[j]![1])}): neither may start the other`, all[i]![1]);
  return [xd as string, yd as string];
}

/** The `reconstruction` option of a model read from PyTorch: the decoders' widths, the weight given (or the default). */
export function torchReconstruction(decoders: [MLP, MLP] | null, given: DeepCCAReconstructionOptions | undefined, p: number, q: number, o: number): { reconstruction?: DeepCCAReconstructionOptions } {
  if (!decoders) {
    if (given !== undefined) throw new ValueError('options.reconstruction', 'left out: the tensors have no decoders (names under options.xDecoderPrefix / yDecoderPrefix, default xdec. / ydec.)', given);
    return {};
  }
  const [a, b] = decoders;
  const h = a.layers.slice(1, -1), wants = (d: MLP, w: number) => [o, ...h, w].join('-') === d.layers.join('-');
  if (!wants(a, p) || !wants(b, q))
    throw new FormatError(`DeepCCA.fromTorch: tensors: decoders ${a.layers.join('-')} and ${b.layers.join('-')}; expected [${o} (the towers' output), …the same hidden widths, ${p} | ${q} (the views)]`);
  if (given !== null && typeof given === 'object' && given.hidden !== undefined && given.hidden.join() !== h.join())
    throw new ValueError('options.reconstruction.hidden', `left out, or the decoders' hidden widths [${h.join(', ')}]`, given.hidden);
  return { reconstruction: { ...(given && typeof given === 'object' ? given : {}), hidden: h } };
}

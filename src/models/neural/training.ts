/**
 * The training options every neural model accepts, one vocabulary with per-model defaults:
 * `epochs`, `batchSize`, `learningRate`, `optimizer` ('adam' | 'adamw' | 'sgd'), `beta1`,
 * `beta2`, `weightDecay`, `maxGradNorm` and `seed`, and the network options `hidden`,
 * `activation` and `init`. `makeOptimizer` builds a group's optimiser from them.
 */
import { ACTIVATIONS, type Activation } from '../../nn/activation.js';
import type { MLPInit } from '../../nn/mlp.js';
import { Adam, AdamW, SGD, type Optimizer, type Trainable } from '../../nn/optim.js';
import { ValueError } from '../../errors.js';
import { checkMissing, type Missing } from '../../wasm/index.js';

/** The optimiser a neural model trains with: 'adam' (the default), 'adamw' or 'sgd' (momentum 0.9). */
export type OptimizerName = 'adam' | 'adamw' | 'sgd';

/** How a neural model trains (the same names for every model; defaults per model, see docs/neural.md, Training: one trainer, one vocabulary). */
export interface TrainingOptions {
  /** passes over the training rows (default 100; Classifier 60) */
  epochs?: number;
  /** rows per batch, clamped to the number of rows (default: DeepCCA 500, MultimodalAutoencoder 100, ConditionalGAN 64, Classifier 128) */
  batchSize?: number;
  /** the optimiser's step size (default 1e-3; ConditionalGAN 4e-4 for G with spectralNorm, its default, and 2e-4 without) */
  learningRate?: number;
  /** 'adam' (the default), 'adamw' (decoupled weight decay) or 'sgd' (momentum 0.9) */
  optimizer?: OptimizerName;
  /** Adam's β1 (default 0.9; ConditionalGAN 0.5); 'adam' and 'adamw' only */
  beta1?: number;
  /** Adam's β2 (default 0.999); 'adam' and 'adamw' only */
  beta2?: number;
  /** weight decay: L2 added to the gradient for 'adam' and 'sgd', decoupled for 'adamw' (default 0) */
  weightDecay?: number;
  /** clip each optimiser group's global gradient norm to this before every step (default: no clipping) */
  maxGradNorm?: number;
  /** initialisation, shuffling and every random draw of training (default 0) */
  seed?: number;
  /** a training row with a NaN, null or undefined cell in any of fit's matrices: 'error' (the
   *  default) refuses it, 'drop' leaves it out (counted in `droppedRows`; ±Infinity stays an error) */
  missing?: Missing;
}

/** The shape of a model's networks (the same names for every neural model). */
export interface NetworkOptions {
  /** hidden widths of each network (default: DeepCCA [256, 256] per tower, ConditionalGAN [256, 512] for the generator, Classifier [128]; the autoencoder's may differ per modality) */
  hidden?: readonly number[];
  /** hidden activation (default 'leaky_relu', slope 0.01; Classifier 'relu') */
  activation?: Activation;
  /** weight initialisation, see MLPOptions.init (default 'uniform', PyTorch's nn.Linear default; Classifier 'auto') */
  init?: MLPInit;
}

/** The training options as validated, with the model's defaults. */
export interface TrainingSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly optimizer: OptimizerName;
  readonly beta1: number;
  readonly beta2: number;
  readonly weightDecay: number;
  /** null: no clipping */
  readonly maxGradNorm: number | null;
  readonly seed: number;
  readonly missing: Missing;
}

export const TRAINING_OPTIONS = ['epochs', 'batchSize', 'learningRate', 'optimizer', 'beta1', 'beta2', 'weightDecay', 'maxGradNorm', 'seed', 'missing'] as const satisfies readonly (keyof TrainingOptions)[];
export const NETWORK_OPTIONS = ['hidden', 'activation', 'init'] as const satisfies readonly (keyof NetworkOptions)[];

/** A model's defaults for the training options it does not share with the others. */
export interface TrainingDefaults {
  epochs: number;
  batchSize: number;
  learningRate: number;
  beta1?: number;
}

/** The training options, validated, with the model's defaults. */
export function checkTraining(o: TrainingOptions, d: TrainingDefaults): TrainingSettings {
  const int = (name: keyof TrainingOptions, v: unknown, lo: number, hi = Infinity) => {
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= lo && (v as number) < hi)) throw new ValueError(`options.${name}`, hi === Infinity ? 'a positive integer' : 'an integer in [0, 2³²)', v);
  };
  int('epochs', o.epochs, 1);
  int('batchSize', o.batchSize, 1);
  int('seed', o.seed, 0, 2 ** 32);
  const lr = o.learningRate;
  if (lr !== undefined && !(typeof lr === 'number' && lr > 0 && Number.isFinite(lr))) throw new ValueError('options.learningRate', 'a positive number', lr);
  const optimizer = o.optimizer ?? 'adam';
  if (!['adam', 'adamw', 'sgd'].includes(optimizer)) throw new ValueError('options.optimizer', "'adam' | 'adamw' | 'sgd'", optimizer);
  for (const name of ['beta1', 'beta2'] as const) {
    const v = o[name];
    if (v === undefined) continue;
    if (!(typeof v === 'number' && v >= 0 && v < 1)) throw new ValueError(`options.${name}`, 'a number in [0, 1)', v);
    if (optimizer === 'sgd') throw new ValueError(`options.${name}`, "to be left out with optimizer 'sgd' (Adam's moment decay; SGD's momentum is 0.9)", v);
  }
  const wd = o.weightDecay;
  if (wd !== undefined && !(typeof wd === 'number' && wd >= 0 && Number.isFinite(wd))) throw new ValueError('options.weightDecay', 'a number ≥ 0', wd);
  const clip = o.maxGradNorm;
  if (clip !== undefined && !(typeof clip === 'number' && clip > 0 && Number.isFinite(clip))) throw new ValueError('options.maxGradNorm', 'a positive number', clip);
  return {
    epochs: o.epochs ?? d.epochs,
    batchSize: o.batchSize ?? d.batchSize,
    learningRate: lr ?? d.learningRate,
    optimizer,
    beta1: o.beta1 ?? d.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    weightDecay: wd ?? 0,
    maxGradNorm: clip ?? null,
    seed: o.seed ?? 0,
    missing: checkMissing(o.missing),
  };
}

/** Checks a model's `activation` and `init`, with its defaults. */
export function checkActivationInit(o: Omit<NetworkOptions, 'hidden'>, d: { activation: Activation; init: MLPInit }): { activation: Activation; init: MLPInit } {
  const act = o.activation ?? d.activation;
  if (!(typeof act === 'string' && act in ACTIVATIONS)) throw new ValueError('options.activation', Object.keys(ACTIVATIONS).join(' | '), act);
  const init = o.init ?? d.init;
  if (!['auto', 'he', 'glorot', 'uniform'].includes(init)) throw new ValueError('options.init', "'auto' | 'he' | 'glorot' | 'uniform'", init);
  return { activation: act, init };
}

/** Checks a model's network options (`hidden` a list of widths), with its defaults. */
export function checkNetwork(o: NetworkOptions, d: { hidden: readonly number[]; activation: Activation; init: MLPInit }): { hidden: readonly number[]; activation: Activation; init: MLPInit } {
  const hidden = o.hidden ?? d.hidden;
  if (!Array.isArray(hidden) || !hidden.every((v) => Number.isInteger(v) && v >= 1)) throw new ValueError('options.hidden', 'an array of positive integer widths', hidden);
  return { hidden: Object.freeze([...hidden]), ...checkActivationInit(o, d) };
}

/** The optimiser of one group of pieces under these settings. */
export function makeOptimizer(s: TrainingSettings, pieces: Trainable | Trainable[]): Optimizer {
  const base = { learningRate: s.learningRate, weightDecay: s.weightDecay, ...(s.maxGradNorm === null ? {} : { maxGradNorm: s.maxGradNorm }) };
  if (s.optimizer === 'sgd') return new SGD(pieces, { ...base, momentum: 0.9 });
  const adam = { ...base, beta1: s.beta1, beta2: s.beta2 };
  return s.optimizer === 'adamw' ? new AdamW(pieces, adam) : new Adam(pieces, adam);
}

/**
 * The training options a model's file stores beyond those it always stored (`stored`): each
 * only where it differs from the default every model shares, so the file of a model trained
 * as before is written as before.
 */
export function trainingExtras(s: TrainingSettings, stored: readonly (keyof TrainingSettings)[] = []): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  const put = (k: keyof TrainingSettings, v: unknown, dflt: unknown) => {
    if (!stored.includes(k) && v !== dflt) r[k] = v;
  };
  put('optimizer', s.optimizer, 'adam');
  // SGD has no β (a file of an SGD model must not carry one: the options would be refused)
  if (s.optimizer !== 'sgd') put('beta1', s.beta1, 0.9);
  if (s.optimizer !== 'sgd') put('beta2', s.beta2, 0.999);
  put('weightDecay', s.weightDecay, 0);
  put('maxGradNorm', s.maxGradNorm, null);
  put('missing', s.missing, 'error');
  return r;
}

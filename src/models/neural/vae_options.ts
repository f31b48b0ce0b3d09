/**
 * MultimodalVAE's options: their types, their validation (the constructor's, and the
 * per-view likelihoods checked against the number of views at fit), and the options a file
 * stores; shared by the model, its networks, its objective, its file format and its PyTorch
 * import.
 */
import type { FloatResult, TensorInput } from '../../wasm/index.js';
import type { Activation, MLPInit } from '../../nn/mlp.js';
import { ValueError, described } from '../../errors.js';
import { checkScale } from './scaler.js';
import { checkOptions } from '../../options.js';
import { TRAINING_OPTIONS, checkActivationInit, checkTraining, trainingExtras, type NetworkOptions, type TrainingOptions, type TrainingSettings } from './training.js';
import type { NeuralFitOptions } from './trainer.js';
import type { ViewInput } from './autoencoder_options.js';

export type { ViewInput } from './autoencoder_options.js';

/** How the posterior of a subset of views is formed (see docs/neural.md, Multimodal VAE: product, mixture or mixture of products of experts). */
export type VAEFusion = 'poe' | 'moe' | 'mopoe';

/** At most this many views (subsets are bit masks); 'mopoe' sums over 2^|present| − 1 subsets per row, so fewer. */
export const MAX_VIEWS = 30, MAX_MOPOE = 10;

/** @internal */
export type Fusion = VAEFusion;

/**
 * A view's likelihood p(x | z): 'bernoulli' (decoder logits, data in [0, 1]), 'gaussian'
 * (decoder mean, one learned scale per view, log s initialised to 0), or a Gaussian of a
 * fixed scale `{ type: 'gaussian', scale: 0.1 }`.
 */
export type VAELikelihood = 'bernoulli' | 'gaussian' | { readonly type: 'gaussian'; readonly scale: number };
/** @internal */
export type Likelihood = VAELikelihood;

/** Options of new MultimodalVAE: the fusion, latent, networks, likelihoods, β and the training options. */
export interface MultimodalVAEOptions extends TrainingOptions, Omit<NetworkOptions, 'hidden' | 'init'> {
  /** hidden widths of each encoder, reversed for each decoder (default [256, 256]) */
  hidden?: readonly number[];
  /** weight initialisation, see MLPOptions.init (default 'auto': He normal for the ReLU-like
   *  activations, zero biases, as python/crossmodal_torch.py's MultimodalVAE init='he') */
  init?: MLPInit;
  /** 'poe' (MVAE: product of the experts and the prior), 'moe' (MMVAE: mixture of the
   *  unimodal experts) or 'mopoe' (mixture of the products of every subset; default 'mopoe') */
  fusion?: Fusion;
  /** width of the latent space (default 16) */
  latent?: number;
  /** weight of the KL terms (default 0.25: sharper posteriors, chosen on a validation split of the
   *  digits for cross-coherence; 1 is the ELBO proper, better prior samples and likelihood) */
  beta?: number;
  /** each view's likelihood: one for every view or one per view (default 'bernoulli') */
  likelihood?: Likelihood | readonly Likelihood[];
  /** standardise each Gaussian view's columns by the training rows' mean and standard
   *  deviation (present rows; a Bernoulli view stays in [0, 1]), kept with the model and its
   *  file: reconstructions and samples come back in the data's units, logLikelihood is the
   *  density of the data's units (default false) */
  scale?: boolean;
}

/** What each MultimodalVAE epoch reports: the loss (negative weighted ELBO, nats per row), the weighted KL (`kl`, before β), each view's weighted reconstruction negative log-likelihood (`nll0`, `nll1`, …), and with validation the held-out loss. */
export type VAELosses = { loss: number; kl: number; validation?: number; [view: `nll${number}`]: number };

/** MultimodalVAE.fit's options (onEpoch, signal, warmStart, present, validation). */
export interface VAEFitOptions extends NeuralFitOptions<VAELosses> {
  /** n×m 0/1 mask: 0 marks a view missing in that row (default: every non-null row present) */
  present?: TensorInput;
  /** held-out views: after each epoch the loss on them (one draw of the noise, the same every
   *  epoch) is reported as losses.validation; with `patience`, training stops after that many
   *  epochs without improvement and the best networks are kept (default: none; `present`
   *  default: every non-null row; `patience` default: no early stop) */
  validation?: { views: readonly ViewInput[]; present?: TensorInput; patience?: number };
}

/** MultimodalVAE.fit(source, options)'s options: those of fit and the shuffle buffer. */
export interface VAESourceFitOptions extends NeuralFitOptions<VAELosses> {
  /** held-out views (arrays), as with arrays (default: none) */
  validation?: VAEFitOptions['validation'];
  /** rows held for shuffling, as tf.data's shuffle(bufferSize) (default 10,000, or as many as 16 MiB of rows hold when they are wide; 0: the rows in source order) */
  shuffleBuffer?: number;
}

/** Options of the VAE's methods that read views: which views each row has. */
export interface VAEViewsOptions {
  /** n×m 0/1 mask: 0 marks a view missing in that row (default: every non-null row present) */
  present?: TensorInput;
}

/** Options of MultimodalVAE.sample. */
export interface VAESampleOptions extends VAEViewsOptions {
  /** seed of the draws (default 0) */
  seed?: number;
  /** draws per row (default 1): row i's draws are rows i·samples … i·samples + samples − 1 */
  samples?: number;
}

/** Options of MultimodalVAE.logLikelihood. */
export interface VAELogLikelihoodOptions extends VAEViewsOptions {
  /** importance samples per row (default 1000) */
  samples?: number;
  /** seed of the draws (default 0) */
  seed?: number;
}

/** Options of MultimodalVAE.fromTorch: the names' prefix and the model's options. */
export interface MultimodalVAEFromTorchOptions extends Omit<MultimodalVAEOptions, 'hidden' | 'latent'> {
  /** what the names start with, dot included (default '') */
  prefix?: string;
}

/** A MultimodalVAE's options as validated, with their defaults. */
export interface VAESettings extends TrainingSettings {
  readonly fusion: Fusion;
  readonly latent: number;
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly init: MLPInit;
  readonly beta: number;
  readonly likelihood: Likelihood | readonly Likelihood[];
  readonly scale: boolean;
}

/** A view's likelihood, resolved: a Gaussian's scale null when learned. */
export type ViewLikelihood = { kind: 'bernoulli' } | { kind: 'gaussian'; scale: number | null };

export const VAE_OPTIONS = ['fusion', 'latent', 'hidden', 'activation', 'init', 'beta', 'likelihood', 'scale', ...TRAINING_OPTIONS] as const satisfies readonly (keyof MultimodalVAEOptions)[];

const isLikelihood = (v: unknown): v is Likelihood =>
  v === 'bernoulli' ||
  v === 'gaussian' ||
  (!!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((k) => k === 'type' || k === 'scale') && (v as { type?: unknown }).type === 'gaussian' && typeof (v as { scale?: unknown }).scale === 'number' && (v as { scale: number }).scale > 0 && Number.isFinite((v as { scale: number }).scale));

const copyLikelihood = (v: Likelihood): Likelihood => (typeof v === 'string' ? v : Object.freeze({ type: 'gaussian', scale: v.scale }));

/** The constructor's options, validated, with their defaults. */
export function checkVAEOptions(options: MultimodalVAEOptions): VAESettings {
  checkOptions(options, VAE_OPTIONS);
  const training = checkTraining(options, { epochs: 300, batchSize: 100, learningRate: 1e-3 });
  const fusion = options.fusion ?? 'mopoe';
  if (!['poe', 'moe', 'mopoe'].includes(fusion)) throw new ValueError('options.fusion', "'poe' | 'moe' | 'mopoe'", fusion);
  const latent = options.latent ?? 16;
  if (!Number.isInteger(latent) || latent < 1) throw new ValueError('options.latent', 'a positive integer', latent);
  const hidden = options.hidden ?? [256, 256];
  if (!Array.isArray(hidden) || !hidden.every((w) => Number.isInteger(w) && w >= 1)) throw new ValueError('options.hidden', 'an array of positive integer widths', hidden);
  const { activation, init } = checkActivationInit(options, { activation: 'leaky_relu', init: 'auto' });
  const beta = options.beta ?? 0.25;
  if (!(typeof beta === 'number' && beta >= 0 && Number.isFinite(beta))) throw new ValueError('options.beta', 'a number ≥ 0', beta);
  const lik = options.likelihood ?? 'bernoulli';
  const expected = "'bernoulli' | 'gaussian' | { type: 'gaussian', scale: a positive number }, or one per view";
  if (!(isLikelihood(lik) || (Array.isArray(lik) && lik.length >= 2 && lik.every(isLikelihood)))) throw new ValueError('options.likelihood', expected, lik);
  return {
    ...training,
    fusion,
    latent,
    hidden: Object.freeze([...hidden]),
    activation,
    init,
    beta,
    likelihood: Array.isArray(lik) ? Object.freeze(lik.map(copyLikelihood)) : copyLikelihood(lik as Likelihood),
    scale: checkScale(options.scale),
  };
}

/** Each view's likelihood, checked against m views (at fit). */
export function likelihoods(s: VAESettings, m: number): ViewLikelihood[] {
  const list = Array.isArray(s.likelihood) ? (s.likelihood as Likelihood[]) : Array.from({ length: m }, () => s.likelihood as Likelihood);
  if (list.length !== m) throw new ValueError('options.likelihood', `one value or one per view (${m})`, described(`${list.length} values`));
  return list.map((l) => (l === 'bernoulli' ? { kind: 'bernoulli' } : { kind: 'gaussian', scale: l === 'gaussian' ? null : l.scale }));
}

/** The options that rebuild a model of these settings (plain copies, as a file stores them). */
export function vaeOptionsOf(s: VAESettings): MultimodalVAEOptions {
  return {
    fusion: s.fusion,
    latent: s.latent,
    hidden: [...s.hidden],
    activation: s.activation,
    init: s.init,
    beta: s.beta,
    likelihood: JSON.parse(JSON.stringify(s.likelihood)) as Likelihood,
    ...(s.scale ? { scale: true } : {}),
    epochs: s.epochs,
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    seed: s.seed,
    ...trainingExtras(s),
  };
}

/** encode's result: the mean and log-variance of each row's posterior (n×latent each). */
export interface VAEEncoding {
  mean: FloatResult;
  logVariance: FloatResult;
}

/** logLikelihood's result: the importance-sampled log p(x) of the views present (nats). */
export interface VAELogLikelihood {
  /** mean over the rows */
  mean: number;
  perRow: Float64Array;
}

/**
 * MultimodalAutoencoder's options: their types, their validation (the constructor's, and the
 * per-modality settings checked against the number of modalities at fit), and the options
 * a file stores; shared by the model, its graph, its file format and its PyTorch import.
 */
import type { ValidationSource } from './source.js';
import type { TensorInput } from '../../wasm/index.js';
import { ACTIVATIONS, type Activation, type MLPInit } from '../../nn/mlp.js';
import { ValueError, described } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { TRAINING_OPTIONS, checkActivationInit, checkTraining, trainingExtras, type NetworkOptions, type TrainingOptions, type TrainingSettings } from './training.js';
import type { NeuralFitOptions } from './trainer.js';
import { checkScale } from './scaler.js';

/** Options of new MultimodalAutoencoder: the networks, modality dropout, loss weights and the training options. */
export interface MultimodalAutoencoderOptions extends TrainingOptions, Omit<NetworkOptions, 'hidden'> {
  /** hidden widths of each encoder: one list for every modality, or one list per modality (default [128]) */
  hidden?: readonly number[] | readonly (readonly number[])[];
  /** width of the shared code (default 32) */
  code?: number;
  /** hidden widths of the shared decoder trunk (default: one layer, the sum of the encoders' last widths) */
  decoderHidden?: readonly number[];
  /** activation of each modality's output head: one value or one per modality (default
   *  'sigmoid', for data in [0, 1]; with `scale: true`, 'identity'). fit refuses targets
   *  outside a bounded head's range (sigmoid [0, 1], tanh [−1, 1]) */
  outputActivation?: Activation | readonly Activation[];
  /** standardise every column by the training rows' mean and standard deviation (n − 1):
   *  kept with the model and its file, applied to the inputs of encode, reconstruct and
   *  evaluate; reconstructions come back in the data's units (default false) */
  scale?: boolean;
  /** probability that a training example is seen with a random non-empty proper subset of
   *  its modalities removed (default 2/3: for two modalities, a third each of both, only
   *  the first, only the second) */
  modalityDropout?: number;
  /** weight of each modality's mean squared error in the loss (default 1 for each) */
  lossWeights?: readonly number[];
}

/** What each autoencoder epoch reports: the weighted loss, each modality's MSE (`mse0`, `mse1`, …), and with validation the held-out loss. */
export type AutoencoderLosses = { loss: number; validation?: number; [modality: `mse${number}`]: number };

/** A modality's rows: a matrix, rows where `null` marks a row whose modality is missing, or `null` for a modality missing in every row. */
export type ViewInput = TensorInput | readonly (ArrayLike<number> | null)[] | null;

/** MultimodalAutoencoder.fit's options (onEpoch, signal, warmStart, validation). */
export interface AutoencoderFitOptions extends NeuralFitOptions<AutoencoderLosses> {
  /** n×m 0/1 mask: 0 marks a modality missing in that row (default: every non-null row present) */
  present?: TensorInput;
  /** held-out views: after each epoch the weighted reconstruction loss with every present
   *  modality given is reported as losses.validation; with `patience`, training stops after
   *  that many epochs without improvement and the best networks are kept; or
   *  `{ source, patience? }`, a function returning per pass the held-out chunks
   *  [view₀, view₁, …] (null views and rows missing), read after every epoch and never kept
   *  (default: none; `present` default: every non-null row; `patience` default: no early stop) */
  validation?: { views: readonly ViewInput[]; present?: TensorInput; patience?: number } | ValidationSource;
}

/** MultimodalAutoencoder.fit(source, options)'s options: those of fit and the shuffle buffer. */
export interface AutoencoderSourceFitOptions extends NeuralFitOptions<AutoencoderLosses> {
  /** held-out views (arrays), or `{ source, patience? }` (chunks of held-out views, read after every epoch), as with arrays (default: none) */
  validation?: AutoencoderFitOptions['validation'];
  /** rows held for shuffling, as tf.data's shuffle(bufferSize) (default 10,000, or as many as 16 MiB of rows hold when they are wide; 0: the rows in source order) */
  shuffleBuffer?: number;
}

/** Options of MultimodalAutoencoder.fromTorch: how the PyTorch networks were built, and the model's options. */
export interface MultimodalAutoencoderFromTorchOptions extends Omit<MultimodalAutoencoderOptions, 'hidden' | 'code' | 'decoderHidden'> {
  /** what the names start with, dot included: 'autoencoder.' for `autoencoder.encoders.0.0.weight`;
   *  tensors outside it are ignored (default '': every tensor belongs to the autoencoder) */
  prefix?: string;
}

/** Options of the autoencoder's encode and reconstruct. */
export interface ViewsOptions {
  /** n×m 0/1 mask: 0 marks a modality missing in that row (default: every non-null row present) */
  present?: TensorInput;
}

/** A MultimodalAutoencoder's options as validated, with their defaults (what the model keeps and a file stores). */
export interface AutoencoderSettings extends TrainingSettings {
  readonly hidden: readonly number[] | readonly (readonly number[])[];
  readonly code: number;
  readonly decoderHidden: readonly number[] | null;
  readonly activation: Activation;
  readonly outputActivation: Activation | readonly Activation[];
  readonly init: MLPInit;
  readonly modalityDropout: number;
  readonly lossWeights: readonly number[] | null;
  readonly scale: boolean;
}

export const OPTIONS = ['hidden', 'code', 'decoderHidden', 'activation', 'outputActivation', 'init', 'modalityDropout', 'lossWeights', ...TRAINING_OPTIONS, 'scale'] as const satisfies readonly (keyof MultimodalAutoencoderOptions)[];

export const isWidths = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((w) => Number.isInteger(w) && w >= 1);

/** The constructor's options, validated, with their defaults (lists frozen copies). */
export function checkAutoencoderOptions(options: MultimodalAutoencoderOptions): AutoencoderSettings {
  checkOptions(options, OPTIONS);
  const training = checkTraining(options, { epochs: 100, batchSize: 100, learningRate: 1e-3 });
  const hidden = options.hidden ?? [128];
  if (!(isWidths(hidden) || (Array.isArray(hidden) && hidden.length >= 2 && hidden.every(isWidths))))
    throw new ValueError('options.hidden', 'a non-empty list of positive integer widths, or one such list per modality', hidden);
  const code = options.code ?? 32;
  if (!Number.isInteger(code) || code < 1) throw new ValueError('options.code', 'a positive integer', code);
  const dh = options.decoderHidden ?? null;
  if (dh !== null && !isWidths(dh)) throw new ValueError('options.decoderHidden', 'a non-empty list of positive integer widths', dh);
  const { activation: act, init } = checkActivationInit(options, { activation: 'leaky_relu', init: 'uniform' });
  const scale = checkScale(options.scale);
  const out = options.outputActivation ?? (scale ? 'identity' : 'sigmoid');
  const okAct = (a: unknown) => typeof a === 'string' && a in ACTIVATIONS;
  if (!(okAct(out) || (Array.isArray(out) && out.length >= 2 && out.every(okAct))))
    throw new ValueError('options.outputActivation', `${Object.keys(ACTIVATIONS).join(' | ')}, or one per modality`, out);
  const md = options.modalityDropout ?? 2 / 3;
  if (!(typeof md === 'number' && md >= 0 && md <= 1)) throw new ValueError('options.modalityDropout', 'a probability in [0, 1]', md);
  const lw = options.lossWeights ?? null;
  if (lw !== null && !(Array.isArray(lw) && lw.length >= 2 && lw.every((w) => typeof w === 'number' && w >= 0 && Number.isFinite(w)) && lw.some((w) => w > 0)))
    throw new ValueError('options.lossWeights', 'one weight ≥ 0 per modality, not all 0', lw);
  return {
    ...training,
    hidden: Array.isArray(hidden[0]) ? Object.freeze((hidden as number[][]).map((h) => Object.freeze([...h]))) : Object.freeze([...(hidden as number[])]),
    code,
    decoderHidden: dh && Object.freeze([...dh]),
    activation: act,
    outputActivation: Array.isArray(out) ? Object.freeze([...out]) : (out as Activation),
    init,
    modalityDropout: md,
    lossWeights: lw && Object.freeze([...lw]),
    scale,
  };
}

/** Per-modality settings checked against m (at fit). */
export function perModality(s: AutoencoderSettings, m: number) {
  const hidden = Array.isArray(s.hidden[0]) ? (s.hidden as number[][]) : Array.from({ length: m }, () => s.hidden as number[]);
  if (hidden.length !== m) throw new ValueError('options.hidden', `one list per modality (${m})`, described(`${hidden.length} lists`));
  const outs = typeof s.outputActivation === 'string' ? Array.from({ length: m }, () => s.outputActivation as Activation) : [...s.outputActivation];
  if (outs.length !== m) throw new ValueError('options.outputActivation', `one value or one per modality (${m})`, described(`${outs.length} values`));
  const weights = s.lossWeights ?? Array.from({ length: m }, () => 1);
  if (weights.length !== m) throw new ValueError('options.lossWeights', `one weight per modality (${m})`, described(`${weights.length} weights`));
  return { hidden, outs, weights };
}

/** The options that rebuild a model of these settings (plain copies, as a file stores them). */
export function optionsOf(a: AutoencoderSettings): MultimodalAutoencoderOptions {
  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const o: MultimodalAutoencoderOptions = {
    hidden: copy(a.hidden),
    code: a.code,
    activation: a.activation,
    outputActivation: copy(a.outputActivation),
    init: a.init,
    modalityDropout: a.modalityDropout,
    epochs: a.epochs,
    batchSize: a.batchSize,
    learningRate: a.learningRate,
    seed: a.seed,
  };
  if (a.decoderHidden) o.decoderHidden = [...a.decoderHidden];
  if (a.lossWeights) o.lossWeights = [...a.lossWeights];
  if (a.scale) o.scale = true;
  return { ...o, ...trainingExtras(a) };
}

/**
 * DeepCCA's options: their types (the shared training and network vocabulary plus DeepCCA's
 * own), their validation with DeepCCA's defaults, and what its file stores.
 */
import type { ValidationSource } from './source.js';
import type { TensorInput } from '../../wasm/index.js';
import type { Activation } from '../../nn/activation.js';
import type { MLPInit } from '../../nn/mlp.js';
import { ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import type { DeepCCAObjectiveKind } from './deepcca_objective.js';
import { NETWORK_OPTIONS, TRAINING_OPTIONS, checkNetwork, checkTraining, trainingExtras, type NetworkOptions, type TrainingOptions, type TrainingSettings } from './training.js';
import type { NeuralFitOptions } from './trainer.js';
import { checkScale } from './scaler.js';
import { checkReconstruction, reconstructionRecord, type ReconstructionLosses, type DeepCCAReconstructionOptions, type ReconstructionSettings } from './deepcca_dccae.js';

/** Options of new DeepCCA: the towers, the objective, the final CCA and the training options. */
export interface DeepCCAOptions extends TrainingOptions, NetworkOptions {
  /** canonical pairs to keep (default 2) */
  components?: number;
  /** towers' output width (default `components`) */
  outputs?: number;
  /** ridge r on both output covariances inside the objective (default 1e-3) */
  regularization?: number;
  /** what the towers are trained on (default 'trace'):
   *  'trace': the sum of the top-k canonical correlations of the batch's outputs (the paper);
   *  'squared': the sum of their squares (both need batches of ≥ 2·outputs rows, and are
   *  biased on small batches);
   *  'ey': the Eckart–Young objective of Chapman, Wells & Lawry Aguila (2023) on all `outputs`
   *  columns, −2·tr(Cov(Zx, Zy) + Cov(Zy, Zx)) + tr((Var(Zx) + Var(Zy))²) with the quadratic term
   *  from two halves of the batch (unbiased gradients at any batch of ≥ 4 rows);
   *  'sdl': soft decorrelation (Chang, Xiang & Hospedales 2018): the mean squared distance of
   *  the batch-normalised outputs plus 0.1 × the sum of |off-diagonal entries| of each view's
   *  running covariance (decay 0.9), batches of ≥ 2 rows. `regularization` is used by 'trace' and
   *  'squared' only */
  objective?: DeepCCAObjectiveKind;
  /** ridge of the final linear CCA on the tower outputs (default 1e-6) */
  finalRegularization?: number;
  /** standardise each column of X and Y by the training rows' mean and standard deviation
   *  (n − 1) before the towers see it: kept with the model and its file, applied by transform,
   *  score and the validation views (default false) */
  scale?: boolean;
  /** DCCAE (Wang et al. 2015): a decoder per tower back to its view, and `weight` × the two
   *  views' mean squared reconstruction errors added to the loss; `reconstruct` then works
   *  (default: none, plain DeepCCA) */
  reconstruction?: DeepCCAReconstructionOptions;
}

/** What each DeepCCA epoch reports: the loss (the value minimised), the batch correlation, and with validation the held-out one.
 *  `correlation` per objective: 'trace' the sum of the top-k canonical correlations of the
 *  batch's outputs (loss = −correlation); 'squared' the sum of their squares (loss =
 *  −correlation); 'ey' −loss, an unbiased estimate whose maximum is the sum of the squared
 *  canonical correlations of all `outputs` columns; 'sdl' the sum over the output columns of
 *  the batch correlation of the x tower's column j with the y tower's column j. */
export type DeepCCALosses = { loss: number; correlation: number; validation?: number } & ReconstructionLosses;

/** DeepCCA.fit's options (onEpoch, signal, warmStart, validation). */
export interface DeepCCAFitOptions extends NeuralFitOptions<DeepCCALosses> {
  /** held-out views: after each epoch the sum of their top-k correlations is reported as
   *  losses.validation; with `patience`, training stops after that many epochs without
   *  improvement and the best towers are kept; or `{ source, patience? }`, held-out chunks
   *  [X, Y] read after every epoch and never kept (default: none; `patience` default: no early stop) */
  validation?: { X: TensorInput; Y: TensorInput; patience?: number } | ValidationSource;
}


/** Options of DeepCCA.fromTorch: how the PyTorch towers were built, and the model's options. */
export interface DeepCCAFromTorchOptions extends Omit<DeepCCAOptions, 'components' | 'outputs' | 'hidden'> {
  /** the rows [X, Y] (n×p, n×q) the final linear CCA is fitted on, as fit fits it on its
   *  training rows (required) */
  data: readonly [TensorInput, TensorInput];
  /** names of the x tower's tensors start with this (default 'x.', as DeepCCATowers in
   *  python/crossmodal_torch.py: `x.0.weight`, …) */
  xPrefix?: string;
  /** names of the y tower's tensors start with this (default 'y.') */
  yPrefix?: string;
  /** DCCAE: names of the x decoder's tensors (output → X, as a tower: `xdec.0.weight`, …)
   *  start with this (default 'xdec.'); with decoders under both prefixes the model gets
   *  `reconstruction` with their hidden widths and reconstruct works (default: none read) */
  xDecoderPrefix?: string;
  /** names of the y decoder's tensors start with this (default 'ydec.') */
  yDecoderPrefix?: string;
  /** canonical pairs kept (default: the towers' output width) */
  components?: number;
}

/** DeepCCA's options as validated, with its defaults. */
export interface DeepCCASettings extends TrainingSettings {
  readonly components: number;
  readonly outputs: number;
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly init: MLPInit;
  readonly regularization: number;
  readonly objective: DeepCCAObjectiveKind;
  readonly finalRegularization: number;
  readonly scale: boolean;
  readonly reconstruction: ReconstructionSettings | null;
}

export const OPTIONS = ['components', 'outputs', ...NETWORK_OPTIONS, ...TRAINING_OPTIONS, 'regularization', 'objective', 'finalRegularization', 'scale', 'reconstruction'] as const satisfies readonly (keyof DeepCCAOptions)[];

export function checkDeepCCAOptions(options: DeepCCAOptions): DeepCCASettings {
  checkOptions(options, OPTIONS);
  const training = checkTraining(options, { epochs: 100, batchSize: 500, learningRate: 1e-3 });
  const k = options.components ?? 2;
  if (!Number.isInteger(k) || k < 1) throw new ValueError('options.components', 'a positive integer', k);
  const o = options.outputs ?? k;
  if (!Number.isInteger(o) || o < k) throw new ValueError('options.outputs', `an integer ≥ components (${k})`, o);
  const net = checkNetwork(options, { hidden: [256, 256], activation: 'leaky_relu', init: 'uniform' });
  const r = options.regularization ?? 1e-3;
  if (!(typeof r === 'number' && r >= 0 && Number.isFinite(r))) throw new ValueError('options.regularization', 'a ridge r ≥ 0', r);
  const fr = options.finalRegularization ?? 1e-6;
  if (!(typeof fr === 'number' && fr >= 0 && Number.isFinite(fr))) throw new ValueError('options.finalRegularization', 'a ridge r ≥ 0', fr);
  const obj = options.objective ?? 'trace';
  if (obj !== 'trace' && obj !== 'squared' && obj !== 'ey' && obj !== 'sdl') throw new ValueError('options.objective', "'trace', 'squared', 'ey' or 'sdl'", obj);
  const need = batchRule(obj, o);
  if (training.batchSize < need.rows) throw new ValueError('options.batchSize', `at least ${need.why}`, training.batchSize);
  const scale = checkScale(options.scale);
  const reconstruction = checkReconstruction(options.reconstruction, net.hidden);
  return { ...training, ...net, components: k, outputs: o, regularization: r, objective: obj, finalRegularization: fr, scale, reconstruction };
}

/** The rows a batch of `objective` needs with `outputs` output columns, and why (said in the errors). */
export function batchRule(objective: DeepCCAObjectiveKind, outputs: number): { rows: number; why: string } {
  if (objective === 'ey') return { rows: 4, why: "4 rows for objective 'ey' (two halves of ≥ 2 rows, whose covariances make the unbiased penalty)" };
  if (objective === 'sdl') return { rows: 2, why: "2 rows for objective 'sdl' (a variance to normalise each output column by)" };
  return { rows: 2 * outputs, why: `2·outputs = ${2 * outputs} rows, so each batch's output covariance can be estimated` };
}

/** The options a DeepCCA file stores (in the order files always had, the newer training options only when set). */
export function deepccaRecord(s: DeepCCASettings): DeepCCAOptions {
  return {
    components: s.components,
    outputs: s.outputs,
    hidden: [...s.hidden],
    activation: s.activation,
    epochs: s.epochs,
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    regularization: s.regularization,
    objective: s.objective,
    finalRegularization: s.finalRegularization,
    init: s.init,
    seed: s.seed,
    ...(s.scale ? { scale: true } : {}),
    ...trainingExtras(s),
    ...reconstructionRecord(s.reconstruction),
  };
}

/** DeepCCA.fit(source, options)'s options: those of fit and the shuffle buffer. */
export interface DeepCCASourceFitOptions extends DeepCCAFitOptions {
  /** rows held for shuffling, as tf.data's shuffle(bufferSize) (default 10,000, or as many as 16 MiB of rows hold when they are wide; 0: the rows in source order) */
  shuffleBuffer?: number;
}

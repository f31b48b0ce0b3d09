/**
 * ConditionalGAN's options: their types (the shared training and network vocabulary plus
 * the GAN's own), their validation with the GAN's defaults, and what its file stores.
 */
import type { Activation } from '../../nn/activation.js';
import type { MLPInit } from '../../nn/mlp.js';
import { ACTIVATIONS } from '../../nn/activation.js';
import { ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { NETWORK_OPTIONS, TRAINING_OPTIONS, checkActivationInit, checkTraining, trainingExtras, type NetworkOptions, type TrainingOptions, type TrainingSettings } from './training.js';
import type { NeuralFitOptions } from './trainer.js';
import { checkScale } from './scaler.js';

/** Options of new ConditionalGAN: the networks, the stabilisers and the training options. */
export interface ConditionalGANOptions extends TrainingOptions, NetworkOptions {
  /** width of the generator's noise input z (default 100) */
  noise?: number;
  /** hidden widths of the discriminator (default: `hidden` reversed) */
  discriminatorHidden?: readonly number[];
  /** the generator's output activation (default 'sigmoid', for data in [0, 1]; with
   *  `scale: true`, 'identity'). fit refuses samples x outside a bounded head's range
   *  (sigmoid [0, 1], tanh [−1, 1]) */
  outputActivation?: Activation;
  /** standardise each column of x (the modality generated) by the training rows' mean and
   *  standard deviation (n − 1), kept with the model and its file; generate returns samples
   *  in x's own units (default false; the condition has its own standardizeCondition) */
  scale?: boolean;
  /** one-sided label smoothing: real pairs get the target 1 − labelSmoothing (default 0) */
  labelSmoothing?: number;
  /** dropout rate on the discriminator's hidden layers while training (default 0) */
  discriminatorDropout?: number;
  /** discriminator steps per generator step, on the same batch (default 1) */
  discriminatorSteps?: number;
  /**
   * centre each condition column and scale it to unit variance (the training rows' mean and
   * standard deviation, kept with the model; a constant column is only centred) before it
   * enters either network, which puts a one-hot label or [0, 1] data on the scale of the
   * N(0, 1) noise (default true; on digits it takes the class-conditioned GAN from 10 % to
   * 99 % classified as its condition after 100 epochs)
   */
  standardizeCondition?: boolean;
  /**
   * the adversarial loss: 'bce' (the default: D by binary cross-entropy on real and generated
   * pairs, G by the non-saturating −log D(G(z, c), c)) or 'hinge' (Lim & Ye 2017; Miyato et al.
   * 2018: D minimises mean(relu(1 − D(x, c))) + mean(relu(1 + D(G(z, c), c))), G minimises
   * −mean(D(G(z, c), c)); no label smoothing)
   */
  loss?: ConditionalGANLoss;
  /**
   * an exponential moving average of the generator's weights (Karras et al. 2018; Yazıcı et
   * al. 2019), θ_ema ← d·θ_ema + (1 − d)·θ after every generator step, which `generate` uses
   * (training uses the raw generator): the decay d in (0, 1), or false (default 0.99: at the
   * default 100 epochs of 64-row batches, 0.999 averages over too many of the early steps and
   * lowers recall)
   */
  ema?: number | false;
  /** the discriminator's learning rate (the two-time-scale update rule, Heusel et al. 2017; default 4 × learningRate with spectralNorm, as SAGAN and BigGAN train a normalised D, and learningRate without) */
  discriminatorLearningRate?: number;
  /**
   * spectral normalisation of every discriminator layer's weight (Miyato et al. 2018): D's
   * forward uses W/σ, σ ≈ W's largest singular value by one power iteration per D step with a
   * persistent vector per layer; the optimiser steps on the raw W (default true; false gives
   * the defaults learningRate 2e-4 and discriminatorLearningRate = learningRate, the recipe
   * before the stabilisers). The `discriminator` network holds the raw weights
   */
  spectralNorm?: boolean;
  /**
   * how D sees the condition: 'concat' (D on [x | c̃], the recipe before, bit for bit) or
   * 'projection' (the default; Miyato & Koyama 2018): D(x, c) = ψ(φ(x)) + ⟨V c̃, φ(x)⟩, φ D's body on x alone
   * (its layers up to the last hidden one), ψ the final linear unit, V a learned q×h map of the
   * standardised condition (no bias). With spectralNorm, φ's layers and ψ are normalised, V is not.
   */
  discriminator?: ConditionalGANDiscriminator;
}

/** How the cGAN's discriminator takes the condition (see ConditionalGANOptions.discriminator). */
export type ConditionalGANDiscriminator = 'concat' | 'projection';

/** The cGAN's adversarial losses (see ConditionalGANOptions.loss). */
export type ConditionalGANLoss = 'bce' | 'hinge';

/** What each GAN epoch reports: D's + G's loss, each, and D's accuracy on real and generated pairs. */
export type ConditionalGANLosses = { loss: number; discriminator: number; generator: number; realAccuracy: number; fakeAccuracy: number };

/** ConditionalGAN.fit's options (onEpoch, signal, warmStart). */
export interface ConditionalGANFitOptions extends NeuralFitOptions<ConditionalGANLosses> {}

/** ConditionalGAN.fit(source, options)'s options: those of fit and the shuffle buffer. */
export interface ConditionalGANSourceFitOptions extends ConditionalGANFitOptions {
  /** rows held for shuffling, as tf.data's shuffle(bufferSize) (default 10,000, or as many as 16 MiB of rows hold when they are wide; 0: the rows in source order) */
  shuffleBuffer?: number;
}

/** Options of ConditionalGAN.fromTorch: how the PyTorch networks were built, and the model's options. */
export interface ConditionalGANFromTorchOptions extends Omit<ConditionalGANOptions, 'noise' | 'hidden' | 'discriminatorHidden' | 'standardizeCondition'> {
  /** what the names start with, dot included: 'gan.' for `gan.generator.0.weight`; tensors
   *  outside it are ignored (default '': every tensor belongs to the GAN) */
  prefix?: string;
}

/** Options of ConditionalGAN.generate. */
export interface GenerateOptions {
  /** seed of the noise: the same seed and conditions give the same samples (default 0) */
  seed?: number;
}

/** The GAN's options as validated, with its defaults. */
export interface GANSettings extends TrainingSettings {
  readonly noise: number;
  readonly hidden: readonly number[];
  readonly discriminatorHidden: readonly number[];
  readonly activation: Activation;
  readonly outputActivation: Activation;
  readonly init: MLPInit;
  readonly labelSmoothing: number;
  readonly discriminatorDropout: number;
  readonly discriminatorSteps: number;
  readonly standardizeCondition: boolean;
  readonly scale: boolean;
  readonly loss: ConditionalGANLoss;
  /** false: no moving average */
  readonly ema: number | false;
  readonly discriminatorLearningRate: number;
  readonly spectralNorm: boolean;
  readonly discriminatorKind: ConditionalGANDiscriminator;
}

/**
 * The default recipe (issue 39), chosen on a validation split of the digits (rows 0…1199 trained,
 * 1200…1499 judged) over the stabilisers alone and in combination, seeds 0, 1, 2: the projection
 * discriminator, spectrally normalised, trained at 4× the generator's rate (1.6e-3 against 4e-4:
 * spectralNorm's defaults), samples from a moving average of G with decay 0.99, the BCE loss.
 */
export const DEFAULT_RECIPE = { loss: 'bce', ema: 0.99, spectralNorm: true, discriminator: 'projection' } as const;

/** What a file without the stabilisers' options (written before they existed) trained with: today's recipe (and D's learning rate learningRate, which is what its absence means in any file). */
export const RECIPE_BEFORE_STABILISERS = { loss: 'bce', ema: false, spectralNorm: false, discriminator: 'concat' } as const;

export const OPTIONS = ['noise', ...NETWORK_OPTIONS, 'discriminatorHidden', 'outputActivation', 'labelSmoothing', 'discriminatorDropout', 'discriminatorSteps', ...TRAINING_OPTIONS, 'standardizeCondition', 'scale', 'loss', 'ema', 'discriminatorLearningRate', 'spectralNorm', 'discriminator'] as const satisfies readonly (keyof ConditionalGANOptions)[];

const isWidths = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((w) => Number.isInteger(w) && w >= 1);

export function checkGANOptions(options: ConditionalGANOptions): GANSettings {
  checkOptions(options, OPTIONS);
  const sn = options.spectralNorm ?? DEFAULT_RECIPE.spectralNorm;
  if (typeof sn !== 'boolean') throw new ValueError('options.spectralNorm', 'true or false', sn);
  // a spectrally normalised D learns more slowly per step: with it the rates are higher and D's is 4× G's (see learningRate)
  const training = checkTraining(options, { epochs: 100, batchSize: 64, learningRate: sn ? 4e-4 : 2e-4, beta1: 0.5 });
  const noise = options.noise ?? 100;
  if (!Number.isInteger(noise) || noise < 1) throw new ValueError('options.noise', 'a positive integer', noise);
  const hidden = options.hidden ?? [256, 512];
  if (!isWidths(hidden)) throw new ValueError('options.hidden', 'a non-empty list of positive integer widths', hidden);
  const { activation, init } = checkActivationInit(options, { activation: 'leaky_relu', init: 'uniform' });
  const dh = options.discriminatorHidden ?? [...hidden].reverse();
  if (!isWidths(dh)) throw new ValueError('options.discriminatorHidden', 'a non-empty list of positive integer widths', dh);
  const scale = checkScale(options.scale);
  const out = options.outputActivation ?? (scale ? 'identity' : 'sigmoid');
  if (!(typeof out === 'string' && out in ACTIVATIONS)) throw new ValueError('options.outputActivation', Object.keys(ACTIVATIONS).join(' | '), out);
  const ls = options.labelSmoothing ?? 0;
  if (!(typeof ls === 'number' && ls >= 0 && ls < 1)) throw new ValueError('options.labelSmoothing', 'a number in [0, 1)', ls);
  const dd = options.discriminatorDropout ?? 0;
  if (!(typeof dd === 'number' && dd >= 0 && dd < 1)) throw new ValueError('options.discriminatorDropout', 'a rate in [0, 1)', dd);
  const ds = options.discriminatorSteps ?? 1;
  if (!Number.isInteger(ds) || ds < 1) throw new ValueError('options.discriminatorSteps', 'a positive integer', ds);
  const sc = options.standardizeCondition ?? true;
  if (typeof sc !== 'boolean') throw new ValueError('options.standardizeCondition', 'true or false', sc);
  const loss = options.loss ?? DEFAULT_RECIPE.loss;
  if (loss !== 'bce' && loss !== 'hinge') throw new ValueError('options.loss', "'bce' | 'hinge'", loss);
  if (loss === 'hinge' && ls !== 0) throw new ValueError('options.labelSmoothing', "0 with loss 'hinge' (label smoothing is a target of binary cross-entropy)", ls);
  const ema = options.ema ?? DEFAULT_RECIPE.ema;
  if (!(ema === false || (typeof ema === 'number' && ema > 0 && ema < 1))) throw new ValueError('options.ema', 'false or a decay in (0, 1), such as 0.999', ema);
  const dlr = options.discriminatorLearningRate ?? (sn ? 4 : 1) * training.learningRate;
  if (!(typeof dlr === 'number' && dlr > 0 && Number.isFinite(dlr))) throw new ValueError('options.discriminatorLearningRate', 'a positive number', dlr);
  const dk = options.discriminator ?? DEFAULT_RECIPE.discriminator;
  if (dk !== 'concat' && dk !== 'projection') throw new ValueError('options.discriminator', "'concat' | 'projection'", dk);
  return { ...training, hidden: Object.freeze([...hidden]), activation, init, noise, discriminatorHidden: Object.freeze([...dh]), outputActivation: out, labelSmoothing: ls, discriminatorDropout: dd, discriminatorSteps: ds, standardizeCondition: sc, scale, loss, ema, discriminatorLearningRate: dlr, spectralNorm: sn, discriminatorKind: dk };
}

/** The options a GAN file stores (in the order files always had, the newer training options only when set). */
export function ganRecord(s: GANSettings): ConditionalGANOptions {
  return {
    noise: s.noise,
    hidden: [...s.hidden],
    discriminatorHidden: [...s.discriminatorHidden],
    activation: s.activation,
    outputActivation: s.outputActivation,
    init: s.init,
    learningRate: s.learningRate,
    ...(s.optimizer === 'sgd' ? {} : { beta1: s.beta1 }),
    labelSmoothing: s.labelSmoothing,
    discriminatorDropout: s.discriminatorDropout,
    discriminatorSteps: s.discriminatorSteps,
    epochs: s.epochs,
    batchSize: s.batchSize,
    seed: s.seed,
    standardizeCondition: s.standardizeCondition,
    ...(s.scale ? { scale: true } : {}),
    ...trainingExtras(s, ['beta1']),
    // the stabilisers (issue 39): each written always, since a file without them is read as the
    // recipe from before them (RECIPE_BEFORE_STABILISERS), whatever the defaults become; D's
    // learning rate too (absent: the file's learningRate, as before it existed — its default
    // now depends on spectralNorm)
    loss: s.loss,
    ema: s.ema,
    discriminatorLearningRate: s.discriminatorLearningRate,
    // written always too (absent: false, the recipe before it)
    spectralNorm: s.spectralNorm,
    // written always (absent: 'concat', the recipe before it)
    discriminator: s.discriminatorKind,
  };
}

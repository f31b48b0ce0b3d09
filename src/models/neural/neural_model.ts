/**
 * What every neural model is besides its networks, its step and its file format: the training
 * settings (one vocabulary, each model's defaults), the trainer it fits through, its history,
 * and the check every use of the weights makes (not disposed, no fit running). A model
 * extends it, says whether it holds a fit, and fits with `this.trainer.fit(options, prepare)`.
 */
import { finiteResult, overflowError } from '../../wasm/index.js';
import type { EpochInfo } from '../../nn/train.js';
import { NonFiniteError } from '../../errors.js';
import { Disposable } from '../../lifecycle.js';
import type { Missing } from '../../wasm/index.js';
import type { OptimizerName, TrainingSettings } from './training.js';
import { Trainer, type Losses } from './trainer.js';

export abstract class NeuralModel<L extends Losses> extends Disposable implements TrainingSettings {
  /** passes over the training rows per fit */
  readonly epochs: number;
  /** rows per batch (clamped to the number of rows) */
  readonly batchSize: number;
  /** the optimiser's step size */
  readonly learningRate: number;
  /** 'adam', 'adamw' or 'sgd' */
  readonly optimizer: OptimizerName;
  /** Adam's β1 */
  readonly beta1: number;
  /** Adam's β2 */
  readonly beta2: number;
  /** weight decay (L2 for 'adam' and 'sgd', decoupled for 'adamw') */
  readonly weightDecay: number;
  /** the global gradient norm each step is clipped to; null: no clipping */
  readonly maxGradNorm: number | null;
  /** the seed of initialisation, shuffling and every random draw of training */
  readonly seed: number;
  /** what fit does with a training row that has a NaN, null or undefined cell: 'error' or 'drop' (see `droppedRows`) */
  readonly missing: Missing;
  /** with missing 'drop': the rows the last fit left out (0 when none, and after fromJSON) */
  protected dropped = 0;
  /** the trainer this model fits through (it keeps the optimisers and random streams between fits) */
  protected readonly trainer: Trainer<L>;

  protected constructor(name: string, s: TrainingSettings) {
    super();
    this.epochs = s.epochs;
    this.batchSize = s.batchSize;
    this.learningRate = s.learningRate;
    this.optimizer = s.optimizer;
    this.beta1 = s.beta1;
    this.beta2 = s.beta2;
    this.weightDecay = s.weightDecay;
    this.maxGradNorm = s.maxGradNorm;
    this.seed = s.seed;
    this.missing = s.missing;
    this.trainer = new Trainer<L>(name, { fitted: () => this.isFitted(), shuffleSeed: () => this.shuffleSeed(), epochs: () => this.epochs, live: () => this.live() });
  }

  /** Whether the model holds a fit (a warm start needs one). */
  protected abstract isFitted(): boolean;

  /** The seed of a new fit's shuffling stream (default: `seed`). */
  protected shuffleSeed(): number {
    return this.seed;
  }

  /** With missing 'drop': the training rows the fit in place left out (0 when none, and after fromJSON). */
  get droppedRows(): number {
    this.live();
    return this.dropped;
  }

  /** Training history of the fit in place (one entry per finished epoch; a warm start appends). */
  get history(): EpochInfo<L>[] {
    this.live();
    return this.trainer.history;
  }

  /**
   * Runs an inference method so that what overflows inside the networks (finite inputs, but
   * weights or inputs so large that an activation or output turns ±Infinity or NaN) is a
   * ValueError naming the method's own arguments (`names`), not a NonFiniteError naming an
   * internal buffer; its results are checked finite the same way (unless `checkResult` is
   * false: results that mark something with NaN on purpose).
   */
  protected inference<T>(names: readonly string[], fn: () => T, checkResult = true): T {
    try {
      const r = fn();
      return checkResult ? finiteResult(r, names, "network's output") : r;
    } catch (e) {
      if (e instanceof NonFiniteError && !names.some((n) => e.argument === n || e.argument.startsWith(`${n}[`))) throw overflowError(names, "network's output");
      throw e;
    }
  }

  /** Throws DisposedError once disposed, FitRunningError while a fit runs: first in every method that uses the weights. */
  protected ready(method: string): void {
    this.live();
    this.trainer.idle(method);
  }
}

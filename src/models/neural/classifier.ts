/**
 * Classifier (also `nn.Classifier`): an MLP trained with softmax cross-entropy. The later
 * models use it to evaluate themselves (e.g. is a generated digit classified as its
 * condition?).
 *
 * @example
 * const clf = new nn.Classifier({ layers: [64, 128, 10], epochs: 60, seed: 0 });
 * await clf.fit(pixels, labels);
 * clf.accuracy(testPixels, testLabels); // ≈ 0.91 on the bundled digits
 */
import * as W from '../../wasm/index.js';
import { Indices, Tensor, type TensorInput, type FloatResult } from '../../wasm/index.js';
import { MLP, type Activation } from '../../nn/mlp.js';
import { Adam, AdamW, SGD, optimizerFromJSON, type Optimizer } from '../../nn/optim.js';
import { labelIndices } from '../../nn/loss.js';
import { FIT_OPTIONS, trainLoop, checkTrainingOptions, type EpochInfo, type FitOptions } from '../../nn/train.js';
import { Checkpoint } from '../../nn/checkpoint.js';
import { DivergenceError, FormatError, NotFittedError, ShapeError, ValueError } from '../../errors.js';
import { Disposable, Owner } from '../../lifecycle.js';
import { checkOptions } from '../../options.js';
import { readEnvelope } from '../../serialize.js';

export interface ClassifierOptions {
  /** widths [in, hidden…, classes] (required) */
  layers: readonly number[];
  /** hidden activation (default 'relu') */
  activation?: Activation;
  /** dropout rate on the hidden layers while training (default 0) */
  dropout?: number;
  /** initialisation, dropout and shuffling (default 0) */
  seed?: number;
  /** passes over the rows per fit call (default 60) */
  epochs?: number;
  /** rows per batch (default 128, clamped to the number of rows) */
  batchSize?: number;
  /** (default 1e-3) */
  learningRate?: number;
  /** (default 'adam'; 'sgd' uses momentum 0.9) */
  optimizer?: 'adam' | 'adamw' | 'sgd';
  /** (default 0) */
  weightDecay?: number;
  /** keep the last incomplete batch of each epoch (default false: dropped) */
  keepLastBatch?: boolean;
}

const FORMAT = 'crossmodal.Classifier';
const OPTIONS = ['layers', 'activation', 'dropout', 'seed', 'epochs', 'batchSize', 'learningRate', 'optimizer', 'weightDecay', 'keepLastBatch'] as const satisfies readonly (keyof ClassifierOptions)[];

export class Classifier extends Disposable {
  readonly net: MLP;
  readonly classes: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly optimizerName: 'adam' | 'adamw' | 'sgd';
  readonly weightDecay: number;
  readonly keepLastBatch: boolean;
  readonly seed: number;
  #opt: Optimizer | null = null;
  #fitted = false;
  #history: EpochInfo[] = [];

  constructor(options: ClassifierOptions) {
    super();
    if (!options || typeof options !== 'object') throw new ValueError('options', 'an options object with layers', options);
    checkOptions(options, OPTIONS);
    checkTrainingOptions(options);
    const o = options.optimizer ?? 'adam';
    if (!['adam', 'adamw', 'sgd'].includes(o)) throw new ValueError('options.optimizer', "'adam' | 'adamw' | 'sgd'", o);
    this.net = new MLP({ layers: options.layers, activation: options.activation ?? 'relu', dropout: options.dropout, seed: options.seed });
    this.classes = options.layers[options.layers.length - 1]!;
    if (this.classes < 2) {
      this.net.dispose();
      throw new ValueError('options.layers', 'at least 2 output classes', this.classes);
    }
    this.epochs = options.epochs ?? 60;
    this.batchSize = options.batchSize ?? 128;
    this.learningRate = options.learningRate ?? 1e-3;
    this.optimizerName = o;
    this.weightDecay = options.weightDecay ?? 0;
    this.keepLastBatch = !!options.keepLastBatch;
    this.seed = options.seed ?? 0;
  }

  #optimizer(): Optimizer {
    if (!this.#opt) {
      const opts = { learningRate: this.learningRate, weightDecay: this.weightDecay };
      this.#opt = this.optimizerName === 'sgd' ? new SGD(this.net, { momentum: 0.9, ...opts }) : this.optimizerName === 'adamw' ? new AdamW(this.net, opts) : new Adam(this.net, opts);
    }
    return this.#opt;
  }

  /** History of the last fit call (one entry per finished epoch). */
  get history(): EpochInfo[] {
    this.live();
    return this.#history.slice();
  }

  /**
   * Trains on X (n×in) and integer labels; more calls continue training. Resolves to the
   * history. An abort, or a loss that turns NaN (DivergenceError), keeps the network as it was
   * after the last finished epoch and rejects; any other error puts back the network as it
   * was before this call.
   */
  async fit(X: TensorInput, labels: ArrayLike<number>, options: FitOptions = {}): Promise<EpochInfo[]> {
    this.live();
    checkOptions(options, FIT_OPTIONS, 'fit options');
    const owner = new Owner(), own = owner.own;
    const x = own(Tensor.from(X, 'X'));
    const history: EpochInfo[] = [];
    let checkpoint: Checkpoint | null = null;
    try {
      const n = x.rows, d = x.cols;
      if (d !== this.net.layers[0]) throw new ShapeError('X', `${this.net.layers[0]} columns (the network's input width)`, `${d} columns`);
      const y = own(labelIndices(labels, n, this.classes, 'labels'));
      const bs = Math.min(this.batchSize, n);
      const opt = this.#optimizer();
      const xb = own(Tensor.empty(bs, d)), grad = own(Tensor.empty(bs, this.classes)), lb = own(Indices.empty(bs, 'i32'));
      checkpoint = own(new Checkpoint([this.net], [opt]));
      checkpoint.save('start');
      this.net.train();
      await trainLoop(
        {
          rows: n,
          epochs: this.epochs,
          batchSize: bs,
          seed: (this.seed + 0x9e3779b9 * (opt.steps + 1)) >>> 0,
          dropLast: !this.keepLastBatch,
          onEpoch: options.onEpoch,
          signal: options.signal,
          checkpoint,
          step: (batch) => {
            const size = batch.length;
            const xv = size === bs ? xb : xb.viewRows(0, size);
            const gv = size === bs ? grad : grad.viewRows(0, size);
            const lv = size === bs ? lb : lb.view(0, size);
            W.gatherRows(xv, x, batch);
            W.gatherValues(lv, y, batch);
            const loss = W.softmaxXentLoss(gv, this.net.forward(xv), lv);
            opt.zeroGrad();
            this.net.backward(gv, { inputGradient: false });
            opt.step();
            return loss;
          },
        },
        history,
      );
      this.#fitted = true;
      this.#history = history;
      return this.history;
    } catch (e) {
      // the loop has put back the last finished epoch: keep it after an abort or a
      // divergence; after any other error go back to where this call started
      const kept = history.length > 0 && (!!options.signal?.aborted || e instanceof DivergenceError);
      if (kept) {
        this.#fitted = true;
        this.#history = history;
      } else if (checkpoint && !this.disposed && !this.net.disposed) checkpoint.restore('start');
      throw e;
    } finally {
      if (!this.disposed && !this.net.disposed) this.net.eval();
      owner.dispose();
    }
  }

  #check() {
    this.live();
    if (!this.#fitted) throw new NotFittedError('Classifier: call fit(X, labels) first');
  }

  /** Class probabilities (n×classes), JS-owned. */
  predictProba(X: TensorInput): FloatResult {
    this.#check();
    const t = Tensor.from(this.net.predict(X), 'logits');
    try {
      W.softmaxRows(t, t);
      return t.toShaped();
    } finally {
      t.dispose();
    }
  }

  /** Most probable class per row. */
  predict(X: TensorInput): Int32Array {
    this.#check();
    const logits = Tensor.from(this.net.predict(X), 'logits');
    try {
      return W.withScratch((s) => {
        const out = s.indices(logits.rows, 'i32');
        W.argmaxRows(out, logits);
        return Int32Array.from(out.values);
      });
    } finally {
      logits.dispose();
    }
  }

  /** Fraction of rows whose predicted class equals the label. */
  accuracy(X: TensorInput, labels: ArrayLike<number>): number {
    const pred = this.predict(X);
    const y = labelIndices(labels, pred.length, this.classes, 'labels');
    try {
      const v = y.values;
      let ok = 0;
      for (let i = 0; i < pred.length; i++) if (pred[i] === v[i]) ok++;
      return ok / pred.length;
    } finally {
      y.dispose();
    }
  }

  /** The last hidden layer's activations (n×width), JS-owned: learned features. */
  features(X: TensorInput): FloatResult {
    this.#check();
    if (this.net.layers.length < 3) throw new ValueError('features', 'a network with a hidden layer', `layers ${JSON.stringify(this.net.layers)}`);
    return this.net.hidden(X);
  }

  /** Frees the network and the optimiser; any later use throws DisposedError. */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.#opt?.dispose();
    this.#opt = null;
    this.net.dispose();
  }

  toJSON(): Record<string, unknown> {
    this.#check();
    return {
      format: FORMAT,
      version: 1,
      options: {
        epochs: this.epochs,
        batchSize: this.batchSize,
        learningRate: this.learningRate,
        optimizer: this.optimizerName,
        weightDecay: this.weightDecay,
        keepLastBatch: this.keepLastBatch,
        seed: this.seed,
      },
      net: this.net.toJSON(this.#opt ? { optimizer: this.#opt } : undefined),
    };
  }

  static fromJSON(json: unknown): Classifier {
    const o = readEnvelope(json, FORMAT, 1);
    const net = MLP.fromJSON(o.net);
    const opts = (o.options ?? {}) as Record<string, unknown>;
    let clf: Classifier;
    try {
      clf = new Classifier({ ...(opts as object), layers: [...net.layers], activation: net.activation, dropout: net.dropout, seed: net.seed } as ClassifierOptions);
    } catch (e) {
      net.dispose();
      throw new FormatError(`${FORMAT}: ${(e as Error).message}`);
    }
    try {
      clf.net.parameters.set(net.parameters);
      clf.net._setRngState(net._rngState());
      const saved = (o.net as Record<string, unknown>).optimizer;
      if (saved) clf.#opt = optimizerFromJSON(saved, clf.net);
    } catch (e) {
      clf.dispose();
      throw e;
    } finally {
      net.dispose();
    }
    clf.#fitted = true;
    clf.net.eval();
    return clf;
  }
}

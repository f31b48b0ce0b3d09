/**
 * Classifier (also `nn.Classifier`): an MLP trained with softmax cross-entropy. The later
 * models use it to evaluate themselves (e.g. is a generated digit classified as its
 * condition?).
 *
 * The network is [input width, …hidden, classes]: give `hidden` and the widths are read from
 * the data at fit (the input's columns, and the largest label + 1 classes), or `layers` with
 * all of them.
 *
 * @example
 * const clf = new nn.Classifier({ hidden: [128], epochs: 60, seed: 0 });
 * await clf.fit(pixels, labels);
 * clf.accuracy(testPixels, testLabels); // ≈ 0.91 on the bundled digits
 */
import * as W from '../../wasm/index.js';
import { Indices, Tensor, type TensorInput, type FloatResult } from '../../wasm/index.js';
import { MLP, type Activation, type MLPInit } from '../../nn/mlp.js';
import { Adam, AdamW, SGD, optimizerFromJSON } from '../../nn/optim.js';
import { labelIndices } from '../../nn/loss.js';
import type { EpochInfo } from '../../nn/train.js';
import { FormatError, NotFittedError, ShapeError, ValueError } from '../../errors.js';
import { checkLabels, checkOptions, noExtraArguments } from '../../options.js';
import { dropMissing } from '../../wasm/index.js';
import { readEnvelope } from '../../serialize.js';
import { NETWORK_OPTIONS, TRAINING_OPTIONS, checkActivationInit, checkTraining, makeOptimizer, trainingExtras, type NetworkOptions, type OptimizerName, type TrainingOptions } from './training.js';
import { NEURAL_FIT_OPTIONS, type NeuralFitOptions, type Preparation, type Session } from './trainer.js';
import { checkShuffleBuffer, sourcePass, SourceReader, type DataSource } from './source.js';
import { NeuralModel } from './neural_model.js';

/** Options of new Classifier: the network, dropout and the training options. */
export interface ClassifierOptions extends TrainingOptions, NetworkOptions {
  /** all the widths [in, hidden…, classes], instead of `hidden` (default: none; the widths
   *  around `hidden` are read from the data at fit) */
  layers?: readonly number[];
  /** dropout rate on the hidden layers while training (default 0) */
  dropout?: number;
  /** keep the last incomplete batch of each epoch (default false: dropped) */
  keepLastBatch?: boolean;
}

/** What each Classifier epoch reports: the mean cross-entropy. */
export type ClassifierLosses = { loss: number };

/** Classifier.fit's options (onEpoch, signal, warmStart). */
export interface ClassifierFitOptions extends NeuralFitOptions<ClassifierLosses> {}

/** Classifier.fit(source, options)'s options: those of fit and the shuffle buffer. */
export interface ClassifierSourceFitOptions extends ClassifierFitOptions {
  /** rows held for shuffling, as tf.data's shuffle(bufferSize) (default 10,000, or as many as 16 MiB of rows hold when they are wide; 0: the rows in source order) */
  shuffleBuffer?: number;
}

const FORMAT = 'crossmodal.Classifier';
const OPTIONS = ['layers', ...NETWORK_OPTIONS, 'dropout', ...TRAINING_OPTIONS, 'keepLastBatch'] as const satisfies readonly (keyof ClassifierOptions)[];

/**
 * An MLP classifier trained with softmax cross-entropy: the input width and the classes (the
 * largest label + 1) are read from the data at fit. Also exported as `nn.Classifier`.
 *
 * @example
 * ```ts
 * const clf = new Classifier({ hidden: [16], epochs: 50, seed: 0 });
 * await clf.fit(X, labels); // labels: integers 0…classes − 1
 * console.log(clf.predict([[1, 1]]), clf.accuracy(X, labels));
 * ```
 */
export class Classifier extends NeuralModel<ClassifierLosses> {
  /** the widths given as `layers` (null: `hidden`, the outer widths read at fit) */
  readonly layers: readonly number[] | null;
  /** the hidden widths */
  readonly hidden: readonly number[];
  /** the hidden activation */
  readonly activation: Activation;
  /** the weight initialisation */
  readonly init: MLPInit;
  /** the dropout rate of the hidden layers while training */
  readonly dropout: number;
  /** the same as `optimizer` (its earlier name) */
  readonly optimizerName: OptimizerName;
  /** whether the last incomplete batch of each epoch is kept */
  readonly keepLastBatch: boolean;
  #net: MLP | null = null;
  #fitted = false;

  constructor(options: ClassifierOptions = {}) {
    if (!options || typeof options !== 'object') throw new ValueError('options', 'an options object', options);
    checkOptions(options, OPTIONS);
    const s = checkTraining(options, { epochs: 60, batchSize: 128, learningRate: 1e-3 });
    super('Classifier', s);
    const { activation, init } = checkActivationInit(options, { activation: 'relu', init: 'auto' });
    const widths = (v: unknown, min: number) => Array.isArray(v) && v.length >= min && v.every((w) => Number.isInteger(w) && w >= 1);
    if (options.layers !== undefined && options.hidden !== undefined) throw new ValueError('options.hidden', 'to be left out with layers (layers gives every width: [in, …hidden, classes])', options.hidden);
    if (options.hidden !== undefined && !widths(options.hidden, 0)) throw new ValueError('options.hidden', 'an array of positive integer widths', options.hidden);
    const dropout = options.dropout ?? 0;
    if (!(typeof dropout === 'number' && dropout >= 0 && dropout < 1)) throw new ValueError('options.dropout', 'a rate in [0, 1)', dropout);
    this.layers = options.layers === undefined ? null : Object.freeze([...options.layers]);
    this.hidden = Object.freeze(this.layers ? this.layers.slice(1, -1) : [...(options.hidden ?? [128])]);
    this.activation = activation;
    this.init = init;
    this.dropout = dropout;
    this.optimizerName = s.optimizer;
    this.keepLastBatch = !!options.keepLastBatch;
    if (this.layers) {
      // built now, as before: the network of `layers` is there before fit (a fit starts over from a new one)
      this.#net = this.#build(this.layers);
      if (this.layers.at(-1)! < 2) {
        this.#net.dispose();
        throw new ValueError('options.layers', 'at least 2 output classes', this.layers.at(-1));
      }
    }
  }

  protected isFitted(): boolean {
    return this.#fitted;
  }

  /** A second fit call used to continue from this shuffling seed; a fit starts from it (same bits as before warm starts existed). */
  protected shuffleSeed(): number {
    return (this.seed + 0x9e3779b9) >>> 0;
  }

  /** A new network of these widths. */
  #build(layers: readonly number[]): MLP {
    return new MLP({ layers, activation: this.activation, dropout: this.dropout, init: this.init, seed: this.seed });
  }

  /** The network ([in, …hidden, classes]; with `hidden`, from the first fit on). */
  get net(): MLP {
    this.ready('net');
    if (!this.#net) throw new NotFittedError('Classifier: the network is built by fit(X, labels) (its widths come from the data)');
    return this.#net;
  }

  /** Number of classes (the network's output width). */
  get classes(): number {
    return this.net.layers.at(-1)!;
  }


  /**
   * Trains on X (n×in) and integer labels (0 … classes − 1). Resolves to the history.
   * Without `warmStart`, fit starts over from a new network; with `warmStart: true` it trains
   * the fitted one on for `epochs` more epochs, with its optimiser state and shuffling.
   * An abort, or a loss that turns NaN (DivergenceError), keeps the network as it was
   * after the last finished epoch and rejects; any other error leaves the previous fit.
   *
   * `fit(source, options)` trains from a source instead: a function called once per epoch that
   * returns an iterable (or async iterable) of chunks `[X, labels]`, the same rows of both (see
   * docs/neural.md, Training from a source). Rows are shuffled through a buffer of `shuffleBuffer`
   * rows (0: source order), full batches only. What is wrong in the source is a SourceError.
   */
  async fit(source: DataSource, options?: ClassifierSourceFitOptions): Promise<EpochInfo<ClassifierLosses>[]>;
  async fit(X: TensorInput, labels: ArrayLike<number>, options?: ClassifierFitOptions): Promise<EpochInfo<ClassifierLosses>[]>;
  async fit(X: TensorInput | DataSource, labels?: ArrayLike<number> | ClassifierSourceFitOptions, options: ClassifierFitOptions = {}): Promise<EpochInfo<ClassifierLosses>[]> {
    if (typeof X === 'function') {
      noExtraArguments(arguments, 2, 'Classifier.fit');
      return this.#fitSource(X, (labels ?? {}) as ClassifierSourceFitOptions);
    }
    noExtraArguments(arguments, 3, 'Classifier.fit');
    this.live();
    checkOptions(options, NEURAL_FIT_OPTIONS, 'fit options');
    return this.trainer.fit(options, (prep) => {
      const { warm, own } = prep;
      // missing 'drop': the rows of X with a missing cell left out, and their labels
      const rows = dropMissing([X], ['X'], this.missing, 'X');
      const keep = rows.keep;
      let l = labels as ArrayLike<number>;
      if (keep) l = Array.from(checkLabels(l, keep.length, null, 'labels')).filter((_, i) => keep[i]);
      const x = own(Tensor.from(rows.views[0]!, 'X'));
      const n = x.rows, d = x.cols;
      const fixed = warm ? this.#net!.layers : this.layers;
      if (fixed && d !== fixed[0]) throw new ShapeError('X', `${fixed[0]} columns (the network's input width)`, `${d} columns`);
      let classes = fixed ? fixed.at(-1)! : 0;
      if (!fixed) {
        const c = checkLabels(l, n, null, 'labels');
        for (let i = 0; i < n; i++) classes = Math.max(classes, c[i]! + 1);
        if (classes < 2) throw new ValueError('labels', 'at least two classes (labels 0 and 1)', `only class 0`);
      }
      const y = own(labelIndices(l, n, classes, 'labels'));
      return this.#session(prep, { rows: n, bs: Math.min(this.batchSize, n), d, classes, fixed, x, y, dropped: () => rows.dropped });
    });
  }

  /**
   * fit(source, options): chunks `[X, labels]`; with `hidden` (no `layers`) and no warm start,
   * the classes (the largest label + 1) by a pass before training; the batches the trainer
   * fills from the source through the shuffle buffer (full batches only).
   */
  #fitSource(source: DataSource, options: ClassifierSourceFitOptions): Promise<EpochInfo<ClassifierLosses>[]> {
    this.live();
    checkOptions(options, [...NEURAL_FIT_OPTIONS, 'shuffleBuffer'], 'fit options');
    const shuffleBuffer = checkShuffleBuffer(options.shuffleBuffer);
    const warm = options.warmStart === true;
    const fixed = warm && this.#fitted ? this.#net!.layers : this.layers;
    const reader = new SourceReader(source, ['X', 'labels'], this.missing, [fixed ? fixed[0]! : null, 1]);
    reader.kinds = ['matrix', 'labels'];
    const { shuffleBuffer: _, ...rest } = options;
    let classes = fixed ? fixed.at(-1)! : 0;
    reader.classes = fixed ? classes : null;
    const before = async () => {
      if (fixed) return;
      await sourcePass(reader, "the pass before training (the labels' classes)", ([, l]) => {
        for (const v of l!.data) classes = Math.max(classes, v + 1);
      }, options.signal);
      if (classes < 2) reader.mismatch('the labels hold only class 0: at least two classes (labels 0 and 1) are needed');
      reader.classes = classes;
    };
    return this.trainer.fit(
      rest,
      (prep) => this.#session(prep, { rows: 0, bs: this.batchSize, d: prep.widths![0]!, classes, fixed, x: null, y: null, dropped: () => reader.dropped }),
      { reader, shuffleBuffer, before },
    );
  }

  /** A fit's session on the rows of x, y or on batches a source fills. */
  #session(
    { warm, previous, own, built }: Preparation,
    o: { rows: number; bs: number; d: number; classes: number; fixed: readonly number[] | null; x: Tensor | null; y: Indices | null; dropped: () => number },
  ): Session<ClassifierLosses> {
    const { bs, d, classes, fixed, x, y } = o;
    const net = warm ? this.#net! : built(this.#build(fixed ?? [d, ...this.hidden, classes]));
    const [opt] = previous ? previous.optimizers : [built(makeOptimizer(this, net))];
    const xb = own(Tensor.empty(bs, d)), grad = own(Tensor.empty(bs, classes)), lb = own(Indices.empty(bs, 'i32'));
    // zeros until filled: the probe after training may read rows a partial last batch (keepLastBatch) never wrote
    W.fill(xb, 0);
    // from a source: the batch's labels as f32, copied into lb before the step
    const lf = x ? null : own(Tensor.empty(bs, 1));
    const train = (xv: Tensor, gv: Tensor, lv: Indices) => {
      const loss = W.softmaxXentLoss(gv, net.forward(xv), lv);
      opt!.zeroGrad();
      net.backward(gv, { inputGradient: false });
      opt!.step();
      return { loss };
    };
    return {
      rows: o.rows,
      batchSize: bs,
      dropLast: !this.keepLastBatch,
      nets: [net],
      optimizers: [opt!],
      rngs: [],
      probe: () => W.allFinite(net.forward(xb)),
      step: (batch) => {
        const size = batch.length;
        const xv = size === bs ? xb : xb.viewRows(0, size);
        const gv = size === bs ? grad : grad.viewRows(0, size);
        const lv = size === bs ? lb : lb.view(0, size);
        W.gatherRows(xv, x!, batch);
        W.gatherValues(lv, y!, batch);
        return train(xv, gv, lv);
      },
      ...(lf && {
        batchTensors: [xb, lf],
        filledStep: () => {
          lb.values.set(lf.data);
          return train(xb, grad, lb);
        },
        // keepLastBatch: the epoch's partial last batch
        partialStep: (rows: number) => {
          const lv = lb.view(0, rows);
          lv.values.set(lf.data.subarray(0, rows));
          return train(xb.viewRows(0, rows), grad.viewRows(0, rows), lv);
        },
      }),
      adopt: () => {
        this.dropped = o.dropped();
        this.#fitted = true;
        if (warm) return;
        this.#net?.dispose();
        this.#net = net;
      },
    };
  }

  #check(method: string): MLP {
    this.ready(method);
    if (!this.#fitted || !this.#net) throw new NotFittedError('Classifier: call fit(X, labels) first');
    return this.#net;
  }

  /** Class probabilities (n×classes), JS-owned. */
  predictProba(X: TensorInput): FloatResult {
    return this.inference(['X'], () => {
      const net = this.#check('predictProba');
      const t = Tensor.from(net.predict(X), 'logits');
      try {
        W.softmaxRows(t, t);
        return t.toShaped();
      } finally {
        t.dispose();
      }
    });
  }

  /** Most probable class per row. */
  predict(X: TensorInput): Int32Array {
    noExtraArguments(arguments, 1, 'Classifier.predict');
    return this.inference(['X'], () => {
      const net = this.#check('predict');
      const logits = Tensor.from(net.predict(X), 'logits');
      try {
        return W.withScratch((s) => {
          const out = s.indices(logits.rows, 'i32');
          W.argmaxRows(out, logits);
          return Int32Array.from(out.values);
        });
      } finally {
        logits.dispose();
      }
    });
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
    return this.inference(['X'], () => {
      const net = this.#check('features');
      if (net.layers.length < 3) throw new ValueError('features', 'a network with a hidden layer', `layers ${JSON.stringify(net.layers)}`);
      return net.hidden(X);
    });
  }

  /** Frees the network and the optimiser; any later use throws DisposedError (a running fit then rejects with it). */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.trainer.dispose();
    this.#net?.dispose();
    this.#net = null;
  }

  /** The model as JSON (network, options, optimiser state): `fromJSON` reads it back and resumes training exactly. */
  toJSON(): Record<string, unknown> {
    const net = this.#check('toJSON');
    const [opt] = this.trainer.optimizers;
    const options: Record<string, unknown> = { epochs: this.epochs, batchSize: this.batchSize, learningRate: this.learningRate, optimizer: this.optimizer, weightDecay: this.weightDecay, keepLastBatch: this.keepLastBatch, seed: this.seed };
    Object.assign(options, trainingExtras(this, ['optimizer', 'weightDecay']));
    if (this.init !== 'auto') options.init = this.init;
    if (!this.layers) options.hidden = [...this.hidden];
    const out: Record<string, unknown> = { format: FORMAT, version: 1, options, net: net.toJSON(opt ? { optimizer: opt } : undefined) };
    // with the optimiser state, the shuffling stream: fromJSON then warm-starts as this model would
    const shuffle = opt ? this.trainer.shuffleState : null;
    if (shuffle) out.shuffle = Array.from(shuffle);
    return out;
  }

  /** A Classifier from what toJSON wrote (object or string); a FormatError when malformed. */
  static fromJSON(json: unknown): Classifier {
    const o = readEnvelope(json, FORMAT, 1);
    const net = MLP.fromJSON(o.net);
    const opts = (o.options ?? {}) as Record<string, unknown>;
    let clf: Classifier;
    try {
      // a network read from a file gives the widths: `hidden` models keep reading theirs from the data at a new fit
      const widths = 'hidden' in opts ? {} : { layers: [...net.layers] };
      clf = new Classifier({ ...(opts as object), ...widths, activation: net.activation, dropout: net.dropout, seed: net.seed } as ClassifierOptions);
    } catch (e) {
      net.dispose();
      throw new FormatError(`${FORMAT}: ${(e as Error).message}`);
    }
    try {
      clf.#net?.dispose();
      clf.#net = net;
      const saved = (o.net as Record<string, unknown>).optimizer;
      const opt = saved ? optimizerFromJSON(saved, net) : null;
      if (opt) {
        // the optimiser state belongs to the options: a file whose two disagree was altered
        const kind = opt instanceof AdamW ? 'adamw' : opt instanceof Adam ? 'adam' : 'sgd';
        const betas = opt instanceof Adam ? [opt.beta1, opt.beta2] : [clf.beta1, clf.beta2];
        const got = [kind, opt.learningRate, opt.weightDecay, opt.maxGradNorm === Infinity ? null : opt.maxGradNorm, ...betas];
        const want = [clf.optimizer, clf.learningRate, clf.weightDecay, clf.maxGradNorm, clf.beta1, clf.beta2];
        if (got.some((v, i) => v !== want[i]) || (opt instanceof SGD && opt.momentum !== 0.9)) {
          opt.dispose();
          throw new FormatError(`${FORMAT}: net.optimizer: its settings (${got.join(', ')}) are not the model's options (${want.join(', ')}): the file was altered`);
        }
      }
      // a warm start goes on with the stored optimiser state and shuffling stream (files before 0.3
      // have no stream: shuffled as their second fit call was, from the step count)
      const sh = o.shuffle;
      if (sh !== undefined && !(Array.isArray(sh) && sh.length === 16 && sh.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)))
        throw new FormatError(`${FORMAT}: shuffle: expected the 16 bytes of the shuffling stream, found ${JSON.stringify(sh)?.slice(0, 80)}`);
      if (opt) clf.trainer.resume([opt], [], sh ? Uint8Array.from(sh as number[]) : (clf.seed + 0x9e3779b9 * (opt.steps + 1)) >>> 0);
      else if (sh) throw new FormatError(`${FORMAT}: shuffle: a shuffling stream without the optimiser state it goes with`);
    } catch (e) {
      net.dispose();
      clf.dispose();
      throw e;
    }
    clf.#fitted = true;
    net.eval();
    return clf;
  }
}

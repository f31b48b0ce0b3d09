/**
 * nn.Classifier: an MLP trained with softmax cross-entropy. The later models use it to
 * evaluate themselves (e.g. is a generated digit classified as its condition?).
 *
 * @example
 * const clf = new nn.Classifier({ layers: [64, 128, 10], epochs: 60, seed: 0 });
 * await clf.fit(pixels, labels);
 * clf.accuracy(testPixels, testLabels); // ≈ 0.95 on the bundled digits
 */
import { alloc, free, heapF32, kernels } from '../wasm/module.js';
import type { Ptr } from '../wasm/api.js';
import { MLP, type Activation } from './mlp.js';
import { Adam, AdamW, SGD, optimizerFromJSON, type Optimizer } from './optim.js';
import { Tensor, type TensorInput } from './tensor.js';
import { trainLoop, checkTrainingOptions, type EpochInfo, type FitOptions } from './train.js';
import { FormatError, NotFittedError, ShapeError, ValueError } from '../errors.js';
import { readEnvelope } from '../serialize.js';

export interface ClassifierOptions {
  /** widths [in, hidden…, classes] */
  layers: number[];
  activation?: Activation;
  dropout?: number;
  seed?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  optimizer?: 'adam' | 'adamw' | 'sgd';
  weightDecay?: number;
  /** keep the last incomplete batch of each epoch (default: dropped) */
  keepLastBatch?: boolean;
}

const FORMAT = 'crossmodal.Classifier';

export class Classifier {
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

  constructor(options: ClassifierOptions) {
    if (!options || typeof options !== 'object') throw new ValueError('options', 'an options object with layers', options);
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

  #labels(labels: ArrayLike<number>, n: number, name: string): Int32Array {
    if (!labels || typeof labels.length !== 'number' || labels.length !== n)
      throw new ShapeError(name, `${n} labels (one per row)`, labels && typeof labels.length === 'number' ? `${labels.length} labels` : String(labels));
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = labels[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= this.classes) throw new ValueError(`${name}[${i}]`, `an integer class in 0..${this.classes - 1}`, v);
      out[i] = v;
    }
    return out;
  }

  /** Trains on X (n×in) and integer labels; more calls continue training. Resolves to the history. */
  async fit(X: TensorInput, labels: ArrayLike<number>, options: FitOptions = {}): Promise<EpochInfo[]> {
    const x = Tensor.from(X, 'X');
    let xb: Tensor | null = null, grad: Tensor | null = null, lb: Ptr = 0;
    try {
      const n = x.rows, d = x.cols;
      if (d !== this.net.layers[0]) throw new ShapeError('X', `${this.net.layers[0]} columns (the network's input width)`, `${d} columns`);
      const y = this.#labels(labels, n, 'labels');
      const bs = Math.min(this.batchSize, n);
      const opt = this.#optimizer();
      xb = Tensor.alloc(bs, d);
      grad = Tensor.alloc(bs, this.classes);
      lb = alloc(bs * 4);
      const K = kernels();
      const X_ = x, XB = xb, G = grad, LB = lb;
      this.net.train();
      const history = await trainLoop({
        rows: n,
        epochs: this.epochs,
        batchSize: bs,
        seed: (this.seed + 0x9e3779b9 * (opt.steps + 1)) >>> 0,
        dropLast: !this.keepLastBatch,
        onEpoch: options.onEpoch,
        signal: options.signal,
        step: (idx, size) => {
          K.gather_rows_f32(XB.ptr, X_.ptr, idx, size, d);
          const ids = new Uint32Array(heapF32().buffer, idx, size);
          const lab = new Int32Array(heapF32().buffer, LB, size);
          for (let i = 0; i < size; i++) lab[i] = y[ids[i]!]!;
          const xv = size === bs ? XB : Tensor.view(XB.ptr, size, d);
          const logits = this.net.forward(xv);
          const gv = size === bs ? G : Tensor.view(G.ptr, size, this.classes);
          const loss = K.softmax_xent_f32(gv.ptr, logits.ptr, LB, size, this.classes);
          opt.zeroGrad();
          this.net.backward(gv, { inputGradient: false });
          opt.step();
          return loss;
        },
      });
      this.#fitted = true;
      return history;
    } finally {
      this.net.eval();
      x.dispose();
      xb?.dispose();
      grad?.dispose();
      free(lb);
    }
  }

  #check() {
    if (!this.#fitted) throw new NotFittedError('Classifier: call fit(X, labels) first');
  }

  /** Class probabilities (n×classes), JS-owned. */
  predictProba(X: TensorInput): { data: Float32Array; rows: number; cols: number } {
    this.#check();
    const logits = this.net.predict(X);
    const t = Tensor.from(logits, 'logits');
    try {
      kernels().softmax_f32(t.ptr, t.ptr, t.rows, t.cols);
      return t.toShaped();
    } finally {
      t.dispose();
    }
  }

  /** Most probable class per row. */
  predict(X: TensorInput): Int32Array {
    this.#check();
    const logits = Tensor.from(this.net.predict(X), 'logits');
    const out = alloc(logits.rows * 4);
    try {
      kernels().argmax_rows_f32(out, logits.ptr, logits.rows, logits.cols);
      return new Int32Array(heapF32().buffer, out, logits.rows).slice();
    } finally {
      free(out);
      logits.dispose();
    }
  }

  /** Fraction of rows whose predicted class equals the label. */
  accuracy(X: TensorInput, labels: ArrayLike<number>): number {
    const pred = this.predict(X);
    const y = this.#labels(labels, pred.length, 'labels');
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) ok++;
    return ok / pred.length;
  }

  /** The last hidden layer's activations (n×width), JS-owned: learned features. */
  features(X: TensorInput): { data: Float32Array; rows: number; cols: number } {
    this.#check();
    if (this.net.layers.length < 3) throw new ValueError('features', 'a network with a hidden layer', `layers ${JSON.stringify(this.net.layers)}`);
    return this.net.hidden(X);
  }

  dispose(): void {
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
    clf.net.parameters.set(net.parameters);
    clf.net._setRngState(net._rngState());
    try {
      const saved = (o.net as Record<string, unknown>).optimizer;
      if (saved) clf.#opt = optimizerFromJSON(saved, clf.net);
    } finally {
      net.dispose();
    }
    clf.#fitted = true;
    clf.net.eval();
    return clf;
  }
}

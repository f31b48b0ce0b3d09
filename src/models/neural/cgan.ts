/**
 * Conditional GAN (Mirza & Osindero, 2014): a generator G(z, c) and a discriminator D(x, c),
 * each an MLP on the concatenation of its input with the condition c (a one-hot label or
 * another modality's data). D is trained by binary cross-entropy on real and generated
 * pairs; G by the non-saturating loss −log D(G(z, c), c) on the samples of the last D step
 * (G's forward is not rerun), its gradient flowing back through a frozen D (no
 * weight-gradient products in D, D's parameters and gradients untouched).
 * z is standard normal from the in-wasm PRNG, so a seed gives the same run everywhere.
 * Each condition column is standardised by the training rows' mean and standard deviation
 * before it enters either network (kept with the model, applied again by generate): a raw
 * one-hot label (norm 1) or [0, 1] pixels would otherwise be drowned by the 100 N(0, 1) noise
 * inputs, and G learns to follow its condition several times more slowly.
 */
import * as W from '../../wasm/index.js';
import { Rng, Tensor, type TensorInput, type FloatResult, type MatrixResult } from '../../wasm/index.js';
import { ACTIVATIONS, MLP, type Activation, type MLPInit } from '../../nn/mlp.js';
import { Concat } from '../../nn/blocks.js';
import { Adam } from '../../nn/optim.js';
import { bceWithLogits } from '../../nn/loss.js';
import { Checkpoint } from '../../nn/checkpoint.js';
import { FIT_OPTIONS, trainModel, checkTrainingOptions, type EpochInfo, type FitOptions } from '../../nn/train.js';
import { FormatError, NotFittedError, ShapeError, ValueError, describe } from '../../errors.js';
import { Disposable, Owner } from '../../lifecycle.js';
import { checkLabels, checkOptions } from '../../options.js';
import { readEnvelope } from '../../serialize.js';
import { checkTensors, type TorchTensors } from '../../nn/torch.js';

export interface ConditionalGANOptions {
  /** width of the generator's noise input z (default 100) */
  noise?: number;
  /** hidden widths of the generator (default [256, 512]) */
  hidden?: readonly number[];
  /** hidden widths of the discriminator (default: `hidden` reversed) */
  discriminatorHidden?: readonly number[];
  /** hidden activation of both networks (default 'leaky_relu', slope 0.01) */
  activation?: Activation;
  /** the generator's output activation (default 'sigmoid', for data in [0, 1]) */
  outputActivation?: Activation;
  /** weight initialisation of both networks (see MLPOptions.init; default 'uniform') */
  init?: MLPInit;
  /** Adam's learning rate for both networks (default 2e-4) */
  learningRate?: number;
  /** Adam's β1 for both networks (default 0.5) */
  beta1?: number;
  /** one-sided label smoothing: real pairs get the target 1 − labelSmoothing (default 0) */
  labelSmoothing?: number;
  /** dropout rate on the discriminator's hidden layers while training (default 0) */
  discriminatorDropout?: number;
  /** discriminator steps per generator step, on the same batch (default 1) */
  discriminatorSteps?: number;
  /** passes over the training rows (default 100) */
  epochs?: number;
  /** rows per batch (default 64; clamped to the number of rows) */
  batchSize?: number;
  /** initialisation, shuffling, noise and dropout (default 0) */
  seed?: number;
  /**
   * centre each condition column and scale it to unit variance (the training rows' mean and
   * standard deviation, kept with the model; a constant column is only centred) before it
   * enters either network, which puts a one-hot label or [0, 1] data on the scale of the
   * N(0, 1) noise (default true; on digits it takes the class-conditioned GAN from 10 % to
   * 99 % classified as its condition after 100 epochs)
   */
  standardizeCondition?: boolean;
}

export interface ConditionalGANFromTorchOptions extends Omit<ConditionalGANOptions, 'noise' | 'hidden' | 'discriminatorHidden' | 'standardizeCondition'> {
  /** what the names start with, dot included: 'gan.' for `gan.generator.0.weight`; tensors
   *  outside it are ignored (default '': every tensor belongs to the GAN) */
  prefix?: string;
}

export interface GenerateOptions {
  /** seed of the noise: the same seed and conditions give the same samples (default 0) */
  seed?: number;
}

const OPTIONS = ['noise', 'hidden', 'discriminatorHidden', 'activation', 'outputActivation', 'init', 'learningRate', 'beta1', 'labelSmoothing', 'discriminatorDropout', 'discriminatorSteps', 'epochs', 'batchSize', 'seed', 'standardizeCondition'] as const satisfies readonly (keyof ConditionalGANOptions)[];
const FORMAT = 'crossmodal.ConditionalGAN';

const isWidths = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((w) => Number.isInteger(w) && w >= 1);

interface Nets {
  G: MLP;
  D: MLP;
  /** widths of x and of c */
  x: number;
  c: number;
  /** the condition's standardisation, c ↦ (c − mean) / scale per column (0 and 1 when off) */
  mean: Float64Array;
  scale: Float64Array;
}

/** Column means and standard deviations (population, as scikit-learn's StandardScaler) of C, or 0 and 1. */
function conditionStats(C: Tensor, standardize: boolean): { mean: Float64Array; scale: Float64Array } {
  const n = C.rows, q = C.cols, mean = new Float64Array(q), scale = new Float64Array(q).fill(1);
  if (!standardize) return { mean, scale };
  const d = C.data;
  for (let i = 0; i < n; i++) for (let j = 0; j < q; j++) mean[j]! += d[i * q + j]!;
  for (let j = 0; j < q; j++) mean[j]! /= n;
  const ss = new Float64Array(q);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < q; j++) {
      const e = d[i * q + j]! - mean[j]!;
      ss[j]! += e * e;
    }
  for (let j = 0; j < q; j++) if (ss[j]! > 0) scale[j] = Math.sqrt(ss[j]! / n);
  return { mean, scale };
}

/** c ↦ (c − mean) / scale in place (C is the model's own copy of the caller's condition). */
function standardizeRows(C: Tensor, { mean, scale }: { mean: Float64Array; scale: Float64Array }): void {
  const q = C.cols, d = C.data;
  for (let i = 0; i < C.rows; i++) for (let j = 0; j < q; j++) d[i * q + j] = (d[i * q + j]! - mean[j]!) / scale[j]!;
}

export class ConditionalGAN extends Disposable {
  readonly noise: number;
  readonly hidden: readonly number[];
  readonly discriminatorHidden: readonly number[];
  readonly activation: Activation;
  readonly outputActivation: Activation;
  readonly init: MLPInit;
  readonly learningRate: number;
  readonly beta1: number;
  readonly labelSmoothing: number;
  readonly discriminatorDropout: number;
  readonly discriminatorSteps: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly standardizeCondition: boolean;
  #nets: Nets | null = null;
  #history: EpochInfo[] = [];

  constructor(options: ConditionalGANOptions = {}) {
    super();
    checkOptions(options, OPTIONS);
    checkTrainingOptions(options);
    const noise = options.noise ?? 100;
    if (!Number.isInteger(noise) || noise < 1) throw new ValueError('options.noise', 'a positive integer', noise);
    const hidden = options.hidden ?? [256, 512];
    if (!isWidths(hidden)) throw new ValueError('options.hidden', 'a non-empty list of positive integer widths', hidden);
    const dh = options.discriminatorHidden ?? [...hidden].reverse();
    if (!isWidths(dh)) throw new ValueError('options.discriminatorHidden', 'a non-empty list of positive integer widths', dh);
    const act = options.activation ?? 'leaky_relu';
    if (!(typeof act === 'string' && act in ACTIVATIONS)) throw new ValueError('options.activation', Object.keys(ACTIVATIONS).join(' | '), act);
    const out = options.outputActivation ?? 'sigmoid';
    if (!(typeof out === 'string' && out in ACTIVATIONS)) throw new ValueError('options.outputActivation', Object.keys(ACTIVATIONS).join(' | '), out);
    const init = options.init ?? 'uniform';
    if (!['auto', 'he', 'glorot', 'uniform'].includes(init)) throw new ValueError('options.init', "'auto' | 'he' | 'glorot' | 'uniform'", init);
    const beta1 = options.beta1 ?? 0.5;
    if (!(typeof beta1 === 'number' && beta1 >= 0 && beta1 < 1)) throw new ValueError('options.beta1', 'a number in [0, 1)', beta1);
    const ls = options.labelSmoothing ?? 0;
    if (!(typeof ls === 'number' && ls >= 0 && ls < 1)) throw new ValueError('options.labelSmoothing', 'a number in [0, 1)', ls);
    const dd = options.discriminatorDropout ?? 0;
    if (!(typeof dd === 'number' && dd >= 0 && dd < 1)) throw new ValueError('options.discriminatorDropout', 'a rate in [0, 1)', dd);
    const ds = options.discriminatorSteps ?? 1;
    if (!Number.isInteger(ds) || ds < 1) throw new ValueError('options.discriminatorSteps', 'a positive integer', ds);
    const sc = options.standardizeCondition ?? true;
    if (typeof sc !== 'boolean') throw new ValueError('options.standardizeCondition', 'true or false', sc);
    this.noise = noise;
    this.hidden = Object.freeze([...hidden]);
    this.discriminatorHidden = Object.freeze([...dh]);
    this.activation = act;
    this.outputActivation = out;
    this.init = init;
    this.learningRate = options.learningRate ?? 2e-4;
    this.beta1 = beta1;
    this.labelSmoothing = ls;
    this.discriminatorDropout = dd;
    this.discriminatorSteps = ds;
    this.epochs = options.epochs ?? 100;
    this.batchSize = options.batchSize ?? 64;
    this.seed = options.seed ?? 0;
    this.standardizeCondition = sc;
  }

  /** One-hot rows (n×classes) for integer labels in 0..classes−1: the condition for class-conditioned generation. */
  static oneHot(labels: ArrayLike<number>, classes: number): MatrixResult {
    if (!Number.isInteger(classes) || classes < 1) throw new ValueError('classes', 'a positive integer', classes);
    const n = checkLabels(labels, null, classes, 'labels').length;
    // a JS block of n × classes f64 cells: keep it well inside what a typed array may hold
    if (n * classes > 2 ** 27) throw new ValueError('classes', `at most ${Math.floor(2 ** 27 / n)} classes for ${n} labels (a one-hot block of at most 2²⁷ cells)`, classes);
    const data = new Float64Array(n * classes);
    for (let i = 0; i < n; i++) data[i * classes + labels[i]!] = 1;
    return { data, rows: n, cols: classes };
  }

  /** Training history of the fit in place (one entry per finished epoch). */
  get history(): EpochInfo[] {
    this.live();
    return this.#history.slice();
  }

  #build(xw: number, cw: number, stats: { mean: Float64Array; scale: Float64Array }): Nets {
    const common = { activation: this.activation, init: this.init };
    const G = new MLP({ layers: [this.noise + cw, ...this.hidden, xw], ...common, outputActivation: this.outputActivation, seed: this.seed });
    try {
      const D = new MLP({ layers: [xw + cw, ...this.discriminatorHidden, 1], ...common, outputActivation: 'identity', dropout: this.discriminatorDropout, seed: (this.seed + 0x9e3779b9) >>> 0 });
      return { G, D, x: xw, c: cw, ...stats };
    } catch (e) {
      G.dispose();
      throw e;
    }
  }

  /**
   * Trains on the rows of x (n×p, the modality to generate) and their conditions c (n×q).
   * Resolves to the history; `losses` has `loss` (D's + G's), `discriminator`, `generator`
   * and D's accuracy on real and generated pairs (`realAccuracy`, `fakeAccuracy`).
   *
   * An abort (or a loss that turns NaN: DivergenceError) keeps the networks of the last
   * finished epoch, with its history, and rejects; before the first finished epoch, and on
   * any other error, the previous fit stays in place.
   */
  async fit(x: TensorInput, c: TensorInput, options: FitOptions = {}): Promise<EpochInfo[]> {
    this.live();
    checkOptions(options, FIT_OPTIONS, 'fit options');
    const owner = new Owner(), own = owner.own;
    let nets: Nets | null = null;
    try {
      const X = own(Tensor.from(x, 'x')), C = own(Tensor.from(c, 'c'));
      if (C.rows !== X.rows) throw new ShapeError('c', `${X.rows} rows (as x)`, `${C.rows} rows`);
      const n = X.rows, p = X.cols, q = C.cols, bs = Math.min(this.batchSize, n);
      const stats = conditionStats(C, this.standardizeCondition);
      standardizeRows(C, stats);
      nets = this.#build(p, q, stats);
      const { G, D } = nets;
      const adam = { learningRate: this.learningRate, beta1: this.beta1 };
      const optG = own(new Adam(G, adam)), optD = own(new Adam(D, adam));
      const checkpoint = own(new Checkpoint([G, D], [optG, optD]));
      const gin = own(new Concat([this.noise, q])), din = own(new Concat([p, q]));
      const rng = own(Rng.create((this.seed + 0x632be5ab) >>> 0));
      // the discriminator sees real and generated pairs stacked in one 2·bs-row batch (larger
      // products); its targets are [1 − smoothing; 0] and its loss the sum of the two means
      const pairs = own(Tensor.empty(2 * bs, p)), conds = own(Tensor.empty(2 * bs, q)), targets = own(Tensor.empty(2 * bs, 1)), dGrad = own(Tensor.empty(2 * bs, 1));
      const xb = pairs.viewRows(0, bs), fakeRows = pairs.viewRows(bs, bs), cb = conds.viewRows(0, bs), cb2 = conds.viewRows(bs, bs);
      const z = own(Tensor.empty(bs, this.noise)), ones = own(Tensor.empty(bs, 1)), grad = own(Tensor.empty(bs, 1));
      W.fill(targets.viewRows(0, bs), 1 - this.labelSmoothing);
      W.fill(targets.viewRows(bs, bs), 0);
      W.fill(ones, 1);
      const history: EpochInfo[] = [];
      G.train();
      D.train();
      const g = nets;
      const finish = () => {
        g.G.eval();
        g.D.eval();
        this.#dispose();
        this.#nets = g;
        this.#history = history;
        nets = null;
      };
      await trainModel(
        this,
        {
          rows: n,
          batchSize: bs,
          signal: options.signal,
          checkpoint,
          step: (batch) => {
            W.gatherRows(xb, X, batch);
            W.gatherRows(cb, C, batch);
            W.copy(cb2, cb);
            let dLoss = 0, realAcc = 0, fakeAcc = 0, fake: Tensor | null = null;
            for (let s = 0; s < this.discriminatorSteps; s++) {
              W.randomNormal(z, 0, 1, rng);
              fake = G.forward(gin.forward([z, cb]));
              W.copy(fakeRows, fake);
              optD.zeroGrad();
              const logits = D.forward(din.forward([pairs, conds]));
              realAcc = W.countAbove(logits.viewRows(0, bs), 0) / bs;
              fakeAcc = 1 - W.countAbove(logits.viewRows(bs, bs), 0) / bs;
              // the mean over 2·bs is half the sum of the two means: gradient and loss ×2
              dLoss = 2 * bceWithLogits(logits, targets, { grad: dGrad }).loss;
              W.scaleBy(dGrad, 2);
              D.backward(dGrad, { inputGradient: false });
              optD.step();
            }
            // generator: −log D(G(z, c), c) through a frozen (just updated) D, on the samples
            // of the last D step (as the usual PyTorch loop does): G's forward is not rerun
            optG.zeroGrad();
            const logits = D.forward(din.forward([fake!, cb]));
            const gLoss = bceWithLogits(logits, ones, { grad }).loss;
            const [dFake] = din.backward(D.backward(grad, { parameterGradients: false }), { inputGradient: [true, false] })!;
            G.backward(dFake!, { inputGradient: false });
            optG.step();
            return { loss: dLoss + gLoss, discriminator: dLoss, generator: gLoss, realAccuracy: realAcc, fakeAccuracy: fakeAcc };
          },
          onEpoch: options.onEpoch,
        },
        history,
        finish,
      );
      finish();
      return this.history;
    } finally {
      if (nets) (nets.G.dispose(), nets.D.dispose());
      owner.dispose();
    }
  }

  #fitted(): Nets {
    this.live();
    if (!this.#nets) throw new NotFittedError('ConditionalGAN: call fit(x, c) first');
    return this.#nets;
  }

  /** The generator network (for inspection; dispose the model, not it). Its condition input is the standardised one: use generate() to sample. */
  get generator(): MLP {
    return this.#fitted().G;
  }

  /** The discriminator network (for inspection; dispose the model, not it). Like the generator, it takes the standardised condition. */
  get discriminator(): MLP {
    return this.#fitted().D;
  }

  /** One sample per condition row (n×p): G(z, c) with z drawn from `seed`, the same for the same seed. */
  generate(c: TensorInput, options: GenerateOptions = {}): FloatResult {
    const { G, c: q, ...stats } = this.#fitted();
    const { seed = 0 } = checkOptions(options, ['seed'], 'generate options');
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValueError('options.seed', 'an integer in [0, 2³²)', seed);
    const owner = new Owner(), own = owner.own;
    try {
      const C = own(Tensor.from(c, 'c'));
      if (C.cols !== q) throw new ShapeError('c', `${q} columns (as in fit)`, `${C.cols} columns`);
      standardizeRows(C, stats);
      const rng = own(Rng.create(seed)), z = own(Tensor.empty(C.rows, this.noise)), gin = own(new Concat([this.noise, q]));
      W.randomNormal(z, 0, 1, rng);
      return G.predict(gin.forward([z, C]));
    } finally {
      owner.dispose();
    }
  }

  #dispose() {
    this.#nets?.G.dispose();
    this.#nets?.D.dispose();
    this.#nets = null;
  }

  /** Frees both networks; any later use throws DisposedError. */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.#dispose();
  }

  /** A versioned plain object: options and both networks (each with its CRC-32). */
  toJSON(): Record<string, unknown> {
    const { G, D, x, c, mean, scale } = this.#fitted();
    const options: ConditionalGANOptions = {
      noise: this.noise,
      hidden: [...this.hidden],
      discriminatorHidden: [...this.discriminatorHidden],
      activation: this.activation,
      outputActivation: this.outputActivation,
      init: this.init,
      learningRate: this.learningRate,
      beta1: this.beta1,
      labelSmoothing: this.labelSmoothing,
      discriminatorDropout: this.discriminatorDropout,
      discriminatorSteps: this.discriminatorSteps,
      epochs: this.epochs,
      batchSize: this.batchSize,
      seed: this.seed,
      standardizeCondition: this.standardizeCondition,
    };
    const condition = { mean: Array.from(mean), scale: Array.from(scale) };
    return { format: FORMAT, version: 1, options, widths: { x, c }, condition, generator: G.toJSON(), discriminator: D.toJSON() };
  }

  /**
   * The GAN equal to a PyTorch one (python/crossmodal_torch.py's ConditionalGAN), so that
   * generate, the generator and discriminator and toJSON work as after fit. Names, under
   * `options.prefix`:
   *   generator.{i}.weight / .bias      G, an nn.Sequential of nn.Linear (out × in) and activation
   *                                     modules on [z | c̃] (the noise first): [noise + q, …hidden, p],
   *                                     `activation` between the Linears, outputActivation after the last
   *   discriminator.{i}.weight / .bias  D on [x | c̃]: [p + q, …discriminatorHidden, 1], a logit (no output activation)
   *   condition_mean, condition_scale   shape [q]: c̃ = (c − condition_mean) / condition_scale per column,
   *                                     what generate applies (scale > 0); both absent: c̃ = c
   *                                     (standardizeCondition false)
   * The widths come from the shapes: p is G's output width, q = D's input width − p, noise =
   * G's input width − q. The activations come from the options, as the constructor's
   * (default 'leaky_relu', slope 0.01, and 'sigmoid'); the training options are kept for a
   * later fit, which trains new networks from scratch. FormatError for a name under the
   * prefix that is none of these, a missing tensor or shapes that do not fit together;
   * ValueError for bad options.
   *
   * @example
   * const gan = ConditionalGAN.fromTorch(nn.readSafetensors(bytes), { outputActivation: 'tanh' });
   */
  static fromTorch(tensors: TorchTensors, options: ConditionalGANFromTorchOptions = {}): ConditionalGAN {
    const where = 'ConditionalGAN.fromTorch: tensors'; // every refusal names the argument
    const shapes = ['noise', 'hidden', 'discriminatorHidden', 'standardizeCondition'];
    if (options && typeof options === 'object')
      for (const k of shapes)
        if (k in options) throw new ValueError(`options.${k}`, `no value: fromTorch reads ${k === 'standardizeCondition' ? 'the condition statistics' : 'the widths'} from the tensors`, (options as Record<string, unknown>)[k]);
    const { prefix = '', ...rest } = checkOptions(options, [...OPTIONS.filter((k) => !shapes.includes(k)), 'prefix']);
    if (typeof prefix !== 'string') throw new ValueError('options.prefix', "a string such as 'gan.'", prefix);
    new ConditionalGAN(rest); // the options checked as the constructor checks them (allocates nothing)
    checkTensors(tensors);
    const stats = [`${prefix}condition_mean`, `${prefix}condition_scale`];
    for (const name of Object.keys(tensors))
      if (name.startsWith(prefix) && !stats.includes(name) && !name.startsWith(`${prefix}generator.`) && !name.startsWith(`${prefix}discriminator.`))
        throw new FormatError(`${where}: ${JSON.stringify(name)} is not a tensor of the GAN (expected ${prefix}generator.*, ${prefix}discriminator.*, ${prefix}condition_mean and ${prefix}condition_scale)`);
    const has = stats.map((n) => Object.prototype.hasOwnProperty.call(tensors, n));
    if (has[0] !== has[1]) throw new FormatError(`${where}: ${stats[has[0] ? 1 : 0]} is missing (the condition statistics come as a pair, or not at all)`);
    const activation = rest.activation ?? 'leaky_relu';
    const read: MLP[] = [];
    let nets: Nets | null = null;
    try {
      const g = MLP.fromTorch(tensors, { prefix: `${prefix}generator.`, activation });
      read.push(g);
      const d = MLP.fromTorch(tensors, { prefix: `${prefix}discriminator.`, activation });
      read.push(d);
      for (const [net, name] of [[g, 'generator'], [d, 'discriminator']] as const)
        if (net.layers.length < 3) throw new FormatError(`${where}: ${prefix}${name}: expected at least two Linear layers (a hidden layer), got ${net.layers.length - 1}`);
      const p = g.layers[g.layers.length - 1]!, din = d.layers[0]!, gin = g.layers[0]!, q = din - p;
      if (d.layers[d.layers.length - 1] !== 1) throw new FormatError(`${where}: ${prefix}discriminator: expected 1 output (a logit), got ${d.layers[d.layers.length - 1]}`);
      if (q < 1) throw new FormatError(`${where}: ${prefix}discriminator.0.weight takes ${din} inputs, expected more than ${p} ([x | c] with x ${p} wide, the generator's output)`);
      if (gin - q < 1) throw new FormatError(`${where}: ${prefix}generator.0.weight takes ${gin} inputs, expected more than ${q} ([z | c] with c ${q} wide, the discriminator's inputs less x)`);
      const mean = new Float64Array(q), scale = new Float64Array(q).fill(1);
      if (has[0])
        for (const [name, into, positive] of [[stats[0]!, mean, false], [stats[1]!, scale, true]] as const) {
          const t = tensors[name]!;
          const shape = t && typeof t === 'object' && Array.isArray(t.shape) ? t.shape : null;
          if (!shape || shape.length !== 1 || shape[0] !== q) throw new FormatError(`${where}: ${name}: expected shape [${q}] (the condition's width), got ${shape ? `[${shape.join(', ')}]` : describe(t)}`);
          const data = t.data;
          if (!data || typeof data.length !== 'number' || data.length !== q) throw new FormatError(`${where}: ${name}: shape [${q}] needs ${q} values, data holds ${data && typeof data.length === 'number' ? data.length : 'none'}`);
          for (let j = 0; j < q; j++) {
            const v = Number(data[j]);
            if (!Number.isFinite(v) || (positive && !(v > 0))) throw new FormatError(`${where}: ${name}[${j}] is ${v}: expected a finite${positive ? ' positive' : ''} number`);
            into[j] = v;
          }
        }
      const model = new ConditionalGAN({ ...rest, noise: gin - q, hidden: g.layers.slice(1, -1), discriminatorHidden: d.layers.slice(1, -1), standardizeCondition: has[0] });
      nets = model.#build(p, q, { mean, scale });
      nets.G.parameters.set(g.parameters);
      nets.D.parameters.set(d.parameters);
      nets.G.eval();
      nets.D.eval();
      model.#nets = nets;
      nets = null;
      return model;
    } finally {
      for (const r of read) r.dispose();
      if (nets) (nets.G.dispose(), nets.D.dispose());
    }
  }

  static fromJSON(json: unknown): ConditionalGAN {
    const o = readEnvelope(json, FORMAT, 1);
    let model: ConditionalGAN;
    try {
      model = new ConditionalGAN(o.options as ConditionalGANOptions);
    } catch (e) {
      throw new FormatError(`${FORMAT}: options: ${(e as Error).message}`);
    }
    const w = o.widths as { x?: unknown; c?: unknown } | null;
    if (!w || typeof w !== 'object' || !Number.isInteger(w.x) || !Number.isInteger(w.c) || (w.x as number) < 1 || (w.c as number) < 1)
      throw new FormatError(`${FORMAT}: widths: expected { x, c } positive integers`);
    const xw = w.x as number, cw = w.c as number;
    const cond = o.condition as { mean?: unknown; scale?: unknown } | null;
    const stat = (v: unknown, positive: boolean) => Array.isArray(v) && v.length === cw && v.every((e) => typeof e === 'number' && Number.isFinite(e) && (!positive || e > 0));
    if (!cond || typeof cond !== 'object' || !stat(cond.mean, false) || !stat(cond.scale, true))
      throw new FormatError(`${FORMAT}: condition: expected { mean, scale }, ${cw} finite numbers each (scale positive)`);
    const mean = Float64Array.from(cond.mean as number[]), scale = Float64Array.from(cond.scale as number[]);
    const G = MLP.fromJSON(o.generator);
    let D: MLP | null = null;
    try {
      D = MLP.fromJSON(o.discriminator);
      const same = (net: MLP, layers: number[], out: Activation) => net.layers.length === layers.length && net.layers.every((v, i) => v === layers[i]) && net.activation === model.activation && net.outputActivation === out;
      if (!same(G, [model.noise + cw, ...model.hidden, xw], model.outputActivation)) throw new FormatError(`${FORMAT}: generator: layers [${G.layers.join(', ')}] do not match the options and widths`);
      if (!same(D, [xw + cw, ...model.discriminatorHidden, 1], 'identity')) throw new FormatError(`${FORMAT}: discriminator: layers [${D.layers.join(', ')}] do not match the options and widths`);
      G.eval();
      D.eval();
      model.#nets = { G, D, x: xw, c: cw, mean, scale };
      return model;
    } catch (e) {
      G.dispose();
      D?.dispose();
      throw e;
    }
  }
}

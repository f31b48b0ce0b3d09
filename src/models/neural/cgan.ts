/**
 * Conditional GAN (Mirza & Osindero, 2014): a generator G(z, c), an MLP on [z | c], and a
 * discriminator D(x, c) (c a one-hot label or another modality's data). By default D is a
 * projection discriminator (Miyato & Koyama 2018) with spectrally normalised layers, trained
 * at 4× G's learning rate, and generate samples from a moving average of G's weights (the
 * stabilised recipe of issue 39; `{ loss: 'bce', ema: false, spectralNorm: false,
 * discriminator: 'concat' }` is the recipe before, D an MLP on [x | c]). D is trained by
 * binary cross-entropy (or the hinge loss) on real and generated
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
import type { MLP, Activation, MLPInit } from '../../nn/mlp.js';
import { Concat } from '../../nn/blocks.js';
import type { EpochInfo } from '../../nn/train.js';
import { NotFittedError, ShapeError, ValueError } from '../../errors.js';
import { Owner } from '../../lifecycle.js';
import { checkLabels, checkOptions, noExtraArguments } from '../../options.js';
import { dropMissing } from '../../wasm/index.js';
import type { TorchTensors } from '../../nn/torch.js';
import { checkGANOptions, type ConditionalGANDiscriminator, type ConditionalGANLoss, type ConditionalGANFitOptions, type ConditionalGANFromTorchOptions, type ConditionalGANLosses, type ConditionalGANOptions, type ConditionalGANSourceFitOptions, type GenerateOptions } from './cgan_options.js';
import { buildNets, conditionStats, disposeNets, emaUpdate, type Nets } from './cgan_nets.js';
import { discriminatorLoss, generatorLoss } from './cgan_loss.js';
import { readGANFile, readTorchGAN, writeGANFile } from './cgan_file.js';
import { makeOptimizer } from './training.js';
import { NEURAL_FIT_OPTIONS, type Preparation, type Session } from './trainer.js';
import { checkShuffleBuffer, SourceReader, type DataSource } from './source.js';
import { streamedScalers } from './source_scalers.js';
import { NeuralModel } from './neural_model.js';
import { checkHeadRange, columnScaler, standardize, unstandardize, type ColumnScaler } from './scaler.js';

export type { ConditionalGANDiscriminator, ConditionalGANLoss, ConditionalGANOptions, ConditionalGANFitOptions, ConditionalGANSourceFitOptions, ConditionalGANFromTorchOptions, ConditionalGANLosses, GenerateOptions } from './cgan_options.js';

/**
 * A conditional GAN: a generator G(z, c) and a discriminator D(x, c) trained adversarially
 * (projection D, spectral norm and a moving average of G by default), so that `generate(c)`
 * draws x given any real condition vector c (one-hot labels with `ConditionalGAN.oneHot`).
 *
 * @example
 * ```ts
 * const gan = new ConditionalGAN({ noise: 4, hidden: [32, 32], epochs: 200, batchSize: 50 });
 * await gan.fit(x, ConditionalGAN.oneHot(labels, 2));
 * const samples = gan.generate(ConditionalGAN.oneHot([0, 1, 1], 2), { seed: 1 });
 * ```
 */
export class ConditionalGAN extends NeuralModel<ConditionalGANLosses> {
  /** the width of the noise z */
  readonly noise: number;
  /** the generator's hidden widths */
  readonly hidden: readonly number[];
  /** the discriminator's hidden widths */
  readonly discriminatorHidden: readonly number[];
  /** the hidden activation */
  readonly activation: Activation;
  /** the generator's output activation */
  readonly outputActivation: Activation;
  /** the weight initialisation */
  readonly init: MLPInit;
  /** the discriminator's target for real rows is 1 − labelSmoothing */
  readonly labelSmoothing: number;
  /** dropout on the discriminator's hidden layers while training */
  readonly discriminatorDropout: number;
  /** discriminator steps per generator step */
  readonly discriminatorSteps: number;
  /** whether the condition's columns are standardised before the networks see them */
  readonly standardizeCondition: boolean;
  /** whether x's columns are standardised */
  readonly scale: boolean;
  /** the adversarial loss, 'bce' or 'hinge' */
  readonly loss: ConditionalGANLoss;
  /** the decay of the generator's weights' moving average that generate uses, or false */
  readonly ema: number | false;
  /** the discriminator's learning rate (learningRate unless set) */
  readonly discriminatorLearningRate: number;
  /** spectral normalisation of D's weights (D's forward uses W/σ; `discriminator` holds the raw W) */
  readonly spectralNorm: boolean;
  /** how D takes the condition, the `discriminator` option: 'concat' (D on [x | c̃]) or 'projection' (ψ(φ(x)) + ⟨V c̃, φ(x)⟩) */
  readonly discriminatorKind: ConditionalGANDiscriminator;
  #nets: Nets | null = null;
  /** with scale: true, x's column standardisation (from the first fit's training rows) */
  #scaler: ColumnScaler | null = null;

  constructor(options: ConditionalGANOptions = {}) {
    const s = checkGANOptions(options);
    super('ConditionalGAN', s);
    this.noise = s.noise;
    this.hidden = s.hidden;
    this.discriminatorHidden = s.discriminatorHidden;
    this.activation = s.activation;
    this.outputActivation = s.outputActivation;
    this.init = s.init;
    this.labelSmoothing = s.labelSmoothing;
    this.discriminatorDropout = s.discriminatorDropout;
    this.discriminatorSteps = s.discriminatorSteps;
    this.standardizeCondition = s.standardizeCondition;
    this.scale = s.scale;
    this.loss = s.loss;
    this.ema = s.ema;
    this.discriminatorLearningRate = s.discriminatorLearningRate;
    this.spectralNorm = s.spectralNorm;
    this.discriminatorKind = s.discriminatorKind;
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


  /**
   * Trains on the rows of x (n×p, the modality to generate) and their conditions c (n×q).
   * Resolves to the history; `losses` has `loss` (D's + G's), `discriminator`, `generator`
   * and D's accuracy on real and generated pairs (`realAccuracy`, `fakeAccuracy`).
   *
   * Without `warmStart`, fit starts over from new networks (and new condition statistics);
   * with `warmStart: true` it trains the fitted networks on for `epochs` more epochs, with
   * their optimiser state, random streams and the condition statistics of the first fit.
   *
   * An abort (or a loss that turns NaN: DivergenceError) keeps the networks of the last
   * finished epoch, with its history, and rejects; before the first finished epoch, and on
   * any other error, the previous fit stays in place.
   *
   * `fit(source, options)` trains from a source instead: a function called once per epoch that
   * returns an iterable (or async iterable) of chunks `[x, c]`, the same rows of both (see the
   * docs/neural.md, Training from a source). The condition statistics (and x's with scale: true) come
   * from one pass before training; rows are shuffled through a buffer of `shuffleBuffer` rows
   * (0: source order), full batches only. What is wrong in the source is a SourceError.
   */
  async fit(source: DataSource, options?: ConditionalGANSourceFitOptions): Promise<EpochInfo<ConditionalGANLosses>[]>;
  async fit(x: TensorInput, c: TensorInput, options?: ConditionalGANFitOptions): Promise<EpochInfo<ConditionalGANLosses>[]>;
  async fit(x: TensorInput | DataSource, c?: TensorInput | ConditionalGANSourceFitOptions, options: ConditionalGANFitOptions = {}): Promise<EpochInfo<ConditionalGANLosses>[]> {
    if (typeof x === 'function') {
      noExtraArguments(arguments, 2, 'ConditionalGAN.fit');
      return this.#fitSource(x, (c ?? {}) as ConditionalGANSourceFitOptions);
    }
    noExtraArguments(arguments, 3, 'ConditionalGAN.fit');
    this.live();
    checkOptions(options, NEURAL_FIT_OPTIONS, 'fit options');
    return this.trainer.fit(options, (prep) => {
      const { warm, own } = prep;
      labelsHint(c);
      const d = dropMissing([x, c as TensorInput], ['x', 'c'], this.missing, 'x, c');
      const X = own(Tensor.from(d.views[0]!, 'x')), C = own(Tensor.from(d.views[1]!, 'c'));
      if (C.rows !== X.rows) throw new ShapeError('c', `${X.rows} rows (as x)`, `${C.rows} rows`);
      const n = X.rows, p = X.cols, q = C.cols, bs = Math.min(this.batchSize, n);
      if (warm) {
        const f = this.#nets!;
        if (p !== f.x) throw new ShapeError('x', `${f.x} columns (as the fitted model, for warmStart)`, `${p} columns`);
        if (q !== f.c) throw new ShapeError('c', `${f.c} columns (as the fitted model, for warmStart)`, `${q} columns`);
      }
      // scale: true standardises x by the first fit's scaler; a bounded generator head
      // (sigmoid, tanh) must be able to reach every real sample, checked before anything is built
      const scaler = warm ? this.#scaler : this.scale ? columnScaler(X) : null;
      if (scaler) standardize(X, scaler);
      checkHeadRange(X, this.outputActivation, 'x', scaler !== null);
      const stats = warm ? this.#nets! : conditionStats(C, this.standardizeCondition);
      standardize(C, stats);
      return this.#session(prep, { rows: n, bs, p, q, X, C, scaler, stats, dropped: () => d.dropped });
    });
  }

  /**
   * fit(source, options): chunks `[x, c]` (the same rows of both, any accepted input form), the
   * condition statistics (and with scale: true x's) by a pass before training, merged over the
   * chunks; the batches the trainer fills from the source through the shuffle buffer.
   */
  #fitSource(source: DataSource, options: ConditionalGANSourceFitOptions): Promise<EpochInfo<ConditionalGANLosses>[]> {
    this.live();
    checkOptions(options, [...NEURAL_FIT_OPTIONS, 'shuffleBuffer'], 'fit options');
    const shuffleBuffer = checkShuffleBuffer(options.shuffleBuffer);
    const warm = options.warmStart === true, f = warm ? this.#nets : null;
    const reader = new SourceReader(source, ['x', 'c'], this.missing, f ? [f.x, f.c] : [null, null]);
    // class labels as the condition: the way to pass them, as with arrays
    reader.inputCheck = (i, v) => void (i === 1 && labelsHint(v));
    const { shuffleBuffer: _, ...rest } = options;
    let scaler: ColumnScaler | null = warm ? this.#scaler : null;
    let stats: { mean: Float64Array; scale: Float64Array } | null = f;
    const before = async () => {
      if (!warm && (this.scale || this.standardizeCondition)) {
        const [sx, sc] = await streamedScalers(reader, options.signal, [false, true]);
        if (this.scale) scaler = sx!;
        if (this.standardizeCondition) stats = sc!;
      }
      reader.transform = ([X, C]) => {
        if (scaler) standardize(X!, scaler);
        checkHeadRange(X!, this.outputActivation, 'x', scaler !== null);
        // the condition statistics: 0 and 1 without standardizeCondition (from the first chunk's width)
        stats ??= conditionStats(C!, false);
        standardize(C!, stats);
      };
    };
    return this.trainer.fit(
      rest,
      (prep) => {
        const [p, q] = prep.widths!;
        return this.#session(prep, { rows: 0, bs: this.batchSize, p: p!, q: q!, X: null, C: null, scaler, stats: stats!, dropped: () => reader.dropped });
      },
      { reader, shuffleBuffer, before },
    );
  }

  /** A fit's session on rows in X, C (standardised) or on batches a source fills. */
  #session(
    { warm, previous, own, built }: Preparation,
    o: { rows: number; bs: number; p: number; q: number; X: Tensor | null; C: Tensor | null; scaler: ColumnScaler | null; stats: { mean: Float64Array; scale: Float64Array }; dropped: () => number },
  ): Session<ConditionalGANLosses> {
    const { bs, p, q, X, C, scaler, stats } = o;
    const nets = warm ? this.#nets! : buildNets(this, p, q, stats);
    if (!warm) built({ dispose: () => disposeNets(nets) });
    const { G, D, Gema, sn, proj, snHead } = nets;
    // the two-time-scale update rule: D's own learning rate (learningRate unless set)
    const [optG, optD] = previous ? previous.optimizers : [built(makeOptimizer(this, G)), built(makeOptimizer({ ...this.#training(), learningRate: this.discriminatorLearningRate }, proj ? [D, proj.head, proj.embedding] : D))];
    const kind = this.loss, decay = this.ema;
    const gin = own(new Concat([this.noise, q])), din = own(new Concat([p, q]));
    const [rng] = previous ? previous.rngs : [built(Rng.create((this.seed + 0x632be5ab) >>> 0))];
    // the discriminator sees real and generated pairs stacked in one 2·bs-row batch (larger
    // products); its targets are [1 − smoothing; 0] and its loss the sum of the two means
    const pairs = own(Tensor.empty(2 * bs, p)), conds = own(Tensor.empty(2 * bs, q)), targets = own(Tensor.empty(2 * bs, 1)), dGrad = own(Tensor.empty(2 * bs, 1));
    const xb = pairs.viewRows(0, bs), fakeRows = pairs.viewRows(bs, bs), cb = conds.viewRows(0, bs), cb2 = conds.viewRows(bs, bs);
    const z = own(Tensor.empty(bs, this.noise)), ones = own(Tensor.empty(bs, 1)), grad = own(Tensor.empty(bs, 1));
    W.fill(targets.viewRows(0, bs), 1 - this.labelSmoothing);
    W.fill(targets.viewRows(bs, bs), 0);
    W.fill(ones, 1);
    // one step on the rows in xb, cb
    const train = (): ConditionalGANLosses => {
      W.copy(cb2, cb);
      let dLoss = 0, realAcc = 0, fakeAcc = 0, fake: Tensor | null = null;
      for (let s = 0; s < this.discriminatorSteps; s++) {
        W.randomNormal(z, 0, 1, rng!);
        fake = G.forward(gin.forward([z, cb]));
        W.copy(fakeRows, fake);
        optD!.zeroGrad();
        // spectral normalisation: one power iteration, D holds W/σ for its forward and backward,
        // its gradient turned into the raw W's, the raw W back before the optimiser steps on it
        sn?.normalise();
        snHead?.normalise();
        const logits = proj ? proj.forward(pairs, conds) : D.forward(din.forward([pairs, conds]));
        realAcc = W.countAbove(logits.viewRows(0, bs), 0) / bs;
        fakeAcc = 1 - W.countAbove(logits.viewRows(bs, bs), 0) / bs;
        dLoss = discriminatorLoss(kind, logits, targets, dGrad);
        if (proj) proj.backward(dGrad, true);
        else D.backward(dGrad, { inputGradient: false });
        if (sn) (sn.gradient(), sn.restore());
        if (snHead) (snHead.gradient(), snHead.restore());
        optD!.step();
      }
      // generator: −log D(G(z, c), c) through a frozen (just updated) D, on the samples
      // of the last D step (as the usual PyTorch loop does): G's forward is not rerun
      optG!.zeroGrad();
      // spectral normalisation: D's updated raw W over σ = uᵀ W v from the last D step's u and v
      sn?.apply();
      snHead?.apply();
      const logits = proj ? proj.forward(fake!, cb) : D.forward(din.forward([fake!, cb]));
      const gLoss = generatorLoss(kind, logits, ones, grad);
      const dFake = proj ? proj.backward(grad, false) : din.backward(D.backward(grad, { parameterGradients: false }), { inputGradient: [true, false] })![0];
      sn?.restore();
      snHead?.restore();
      G.backward(dFake!, { inputGradient: false });
      optG!.step();
      if (Gema) emaUpdate(Gema, G, decay as number);
      return { loss: dLoss + gLoss, discriminator: dLoss, generator: gLoss, realAccuracy: realAcc, fakeAccuracy: fakeAcc };
    };
    return {
      rows: o.rows,
      batchSize: bs,
      // the moving average joins the checkpoint (an abort keeps the last finished epoch's) and the probe
      // and so do the spectral normalisation's vectors u
      nets: [G, D, ...(Gema ? [Gema] : []), ...(sn ? [sn] : []), ...(proj ? [proj.head, proj.embedding] : []), ...(snHead ? [snHead] : [])],
      optimizers: [optG!, optD!],
      rngs: [rng!],
      step: (batch) => {
        W.gatherRows(xb, X!, batch);
        W.gatherRows(cb, C!, batch);
        return train();
      },
      batchTensors: [xb, cb],
      filledStep: train,
      // G on fresh noise (a stream of its own) and D on the last batch's real rows
      probe: () => {
        const r = Rng.create((this.seed + 0x1b873593) >>> 0);
        try {
          W.randomNormal(z, 0, 1, r);
          return W.allFinite(G.forward(gin.forward([z, cb]))) && W.allFinite(proj ? proj.forward(xb, cb) : D.forward(din.forward([xb, cb]))) && (!Gema || W.allFinite(Gema.forward(gin.forward([z, cb]))));
        } finally {
          r.dispose();
        }
      },
      adopt: () => {
        this.dropped = o.dropped();
        if (warm) return;
        this.#dispose();
        this.#nets = nets;
        this.#scaler = scaler;
      },
    };
  }

  /** The training settings (what makeOptimizer reads). */
  #training() {
    const { epochs, batchSize, learningRate, optimizer, beta1, beta2, weightDecay, maxGradNorm, seed, missing } = this;
    return { epochs, batchSize, learningRate, optimizer, beta1, beta2, weightDecay, maxGradNorm, seed, missing };
  }

  protected isFitted(): boolean {
    return this.#nets !== null;
  }

  #fitted(method: string): Nets {
    this.ready(method);
    if (!this.#nets) throw new NotFittedError('ConditionalGAN: call fit(x, c) first');
    return this.#nets;
  }

  /** The generator network as trained (for inspection; dispose the model, not it). Its condition input is the standardised one: use generate() to sample. With `ema`, generate uses `averageGenerator` instead. */
  get generator(): MLP {
    return this.#fitted('generator').G;
  }

  /** With the `ema` option, the moving average of the generator's weights, the network generate samples from (null without it). Like `generator`, for inspection. */
  get averageGenerator(): MLP | null {
    return this.#fitted('averageGenerator').Gema;
  }

  /** The discriminator network (for inspection; dispose the model, not it). Like the generator, it takes the standardised condition. With spectralNorm it holds the raw weights W (training's D uses W/σ). With discriminator 'projection' it is D's body φ on x alone ([x, …discriminatorHidden], its output the last hidden layer); ψ and V are in the file's `projection`. */
  get discriminator(): MLP {
    return this.#fitted('discriminator').D;
  }

  /** One sample per condition row (n×p): G(z, c) with z drawn from `seed`, the same for the same seed. */
  generate(c: TensorInput, options: GenerateOptions = {}): FloatResult {
    noExtraArguments(arguments, 2, 'ConditionalGAN.generate');
    return this.inference(['c'], () => {
      const { G, Gema, c: q, ...stats } = this.#fitted('generate');
      const { seed = 0 } = checkOptions(options, ['seed'], 'generate options');
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValueError('options.seed', 'an integer in [0, 2³²)', seed);
      const owner = new Owner(), own = owner.own;
      try {
        const C = own(Tensor.from(c, 'c'));
        if (C.cols !== q) throw new ShapeError('c', `${q} columns (as in fit)`, `${C.cols} columns`);
        standardize(C, stats);
        const rng = own(Rng.create(seed)), z = own(Tensor.empty(C.rows, this.noise)), gin = own(new Concat([this.noise, q]));
        W.randomNormal(z, 0, 1, rng);
        const out = (Gema ?? G).predict(gin.forward([z, C]));
        if (this.#scaler) unstandardize(out, this.#scaler); // back in x's units
        return out;
      } finally {
        owner.dispose();
      }
    });
  }

  #dispose() {
    if (this.#nets) disposeNets(this.#nets);
    this.#nets = null;
    this.#scaler = null;
  }

  /** Frees both networks and the optimisers; any later use throws DisposedError (a running fit then rejects with it). */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.trainer.dispose();
    this.#dispose();
  }

  /** A versioned plain object: options and both networks (each with its CRC-32). */
  toJSON(): Record<string, unknown> {
    return writeGANFile(this, this.#fitted('toJSON'), this.#scaler);
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
    if (options && typeof options === 'object' && (options as { scale?: unknown }).scale !== undefined)
      throw new ValueError('options.scale', 'no value: fromTorch reads no column statistics of x (pass data in the units the PyTorch model was trained on)', (options as { scale?: unknown }).scale);
    const { model, nets } = readTorchGAN(tensors, options, (o) => new ConditionalGAN(o));
    model.#nets = nets;
    return model;
  }

  /** Rebuilds a ConditionalGAN from toJSON() output (object or JSON string), validating every field. */
  static fromJSON(json: unknown): ConditionalGAN {
    const { model, nets, scaler } = readGANFile(json, (o) => new ConditionalGAN(o));
    model.#nets = nets;
    model.#scaler = scaler;
    return model;
  }
}

/**
 * Class labels passed as the condition (a flat list of integers or strings) are refused with
 * the way to pass them: one-hot rows from ConditionalGAN.oneHot(labels, classes).
 */
function labelsHint(c: unknown): void {
  const flat = Array.isArray(c) ? c.length > 0 && c.every((v) => typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') : ArrayBuffer.isView(c) && !(c instanceof DataView);
  if (!flat) return;
  const n = (c as ArrayLike<unknown>).length;
  const kind = Array.isArray(c) && c.some((v) => typeof v === 'string') ? 'labels' : 'numbers';
  throw new ShapeError('c', 'an n×q condition matrix: for class labels pass one-hot rows, ConditionalGAN.oneHot(labels, classes) (integer labels in 0..classes−1; map strings to integers first)', `a flat array of ${n} ${kind}`);
}

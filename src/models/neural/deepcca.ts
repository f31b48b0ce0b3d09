/**
 * DeepCCA (Andrew, Arora, Bilmes & Livescu, ICML 2013): two MLP towers trained to maximise
 * the canonical correlation of their outputs. The objective and its gradient are computed
 * analytically in f64 (deepcca_objective.ts) and handed to each tower's backward.
 * After training, a linear CCA on the towers' outputs over the whole training set gives
 * the final projections, so transform() returns uncorrelated unit-variance variates
 * ordered by correlation.
 */
import * as W from '../../wasm/index.js';
import { Tensor, dropMissing, type TensorInput, type MatrixResult, type FloatResult, type Rng } from '../../wasm/index.js';
import { MLP, type Activation, type MLPInit } from '../../nn/mlp.js';
import { backwardTogether, forwardTogether } from '../../nn/lockstep.js';
import type { EpochInfo } from '../../nn/train.js';
import type { DeepCCAObjectiveKind } from './deepcca_objective.js';
import { makeObjective } from './deepcca_objectives.js';
import { SDLStatistics } from './deepcca_sdl.js';
import { CCA } from '../linear/cca.js';
import { retrieveEmbedded, type RetrieveOptions, type RetrieveResult } from '../retrieve.js';
import { FormatError, NotFittedError, ShapeError, ValueError } from '../../errors.js';
import { Owner } from '../../lifecycle.js';
import { checkOptions, noExtraArguments } from '../../options.js';
import { readEnvelope } from '../../serialize.js';
import { checkClaimed, checkTensors, type TorchTensors } from '../../nn/torch.js';
import { batchRule, checkDeepCCAOptions, deepccaRecord, OPTIONS, type DeepCCAFitOptions, type DeepCCAFromTorchOptions, type DeepCCALosses, type DeepCCAOptions, type DeepCCASourceFitOptions } from './deepcca_options.js';
import { makeOptimizer } from './training.js';
import { NEURAL_FIT_OPTIONS, type Preparation, type Session } from './trainer.js';
import { NeuralModel } from './neural_model.js';
import { columnScaler, readScalers, standardize, writeScalers, type ColumnScaler } from './scaler.js';
import { checkShuffleBuffer, SourceReader, type DataSource } from './source.js';
import { streamedScalers } from './source_scalers.js';
import { readValidation, scaleValidation, validationScore } from './deepcca_validation.js';
import { outputsDiverged, score, streamedCCA, toF64, towerOutputs } from './deepcca_outputs.js';
import { decoderPrefixes, decoderSession, noDecoders, decodersFromTorch, readDecoders, reconstructViews, torchReconstruction, type ReconstructionSettings } from './deepcca_dccae.js';

export type { DeepCCAOptions, DeepCCAFitOptions, DeepCCASourceFitOptions, DeepCCAFromTorchOptions, DeepCCALosses } from './deepcca_options.js';
export type { DeepCCAReconstructionOptions } from './deepcca_dccae.js';

const FORMAT = 'crossmodal.DeepCCA';

/**
 * DeepCCA (Andrew et al. 2013): two MLP towers trained so that their outputs correlate most,
 * then a linear CCA on the outputs; DCCAE with `reconstruction`. fit is asynchronous.
 * @example
 * ```ts
 * const model = new DeepCCA({ components: 1, hidden: [32, 32], epochs: 30, batchSize: 100 });
 * await model.fit(X, Y);
 * const [u, v] = model.transform(Xnew, Ynew);
 * console.log(model.score(Xnew, Ynew)); // held-out correlation per component
 * ```
 */
export class DeepCCA extends NeuralModel<DeepCCALosses> {
  /** the number of canonical pairs of the final CCA */ readonly components: number;
  /** the width of each tower's output */ readonly outputs: number;
  /** each tower's hidden widths */ readonly hidden: readonly number[];
  /** the towers' hidden activation */ readonly activation: Activation;
  /** the ridge of the training objective's covariances */ readonly regularization: number;
  /** the training objective: 'trace', 'ey' or 'sdl' */ readonly objective: DeepCCAObjectiveKind;
  /** the ridge of the final CCA on the towers' outputs */ readonly finalRegularization: number;
  /** the towers' weight initialisation */ readonly init: MLPInit;
  /** whether X's and Y's columns are standardised */ readonly scale: boolean;
  /** DCCAE: the decoders' hidden widths and the reconstruction weight (null: plain DeepCCA) */
  readonly reconstruction: ReconstructionSettings | null;
  #towers: [MLP, MLP] | null = null;
  /** with scale: true, the column standardisation of X and of Y (from the first fit's training rows) */
  #scaler: [ColumnScaler, ColumnScaler] | null = null;
  #cca: CCA | null = null;
  /** with reconstruction: the x and y decoders (tower output → view) */
  #decoders: [MLP, MLP] | null = null;

  constructor(options: DeepCCAOptions = {}) {
    const s = checkDeepCCAOptions(options);
    super('DeepCCA', s);
    this.components = s.components;
    this.outputs = s.outputs;
    this.hidden = s.hidden;
    this.activation = s.activation;
    this.regularization = s.regularization;
    this.objective = s.objective;
    this.finalRegularization = s.finalRegularization;
    this.init = s.init;
    this.scale = s.scale;
    this.reconstruction = s.reconstruction;
  }


  /**
   * Trains both towers on the paired rows of X (n×p) and Y (n×q), then fits the final
   * linear CCA on their outputs. Resolves to the per-epoch history.
   *
   * Without `warmStart`, fit starts over from new towers; with `warmStart: true` it trains the
   * fitted towers on for `epochs` more epochs, with their optimiser state and random streams
   * (two warm-started fits of 4 epochs equal one of 8, bit for bit).
   *
   * An abort (or a loss that turns NaN: DivergenceError) keeps the towers of the last
   * finished epoch as the fitted model, with its history, and rejects; before the first
   * finished epoch, and on any other error, the previous fit stays in place.
   *
   * `fit(source, options)` trains from a source instead: a function called once per epoch that
   * returns an iterable (or async iterable) of chunks `[X, Y]`, the same rows of both views in
   * any accepted input form (see docs/neural.md, Training from a source). Rows are shuffled through
   * a buffer of `shuffleBuffer` rows (default 10,000, fewer for rows wider than 419 columns; 0: source order), full batches only; the
   * final CCA is fitted by one more pass over the source. What is wrong in the source is a SourceError.
   */
  async fit(source: DataSource, options?: DeepCCASourceFitOptions): Promise<EpochInfo<DeepCCALosses>[]>;
  async fit(X: TensorInput, Y: TensorInput, options?: DeepCCAFitOptions): Promise<EpochInfo<DeepCCALosses>[]>;
  async fit(X: TensorInput | DataSource, Y?: TensorInput | DeepCCASourceFitOptions, options: DeepCCAFitOptions = {}): Promise<EpochInfo<DeepCCALosses>[]> {
    if (typeof X === 'function') {
      noExtraArguments(arguments, 2, 'DeepCCA.fit');
      return this.#fitSource(X, (Y ?? {}) as DeepCCASourceFitOptions);
    }
    noExtraArguments(arguments, 3, 'DeepCCA.fit');
    this.live();
    checkOptions(options, [...NEURAL_FIT_OPTIONS, 'validation'], 'fit options');
    return this.trainer.fit(options, (prep) => {
      const { warm, own } = prep;
      const d = dropMissing([X, Y as TensorInput], ['X', 'Y'], this.missing, 'X, Y');
      const x = own(Tensor.from(d.views[0]!, 'X')), y = own(Tensor.from(d.views[1]!, 'Y'));
      const n = x.rows, p = x.cols, q = y.cols;
      if (y.rows !== n) throw new ShapeError('Y', `${n} rows (as X)`, `${y.rows} rows`);
      if (warm) {
        const [a, b] = this.#towers!;
        if (p !== a.layers[0]) throw new ShapeError('X', `${a.layers[0]} columns (as the fitted towers, for warmStart)`, `${p} columns`);
        if (q !== b.layers[0]) throw new ShapeError('Y', `${b.layers[0]} columns (as the fitted towers, for warmStart)`, `${q} columns`);
      }
      const scaler: [ColumnScaler, ColumnScaler] | null = warm ? this.#scaler : this.scale ? [columnScaler(x), columnScaler(y)] : null;
      if (scaler) (standardize(x, scaler[0]), standardize(y, scaler[1]));
      const bs = Math.min(this.batchSize, n);
      const need = batchRule(this.objective, this.outputs);
      if (bs < need.rows) throw new ShapeError('X', `at least ${need.why}`, `${n} rows`);
      return this.#session(prep, { rows: n, bs, p, q, scaler, x, y, dropped: () => d.dropped, final: (t1, t2) => this.#trainedFinal(t1, t2, x, y), validation: options.validation, signal: options.signal });
    });
  }

  /** fit(source, options): the session on batches the trainer fills from the source, the final CCA by one more pass. */
  #fitSource(source: DataSource, options: DeepCCASourceFitOptions): Promise<EpochInfo<DeepCCALosses>[]> {
    this.live();
    checkOptions(options, [...NEURAL_FIT_OPTIONS, 'validation', 'shuffleBuffer'], 'fit options');
    const shuffleBuffer = checkShuffleBuffer(options.shuffleBuffer);
    const warm = options.warmStart === true, towers = warm ? this.#towers : null;
    const reader = new SourceReader(source, ['X', 'Y'], this.missing, towers ? [towers[0].layers[0]!, towers[1].layers[0]!] : [null, null]);
    const { shuffleBuffer: _, ...rest } = options;
    // scale: true: the columns' statistics by a pass before training (a warm start keeps the first fit's), applied to every chunk
    let scaler: [ColumnScaler, ColumnScaler] | null = warm ? this.#scaler : null;
    const before = async () => {
      if (this.scale && !warm) scaler = (await streamedScalers(reader, options.signal)) as [ColumnScaler, ColumnScaler];
      if (scaler) reader.transform = ([x, y]) => (standardize(x!, scaler![0]), standardize(y!, scaler![1]));
    };
    return this.trainer.fit(
      rest,
      (prep) => {
        const [p, q] = prep.widths!;
        const bs = this.batchSize;
        const need = batchRule(this.objective, this.outputs);
        if (bs < need.rows) throw new ShapeError('options.batchSize', `at least ${need.why}`, `${bs} rows`);
        let dropped = 0;
        const final = async (t1: MLP, t2: MLP, forValidation: boolean) => {
          const r = await streamedCCA(this, t1, t2, reader, forValidation ? 'the pass for validation (the final CCA on the training rows)' : 'the pass after training (the final CCA)', options.signal);
          dropped = reader.dropped;
          return r;
        };
        return this.#session(prep, { rows: 0, bs, p: p!, q: q!, scaler, x: null, y: null, dropped: () => dropped, final, validation: options.validation, signal: options.signal });
      },
      { reader, shuffleBuffer, before },
    );
  }

  /** A fit's session (towers, optimisers, objective, DCCAE's decoders, the step, validation, adoption) on rows in x, y or on batches a source fills. */
  #session(
    { warm, previous, own, built }: Preparation,
    o: {
      rows: number; bs: number; p: number; q: number; scaler: [ColumnScaler, ColumnScaler] | null; x: Tensor | null; y: Tensor | null;
      dropped: () => number; final: (t1: MLP, t2: MLP, forValidation: boolean) => CCA | Promise<CCA>; validation: DeepCCAFitOptions['validation']; signal?: AbortSignal;
    },
  ): Session<DeepCCALosses> {
    const { bs, p, q, scaler } = o, out = this.outputs;
    const val = readValidation(o.validation, p, q, own);
    if (val && scaler) scaleValidation(val, scaler);
    const [t1, t2] = warm
      ? this.#towers!
      : [
          built(new MLP({ layers: [p, ...this.hidden, out], activation: this.activation, init: this.init, seed: this.seed })),
          built(new MLP({ layers: [q, ...this.hidden, out], activation: this.activation, init: this.init, seed: (this.seed + 1) >>> 0 })),
        ];
    const [o1, o2] = previous ? previous.optimizers : [built(makeOptimizer(this, t1)), built(makeOptimizer(this, t2))];
    const xb = own(Tensor.empty(bs, p)), yb = own(Tensor.empty(bs, q)), g1 = own(Tensor.empty(bs, out)), g2 = own(Tensor.empty(bs, out));
    // 'sdl': the running covariances are training state, kept by the trainer as a stream (a warm start goes on with them, a checkpoint puts them back)
    const stats = this.objective !== 'sdl' ? null : ((previous?.rngs[0] as unknown as SDLStatistics | undefined) ?? built(new SDLStatistics(out)));
    const objective = own(makeObjective(this.objective, bs, out, this.components, this.regularization, stats));
    const dec = decoderSession(this, this.#decoders, { warm, previous, own, built }, bs, p, q);
    // one step on the rows in xb, yb
    const train = () => {
      const [h1, h2] = forwardTogether([t1, t2], [xb, yb]) as [Tensor, Tensor];
      W.toF64(objective.H1, h1);
      W.toF64(objective.H2, h2);
      const corr = objective.evaluate();
      // minimise loss: the towers receive ∂loss/∂H = −G
      W.toF32(g1, objective.G1, -1);
      W.toF32(g2, objective.G2, -1);
      // DCCAE: the decoders' step, which adds weight × their input gradients to g1, g2
      const rec = dec?.step(h1, h2, xb, yb, g1, g2);
      o1!.zeroGrad();
      o2!.zeroGrad();
      backwardTogether([t1, t2], [g1, g2], { inputGradient: false });
      o1!.step();
      o2!.step();
      if (!rec) return { loss: objective.loss, correlation: corr };
      const { penalty, ...parts } = rec;
      return { loss: objective.loss + penalty, correlation: corr, ...parts };
    };
    const { x, y } = o;
    return {
      rows: o.rows,
      batchSize: bs,
      nets: [t1, t2, ...(dec?.nets ?? [])],
      optimizers: [o1!, o2!, ...(dec?.optimizers ?? [])],
      rngs: stats ? [stats as unknown as Rng] : [],
      validation: val && {
        measure: async (epoch) => {
          const cca = await o.final(t1, t2, true);
          try {
            return await validationScore(val, t1, t2, cca, epoch, o.signal);
          } finally {
            cca.dispose();
            t1.train();
            t2.train();
          }
        },
        higherIsBetter: true,
        patience: val.patience,
      },
      step: (batch) => {
        W.gatherRows(xb, x!, batch);
        W.gatherRows(yb, y!, batch);
        return train();
      },
      batchTensors: [xb, yb],
      filledStep: train,
      adopt: async () => {
        const cca = await o.final(t1, t2, false);
        try {
          this.live(); // a model disposed during the final pass takes nothing
        } catch (e) {
          cca.dispose();
          throw e;
        }
        this.dropped = o.dropped();
        if (!warm) {
          this.#towers?.[0].dispose();
          this.#towers?.[1].dispose();
          this.#decoders?.forEach((t) => t.dispose());
          this.#towers = [t1, t2];
          this.#decoders = dec?.nets ?? null;
          this.#scaler = scaler;
        }
        this.#cca?.dispose();
        this.#cca = cca;
      },
    };
  }

  /** #fitFinal after training: towers whose outputs overflowed are a divergence (deepcca_outputs.ts). */
  #trainedFinal(t1: MLP, t2: MLP, x: Tensor, y: Tensor): CCA {
    try {
      return this.#fitFinal(t1, t2, x, y);
    } catch (e) {
      throw outputsDiverged(e);
    }
  }

  /** Linear CCA on the towers' outputs over the training rows. */
  #fitFinal(t1: MLP, t2: MLP, x: Tensor, y: Tensor): CCA {
    const h1 = t1.predict(x), h2 = t2.predict(y);
    const cca = new CCA({ components: this.components, regularization: this.finalRegularization });
    try {
      return cca.fit(toF64(h1), toF64(h2));
    } catch (e) {
      cca.dispose();
      throw e;
    }
  }

  protected isFitted(): boolean {
    return this.#towers !== null;
  }

  #fitted(method: string): { towers: [MLP, MLP]; cca: CCA } {
    this.ready(method);
    if (!this.#towers || !this.#cca) throw new NotFittedError('DeepCCA: call fit(X, Y) first');
    return { towers: this.#towers, cca: this.#cca };
  }

  /** Canonical correlations of the towers' outputs on the training rows (descending). */
  get correlations(): Float64Array {
    return this.#fitted('correlations').cca.correlations;
  }

  /** Canonical variates [U, V] (n×components); null for a view you don't pass. */
  transform(X: TensorInput, Y: TensorInput): [MatrixResult, MatrixResult];
  transform(X: TensorInput, Y?: null): [MatrixResult, null];
  transform(X: null, Y: TensorInput): [null, MatrixResult];
  transform(X: TensorInput | null, Y?: TensorInput | null): [MatrixResult | null, MatrixResult | null];
  transform(X: TensorInput | null, Y: TensorInput | null = null): [MatrixResult | null, MatrixResult | null] {
    noExtraArguments(arguments, 2, 'DeepCCA.transform');
    return this.inference(['X', 'Y'], () => {
      const { towers, cca } = this.#fitted('transform');
      if (X === null && Y === null) throw new ValueError('X, Y', 'at least one view', 'null and null');
      const h1 = X === null ? null : towerOutputs(towers[0], X, 'X', this.#scaler?.[0]);
      const h2 = Y === null ? null : towerOutputs(towers[1], Y, 'Y', this.#scaler?.[1]);
      return cca.transform(h1, h2);
    });
  }

  /**
   * The top k gallery rows per query in the shared space (DCCAE too), as CCA.retrieve: each view alone through its tower and the final CCA, weighted by its correlations.
   * @example
   * const { indices } = dcca.retrieve(Xtest, Ytest, { k: 10 }); // queries × 10, best first
   */
  retrieve(query: TensorInput, gallery: TensorInput, options?: RetrieveOptions): RetrieveResult {
    noExtraArguments(arguments, 3, 'DeepCCA.retrieve');
    return retrieveEmbedded(query, gallery, options, ['X', 'Y'], (v, rows) => this.transform(v === 0 ? (rows as TensorInput) : null, v === 1 ? (rows as TensorInput) : null)[v]!, this.correlations);
  }

  /** Per-component correlations of the canonical variates on (X, Y), in training order. */
  score(X: TensorInput, Y: TensorInput): Float64Array {
    noExtraArguments(arguments, 2, 'DeepCCA.score');
    return this.inference(['X', 'Y'], () => {
      const { towers, cca } = this.#fitted('score');
      return score(towers[0], towers[1], cca, X, Y, this.#scaler);
    });
  }

  /**
   * DCCAE (`reconstruction`): both views decoded, [X̂, Ŷ] in the data's units. A view passed is
   * decoded from its own tower's output; a view passed as null is decoded from the other
   * view's tower output carried into its tower's output space by the final linear CCA
   * (CCA.predict through the kept pairs): `reconstruct([X, null])` gives X̂ and Ŷ from X alone.
   * A DeepCCA without `reconstruction` has no decoders: UnsupportedError.
   */
  reconstruct(views: readonly [TensorInput | null, TensorInput | null]): [FloatResult, FloatResult] {
    noExtraArguments(arguments, 1, 'DeepCCA.reconstruct');
    return this.inference(['views', 'X', 'Y'], () => {
      this.live();
      if (!this.reconstruction) throw noDecoders();
      const { towers, cca } = this.#fitted('reconstruct');
      const scaler = this.#scaler;
      return reconstructViews(
        {
          towers,
          decoders: this.#decoders,
          scaler,
          predict: (h1, h2) => (h1 ? cca.predict(h1) : cca.predict(null, h2!)),
          outputs: (t, input) => towerOutputs(towers[t], input, t === 0 ? 'X' : 'Y', scaler?.[t]),
        },
        views,
      );
    });
  }

  #disposeModel() {
    this.#towers?.[0].dispose();
    this.#towers?.[1].dispose();
    this.#towers = null;
    this.#decoders?.forEach((t) => t.dispose());
    this.#decoders = null;
    this.#cca?.dispose();
    this.#cca = null;
    this.#scaler = null;
  }

  /** Frees the towers, the final CCA and the optimisers; any later use throws DisposedError (a running fit then rejects with it). */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.trainer.dispose();
    this.#disposeModel();
  }

  /** The model as JSON (towers, final CCA, DCCAE decoders): `fromJSON` reads it back. */
  toJSON(): Record<string, unknown> {
    const { towers, cca } = this.#fitted('toJSON');
    const file: Record<string, unknown> = { format: FORMAT, version: 1, options: deepccaRecord(this), towers: [towers[0].toJSON(), towers[1].toJSON()], cca: cca.toJSON() };
    // DCCAE (version 2): the decoders, as the towers
    if (this.#decoders) (file.version = 2), (file.decoders = [this.#decoders[0].toJSON(), this.#decoders[1].toJSON()]);
    // scale: true: the columns' standardisation of X and Y (base64 float64 with a CRC-32); absent in older files (scale false)
    if (this.#scaler) file.scaler = writeScalers(this.#scaler);
    return file;
  }

  /**
   * A fitted DeepCCA from towers trained in PyTorch: two nn.Sequential MLPs (Linear layers
   * with `activation` between them, no output activation; the tensors as MLP.fromTorch reads
   * them, under `xPrefix` and `yPrefix`), both with the same hidden and output widths. The
   * final linear CCA is then fitted on the towers' outputs for `data` (ridge
   * `finalRegularization`), as `fit` does after training, so transform, score, correlations
   * and toJSON work as after fit. A tensor under neither prefix is a FormatError. The other
   * DeepCCA options (epochs, learningRate, …) are only kept for a later fit, which trains new
   * towers from scratch.
   *
   * @example
   * const model = DeepCCA.fromTorch(nn.readSafetensors(bytes), { components: 4, data: [X, Y] });
   */
  static fromTorch(tensors: TorchTensors, options: DeepCCAFromTorchOptions): DeepCCA {
    if (!options || typeof options !== 'object' || Array.isArray(options)) throw new ValueError('options', 'an options object with data: [X, Y]', options);
    if ((options as { scale?: unknown }).scale !== undefined)
      throw new ValueError('options.scale', 'no value: fromTorch reads no column statistics (pass data in the units the PyTorch towers were trained on)', (options as { scale?: unknown }).scale);
    const known = [...OPTIONS.filter((k) => k !== 'outputs' && k !== 'hidden'), 'data', 'xPrefix', 'yPrefix', 'xDecoderPrefix', 'yDecoderPrefix'];
    const { data, xPrefix = 'x.', yPrefix = 'y.', xDecoderPrefix = 'xdec.', yDecoderPrefix = 'ydec.', components, ...rest } = checkOptions(options, known);
    checkTensors(tensors);
    if (!Array.isArray(data) || data.length !== 2) throw new ValueError('options.data', '[X, Y]: the rows the final CCA is fitted on', data);
    for (const [name, v] of [['options.xPrefix', xPrefix], ['options.yPrefix', yPrefix]] as const) if (typeof v !== 'string') throw new ValueError(name, "a string such as 'x.'", v);
    if (xPrefix.startsWith(yPrefix) || yPrefix.startsWith(xPrefix)) throw new ValueError('options.yPrefix', `a prefix apart from options.xPrefix (${JSON.stringify(xPrefix)}): neither may start the other`, yPrefix);
    const decPrefixes = decoderPrefixes(xPrefix, yPrefix, xDecoderPrefix, yDecoderPrefix);
    checkClaimed(tensors, [xPrefix, yPrefix, ...decPrefixes], 'DeepCCA.fromTorch');
    const activation = rest.activation ?? 'leaky_relu';
    const owner = new Owner(), own = owner.own;
    const made: { dispose(): void }[] = [];
    try {
      const t1 = MLP.fromTorch(tensors, { prefix: xPrefix, activation });
      made.push(t1);
      const t2 = MLP.fromTorch(tensors, { prefix: yPrefix, activation });
      made.push(t2);
      const h1 = t1.layers.slice(1, -1), h2 = t2.layers.slice(1, -1), o = t1.layers.at(-1)!;
      if (h1.length !== h2.length || h1.some((w, i) => w !== h2[i]) || t2.layers.at(-1) !== o)
        throw new FormatError(`DeepCCA.fromTorch: tensors: the towers differ past their inputs (${xPrefix}: ${t1.layers.join('-')}, ${yPrefix}: ${t2.layers.join('-')}); DeepCCA's towers share their hidden and output widths`);
      const k = components ?? o;
      if (!(Number.isInteger(k) && k >= 1 && k <= o)) throw new ValueError('options.components', `an integer in 1..${o} (the towers' output width)`, k);
      const decoders = decodersFromTorch(tensors, decPrefixes, activation);
      if (decoders) made.push(...decoders);
      const model = new DeepCCA({ ...rest, components: k, outputs: o, hidden: h1, ...torchReconstruction(decoders, rest.reconstruction, t1.layers[0]!, t2.layers[0]!, o) });
      made.push(model);
      const x = own(Tensor.from(data[0], 'options.data[0]')), y = own(Tensor.from(data[1], 'options.data[1]'));
      if (x.cols !== t1.layers[0]) throw new ShapeError('options.data[0]', `${t1.layers[0]} columns (the x tower's input width)`, `${x.cols} columns`);
      if (y.cols !== t2.layers[0]) throw new ShapeError('options.data[1]', `${t2.layers[0]} columns (the y tower's input width)`, `${y.cols} columns`);
      if (y.rows !== x.rows) throw new ShapeError('options.data[1]', `${x.rows} rows (as options.data[0])`, `${y.rows} rows`);
      t1.eval();
      t2.eval();
      model.#cca = model.#fitFinal(t1, t2, x, y);
      model.#towers = [t1, t2];
      model.#decoders = decoders;
      decoders?.forEach((d) => d.eval());
      made.length = 0;
      return model;
    } finally {
      for (const m of made) m.dispose();
      owner.dispose();
    }
  }

  /** A DeepCCA from what toJSON wrote (object or string); a FormatError when malformed. */
  static fromJSON(json: unknown): DeepCCA {
    const o = readEnvelope(json, FORMAT, 2);
    let model: DeepCCA;
    try {
      model = new DeepCCA(o.options as DeepCCAOptions);
    } catch (e) {
      throw new FormatError(`${FORMAT}: options: ${(e as Error).message}`);
    }
    const towers = o.towers as unknown[];
    if (!Array.isArray(towers) || towers.length !== 2) throw new FormatError(`${FORMAT}: towers: expected two networks`);
    const t1 = MLP.fromJSON(towers[0]);
    let t2: MLP | null = null;
    try {
      t2 = MLP.fromJSON(towers[1]);
      const cca = CCA.fromJSON(o.cca);
      if (t1.layers.at(-1) !== model.outputs || t2.layers.at(-1) !== model.outputs || cca.components !== model.components) {
        cca.dispose();
        throw new FormatError(`${FORMAT}: towers/cca do not match options (outputs ${model.outputs}, components ${model.components})`);
      }
      if (!model.scale && o.scaler !== undefined) {
        cca.dispose();
        throw new FormatError(`${FORMAT}: scaler: present, but options.scale is not true`);
      }
      let scaler: [ColumnScaler, ColumnScaler] | null = null;
      if (model.scale) {
        try {
          const [a, b] = readScalers(o.scaler, [t1.layers[0]!, t2.layers[0]!], `${FORMAT}: scaler`);
          scaler = [a!, b!];
        } catch (e) {
          cca.dispose();
          throw e;
        }
      }
      try {
        model.#decoders = readDecoders(o, model.reconstruction, model.outputs, t1.layers[0]!, t2.layers[0]!, FORMAT);
      } catch (e) {
        cca.dispose();
        throw e;
      }
      t1.eval();
      t2.eval();
      model.#towers = [t1, t2];
      model.#cca = cca;
      model.#scaler = scaler;
      return model;
    } catch (e) {
      t1.dispose();
      t2?.dispose();
      throw e;
    }
  }
}

/**
 * Multimodal autoencoder (Ngiam, Khosla, Kim, Nam, Lee & Ng, ICML 2011) for m ≥ 2
 * modalities: one encoder MLP per modality; a fusion layer on the concatenation of every
 * encoding (gated to zero for a missing modality) and the presence mask, whose output is the
 * shared code; a shared decoder trunk from the code with one head per modality. Trained with
 * modality dropout, so any non-empty subset of modalities reconstructs all of them.
 *
 * A training step is forward on each piece in order and backward in reverse (src/nn/); the
 * presence mask, modality dropout and the masked losses are wasm kernels.
 *
 * The options live in autoencoder_options.ts, the network graph in autoencoder_graph.ts, the
 * reading of views and missing-modality masks in autoencoder_views.ts, the file format in
 * autoencoder_file.ts, the PyTorch import in autoencoder_torch.ts.
 */
import * as W from '../../wasm/index.js';
import { Rng, Tensor, type TensorInput, type FloatResult } from '../../wasm/index.js';
import type { MLP, Activation, MLPInit } from '../../nn/mlp.js';
import type { EpochInfo } from '../../nn/train.js';
import { NotFittedError, ShapeError, ValueError } from '../../errors.js';
import { Owner } from '../../lifecycle.js';
import { checkOptions, noExtraArguments } from '../../options.js';
import { dropMissing, keepRows } from '../../wasm/index.js';
import type { TorchTensors } from '../../nn/torch.js';
import {
  checkAutoencoderOptions, perModality, type AutoencoderFitOptions, type AutoencoderSourceFitOptions, type AutoencoderLosses, type AutoencoderSettings, type MultimodalAutoencoderFromTorchOptions, type MultimodalAutoencoderOptions, type ViewInput, type ViewsOptions,
} from './autoencoder_options.js';
import { allNets, backpropagate, buildNet, disposeNet, forwardGraph, seedFor, type Net } from './autoencoder_graph.js';
import { chunks, readValidation, readViews, validationLoss, withViews, type ReadViews } from './autoencoder_views.js';
import { checkHeadRange, columnScaler, standardize, unstandardize, type ColumnScaler } from './scaler.js';
import { readAutoencoderFile, writeAutoencoderFile } from './autoencoder_file.js';
import { readTorchAutoencoder } from './autoencoder_torch.js';
import { makeOptimizer } from './training.js';
import { NEURAL_FIT_OPTIONS, type Preparation, type Session } from './trainer.js';
import { checkShuffleBuffer, SourceReader, type DataSource } from './source.js';
import { streamedScalers } from './source_scalers.js';
import { NeuralModel } from './neural_model.js';

export type { MultimodalAutoencoderOptions, MultimodalAutoencoderFromTorchOptions, AutoencoderFitOptions, AutoencoderSourceFitOptions, AutoencoderLosses, ViewsOptions, ViewInput } from './autoencoder_options.js';
export type { FloatResult } from '../../wasm/index.js';

/** One row of `evaluate`: the modalities given, and the MSE of every modality reconstructed from them. */
export interface SubsetError {
  /** indices of the modalities given as input */
  given: number[];
  /** held-out mean squared error per element of each modality (NaN for one not passed) */
  mse: Float64Array;
}

/**
 * A multimodal autoencoder: an encoder per modality, a shared code, a decoder per modality;
 * trained with modality dropout, so any subset of modalities (null for a missing one)
 * encodes and reconstructs the others. fit is asynchronous.
 *
 * @example
 * ```ts
 * const ae = new MultimodalAutoencoder({ hidden: [32], code: 4, epochs: 100, batchSize: 50 });
 * await ae.fit([A, B]); // a null row in a modality: missing there
 * const [, bFromA] = ae.reconstruct([Anew, null]); // B filled in from A alone
 * const code = ae.encode([null, Bnew]);
 * ```
 */
export class MultimodalAutoencoder extends NeuralModel<AutoencoderLosses> implements AutoencoderSettings {
  /** each encoder's hidden widths (one list for all modalities, or one per modality) */
  readonly hidden: readonly number[] | readonly (readonly number[])[];
  /** the width of the shared code */
  readonly code: number;
  /** the decoders' hidden widths (null: the encoders' reversed) */
  readonly decoderHidden: readonly number[] | null;
  /** the hidden activation */
  readonly activation: Activation;
  /** each decoder's output activation (one for all, or one per modality) */
  readonly outputActivation: Activation | readonly Activation[];
  /** the weight initialisation */
  readonly init: MLPInit;
  /** the probability with which training hides a modality of a row */
  readonly modalityDropout: number;
  /** each modality's weight in the loss (null: equal) */
  readonly lossWeights: readonly number[] | null;
  /** whether each modality's columns are standardised */
  readonly scale: boolean;
  #net: Net | null = null;
  /** with scale: true, each modality's column standardisation (from the first fit's training rows) */
  #scaler: ColumnScaler[] | null = null;

  constructor(options: MultimodalAutoencoderOptions = {}) {
    const o = checkAutoencoderOptions(options);
    super('MultimodalAutoencoder', o);
    this.hidden = o.hidden;
    this.code = o.code;
    this.decoderHidden = o.decoderHidden;
    this.activation = o.activation;
    this.outputActivation = o.outputActivation;
    this.init = o.init;
    this.modalityDropout = o.modalityDropout;
    this.lossWeights = o.lossWeights;
    this.scale = o.scale;
  }

  /** Number of modalities of the fitted model. */
  get modalities(): number {
    return this.#fitted('modalities').widths.length;
  }

  /** Width of each modality, as in fit. */
  get widths(): number[] {
    return [...this.#fitted('widths').widths];
  }


  /**
   * Trains on the paired rows of the views (one per modality, n rows each; a `null` row or
   * `options.present` marks a modality missing in a row). Resolves to the per-epoch history;
   * `losses` has `loss` (the weighted sum) and `mse0`, `mse1`, … per modality.
   *
   * Without `warmStart`, fit starts over from new networks; with `warmStart: true` it trains
   * the fitted networks on for `epochs` more epochs, with their optimiser state and random
   * streams (modalities of the same widths).
   *
   * An abort (or a loss that turns NaN: DivergenceError) keeps the networks of the last
   * finished epoch as the fitted model, with its history, and rejects; before the first
   * finished epoch, and on any other error, the previous fit stays in place.
   *
   * `fit(source, options)` trains from a source instead: a function called once per epoch that
   * returns an iterable (or async iterable) of chunks `[view₀, view₁, …]`, the same rows of
   * every modality, a missing one as with arrays: a `null` view or `null` rows (see docs/neural.md,
   * Training from a source). Rows are shuffled
   * through a buffer of `shuffleBuffer` rows (0: source order), full batches only. What is
   * wrong in the source is a SourceError.
   */
  async fit(source: DataSource, options?: AutoencoderSourceFitOptions): Promise<EpochInfo<AutoencoderLosses>[]>;
  async fit(views: readonly ViewInput[], options?: AutoencoderFitOptions): Promise<EpochInfo<AutoencoderLosses>[]>;
  async fit(views: readonly ViewInput[] | DataSource, options: AutoencoderFitOptions | AutoencoderSourceFitOptions = {}): Promise<EpochInfo<AutoencoderLosses>[]> {
    noExtraArguments(arguments, 2, 'MultimodalAutoencoder.fit');
    if (typeof views === 'function') return this.#fitSource(views, options as AutoencoderSourceFitOptions);
    this.live();
    checkOptions(options, [...NEURAL_FIT_OPTIONS, 'present', 'validation'], 'fit options');
    return this.trainer.fit(options, (prep) => {
      const { warm, own } = prep;
      // missing 'drop': a row with a NaN, null or undefined cell in a given view's row is left out of
      // every view (and of `present`); a null view or row stays a missing modality
      const d = Array.isArray(views) ? dropMissing(views, views.map((_, j) => `views[${j}]`), this.missing, 'views', true) : { views, keep: null, kept: 0, dropped: 0 };
      const pr = (options as AutoencoderFitOptions).present, keep = d.keep;
      const same = keep !== null && pr != null && ((pr as { rows?: unknown }).rows === keep.length || (Array.isArray(pr) && pr.length === keep.length));
      const present = same ? keepRows(pr, keep, d.kept) : pr;
      const data = readViews(d.views, 'views', null, present, 'options.present', own);
      const m = data.x.length, n = data.n;
      const widths = data.x.map((t) => t.cols);
      if (warm && widths.join() !== this.#net!.widths.join())
        throw new ShapeError('views', `modalities of ${this.#net!.widths.join(', ')} columns (as the fitted model, for warmStart)`, `${widths.join(', ')} columns`);
      const { outs } = perModality(this, m);
      // scale: true standardises the present rows by the first fit's scaler; a bounded head
      // (sigmoid, tanh) must be able to reach every present target, checked before anything is built
      const scaler = warm ? this.#scaler : this.scale ? data.x.map((t, j) => columnScaler(t, (i) => data.mask[i * m + j] !== 0)) : null;
      if (scaler) scaleViews(data, scaler);
      outs.forEach((a, j) => checkHeadRange(data.x[j]!, a, `views[${j}]`, scaler !== null, (i) => data.mask[i * m + j] !== 0));
      return this.#session(prep, { rows: n, bs: Math.min(this.batchSize, n), widths, data, scaler, validation: options.validation, dropped: () => d.dropped, signal: options.signal });
    });
  }

  /**
   * fit(source, options): chunks `[view₀, view₁, …]` (the same rows of every modality, null
   * views and rows missing), with scale: true the columns' statistics by two passes before training; the batches
   * the trainer fills from the source through the shuffle buffer.
   */
  #fitSource(source: DataSource, options: AutoencoderSourceFitOptions): Promise<EpochInfo<AutoencoderLosses>[]> {
    this.live();
    checkOptions(options, [...NEURAL_FIT_OPTIONS, 'validation', 'shuffleBuffer'], 'fit options');
    const shuffleBuffer = checkShuffleBuffer(options.shuffleBuffer);
    const warm = options.warmStart === true, net = warm ? this.#net : null;
    const reader = new SourceReader(source, (k) => Array.from({ length: k }, (_, j) => `views[${j}]`), this.missing, net ? [...net.widths] : null);
    // null views and rows are missing modalities: each chunk comes with its presence mask (the last tensor)
    reader.presence = true;
    const { shuffleBuffer: _, ...rest } = options;
    let scaler: ColumnScaler[] | null = warm ? this.#scaler : null;
    const before = async () => {
      if (this.scale && !warm) scaler = await streamedScalers(reader, options.signal);
      reader.transform = (chunk) => {
        const mask = chunk.at(-1)!, m = mask.cols, d = mask.data, views = chunk.slice(0, -1);
        if (scaler) views.forEach((t, j) => standardize(t, scaler![j]!, (i) => d[i * m + j] !== 0));
        const { outs } = perModality(this, m);
        outs.forEach((a, j) => checkHeadRange(views[j]!, a, `views[${j}]`, scaler !== null, (i) => d[i * m + j] !== 0));
      };
    };
    return this.trainer.fit(
      rest,
      (prep) => this.#session(prep, { rows: 0, bs: this.batchSize, widths: prep.widths!.slice(0, -1), data: null, scaler, validation: options.validation, dropped: () => reader.dropped, signal: options.signal }),
      { reader, shuffleBuffer, before },
    );
  }

  /** A fit's session on the rows in `data` (standardised) or on batches a source fills (views and presence). */
  #session(
    { warm, previous, own, built }: Preparation,
    o: { rows: number; bs: number; widths: number[]; data: ReadViews | null; scaler: ColumnScaler[] | null; validation: AutoencoderFitOptions['validation']; dropped: () => number; signal?: AbortSignal },
  ): Session<AutoencoderLosses> {
    const { bs, widths, data, scaler } = o, m = widths.length;
    const { weights } = perModality(this, m);
    const val = readValidation(o.validation, widths, own);
    if (val?.reader && scaler)
      val.reader.transform = (chunk) => {
        const mask = chunk.at(-1)!, d = mask.data;
        chunk.slice(0, -1).forEach((t, j) => standardize(t, scaler[j]!, (i) => d[i * m + j] !== 0));
      };
    else if (val && !val.reader && scaler) scaleViews(val, scaler);
    const g = warm ? this.#net! : buildNet(this, widths);
    if (!warm) built({ dispose: () => disposeNet(g) });
    const nets = allNets(g);
    const [opt] = previous ? previous.optimizers : [built(makeOptimizer(this, nets))];
    const [rng] = previous ? previous.rngs : [built(Rng.create(seedFor(this.seed, 1000)))];
    const xb = widths.map((p) => own(Tensor.empty(bs, p)));
    const grads = widths.map((p) => own(Tensor.empty(bs, p)));
    const pb = own(Tensor.empty(bs, m)), gates = own(Tensor.empty(bs, m));
    // one step on the rows in xb, pb
    const train = () => {
      W.modalityDropout(gates, pb, this.modalityDropout, rng!);
      opt!.zeroGrad();
      const losses = backpropagate(g, xb, pb, gates, grads, weights);
      opt!.step();
      return losses as AutoencoderLosses;
    };
    return {
      rows: o.rows,
      batchSize: bs,
      nets,
      optimizers: [opt!],
      rngs: [rng!],
      validation: val && {
        measure: async (epoch) => {
          for (const t of nets) t.eval();
          try {
            return await validationLoss(g, val, weights, epoch, o.signal);
          } finally {
            for (const t of nets) t.train();
          }
        },
        higherIsBetter: false,
        patience: val.patience,
      },
      step: (batch) => {
        for (let j = 0; j < m; j++) W.gatherRows(xb[j]!, data!.x[j]!, batch);
        W.gatherRows(pb, data!.present, batch);
        return train();
      },
      // from a source: the views' rows and their presence (the reader's mask)
      batchTensors: [...xb, pb],
      probe: () => forwardGraph(g, xb, pb).outs.every((t) => W.allFinite(t)),
      filledStep: train,
      adopt: () => {
        this.dropped = o.dropped();
        if (warm) return;
        this.#disposeModel();
        this.#net = g;
        this.#scaler = scaler;
      },
    };
  }

  protected isFitted(): boolean {
    return this.#net !== null;
  }

  #fitted(method: string): Net {
    this.ready(method);
    if (!this.#net) throw new NotFittedError('MultimodalAutoencoder: call fit(views) first');
    return this.#net;
  }

  /** The shared code of each row from the modalities given (`null` for a missing one), n×code. */
  encode(views: readonly ViewInput[], options: ViewsOptions = {}): FloatResult {
    return this.inference(['views'], () => {
      const g = this.#fitted('encode');
      checkOptions(options, ['present'], 'encode options');
      return withViews(g, views, options.present, (data) => {
        this.#standardize(data);
        const out = new Float32Array(data.n * this.code);
        chunks(g, data, data.present, (s, _outs, _len, code) => out.set(code.data, s * this.code));
        return { data: out, rows: data.n, cols: this.code };
      });
    });
  }

  /**
   * Every modality reconstructed from the ones given (`null` for a missing one): one n×width
   * block per modality, the missing ones filled in (cross-modal prediction).
   */
  reconstruct(views: readonly ViewInput[], options: ViewsOptions = {}): FloatResult[] {
    noExtraArguments(arguments, 2, 'MultimodalAutoencoder.reconstruct');
    return this.inference(['views'], () => {
      const g = this.#fitted('reconstruct');
      checkOptions(options, ['present'], 'reconstruct options');
      return withViews(g, views, options.present, (data) => {
        this.#standardize(data);
        const outs = g.widths.map((p) => new Float32Array(data.n * p));
        chunks(g, data, data.present, (s, o) => o.forEach((t, j) => outs[j]!.set(t.data, s * g.widths[j]!)));
        const r = outs.map((d, j) => ({ data: d, rows: data.n, cols: g.widths[j]! }));
        if (this.#scaler) r.forEach((b, j) => unstandardize(b, this.#scaler![j]!)); // back in the data's units
        return r;
      });
    });
  }

  /**
   * For every non-empty subset of the modalities passed, the mean squared error per element
   * of each modality reconstructed from that subset alone (over the rows where the target is
   * present and at least one of the subset is). Subsets by size, then in index order.
   */
  evaluate(views: readonly ViewInput[], options: ViewsOptions = {}): SubsetError[] {
    return this.inference(['views'], () => {
      const g = this.#fitted('evaluate');
      checkOptions(options, ['present'], 'evaluate options');
      return withViews(g, views, options.present, (data) => {
        this.#standardize(data);
        const m = g.widths.length;
        const idx = data.given.flatMap((gv, j) => (gv ? [j] : []));
        const subsets: number[][] = [];
        for (let mask = 1; mask < 1 << idx.length; mask++) subsets.push(idx.filter((_, b) => mask & (1 << b)));
        subsets.sort((a, b) => a.length - b.length || a.join().localeCompare(b.join(), 'en', { numeric: true }));
        return subsets.map((given) => {
          // gates: present ∧ given; targets: present where the row has some input
          const gates = new Float32Array(data.n * m), targets = new Float32Array(data.n * m);
          for (let i = 0; i < data.n; i++) {
            let any = false;
            for (const j of given) if (data.mask[i * m + j]) (gates[i * m + j] = 1), (any = true);
            if (any) for (let j = 0; j < m; j++) targets[i * m + j] = data.mask[i * m + j]!;
          }
          const owner = new Owner();
          try {
            const gt = owner.own(Tensor.from({ data: gates, rows: data.n, cols: m })), tt = owner.own(Tensor.from({ data: targets, rows: data.n, cols: m }));
            const sse = new Float64Array(m), count = new Float64Array(m);
            chunks(g, data, gt, (s, outs, len) => {
              const tv = tt.viewRows(s, len);
              outs.forEach((o, j) => {
                if (!data.given[j]) return;
                let rows = 0;
                for (let i = s; i < s + len; i++) rows += targets[i * m + j]!;
                const c = rows * g.widths[j]!;
                sse[j]! += W.maskedMse(null, o, data.x[j]!.viewRows(s, len), tv, j, 1) * c;
                count[j]! += c;
              });
            });
            return { given, mse: sse.map((v, j) => (data.given[j] && count[j]! > 0 ? v / count[j]! : NaN)) };
          } finally {
            owner.dispose();
          }
        });
      });
    }, false);
  }

  /** @internal The networks in parameter order: encoders, fusion, trunk, heads (for tests). */
  _networks(): MLP[] {
    return allNets(this.#fitted('_networks'));
  }

  /**
   * @internal One forward and backward on these rows with these gates (n×m; the loss counts
   * the present rows), gradients zeroed first and left in the networks (for gradient checks).
   */
  _backpropagate(views: readonly ViewInput[], gates: TensorInput): Record<string, number> {
    const g = this.#fitted('_backpropagate');
    const { weights } = perModality(this, g.widths.length);
    return withViews(g, views, undefined, (data) => {
      this.#standardize(data);
      const gt = Tensor.from(gates, 'gates');
      const grads = g.widths.map((p) => Tensor.empty(data.n, p));
      try {
        for (const t of allNets(g)) t.zeroGrad();
        return backpropagate(g, data.x, data.present, gt, grads, weights);
      } finally {
        gt.dispose();
        for (const t of grads) t.dispose();
      }
    });
  }

  /** With scale: true, the present rows of views read for inference standardised in place. */
  #standardize(data: ReadViews): void {
    if (this.#scaler) scaleViews(data, this.#scaler);
  }

  #disposeModel() {
    if (this.#net) disposeNet(this.#net);
    this.#net = null;
    this.#scaler = null;
  }

  /** Frees every network and the optimiser; any later use throws DisposedError (a running fit then rejects with it). */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.trainer.dispose();
    this.#disposeModel();
  }

  /** A versioned plain object: options and every network (each with its CRC-32). */
  toJSON(): Record<string, unknown> {
    return writeAutoencoderFile(this, this.#fitted('toJSON'), this.#scaler);
  }

  /**
   * The autoencoder equal to a PyTorch one (python/crossmodal_torch.py's
   * MultimodalAutoencoder), so that encode, reconstruct, evaluate and toJSON work as after
   * fit. Names, under `options.prefix`, each group an nn.Sequential of nn.Linear (out × in)
   * and activation modules:
   *   encoders.{j}.{i}.weight / .bias  modality j's encoder [p_j, …hidden_j], `activation` after every Linear
   *   fusion.0.weight / .bias          one Linear on [e_0·g_0 | … | e_{m−1}·g_{m−1} | g]: each encoding,
   *                                    zeroed in the rows where its modality is missing, then the n×m
   *                                    presence mask g (1 given, 0 missing) → the code, `activation` after it
   *   trunk.{i}.weight / .bias         the shared decoder [code, …decoderHidden], `activation` after every Linear
   *   heads.{j}.0.weight / .bias       one Linear per modality, trunk → p_j, then outputActivation[j]
   * with m ≥ 2 encoders and as many heads, numbered from 0. The widths (hidden, code,
   * decoderHidden) come from the shapes; the activations from the options, as the
   * constructor's (default 'leaky_relu', slope 0.01, and 'sigmoid'); the training options
   * are kept for a later fit, which trains new networks from scratch. FormatError for a name
   * under the prefix that is none of these, a missing tensor or shapes that do not fit
   * together; ValueError for bad options.
   *
   * @example
   * const ae = MultimodalAutoencoder.fromTorch(nn.readSafetensors(bytes), { outputActivation: ['sigmoid', 'identity'] });
   */
  static fromTorch(tensors: TorchTensors, options: MultimodalAutoencoderFromTorchOptions = {}): MultimodalAutoencoder {
    if (options && typeof options === 'object' && (options as { scale?: unknown }).scale !== undefined)
      throw new ValueError('options.scale', 'no value: fromTorch reads no column statistics (pass the data in the units the PyTorch model was trained on)', (options as { scale?: unknown }).scale);
    const { model, net } = readTorchAutoencoder(tensors, options, (o) => new MultimodalAutoencoder(o));
    model.#net = net;
    return model;
  }

  /** Rebuilds a MultimodalAutoencoder from toJSON() output (object or JSON string), validating every field. */
  static fromJSON(json: unknown): MultimodalAutoencoder {
    const { model, net, scaler } = readAutoencoderFile(json, (o) => new MultimodalAutoencoder(o));
    model.#net = net;
    model.#scaler = scaler;
    return model;
  }
}

/** The present rows of each view standardised in place by its modality's scaler (missing rows stay zeros). */
function scaleViews(data: ReadViews, scaler: readonly ColumnScaler[]): void {
  const m = data.x.length;
  data.x.forEach((t, j) => standardize(t, scaler[j]!, (i) => data.mask[i * m + j] !== 0));
}

/**
 * Multimodal autoencoder (Ngiam, Khosla, Kim, Nam, Lee & Ng, ICML 2011) for m ≥ 2
 * modalities: one encoder MLP per modality; a fusion layer on the concatenation of every
 * encoding (gated to zero for a missing modality) and the presence mask, whose output is the
 * shared code; a shared decoder trunk from the code with one head per modality. Trained with
 * modality dropout, so any non-empty subset of modalities reconstructs all of them.
 *
 * A training step is forward on each piece in order and backward in reverse (src/nn/); the
 * presence mask, modality dropout and the masked losses are wasm kernels.
 */
import * as W from '../../wasm/index.js';
import { Rng, Tensor, type TensorInput, type FloatResult } from '../../wasm/index.js';
import { ACTIVATIONS, MLP, type Activation, type MLPInit } from '../../nn/mlp.js';
import { Concat, Fork } from '../../nn/blocks.js';
import { Adam } from '../../nn/optim.js';
import { Checkpoint } from '../../nn/checkpoint.js';
import { FIT_OPTIONS, trainModel, checkTrainingOptions, validated, type EpochInfo, type FitOptions } from '../../nn/train.js';
import { FormatError, NotFittedError, ShapeError, ValueError, describe, described } from '../../errors.js';
import { Disposable, Owner } from '../../lifecycle.js';
import { checkOptions } from '../../options.js';
import { readEnvelope } from '../../serialize.js';
import { checkTensors, type TorchTensors } from '../../nn/torch.js';

export interface MultimodalAutoencoderOptions {
  /** hidden widths of each encoder: one list for every modality, or one list per modality (default [128]) */
  hidden?: readonly number[] | readonly (readonly number[])[];
  /** width of the shared code (default 32) */
  code?: number;
  /** hidden widths of the shared decoder trunk (default: one layer, the sum of the encoders' last widths) */
  decoderHidden?: readonly number[];
  /** activation of every hidden layer, the code included (default 'leaky_relu', slope 0.01) */
  activation?: Activation;
  /** activation of each modality's output head: one value or one per modality (default
   *  'sigmoid', for data in [0, 1]; 'identity' for other data) */
  outputActivation?: Activation | readonly Activation[];
  /** weight initialisation of every network (see MLPOptions.init; default 'uniform', PyTorch's nn.Linear default) */
  init?: MLPInit;
  /** probability that a training example is seen with a random non-empty proper subset of
   *  its modalities removed (default 2/3: for two modalities, a third each of both, only
   *  the first, only the second) */
  modalityDropout?: number;
  /** weight of each modality's mean squared error in the loss (default 1 for each) */
  lossWeights?: readonly number[];
  /** passes over the training rows (default 100) */
  epochs?: number;
  /** rows per batch (default 100; clamped to the number of rows) */
  batchSize?: number;
  /** Adam's learning rate (default 1e-3) */
  learningRate?: number;
  /** initialisation, shuffling and modality dropout (default 0) */
  seed?: number;
}

/** A modality's rows: a matrix, rows where `null` marks a row whose modality is missing, or `null` for a modality missing in every row. */
export type ViewInput = TensorInput | readonly (ArrayLike<number> | null)[] | null;

export interface AutoencoderFitOptions extends FitOptions {
  /** n×m 0/1 mask: 0 marks a modality missing in that row (default: every non-null row present) */
  present?: TensorInput;
  /** held-out views: after each epoch the weighted reconstruction loss with every present
   *  modality given is reported as losses.validation; with `patience`, training stops after
   *  that many epochs without improvement and the best networks are kept (default: none;
   *  `present` default: every non-null row; `patience` default: no early stop) */
  validation?: { views: readonly ViewInput[]; present?: TensorInput; patience?: number };
}

export interface MultimodalAutoencoderFromTorchOptions extends Omit<MultimodalAutoencoderOptions, 'hidden' | 'code' | 'decoderHidden'> {
  /** what the names start with, dot included: 'autoencoder.' for `autoencoder.encoders.0.0.weight`;
   *  tensors outside it are ignored (default '': every tensor belongs to the autoencoder) */
  prefix?: string;
}

export interface ViewsOptions {
  /** n×m 0/1 mask: 0 marks a modality missing in that row (default: every non-null row present) */
  present?: TensorInput;
}

export type { FloatResult } from '../../wasm/index.js';

/** One row of `evaluate`: the modalities given, and the MSE of every modality reconstructed from them. */
export interface SubsetError {
  /** indices of the modalities given as input */
  given: number[];
  /** held-out mean squared error per element of each modality (NaN for one not passed) */
  mse: Float64Array;
}

const OPTIONS = ['hidden', 'code', 'decoderHidden', 'activation', 'outputActivation', 'init', 'modalityDropout', 'lossWeights', 'epochs', 'batchSize', 'learningRate', 'seed'] as const satisfies readonly (keyof MultimodalAutoencoderOptions)[];
const FORMAT = 'crossmodal.MultimodalAutoencoder';
const CHUNK = 1024;

/** The fitted graph. */
interface Net {
  widths: number[];
  encoders: MLP[];
  fusion: MLP;
  trunk: MLP;
  heads: MLP[];
  cat: Concat;
  fork: Fork;
}

/** Views read into wasm: missing rows are zeros and 0 in `present`. */
interface ReadViews {
  x: Tensor[];
  present: Tensor;
  /** JS copy of the mask (n×m) */
  mask: Float32Array;
  n: number;
  /** which views were passed (not null) */
  given: boolean[];
}

const isWidths = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((w) => Number.isInteger(w) && w >= 1);
const seedFor = (seed: number, k: number) => (seed + Math.imul(0x9e3779b9, k + 1)) >>> 0;

export class MultimodalAutoencoder extends Disposable {
  readonly hidden: readonly number[] | readonly (readonly number[])[];
  readonly code: number;
  readonly decoderHidden: readonly number[] | null;
  readonly activation: Activation;
  readonly outputActivation: Activation | readonly Activation[];
  readonly init: MLPInit;
  readonly modalityDropout: number;
  readonly lossWeights: readonly number[] | null;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  #net: Net | null = null;
  #history: EpochInfo[] = [];

  constructor(options: MultimodalAutoencoderOptions = {}) {
    super();
    checkOptions(options, OPTIONS);
    checkTrainingOptions(options);
    const hidden = options.hidden ?? [128];
    if (!(isWidths(hidden) || (Array.isArray(hidden) && hidden.length >= 2 && hidden.every(isWidths))))
      throw new ValueError('options.hidden', 'a non-empty list of positive integer widths, or one such list per modality', hidden);
    const code = options.code ?? 32;
    if (!Number.isInteger(code) || code < 1) throw new ValueError('options.code', 'a positive integer', code);
    const dh = options.decoderHidden ?? null;
    if (dh !== null && !isWidths(dh)) throw new ValueError('options.decoderHidden', 'a non-empty list of positive integer widths', dh);
    const act = options.activation ?? 'leaky_relu';
    if (!(typeof act === 'string' && act in ACTIVATIONS)) throw new ValueError('options.activation', Object.keys(ACTIVATIONS).join(' | '), act);
    const out = options.outputActivation ?? 'sigmoid';
    const okAct = (a: unknown) => typeof a === 'string' && a in ACTIVATIONS;
    if (!(okAct(out) || (Array.isArray(out) && out.length >= 2 && out.every(okAct))))
      throw new ValueError('options.outputActivation', `${Object.keys(ACTIVATIONS).join(' | ')}, or one per modality`, out);
    const init = options.init ?? 'uniform';
    if (!['auto', 'he', 'glorot', 'uniform'].includes(init)) throw new ValueError('options.init', "'auto' | 'he' | 'glorot' | 'uniform'", init);
    const md = options.modalityDropout ?? 2 / 3;
    if (!(typeof md === 'number' && md >= 0 && md <= 1)) throw new ValueError('options.modalityDropout', 'a probability in [0, 1]', md);
    const lw = options.lossWeights ?? null;
    if (lw !== null && !(Array.isArray(lw) && lw.length >= 2 && lw.every((w) => typeof w === 'number' && w >= 0 && Number.isFinite(w)) && lw.some((w) => w > 0)))
      throw new ValueError('options.lossWeights', 'one weight ≥ 0 per modality, not all 0', lw);
    this.hidden = Array.isArray(hidden[0]) ? Object.freeze((hidden as number[][]).map((h) => Object.freeze([...h]))) : Object.freeze([...(hidden as number[])]);
    this.code = code;
    this.decoderHidden = dh && Object.freeze([...dh]);
    this.activation = act;
    this.outputActivation = Array.isArray(out) ? Object.freeze([...out]) : (out as Activation);
    this.init = init;
    this.modalityDropout = md;
    this.lossWeights = lw && Object.freeze([...lw]);
    this.epochs = options.epochs ?? 100;
    this.batchSize = options.batchSize ?? 100;
    this.learningRate = options.learningRate ?? 1e-3;
    this.seed = options.seed ?? 0;
  }

  /** Number of modalities of the fitted model. */
  get modalities(): number {
    return this.#fitted().widths.length;
  }

  /** Width of each modality, as in fit. */
  get widths(): number[] {
    return [...this.#fitted().widths];
  }

  /** Training history of the fit in place (one entry per finished epoch). */
  get history(): EpochInfo[] {
    this.live();
    return this.#history.slice();
  }

  /** Per-modality settings checked against m (at fit). */
  #perModality(m: number) {
    const hidden = Array.isArray(this.hidden[0]) ? (this.hidden as number[][]) : Array.from({ length: m }, () => this.hidden as number[]);
    if (hidden.length !== m) throw new ValueError('options.hidden', `one list per modality (${m})`, described(`${hidden.length} lists`));
    const outs = typeof this.outputActivation === 'string' ? Array.from({ length: m }, () => this.outputActivation as Activation) : [...this.outputActivation];
    if (outs.length !== m) throw new ValueError('options.outputActivation', `one value or one per modality (${m})`, described(`${outs.length} values`));
    const weights = this.lossWeights ?? Array.from({ length: m }, () => 1);
    if (weights.length !== m) throw new ValueError('options.lossWeights', `one weight per modality (${m})`, described(`${weights.length} weights`));
    return { hidden, outs, weights };
  }

  /** A fresh graph for modalities of these widths. */
  #build(widths: number[]): Net {
    const m = widths.length;
    const { hidden, outs } = this.#perModality(m);
    const made: { dispose(): void }[] = [];
    const keep = <T extends { dispose(): void }>(o: T): T => (made.push(o), o);
    try {
      const lasts = hidden.map((h) => h[h.length - 1]!);
      const sum = lasts.reduce((s, w) => s + w, 0);
      const trunkWidths = this.decoderHidden ?? [sum];
      const common = { activation: this.activation, outputActivation: this.activation, init: this.init };
      const encoders = widths.map((p, j) => keep(new MLP({ layers: [p, ...hidden[j]!], ...common, seed: seedFor(this.seed, j) })));
      const fusion = keep(new MLP({ layers: [sum + m, this.code], ...common, seed: seedFor(this.seed, m) }));
      const trunk = keep(new MLP({ layers: [this.code, ...trunkWidths], ...common, seed: seedFor(this.seed, m + 1) }));
      const t = trunkWidths[trunkWidths.length - 1]!;
      const heads = widths.map((p, j) => keep(new MLP({ layers: [t, p], activation: this.activation, outputActivation: outs[j], init: this.init, seed: seedFor(this.seed, m + 2 + j) })));
      const cat = keep(new Concat([...lasts, m]));
      const fork = keep(new Fork());
      return { widths: [...widths], encoders, fusion, trunk, heads, cat, fork };
    } catch (e) {
      for (const o of made) o.dispose();
      throw e;
    }
  }

  /**
   * Trains on the paired rows of the views (one per modality, n rows each; a `null` row or
   * `options.present` marks a modality missing in a row). Resolves to the per-epoch history;
   * `losses` has `loss` (the weighted sum) and `mse0`, `mse1`, … per modality.
   *
   * An abort (or a loss that turns NaN: DivergenceError) keeps the networks of the last
   * finished epoch as the fitted model, with its history, and rejects; before the first
   * finished epoch, and on any other error, the previous fit stays in place.
   */
  async fit(views: readonly ViewInput[], options: AutoencoderFitOptions = {}): Promise<EpochInfo[]> {
    this.live();
    checkOptions(options, [...FIT_OPTIONS, 'present', 'validation'], 'fit options');
    const owner = new Owner(), own = owner.own;
    let net: Net | null = null;
    try {
      const data = readViews(views, 'views', null, options.present, 'options.present', own);
      const m = data.x.length, n = data.n;
      const widths = data.x.map((t) => t.cols);
      const { weights } = this.#perModality(m);
      const val = this.#validation(options.validation, widths, own);
      net = this.#build(widths);
      const g = net;
      const nets = allNets(g);
      const bs = Math.min(this.batchSize, n);
      const opt = own(new Adam(nets, { learningRate: this.learningRate }));
      const checkpoint = own(new Checkpoint(nets, [opt]));
      const rng = own(Rng.create(seedFor(this.seed, 1000)));
      const xb = widths.map((p) => own(Tensor.empty(bs, p)));
      const grads = widths.map((p) => own(Tensor.empty(bs, p)));
      const pb = own(Tensor.empty(bs, m)), gates = own(Tensor.empty(bs, m));
      const history: EpochInfo[] = [];
      const validation = validated({
        measure: val
          ? () => {
              for (const t of nets) t.eval();
              const v = weightedLoss(g, val, weights);
              for (const t of nets) t.train();
              return v;
            }
          : null,
        higherIsBetter: false,
        patience: val?.patience,
        pieces: nets,
        onEpoch: options.onEpoch,
      });
      for (const t of nets) t.train();
      const finish = () => {
        for (const t of nets) t.eval();
        this.#disposeModel();
        this.#net = g;
        this.#history = history;
        net = null;
      };
      await trainModel(
        this,
        {
          rows: n,
          batchSize: bs,
          signal: options.signal,
          checkpoint,
          step: (batch) => {
            for (let j = 0; j < m; j++) W.gatherRows(xb[j]!, data.x[j]!, batch);
            W.gatherRows(pb, data.present, batch);
            W.modalityDropout(gates, pb, this.modalityDropout, rng);
            opt.zeroGrad();
            const losses = backpropagate(g, xb, pb, gates, grads, weights);
            opt.step();
            return losses;
          },
          onEpoch: validation.onEpoch,
        },
        history,
        finish,
      );
      validation.restoreBest();
      finish();
      return this.history;
    } finally {
      if (net) for (const t of [...allNets(net), net.cat, net.fork]) t.dispose();
      owner.dispose();
    }
  }

  /** Checks the validation views up front, under their own names. */
  #validation(v: AutoencoderFitOptions['validation'], widths: number[], own: <T extends { dispose(): void }>(o: T) => T) {
    if (v === undefined) return null;
    checkOptions(v, ['views', 'present', 'patience'], 'options.validation');
    if (!('views' in v)) throw new ValueError('options.validation', '{ views, present?, patience? }', v);
    if (v.patience !== undefined && !(Number.isInteger(v.patience) && v.patience >= 1)) throw new ValueError('options.validation.patience', 'a positive integer', v.patience);
    const data = readViews(v.views, 'options.validation.views', widths, v.present, 'options.validation.present', own);
    return { ...data, patience: v.patience };
  }

  #fitted(): Net {
    this.live();
    if (!this.#net) throw new NotFittedError('MultimodalAutoencoder: call fit(views) first');
    return this.#net;
  }

  /** The shared code of each row from the modalities given (`null` for a missing one), n×code. */
  encode(views: readonly ViewInput[], options: ViewsOptions = {}): FloatResult {
    const g = this.#fitted();
    checkOptions(options, ['present'], 'encode options');
    return withViews(g, views, options.present, (data) => {
      const out = new Float32Array(data.n * this.code);
      chunks(g, data, data.present, (s, _outs, _len, code) => out.set(code.data, s * this.code));
      return { data: out, rows: data.n, cols: this.code };
    });
  }

  /**
   * Every modality reconstructed from the ones given (`null` for a missing one): one n×width
   * block per modality, the missing ones filled in (cross-modal prediction).
   */
  reconstruct(views: readonly ViewInput[], options: ViewsOptions = {}): FloatResult[] {
    const g = this.#fitted();
    checkOptions(options, ['present'], 'reconstruct options');
    return withViews(g, views, options.present, (data) => {
      const outs = g.widths.map((p) => new Float32Array(data.n * p));
      chunks(g, data, data.present, (s, o) => o.forEach((t, j) => outs[j]!.set(t.data, s * g.widths[j]!)));
      return outs.map((d, j) => ({ data: d, rows: data.n, cols: g.widths[j]! }));
    });
  }

  /**
   * For every non-empty subset of the modalities passed, the mean squared error per element
   * of each modality reconstructed from that subset alone (over the rows where the target is
   * present and at least one of the subset is). Subsets by size, then in index order.
   */
  evaluate(views: readonly ViewInput[], options: ViewsOptions = {}): SubsetError[] {
    const g = this.#fitted();
    checkOptions(options, ['present'], 'evaluate options');
    return withViews(g, views, options.present, (data) => {
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
  }

  /** @internal The networks in parameter order: encoders, fusion, trunk, heads (for tests). */
  _networks(): MLP[] {
    return allNets(this.#fitted());
  }

  /**
   * @internal One forward and backward on these rows with these gates (n×m; the loss counts
   * the present rows), gradients zeroed first and left in the networks (for gradient checks).
   */
  _backpropagate(views: readonly ViewInput[], gates: TensorInput): Record<string, number> {
    const g = this.#fitted();
    const { weights } = this.#perModality(g.widths.length);
    return withViews(g, views, undefined, (data) => {
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

  #disposeModel() {
    if (this.#net) for (const t of [...allNets(this.#net), this.#net.cat, this.#net.fork]) t.dispose();
    this.#net = null;
  }

  /** Frees every network; any later use throws DisposedError. */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.#disposeModel();
  }

  /** A versioned plain object: options and every network (each with its CRC-32). */
  toJSON(): Record<string, unknown> {
    const g = this.#fitted();
    return {
      format: FORMAT,
      version: 1,
      options: optionsOf(this),
      widths: [...g.widths],
      encoders: g.encoders.map((e) => e.toJSON()),
      fusion: g.fusion.toJSON(),
      trunk: g.trunk.toJSON(),
      heads: g.heads.map((h) => h.toJSON()),
    };
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
    const where = 'MultimodalAutoencoder.fromTorch: tensors'; // every refusal names the argument
    const shapes = ['hidden', 'code', 'decoderHidden'];
    if (options && typeof options === 'object')
      for (const k of shapes) if (k in options) throw new ValueError(`options.${k}`, 'no value: fromTorch reads the widths from the tensors', (options as Record<string, unknown>)[k]);
    const { prefix = '', ...rest } = checkOptions(options, [...OPTIONS.filter((k) => !shapes.includes(k)), 'prefix']);
    if (typeof prefix !== 'string') throw new ValueError('options.prefix', "a string such as 'autoencoder.'", prefix);
    new MultimodalAutoencoder(rest); // the options checked as the constructor checks them (allocates nothing)
    checkTensors(tensors);
    // every name under the prefix: encoders.{j}.*, heads.{j}.*, fusion.* or trunk.*
    const found = { encoders: new Set<number>(), heads: new Set<number>() };
    for (const name of Object.keys(tensors)) {
      if (!name.startsWith(prefix)) continue;
      const rel = name.slice(prefix.length), m = /^(encoders|heads)\.(0|[1-9]\d*)\./.exec(rel);
      if (m) found[m[1] as 'encoders' | 'heads'].add(Number(m[2]));
      else if (!rel.startsWith('fusion.') && !rel.startsWith('trunk.'))
        throw new FormatError(`${where}: ${JSON.stringify(name)} is not a tensor of the autoencoder (expected ${prefix}encoders.{j}.*, ${prefix}fusion.*, ${prefix}trunk.* or ${prefix}heads.{j}.*)`);
    }
    // m modalities: encoders and heads numbered 0..m − 1, m the highest encoder's number + 1
    const m = found.encoders.size ? Math.max(...found.encoders) + 1 : 0;
    if (m < 2) throw new FormatError(`${where}: expected at least two encoders (${prefix}encoders.0.*, ${prefix}encoders.1.*), found ${found.encoders.size}`);
    for (const j of [...found.heads].sort((a, b) => a - b)) if (j >= m) throw new FormatError(`${where}: ${prefix}heads.${j}.* has no encoder (the highest is ${prefix}encoders.${m - 1}.*)`);
    for (let j = 0; j < m; j++)
      for (const group of ['encoders', 'heads'] as const) if (!found[group].has(j)) throw new FormatError(`${where}: ${prefix}${group}.${j}.* is missing (one encoder and one head per modality, numbered 0..${m - 1})`);
    const activation = rest.activation ?? 'leaky_relu';
    const read: MLP[] = [];
    const load = (name: string) => {
      const net = MLP.fromTorch(tensors, { prefix: `${prefix}${name}.`, activation });
      read.push(net);
      return net;
    };
    let net: Net | null = null;
    try {
      const encoders = Array.from({ length: m }, (_, j) => load(`encoders.${j}`));
      const fusion = load('fusion'), trunk = load('trunk');
      const heads = Array.from({ length: m }, (_, j) => load(`heads.${j}`));
      const widths = encoders.map((e) => e.layers[0]!), hidden = encoders.map((e) => e.layers.slice(1));
      const lasts = hidden.reduce((s, h) => s + h[h.length - 1]!, 0);
      const [fin, code] = fusion.layers as [number, number];
      if (fusion.layers.length !== 2) throw new FormatError(`${where}: ${prefix}fusion: expected one Linear layer (to the code), got ${fusion.layers.length - 1}`);
      if (fin !== lasts + m)
        throw new FormatError(`${where}: ${prefix}fusion.0.weight takes ${fin} inputs, expected ${lasts + m}: the encoders' last widths (${hidden.map((h) => h[h.length - 1]).join(' + ')}) and the ${m} columns of the presence mask`);
      if (trunk.layers[0] !== code) throw new FormatError(`${where}: ${prefix}trunk takes ${trunk.layers[0]} inputs, expected ${code} (the code, fusion's output)`);
      const t = trunk.layers[trunk.layers.length - 1]!;
      heads.forEach((h, j) => {
        if (h.layers.length !== 2) throw new FormatError(`${where}: ${prefix}heads.${j}: expected one Linear layer, got ${h.layers.length - 1}`);
        if (h.layers[0] !== t || h.layers[1] !== widths[j])
          throw new FormatError(`${where}: ${prefix}heads.${j}.0.weight: expected shape [${widths[j]}, ${t}] (modality ${j}'s width, from the trunk's ${t} outputs), got [${h.layers[1]}, ${h.layers[0]}]`);
      });
      const same = hidden.every((h) => h.length === hidden[0]!.length && h.every((w, i) => w === hidden[0]![i]));
      const model = new MultimodalAutoencoder({ ...rest, hidden: same ? hidden[0]! : hidden, code, decoderHidden: trunk.layers.slice(1) });
      net = model.#build(widths);
      const built = allNets(net);
      [...encoders, fusion, trunk, ...heads].forEach((r, k) => built[k]!.parameters.set(r.parameters));
      for (const b of built) b.eval();
      model.#net = net;
      net = null;
      return model;
    } finally {
      for (const r of read) r.dispose();
      if (net) for (const p of [...allNets(net), net.cat, net.fork]) p.dispose();
    }
  }

  static fromJSON(json: unknown): MultimodalAutoencoder {
    const o = readEnvelope(json, FORMAT, 1);
    let model: MultimodalAutoencoder;
    try {
      model = new MultimodalAutoencoder(o.options as MultimodalAutoencoderOptions);
    } catch (e) {
      throw new FormatError(`${FORMAT}: options: ${(e as Error).message}`);
    }
    const widths = o.widths;
    if (!isWidths(widths) || widths.length < 2) throw new FormatError(`${FORMAT}: widths: expected at least two positive integer widths`);
    const m = widths.length;
    const list = (v: unknown, name: string) => {
      if (!Array.isArray(v) || v.length !== m) throw new FormatError(`${FORMAT}: ${name}: expected ${m} networks`);
      return v as unknown[];
    };
    const encJ = list(o.encoders, 'encoders'), headJ = list(o.heads, 'heads');
    // the networks the options and widths call for: every loaded one must have their shape
    let want: Net;
    try {
      want = model.#build(widths);
    } catch (e) {
      throw new FormatError(`${FORMAT}: options: ${(e as Error).message}`);
    }
    const loaded: MLP[] = [];
    try {
      const load = (v: unknown, like: MLP, name: string) => {
        const net = MLP.fromJSON(v);
        loaded.push(net);
        const same = net.layers.length === like.layers.length && net.layers.every((w, i) => w === like.layers[i]) && net.activation === like.activation && net.outputActivation === like.outputActivation;
        if (!same) throw new FormatError(`${FORMAT}: ${name}: layers [${net.layers.join(', ')}] (${net.activation}/${net.outputActivation}) do not match the options (expected [${like.layers.join(', ')}], ${like.activation}/${like.outputActivation})`);
        net.eval();
        return net;
      };
      const encoders = encJ.map((v, j) => load(v, want.encoders[j]!, `encoders[${j}]`));
      const fusion = load(o.fusion, want.fusion, 'fusion');
      const trunk = load(o.trunk, want.trunk, 'trunk');
      const heads = headJ.map((v, j) => load(v, want.heads[j]!, `heads[${j}]`));
      model.#net = { widths: [...widths], encoders, fusion, trunk, heads, cat: want.cat, fork: want.fork };
      for (const t of allNets(want)) t.dispose();
      return model;
    } catch (e) {
      for (const t of loaded) t.dispose();
      for (const t of [...allNets(want), want.cat, want.fork]) t.dispose();
      throw e;
    }
  }
}

function allNets(g: Net): MLP[] {
  return [...g.encoders, g.fusion, g.trunk, ...g.heads];
}

function optionsOf(a: MultimodalAutoencoder): MultimodalAutoencoderOptions {
  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const o: MultimodalAutoencoderOptions = {
    hidden: copy(a.hidden),
    code: a.code,
    activation: a.activation,
    outputActivation: copy(a.outputActivation),
    init: a.init,
    modalityDropout: a.modalityDropout,
    epochs: a.epochs,
    batchSize: a.batchSize,
    learningRate: a.learningRate,
    seed: a.seed,
  };
  if (a.decoderHidden) o.decoderHidden = [...a.decoderHidden];
  if (a.lossWeights) o.lossWeights = [...a.lossWeights];
  return o;
}

/** Forward through the whole graph: the code and each head's output (views). */
function forwardGraph(g: Net, x: readonly Tensor[], gates: Tensor): { code: Tensor; outs: Tensor[] } {
  const enc = g.encoders.map((e, j) => e.forward(x[j]!));
  const code = g.fusion.forward(g.cat.forward([...enc, gates], { gates }));
  const h = g.fork.forward(g.trunk.forward(code));
  return { code, outs: g.heads.map((head) => head.forward(h)) };
}

/**
 * One forward and backward of the whole graph: the encoders see `gates`, the losses count the
 * rows `present` marks; parameter gradients accumulate. Returns the weighted loss and each
 * modality's MSE.
 */
function backpropagate(g: Net, x: readonly Tensor[], present: Tensor, gates: Tensor, grads: readonly Tensor[], weights: readonly number[]): Record<string, number> {
  const { outs } = forwardGraph(g, x, gates);
  const losses: Record<string, number> = { loss: 0 };
  outs.forEach((o, j) => {
    const l = W.maskedMse(grads[j]!, o, x[j]!, present, j, weights[j]!);
    losses[`mse${j}`] = l;
    losses.loss! += weights[j]! * l;
  });
  const dh = g.fork.backward(g.heads.map((h, j) => h.backward(grads[j]!)));
  const de = g.cat.backward(g.fusion.backward(g.trunk.backward(dh)), { inputGradient: [...outs.map(() => true), false] })!;
  g.encoders.forEach((e, j) => e.backward(de[j]!, { inputGradient: false }));
  return losses;
}

/** Runs the graph in chunks of rows with these gates, calling back with each chunk's outputs. */
function chunks(g: Net, data: ReadViews, gates: Tensor, each: (start: number, outs: Tensor[], len: number, code: Tensor) => void): void {
  for (let s = 0; s < data.n; s += CHUNK) {
    const len = Math.min(CHUNK, data.n - s);
    const whole = len === data.n;
    const x = data.x.map((t) => (whole ? t : t.viewRows(s, len)));
    const gv = whole ? gates : gates.viewRows(s, len);
    const { code, outs } = forwardGraph(g, x, gv);
    each(s, outs, len, code);
  }
}

/** Weighted masked MSE with every present modality given (validation). */
function weightedLoss(g: Net, data: ReadViews, weights: readonly number[]): number {
  const m = g.widths.length;
  const sse = new Float64Array(m), count = new Float64Array(m);
  chunks(g, data, data.present, (s, outs, len) => {
    const pv = data.present.viewRows(s, len);
    outs.forEach((o, j) => {
      let rows = 0;
      for (let i = s; i < s + len; i++) rows += data.mask[i * m + j]!;
      const c = rows * g.widths[j]!;
      sse[j]! += W.maskedMse(null, o, data.x[j]!.viewRows(s, len), pv, j, 1) * c;
      count[j]! += c;
    });
  });
  let total = 0;
  for (let j = 0; j < m; j++) if (count[j]! > 0) total += weights[j]! * (sse[j]! / count[j]!);
  return total;
}

/** Reads views against a fitted graph, runs fn, frees what it read. */
function withViews<T>(g: Net, views: readonly ViewInput[], present: TensorInput | undefined, fn: (data: ReadViews) => T): T {
  const owner = new Owner();
  try {
    return fn(readViews(views, 'views', g.widths, present, 'options.present', owner.own));
  } finally {
    owner.dispose();
  }
}

/**
 * Reads the views into wasm: a `null` view or row is a missing modality (zeros in the data,
 * 0 in the mask), as is a 0 in `present`. With `widths` (after fit) the number of views and
 * their widths must match; without, every view must give its width.
 */
function readViews(
  views: readonly ViewInput[],
  name: string,
  widths: readonly number[] | null,
  present: TensorInput | undefined,
  presentName: string,
  own: <T extends { dispose(): void }>(o: T) => T,
): ReadViews {
  if (!Array.isArray(views)) throw new ShapeError(name, 'an array with one view per modality', describe(views));
  if (widths && views.length !== widths.length) throw new ShapeError(name, `${widths.length} views (one per modality, null for a missing one)`, `${views.length} views`);
  if (!widths && views.length < 2) throw new ShapeError(name, 'at least 2 views (one per modality)', `${views.length} view${views.length === 1 ? '' : 's'}`);
  const m = views.length;
  const given = views.map((v) => v !== null && v !== undefined);
  if (!given.some(Boolean)) throw new ValueError(name, 'at least one view that is not null', described('every view null'));
  if (!widths && given.includes(false)) throw new ValueError(`${name}[${given.indexOf(false)}]`, 'the rows of every modality in fit (null rows mark missing ones)', null);
  // rows: from the first view that has them
  let n = -1;
  const rowsOf = (v: ViewInput, j: number): number => {
    if (Array.isArray(v)) return v.length;
    const r = (v as { rows?: unknown }).rows;
    if (typeof r === 'number') return r;
    throw new ShapeError(`${name}[${j}]`, 'rows (an array of arrays), a Tensor, a Matrix or { data, rows, cols }', describe(v));
  };
  views.forEach((v, j) => {
    if (!given[j]) return;
    const r = rowsOf(v, j);
    if (n < 0) n = r;
    else if (r !== n) throw new ShapeError(`${name}[${j}]`, `${n} rows (as ${name}[${given.indexOf(true)}])`, `${r} rows`);
  });
  if (n < 1) throw new ShapeError(name, 'at least 1 row', '0 rows');
  const mask = new Float32Array(n * m);
  const x = views.map((v, j) => {
    if (!given[j]) {
      const w = widths![j]!; // a null view with no widths was refused by the caller (fit)
      return own(Tensor.zeros(n, w));
    }
    let input = v as TensorInput;
    if (Array.isArray(v) && v.some((r) => r === null || r === undefined)) {
      const first = v.find((r) => r !== null && r !== undefined) as ArrayLike<number> | undefined;
      if (!first) throw new ValueError(`${name}[${j}]`, 'at least one row that is not null (pass null for the whole view instead)', described('every row null'));
      const zeros = new Array<number>(first.length).fill(0);
      input = v.map((r) => r ?? zeros);
    }
    const t = own(Tensor.from(input, `${name}[${j}]`));
    if (widths && t.cols !== widths[j]) throw new ShapeError(`${name}[${j}]`, `${widths[j]} columns (as in fit)`, `${t.cols} columns`);
    const rows = v as readonly unknown[];
    for (let i = 0; i < n; i++) mask[i * m + j] = Array.isArray(rows) && (rows[i] === null || rows[i] === undefined) ? 0 : 1;
    return t;
  });
  if (present !== undefined) {
    const p = Tensor.from(present, presentName);
    try {
      if (p.rows !== n || p.cols !== m) throw new ShapeError(presentName, `${n}×${m} (rows × modalities)`, `${p.rows}×${p.cols}`);
      const d = p.toFloat32Array();
      for (let i = 0; i < d.length; i++) {
        if (d[i] !== 0 && d[i] !== 1) throw new ValueError(`${presentName}[${Math.floor(i / m)}][${i % m}]`, '0 or 1', d[i]);
        mask[i] = mask[i]! * d[i]!;
      }
    } finally {
      p.dispose();
    }
  }
  for (let i = 0; i < n; i++) {
    let any = false;
    for (let j = 0; j < m; j++) any ||= mask[i * m + j] !== 0;
    if (!any) throw new ValueError(`${name} row ${i}`, 'at least one modality present', described('none'));
  }
  const pt = own(Tensor.from({ data: mask, rows: n, cols: m }));
  return { x, present: pt, mask, n, given };
}


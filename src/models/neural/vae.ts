/**
 * Multimodal variational autoencoder for m ≥ 2 views (issue 38): one Gaussian expert per view
 * (an encoder MLP giving μ_v and log σ²_v), one decoder per view from the shared latent z,
 * and the posterior of any subset of views fused from the experts of the views present:
 *   'poe'   MVAE (Wu & Goodman 2018): product of the experts and the prior N(0, I);
 *   'moe'   MMVAE (Shi et al. 2019): uniform mixture of the experts;
 *   'mopoe' MoPoE-VAE (Sutter et al. 2021, the default): uniform mixture of the products of
 *           every non-empty subset.
 * Trained on the weighted sum of the subsets' ELBOs with closed-form KLs (vae_objective.ts),
 * one reparameterised sample each, the noise from the in-wasm PRNG.
 *
 * Options in vae_options.ts, networks in vae_nets.ts, fusion and its gradients in
 * vae_fusion.ts, objective in vae_objective.ts, inference in vae_infer.ts, file format in
 * vae_file.ts, PyTorch import in vae_torch.ts; views are read as the autoencoder reads them.
 */
import * as W from '../../wasm/index.js';
import { Rng, Tensor, dropMissing, keepRows, type FloatResult } from '../../wasm/index.js';
import type { Activation, MLP, MLPInit } from '../../nn/mlp.js';
import type { EpochInfo } from '../../nn/train.js';
import { NotFittedError, ShapeError, ValueError } from '../../errors.js';
import { Owner } from '../../lifecycle.js';
import { checkOptions, noExtraArguments } from '../../options.js';
import type { TorchTensors } from '../../nn/torch.js';
import { readViews, type ReadViews } from './autoencoder_views.js';
import { seedFor } from './autoencoder_graph.js';
import type { SubsetError } from './autoencoder.js';
import { makeOptimizer } from './training.js';
import { NEURAL_FIT_OPTIONS, type Preparation, type Session } from './trainer.js';
import { NeuralModel } from './neural_model.js';
import {
  MAX_MOPOE, MAX_VIEWS, checkVAEOptions, likelihoods, type Fusion, type Likelihood, type MultimodalVAEFromTorchOptions, type MultimodalVAEOptions, type VAEFitOptions, type VAESourceFitOptions, type VAELogLikelihoodOptions, type VAELosses, type VAESampleOptions, type VAESettings, type VAEViewsOptions, type ViewInput, type ViewLikelihood, type VAEEncoding, type VAELogLikelihood,
} from './vae_options.js';
import { allVaeNets, buildVae, disposeVae, type LogScales, type VaeNet } from './vae_nets.js';
import { Workspace, fromRng, objective } from './vae_objective.js';
import { decodeMeans, drawLatents, encodeRows, logLikelihoodRows, rngDraws, type Draws } from './vae_infer.js';
import { readVAEFile, writeVAEFile } from './vae_file.js';
import { readTorchVAE } from './vae_torch.js';
import { checkRange, readVAEValidation } from './vae_views.js';
import { fitScalers, identityScaler, logJacobian, scaleRead } from './vae_scale.js';
import { streamedScalers } from './source_scalers.js';
import { retrieveEmbedded, type RetrieveOptions, type RetrieveResult } from '../retrieve.js';
import { unstandardize, type ColumnScaler } from './scaler.js';
import { checkShuffleBuffer, SourceReader, type DataSource } from './source.js';

export type { VAEFusion, VAELikelihood, MultimodalVAEOptions, MultimodalVAEFromTorchOptions, VAEFitOptions, VAESourceFitOptions, VAELosses, VAESampleOptions, VAELogLikelihoodOptions, VAEViewsOptions, VAEEncoding, VAELogLikelihood } from './vae_options.js';

/** A multimodal VAE: one latent posterior from any subset of views (fusion 'poe', 'moe' or 'mopoe'), so it samples, encodes and reconstructs the missing views from those given.
 * @example const vae = new MultimodalVAE({ latent: 2, hidden: [16] }); await vae.fit([A, B]); const [, bFromA] = vae.sample([Anew, null], { seed: 1 });
 */
export class MultimodalVAE extends NeuralModel<VAELosses> implements VAESettings {
  /** how the views' posteriors combine: 'poe', 'moe' or 'mopoe' */ readonly fusion: Fusion;
  /** the latent width */ readonly latent: number;
  /** each encoder's hidden widths (reversed for each decoder) */ readonly hidden: readonly number[];
  /** the hidden activation */ readonly activation: Activation;
  /** the weight initialisation */ readonly init: MLPInit;
  /** the weight β of the KL terms */ readonly beta: number;
  /** each view's likelihood: 'bernoulli' or 'gaussian' (one for all, or one per view) */ readonly likelihood: Likelihood | readonly Likelihood[];
  /** whether each Gaussian view's columns are standardised */ readonly scale: boolean;
  #net: VaeNet | null = null;
  /** with scale: true, each view's standardisation (the identity for a Bernoulli view), from the first fit */
  #scaler: ColumnScaler[] | null = null;

  constructor(options: MultimodalVAEOptions = {}) {
    const o = checkVAEOptions(options);
    super('MultimodalVAE', o);
    this.fusion = o.fusion;
    this.latent = o.latent;
    this.hidden = o.hidden;
    this.activation = o.activation;
    this.init = o.init;
    this.beta = o.beta;
    this.likelihood = o.likelihood;
    this.scale = o.scale;
  }

  /** Number of views of the fitted model. */
  get views(): number {
    return this.#fitted('views').widths.length;
  }

  /** Width of each view, as in fit. */
  get widths(): number[] {
    return [...this.#fitted('widths').widths];
  }

  /**
   * Trains on the paired rows of the views (one per view, n rows each; a `null` row or
   * `options.present` marks a view missing in a row: the row's ELBO terms use the views it
   * has). Resolves to the per-epoch history; `losses` has `loss` (the negative weighted ELBO,
   * nats per row), `kl` and `nll0`, `nll1`, … per view. Without `warmStart` fit starts over
   * from new networks; with `warmStart: true` it trains the fitted ones on for `epochs` more
   * epochs with their optimiser state and random streams. An abort (or a divergence) keeps
   * the last finished epoch and rejects; before it, and on any other error, the previous fit
   * stays in place. A Bernoulli view's values must lie in [0, 1].
   */
  async fit(source: DataSource, options?: VAESourceFitOptions): Promise<EpochInfo<VAELosses>[]>;
  async fit(views: readonly ViewInput[], options?: VAEFitOptions): Promise<EpochInfo<VAELosses>[]>;
  async fit(views: readonly ViewInput[] | DataSource, options: VAEFitOptions | VAESourceFitOptions = {}): Promise<EpochInfo<VAELosses>[]> {
    noExtraArguments(arguments, 2, 'MultimodalVAE.fit');
    if (typeof views === 'function') return this.#fitSource(views, options as VAESourceFitOptions);
    this.live();
    checkOptions(options, [...NEURAL_FIT_OPTIONS, 'present', 'validation'], 'fit options');
    return this.trainer.fit(options, (prep) => {
      const d = Array.isArray(views) ? dropMissing(views, views.map((_, j) => `views[${j}]`), this.missing, 'views', true) : { views, keep: null, kept: 0, dropped: 0 };
      const pr = (options as VAEFitOptions).present, keep = d.keep;
      const same = keep !== null && pr != null && ((pr as { rows?: unknown }).rows === keep.length || (Array.isArray(pr) && pr.length === keep.length));
      const present = same ? keepRows(pr, keep, d.kept) : pr;
      if (Array.isArray(d.views)) this.#checkCount(d.views.length);
      const data = readViews(d.views, 'views', null, present, 'options.present', prep.own);
      const widths = data.x.map((t) => t.cols);
      if (prep.warm && widths.join() !== this.#net!.widths.join())
        throw new ShapeError('views', `views of ${this.#net!.widths.join(', ')} columns (as the fitted model, for warmStart)`, `${widths.join(', ')} columns`);
      const lik = likelihoods(this, widths.length);
      checkRange(data, lik, 'views');
      const scaler = prep.warm ? this.#scaler : this.scale ? fitScalers(data, lik) : null;
      if (scaler) scaleRead(data, scaler);
      return this.#session(prep, data, widths, lik, options.validation, () => d.dropped, scaler);
    });
  }

  /**
   * fit(source, options): chunks `[view₀, view₁, …]` (the same rows of every view, a missing
   * one as a null view or null rows, as the autoencoder reads them), shuffled through a buffer
   * of `shuffleBuffer` rows into full batches; what is wrong in the source is a SourceError.
   */
  #fitSource(source: DataSource, options: VAESourceFitOptions): Promise<EpochInfo<VAELosses>[]> {
    this.live();
    checkOptions(options, [...NEURAL_FIT_OPTIONS, 'validation', 'shuffleBuffer'], 'fit options');
    const shuffleBuffer = checkShuffleBuffer(options.shuffleBuffer);
    const net = options.warmStart === true ? this.#net : null;
    const reader = new SourceReader(source, (k) => Array.from({ length: k }, (_, j) => `views[${j}]`), this.missing, net ? [...net.widths] : null);
    reader.presence = true;
    const { shuffleBuffer: _, ...rest } = options;
    let scaler = net ? this.#scaler : null;
    const check = (chunk: Tensor[]) => {
      const mask = chunk.at(-1)!, x = chunk.slice(0, -1);
      this.#checkCount(x.length);
      const data = { x, present: mask, mask: mask.data, n: mask.rows, given: x.map(() => true) };
      checkRange(data, likelihoods(this, x.length), 'views');
      if (scaler) scaleRead(data, scaler);
    };
    reader.transform = check;
    // scale: true: the columns' statistics by two passes before training (a Bernoulli view's the identity)
    const before = async () => {
      if (!this.scale || net) return;
      const s = await streamedScalers(reader, options.signal), lik = likelihoods(this, s.length);
      scaler = s.map((v, j) => (lik[j]!.kind === 'gaussian' ? v : identityScaler(v.mean.length)));
    };
    return this.trainer.fit(
      rest,
      (prep) => {
        const widths = prep.widths!.slice(0, -1);
        return this.#session(prep, null, widths, likelihoods(this, widths.length), options.validation, () => reader.dropped, scaler);
      },
      { reader, shuffleBuffer, before },
    );
  }

  #checkCount(m: number): void {
    if (m > MAX_VIEWS) throw new ShapeError('views', `at most ${MAX_VIEWS} views`, `${m} views`);
    if (this.fusion === 'mopoe' && m > MAX_MOPOE) throw new ShapeError('views', `at most ${MAX_MOPOE} views with fusion 'mopoe' (its objective has 2^m − 1 terms per row)`, `${m} views`);
  }

  #session(
    { warm, previous, own, built }: Preparation,
    data: ReadViews | null,
    widths: number[],
    lik: ViewLikelihood[],
    validation: VAEFitOptions['validation'],
    dropped: () => number,
    scaler: ColumnScaler[] | null,
  ): Session<VAELosses> {
    // from a source (data null): full batches the trainer fills, views and presence
    const m = widths.length, n = data?.n ?? 0, bs = data ? Math.min(this.batchSize, n) : this.batchSize;
    const val = readVAEValidation(validation, widths, own);
    if (val) checkRange(val, lik, 'options.validation.views');
    if (val && scaler) scaleRead(val, scaler);
    const g = warm ? this.#net! : buildVae(this, widths);
    if (!warm) built({ dispose: () => disposeVae(g) });
    const nets = allVaeNets(g);
    const [opt] = previous ? previous.optimizers : [built(makeOptimizer(this, nets))];
    const [rng] = previous ? previous.rngs : [built(Rng.create(seedFor(this.seed, 1000)))];
    const ws = own(new Workspace(g));
    const xb = widths.map((p) => own(Tensor.empty(bs, p)));
    const pb = own(Tensor.empty(bs, m));
    const fo = { fusion: this.fusion, beta: this.beta };
    const train = (x: Tensor[], p: Tensor) => {
      const mask = p.toFloat32Array();
      opt!.zeroGrad();
      const losses = objective(g, fo, x, mask, fromRng(rng!), ws, true);
      opt!.step();
      return losses as VAELosses;
    };
    return {
      rows: n,
      batchSize: bs,
      nets,
      optimizers: [opt!],
      rngs: [rng!],
      validation: val && {
        measure: () => {
          for (const t of nets) t.eval();
          try {
            return this.#meanLoss(g, val, ws, seedFor(this.seed, 2000), bs);
          } finally {
            for (const t of nets) t.train();
          }
        },
        higherIsBetter: false,
        patience: val.patience,
      },
      step: (batch) => {
        const k = batch.length, x = k === bs ? xb : xb.map((t) => t.viewRows(0, k)), p = k === bs ? pb : pb.viewRows(0, k);
        x.forEach((t, j) => W.gatherRows(t, data!.x[j]!, batch));
        W.gatherRows(p, data!.present, batch);
        return train(x, p);
      },
      batchTensors: [...xb, pb],
      // the loss on the last batch, with noise from a stream of its own
      probe: () => {
        const r = Rng.create(seedFor(this.seed, 3000));
        try {
          return Number.isFinite(objective(g, fo, xb, pb.toFloat32Array(), fromRng(r), ws, false).loss);
        } finally {
          r.dispose();
        }
      },
      filledStep: () => train(xb, pb),
      adopt: () => {
        this.dropped = dropped();
        if (warm) return;
        this.#disposeModel();
        this.#net = g;
        this.#scaler = scaler;
      },
    };
  }

  /** The loss on read views (no gradients), in batches, with the noise of a fresh stream of this seed. */
  #meanLoss(g: VaeNet, data: ReadViews, ws: Workspace, seed: number, bs: number): number {
    const rng = Rng.create(seed), m = g.widths.length;
    try {
      let total = 0;
      for (let s = 0; s < data.n; s += bs) {
        const len = Math.min(bs, data.n - s);
        const x = data.x.map((t) => (len === data.n ? t : t.viewRows(s, len)));
        const l = objective(g, { fusion: this.fusion, beta: this.beta }, x, data.mask.subarray(s * m, (s + len) * m), fromRng(rng), ws, false);
        total += l.loss! * len;
      }
      return total / data.n;
    } finally {
      rng.dispose();
    }
  }

  protected isFitted(): boolean {
    return this.#net !== null;
  }

  #fitted(method: string): VaeNet {
    this.ready(method);
    if (!this.#net) throw new NotFittedError('MultimodalVAE: call fit(views) first');
    return this.#net;
  }

  /** Reads views against the fitted networks, runs fn, frees what it read. */
  #withViews<T>(method: string, views: readonly ViewInput[], options: object, known: string[], fn: (g: VaeNet, data: ReadViews) => T): T {
    const g = this.#fitted(method);
    const o = checkOptions(options, known, `${method} options`) as { present?: VAEViewsOptions['present'] };
    const owner = new Owner();
    try {
      const data = readViews(views, 'views', g.widths, o.present, 'options.present', owner.own);
      if (this.#scaler) scaleRead(data, this.#scaler);
      return fn(g, data);
    } finally {
      owner.dispose();
    }
  }

  /**
   * Each row's posterior from the views given (`null` for a missing one): 'poe' the product of
   * the present experts and the prior, 'mopoe' the product of the present experts, 'moe' the
   * mixture's mean and per-dimension variance. n×latent each.
   */
  encode(views: readonly ViewInput[], options: VAEViewsOptions = {}): VAEEncoding {
    noExtraArguments(arguments, 2, 'MultimodalVAE.encode');
    return this.inference(['views'], () =>
      this.#withViews('encode', views, options, ['present'], (g, data) => {
        const { mu, lv } = encodeRows(g, this.fusion, data);
        const L = g.latent;
        return { mean: { data: Float32Array.from(mu), rows: data.n, cols: L }, logVariance: { data: Float32Array.from(lv), rows: data.n, cols: L } };
      }),
    );
  }

  /**
   * The top k gallery rows per query in the latent space (as CCA.retrieve; `{ indices, scores, rows, cols }`): rows of view 0 against
   * view 1 (`from: 'x'`, default) or the reverse, each embedded alone by its posterior mean given that view only (the view's expert
   * for 'moe' and 'mopoe', its product with the prior for 'poe'), unweighted; cosine similarity or `metric: 'euclidean'`.
   * @example
   * const { indices } = vae.retrieve(Xtest, Ytest, { k: 5 }); // queries × 5, best first
   */
  retrieve(query: ViewInput, gallery: ViewInput, options?: RetrieveOptions): RetrieveResult {
    noExtraArguments(arguments, 3, 'MultimodalVAE.retrieve');
    const m = this.views;
    return retrieveEmbedded(query, gallery, options, ['views[0]', 'views[1]'], (v, rows) => this.encode(Array.from({ length: m }, (_, j) => (j === v ? (rows as ViewInput) : null))).mean, null);
  }

  /** Every view decoded from the posterior mean of the views given: one n×width block per view (a Bernoulli view's probabilities). */
  reconstruct(views: readonly ViewInput[], options: VAEViewsOptions = {}): FloatResult[] {
    noExtraArguments(arguments, 2, 'MultimodalVAE.reconstruct');
    return this.inference(['views'], () =>
      this.#withViews('reconstruct', views, options, ['present'], (g, data) => {
        const { mu } = encodeRows(g, this.fusion, data);
        return this.#units(decodeMeans(g, Float32Array.from(mu), data.n).map((d, j) => ({ data: d, rows: data.n, cols: g.widths[j]! })));
      }),
    );
  }

  /**
   * Draws z from q(z | views given) (for 'moe' and 'mopoe' a mixture component chosen
   * uniformly, then drawn from) and decodes every view, the present ones too: one
   * (n·samples)×width block per view, row i's draws at rows i·samples …; a Bernoulli view
   * gives its probabilities (the decoded mean), not binary draws. `sample(n)` draws n rows
   * from the prior N(0, I).
   */
  sample(views: readonly ViewInput[] | number, options: VAESampleOptions = {}): FloatResult[] {
    noExtraArguments(arguments, 2, 'MultimodalVAE.sample');
    const known = typeof views === 'number' ? ['seed', 'samples'] : ['seed', 'samples', 'present'];
    const { seed = 0, samples = 1 } = checkOptions(options, known, 'sample options');
    if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new ValueError('options.seed', 'an integer in [0, 2³²)', seed);
    if (!(Number.isInteger(samples) && samples >= 1)) throw new ValueError('options.samples', 'a positive integer', samples);
    const run = (g: VaeNet, data: ReadViews | null, n: number) => {
      const rng = Rng.create(seed);
      try {
        for (const e of g.encoders) e.eval();
        const z = drawLatents(g, this.fusion, data, n, samples, rngDraws(rng));
        return this.#units(decodeMeans(g, z, n * samples).map((d, j) => ({ data: d, rows: n * samples, cols: g.widths[j]! })));
      } finally {
        rng.dispose();
      }
    };
    return this.inference(['views'], () => {
      if (typeof views !== 'number') return this.#withViews('sample', views, options, known, (g, data) => run(g, data, data.n));
      if (!(Number.isInteger(views) && views >= 1)) throw new ValueError('views', 'views (one per view, null for a missing one) or a positive number of prior draws', views);
      return run(this.#fitted('sample'), null, views);
    });
  }

  /**
   * Importance-weighted estimate of log p(x_P) for each row's present views P (Burda et al.
   * 2016): log (1/K) Σ_k p(x_P | z_k) p(z_k) / q(z_k | x_P), z_k from the full inference
   * distribution q(z | P) ('poe' the product with the prior; 'moe', 'mopoe' their mixtures,
   * whose density is the mean of the components'). Nats: the mean over rows and per row.
   */
  logLikelihood(views: readonly ViewInput[], options: VAELogLikelihoodOptions = {}): VAELogLikelihood {
    noExtraArguments(arguments, 2, 'MultimodalVAE.logLikelihood');
    const { seed = 0, samples = 1000 } = checkOptions(options, ['present', 'seed', 'samples'], 'logLikelihood options');
    if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new ValueError('options.seed', 'an integer in [0, 2³²)', seed);
    if (!(Number.isInteger(samples) && samples >= 1)) throw new ValueError('options.samples', 'a positive integer', samples);
    const rng = Rng.create(seed);
    try {
      return this.#logLikelihood('logLikelihood', views, options, samples, rngDraws(rng));
    } finally {
      rng.dispose();
    }
  }

  #logLikelihood(method: string, views: readonly ViewInput[], options: VAEViewsOptions, K: number, draws: Draws): VAELogLikelihood {
    return this.inference(['views'], () =>
      this.#withViews(method, views, options, ['present', 'seed', 'samples'], (g, data) => {
        for (const e of g.encoders) e.eval();
        const perRow = logLikelihoodRows(g, this.fusion, data, K, draws);
        if (this.#scaler) logJacobian(data, this.#scaler).forEach((v, i) => (perRow[i] = perRow[i]! - v)); // in the data's units
        return { mean: perRow.reduce((s, v) => s + v, 0) / data.n, perRow };
      }),
    );
  }

  /**
   * For every non-empty subset of the views passed, the mean squared error per element of
   * each view decoded from the posterior mean of that subset alone (over the rows where the
   * target is present and at least one of the subset is). Subsets by size, then in index
   * order; NaN for a view not passed.
   */
  evaluate(views: readonly ViewInput[], options: VAEViewsOptions = {}): SubsetError[] {
    noExtraArguments(arguments, 2, 'MultimodalVAE.evaluate');
    return this.inference(['views'], () =>
      this.#withViews('evaluate', views, options, ['present'], (g, data) => {
        const m = g.widths.length, n = data.n;
        const idx = data.given.flatMap((gv, j) => (gv ? [j] : []));
        const subsets: number[][] = [];
        for (let mask = 1; mask < 1 << idx.length; mask++) subsets.push(idx.filter((_, b) => mask & (1 << b)));
        subsets.sort((a, b) => a.length - b.length || a.join().localeCompare(b.join(), 'en', { numeric: true }));
        const xs = data.x.map((t) => t.toFloat32Array());
        return subsets.map((given) => {
          const masks = new Int32Array(n);
          for (let i = 0; i < n; i++) for (const j of given) if (data.mask[i * m + j]) masks[i]! |= 1 << j;
          const { mu } = encodeRows(g, this.fusion, data, masks);
          const means = decodeMeans(g, Float32Array.from(mu), n);
          const mse = new Float64Array(m).fill(NaN);
          for (let j = 0; j < m; j++) {
            if (!data.given[j]) continue;
            const d = g.widths[j]!;
            let s = 0, c = 0;
            for (let i = 0; i < n; i++) {
              if (!masks[i] || !data.mask[i * m + j]) continue;
              for (let k = 0; k < d; k++) s += (means[j]![i * d + k]! - xs[j]![i * d + k]!) ** 2;
              c += d;
            }
            mse[j] = c ? s / c : NaN;
          }
          return { given, mse };
        });
      }),
    false);
  }

  /** Decoded views back in the data's units (scale: true). */
  #units(r: FloatResult[]): FloatResult[] {
    if (this.#scaler) r.forEach((b, j) => unstandardize(b, this.#scaler![j]!));
    return r;
  }

  /** @internal The encoders then the decoders (for tests). */
  _networks(): MLP[] {
    const g = this.#fitted('_networks');
    return [...g.encoders, ...g.decoders];
  }

  /** @internal The learned log-scales (one per view; null without a Gaussian view of learned scale). */
  _logScales(): LogScales | null {
    return this.#fitted('_logScales').scales;
  }

  /**
   * @internal The objective on these rows with the noise eps(row, subset, j) for term (row,
   * subset) and latent dimension j; with `backward`, gradients zeroed first and left in the
   * networks (for gradient checks).
   */
  _objective(views: readonly ViewInput[], o: { present?: VAEViewsOptions['present']; eps: (row: number, subset: number, j: number) => number; backward?: boolean }): Record<string, number> {
    return this.#withViews('_objective', views, { present: o.present }, ['present'], (g, data) => {
      const ws = new Workspace(g), L = g.latent;
      try {
        if (o.backward) for (const t of allVaeNets(g)) t.zeroGrad();
        const noise = (_: Tensor, rows: readonly number[], subsets: readonly number[]) => Float64Array.from({ length: rows.length * L }, (_, k) => o.eps(rows[Math.floor(k / L)]!, subsets[Math.floor(k / L)]!, k % L));
        return objective(g, { fusion: this.fusion, beta: this.beta }, data.x, data.mask, noise, ws, o.backward ?? false);
      } finally {
        ws.dispose();
      }
    });
  }

  /** @internal logLikelihood with given draws (uniforms choose mixture components, then normals), for tests. */
  _logLikelihood(views: readonly ViewInput[], samples: number, draws: Draws, options: VAEViewsOptions = {}): VAELogLikelihood {
    return this.#logLikelihood('_logLikelihood', views, options, samples, draws);
  }

  #disposeModel() {
    if (this.#net) disposeVae(this.#net);
    this.#net = null;
  }

  /** Frees every network and the optimiser; any later use throws DisposedError. */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.trainer.dispose();
    this.#disposeModel();
  }

  /** A versioned plain object: options, widths, every network (each with its CRC-32), the learned log-scales and the scaler. */
  toJSON(): Record<string, unknown> {
    return writeVAEFile(this, this.#fitted('toJSON'), this.#scaler);
  }

  /** Rebuilds a MultimodalVAE from toJSON() output (object or JSON string), validating every field (FormatError). */
  static fromJSON(json: unknown): MultimodalVAE {
    const { model, net, scaler } = readVAEFile(json, (o) => new MultimodalVAE(o));
    model.#net = net;
    model.#scaler = scaler;
    return model;
  }

  /**
   * The MultimodalVAE equal to a PyTorch one. Names, under `options.prefix`, each group an
   * nn.Sequential of nn.Linear (out × in) with `activation` modules between them:
   *   encoders.{v}.{i}.weight / .bias  view v's encoder [d_v, …hidden, 2·latent]: means, then log-variances
   *   decoders.{v}.{i}.weight / .bias  view v's decoder [latent, …reverse(hidden), d_v]: logits (Bernoulli) or mean (Gaussian)
   *   log_scales                       shape [m]: log s of each view (used for a Gaussian view of learned
   *                                    scale, the others' entries ignored); present only with such a view
   * (python/crossmodal_torch.py's MultimodalVAE) for m ≥ 2 views numbered from 0; hidden and latent come from the shapes, the fusion, β,
   * likelihoods and activation from the options (as the constructor's). FormatError for an
   * unknown or missing name or shapes that do not fit together; ValueError for bad options.
   */
  static fromTorch(tensors: TorchTensors, options: MultimodalVAEFromTorchOptions = {}): MultimodalVAE {
    const { model, net } = readTorchVAE(tensors, options, (o) => new MultimodalVAE(o));
    model.#net = net;
    return model;
  }
}

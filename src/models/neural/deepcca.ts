/**
 * DeepCCA (Andrew, Arora, Bilmes & Livescu, ICML 2013): two MLP towers trained to maximise
 * the canonical correlation of their outputs. The objective and its gradient are computed
 * analytically in f64 (deepcca_objective.ts) and handed to each tower's backward.
 * After training, a linear CCA on the towers' outputs over the whole training set gives
 * the final projections, so transform() returns uncorrelated unit-variance variates
 * ordered by correlation.
 */
import * as W from '../../wasm/index.js';
import { Tensor, type TensorInput, type MatrixResult, type FloatResult } from '../../wasm/index.js';
import { ACTIVATIONS, MLP, type Activation, type MLPInit } from '../../nn/mlp.js';
import { Adam } from '../../nn/optim.js';
import { Checkpoint } from '../../nn/checkpoint.js';
import { FIT_OPTIONS, trainModel, checkTrainingOptions, validated, type EpochInfo, type FitOptions } from '../../nn/train.js';
import { CCAObjective, type CCAObjectiveKind } from './deepcca_objective.js';
import { CCA } from '../linear/cca.js';
import { FormatError, NotFittedError, ShapeError, ValueError } from '../../errors.js';
import { Disposable, Owner } from '../../lifecycle.js';
import { checkOptions } from '../../options.js';
import { readEnvelope } from '../../serialize.js';
import { checkClaimed, checkTensors, type TorchTensors } from '../../nn/torch.js';

export interface DeepCCAOptions {
  /** canonical pairs to keep (default 2) */
  components?: number;
  /** towers' output width (default `components`) */
  outputs?: number;
  /** hidden widths of each tower (default [256, 256]) */
  hidden?: readonly number[];
  /** hidden activation (default 'leaky_relu', slope 0.01) */
  activation?: Activation;
  /** passes over the training rows (default 100) */
  epochs?: number;
  /** rows per batch (default 500; clamped to the number of rows, at least 2·outputs) */
  batchSize?: number;
  /** Adam's learning rate (default 1e-3) */
  learningRate?: number;
  /** ridge r on both output covariances inside the objective (default 1e-3) */
  regularization?: number;
  /** 'trace' (sum of the top-k singular values, the paper; the default) or 'squared' (their squares) */
  objective?: CCAObjectiveKind;
  /** ridge of the final linear CCA on the tower outputs (default 1e-6) */
  finalRegularization?: number;
  /** towers' weight initialisation (see MLPOptions.init); default 'uniform' (±1/√fan_in, PyTorch's default) */
  init?: MLPInit;
  /** initialisation and shuffling (default 0) */
  seed?: number;
}

export interface DeepCCAFitOptions extends FitOptions {
  /** held-out views: after each epoch the sum of their top-k correlations is reported as
   *  losses.validation; with `patience`, training stops after that many epochs without
   *  improvement and the best towers are kept (default: none; `patience` default: no early stop) */
  validation?: { X: TensorInput; Y: TensorInput; patience?: number };
}

export interface DeepCCAFromTorchOptions extends Omit<DeepCCAOptions, 'components' | 'outputs' | 'hidden'> {
  /** the rows [X, Y] (n×p, n×q) the final linear CCA is fitted on, as fit fits it on its
   *  training rows (required) */
  data: readonly [TensorInput, TensorInput];
  /** names of the x tower's tensors start with this (default 'x.', as DeepCCATowers in
   *  python/crossmodal_torch.py: `x.0.weight`, …) */
  xPrefix?: string;
  /** names of the y tower's tensors start with this (default 'y.') */
  yPrefix?: string;
  /** canonical pairs kept (default: the towers' output width) */
  components?: number;
}

const FORMAT = 'crossmodal.DeepCCA';
const OPTIONS = ['components', 'outputs', 'hidden', 'activation', 'epochs', 'batchSize', 'learningRate', 'regularization', 'objective', 'finalRegularization', 'init', 'seed'] as const satisfies readonly (keyof DeepCCAOptions)[];

export class DeepCCA extends Disposable {
  readonly components: number;
  readonly outputs: number;
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly regularization: number;
  readonly objective: CCAObjectiveKind;
  readonly finalRegularization: number;
  readonly seed: number;
  readonly init: MLPInit;
  #towers: [MLP, MLP] | null = null;
  #cca: CCA | null = null;
  #history: EpochInfo[] = [];

  constructor(options: DeepCCAOptions = {}) {
    super();
    checkOptions(options, OPTIONS);
    checkTrainingOptions(options);
    const k = options.components ?? 2;
    if (!Number.isInteger(k) || k < 1) throw new ValueError('options.components', 'a positive integer', k);
    const o = options.outputs ?? k;
    if (!Number.isInteger(o) || o < k) throw new ValueError('options.outputs', `an integer ≥ components (${k})`, o);
    const hidden = options.hidden ?? [256, 256];
    if (!Array.isArray(hidden) || !hidden.every((v) => Number.isInteger(v) && v >= 1)) throw new ValueError('options.hidden', 'an array of positive integer widths', hidden);
    const r = options.regularization ?? 1e-3;
    if (!(typeof r === 'number' && r >= 0 && Number.isFinite(r))) throw new ValueError('options.regularization', 'a ridge r ≥ 0', r);
    const fr = options.finalRegularization ?? 1e-6;
    if (!(typeof fr === 'number' && fr >= 0 && Number.isFinite(fr))) throw new ValueError('options.finalRegularization', 'a ridge r ≥ 0', fr);
    const obj = options.objective ?? 'trace';
    if (obj !== 'trace' && obj !== 'squared') throw new ValueError('options.objective', "'trace' or 'squared'", obj);
    const act = options.activation ?? 'leaky_relu';
    if (!(typeof act === 'string' && act in ACTIVATIONS)) throw new ValueError('options.activation', Object.keys(ACTIVATIONS).join(' | '), act);
    const init = options.init ?? 'uniform';
    if (!['auto', 'he', 'glorot', 'uniform'].includes(init)) throw new ValueError('options.init', "'auto' | 'he' | 'glorot' | 'uniform'", init);
    this.components = k;
    this.outputs = o;
    this.hidden = Object.freeze([...hidden]);
    this.activation = act;
    this.epochs = options.epochs ?? 100;
    this.batchSize = options.batchSize ?? 500;
    this.learningRate = options.learningRate ?? 1e-3;
    this.regularization = r;
    this.objective = obj;
    this.finalRegularization = fr;
    this.seed = options.seed ?? 0;
    this.init = init;
    if (this.batchSize < 2 * o)
      throw new ValueError('options.batchSize', `at least 2·outputs = ${2 * o} rows, so each batch's output covariance can be estimated`, this.batchSize);
  }

  /** Training history of the fit in place (one entry per finished epoch). */
  get history(): EpochInfo[] {
    this.live();
    return this.#history.slice();
  }

  /**
   * Trains both towers on the paired rows of X (n×p) and Y (n×q), then fits the final
   * linear CCA on their outputs. Resolves to the per-epoch history.
   *
   * An abort (or a loss that turns NaN: DivergenceError) keeps the towers of the last
   * finished epoch as the fitted model, with its history, and rejects; before the first
   * finished epoch, and on any other error, the previous fit stays in place.
   */
  async fit(X: TensorInput, Y: TensorInput, options: DeepCCAFitOptions = {}): Promise<EpochInfo[]> {
    this.live();
    checkOptions(options, [...FIT_OPTIONS, 'validation'], 'fit options');
    const owner = new Owner(), own = owner.own;
    // the new towers: handed to the model by finish(), disposed here otherwise
    let towers: MLP[] = [];
    try {
      const x = own(Tensor.from(X, 'X')), y = own(Tensor.from(Y, 'Y'));
      const n = x.rows, p = x.cols, q = y.cols, o = this.outputs;
      if (y.rows !== n) throw new ShapeError('Y', `${n} rows (as X)`, `${y.rows} rows`);
      const val = this.#validation(options.validation, p, q, own);
      const bs = Math.min(this.batchSize, n);
      if (bs < 2 * o) throw new ShapeError('X', `at least 2·outputs = ${2 * o} rows, so a batch's output covariance can be estimated`, `${n} rows`);
      towers.push(new MLP({ layers: [p, ...this.hidden, o], activation: this.activation, init: this.init, seed: this.seed }));
      towers.push(new MLP({ layers: [q, ...this.hidden, o], activation: this.activation, init: this.init, seed: (this.seed + 1) >>> 0 }));
      const [t1, t2] = towers as [MLP, MLP];
      const o1 = own(new Adam(t1, { learningRate: this.learningRate })), o2 = own(new Adam(t2, { learningRate: this.learningRate }));
      const xb = own(Tensor.empty(bs, p)), yb = own(Tensor.empty(bs, q)), g1 = own(Tensor.empty(bs, o)), g2 = own(Tensor.empty(bs, o));
      const objective = own(new CCAObjective(bs, o, this.components, this.regularization, this.objective));
      const checkpoint = own(new Checkpoint([t1, t2], [o1, o2]));
      const validation = validated({
        measure: val
          ? () => {
              const cca = this.#fitFinal(t1, t2, x, y);
              try {
                return sum(score(t1, t2, cca, val.X, val.Y));
              } finally {
                cca.dispose();
                t1.train();
                t2.train();
              }
            }
          : null,
        higherIsBetter: true,
        patience: val?.patience,
        pieces: [t1, t2],
        onEpoch: options.onEpoch,
      });
      const history: EpochInfo[] = [];
      const finish = (cca: CCA) => {
        this.#disposeModel();
        this.#towers = [t1, t2];
        this.#cca = cca;
        this.#history = history;
        towers = [];
      };
      t1.train();
      t2.train();
      await trainModel(
        this,
        {
          rows: n,
          batchSize: bs,
          signal: options.signal,
          checkpoint,
          step: (batch) => {
            W.gatherRows(xb, x, batch);
            W.gatherRows(yb, y, batch);
            W.toF64(objective.H1, t1.forward(xb));
            W.toF64(objective.H2, t2.forward(yb));
            const corr = objective.evaluate();
            // minimise −corr: the towers receive −∂corr/∂H
            W.toF32(g1, objective.G1, -1);
            W.toF32(g2, objective.G2, -1);
            o1.zeroGrad();
            o2.zeroGrad();
            t1.backward(g1, { inputGradient: false });
            t2.backward(g2, { inputGradient: false });
            o1.step();
            o2.step();
            return { loss: -corr, correlation: corr };
          },
          onEpoch: validation.onEpoch,
        },
        history,
        () => {
        t1.eval();
        t2.eval();
        try {
          finish(this.#fitFinal(t1, t2, x, y));
        } catch {
          /* the kept epoch has no usable final CCA: the previous fit stays */
        }
      },
      );
      validation.restoreBest();
      t1.eval();
      t2.eval();
      finish(this.#fitFinal(t1, t2, x, y));
      return this.history;
    } finally {
      for (const t of towers) t.dispose();
      owner.dispose();
    }
  }

  /** Checks the validation views up front, under their own names. */
  #validation(v: DeepCCAFitOptions['validation'], p: number, q: number, own: <T extends { dispose(): void }>(o: T) => T) {
    if (v === undefined) return null;
    checkOptions(v, ['X', 'Y', 'patience'], 'options.validation');
    if (!('X' in v) || !('Y' in v)) throw new ValueError('options.validation', '{ X, Y, patience? }', v);
    if (v.patience !== undefined && !(Number.isInteger(v.patience) && v.patience >= 1)) throw new ValueError('options.validation.patience', 'a positive integer', v.patience);
    const X = own(Tensor.from(v.X, 'options.validation.X')), Y = own(Tensor.from(v.Y, 'options.validation.Y'));
    if (X.cols !== p) throw new ShapeError('options.validation.X', `${p} columns (as X)`, `${X.cols} columns`);
    if (Y.cols !== q) throw new ShapeError('options.validation.Y', `${q} columns (as Y)`, `${Y.cols} columns`);
    if (Y.rows !== X.rows) throw new ShapeError('options.validation.Y', `${X.rows} rows (as options.validation.X)`, `${Y.rows} rows`);
    if (X.rows < 2) throw new ShapeError('options.validation.X', 'at least 2 rows to correlate', `${X.rows} row`);
    return { X, Y, patience: v.patience };
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

  #fitted(): { towers: [MLP, MLP]; cca: CCA } {
    this.live();
    if (!this.#towers || !this.#cca) throw new NotFittedError('DeepCCA: call fit(X, Y) first');
    return { towers: this.#towers, cca: this.#cca };
  }

  /** Canonical correlations of the towers' outputs on the training rows (descending). */
  get correlations(): Float64Array {
    return this.#fitted().cca.correlations;
  }

  /** Canonical variates [U, V] (n×components); null for a view you don't pass. */
  transform(X: TensorInput, Y: TensorInput): [MatrixResult, MatrixResult];
  transform(X: TensorInput, Y?: null): [MatrixResult, null];
  transform(X: null, Y: TensorInput): [null, MatrixResult];
  transform(X: TensorInput | null, Y?: TensorInput | null): [MatrixResult | null, MatrixResult | null];
  transform(X: TensorInput | null, Y: TensorInput | null = null): [MatrixResult | null, MatrixResult | null] {
    const { towers, cca } = this.#fitted();
    if (X === null && Y === null) throw new ValueError('X, Y', 'at least one view', 'null and null');
    const h1 = X === null ? null : toF64(towers[0].predict(checkWidth(X, 'X', towers[0].layers[0]!)));
    const h2 = Y === null ? null : toF64(towers[1].predict(checkWidth(Y, 'Y', towers[1].layers[0]!)));
    return cca.transform(h1, h2);
  }

  /** Per-component correlations of the canonical variates on (X, Y), in training order. */
  score(X: TensorInput, Y: TensorInput): Float64Array {
    const { towers, cca } = this.#fitted();
    return score(towers[0], towers[1], cca, X, Y);
  }

  #disposeModel() {
    this.#towers?.[0].dispose();
    this.#towers?.[1].dispose();
    this.#towers = null;
    this.#cca?.dispose();
    this.#cca = null;
  }

  /** Frees the towers and the final CCA; any later use throws DisposedError. */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.#disposeModel();
  }

  toJSON(): Record<string, unknown> {
    const { towers, cca } = this.#fitted();
    return {
      format: FORMAT,
      version: 1,
      options: {
        components: this.components,
        outputs: this.outputs,
        hidden: [...this.hidden],
        activation: this.activation,
        epochs: this.epochs,
        batchSize: this.batchSize,
        learningRate: this.learningRate,
        regularization: this.regularization,
        objective: this.objective,
        finalRegularization: this.finalRegularization,
        init: this.init,
        seed: this.seed,
      },
      towers: [towers[0].toJSON(), towers[1].toJSON()],
      cca: cca.toJSON(),
    };
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
    const known = [...OPTIONS.filter((k) => k !== 'outputs' && k !== 'hidden'), 'data', 'xPrefix', 'yPrefix'];
    const { data, xPrefix = 'x.', yPrefix = 'y.', components, ...rest } = checkOptions(options, known);
    checkTensors(tensors);
    if (!Array.isArray(data) || data.length !== 2) throw new ValueError('options.data', '[X, Y]: the rows the final CCA is fitted on', data);
    for (const [name, v] of [['options.xPrefix', xPrefix], ['options.yPrefix', yPrefix]] as const) if (typeof v !== 'string') throw new ValueError(name, "a string such as 'x.'", v);
    if (xPrefix.startsWith(yPrefix) || yPrefix.startsWith(xPrefix)) throw new ValueError('options.yPrefix', `a prefix apart from options.xPrefix (${JSON.stringify(xPrefix)}): neither may start the other`, yPrefix);
    checkClaimed(tensors, [xPrefix, yPrefix], 'DeepCCA.fromTorch');
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
      const model = new DeepCCA({ ...rest, components: k, outputs: o, hidden: h1 });
      made.push(model);
      const x = own(Tensor.from(data[0], 'options.data[0]')), y = own(Tensor.from(data[1], 'options.data[1]'));
      if (x.cols !== t1.layers[0]) throw new ShapeError('options.data[0]', `${t1.layers[0]} columns (the x tower's input width)`, `${x.cols} columns`);
      if (y.cols !== t2.layers[0]) throw new ShapeError('options.data[1]', `${t2.layers[0]} columns (the y tower's input width)`, `${y.cols} columns`);
      if (y.rows !== x.rows) throw new ShapeError('options.data[1]', `${x.rows} rows (as options.data[0])`, `${y.rows} rows`);
      t1.eval();
      t2.eval();
      model.#cca = model.#fitFinal(t1, t2, x, y);
      model.#towers = [t1, t2];
      made.length = 0;
      return model;
    } finally {
      for (const m of made) m.dispose();
      owner.dispose();
    }
  }

  static fromJSON(json: unknown): DeepCCA {
    const o = readEnvelope(json, FORMAT, 1);
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
      t1.eval();
      t2.eval();
      model.#towers = [t1, t2];
      model.#cca = cca;
      return model;
    } catch (e) {
      t1.dispose();
      t2?.dispose();
      throw e;
    }
  }
}

/** Per-component correlations of the final CCA's variates of the towers' outputs on (X, Y). */
function score(t1: MLP, t2: MLP, cca: CCA, X: TensorInput, Y: TensorInput): Float64Array {
  const h1 = t1.predict(checkWidth(X, 'X', t1.layers[0]!));
  const h2 = t2.predict(checkWidth(Y, 'Y', t2.layers[0]!));
  if (h1.rows !== h2.rows) throw new ShapeError('Y', `${h1.rows} rows (as X)`, `${h2.rows} rows`);
  return cca.score(toF64(h1), toF64(h2));
}


function checkWidth(input: TensorInput, name: string, width: number): TensorInput {
  const cols = Array.isArray(input) ? (input[0] as ArrayLike<number> | undefined)?.length : (input as { cols?: number }).cols;
  if (cols !== undefined && cols !== width) throw new ShapeError(name, `${width} columns (as in fit)`, `${cols} columns`);
  return input;
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function toF64(r: FloatResult) {
  return { data: Float64Array.from(r.data), rows: r.rows, cols: r.cols };
}

/**
 * MLP: a stack of dense layers with hand-written backprop (kernels in assembly/dense.ts), and
 * the main piece networks are composed of (see piece.ts). Parameters live in ONE contiguous
 * f32 buffer (per layer: W nin×nout row-major, then b), gradients in a second buffer of the
 * same layout, so an optimiser step is one flat loop.
 *
 * forward(x) caches what backward needs; backward(dY) accumulates into the gradients (or,
 * frozen, computes none) and returns dX, so models chain networks and backprop a loss
 * computed elsewhere. Batch buffers grow to the largest batch seen and are then reused:
 * after the first step, training allocates nothing.
 */
import * as W from '../wasm/index.js';
import { Rng, Tensor, borrowTensor, type Lease, type TensorInput, type FloatResult } from '../wasm/index.js';
import { ShapeError, ValueError } from '../errors.js';
import { checkOptions } from '../options.js';
import { ForwardRecord, PieceBase, backwardFlags, originOf, type BackwardOptions, type Piece, type WithInputGradient, type WithoutInputGradient } from './piece.js';
import { checkTensors, linearChain, type TorchTensors } from './torch.js';
import { ACTIVATIONS, type Activation } from './activation.js';
import { mlpFromJSON, mlpToJSON } from './mlp_file.js';
import { runBackward, runForward, type BackwardPlan, type BackwardStep, type ForwardPlan, type ForwardStep } from './lockstep.js';

export { ACTIVATIONS, type Activation } from './activation.js';
/** Weight initialisation of an MLP: see MLPOptions.init. */
export type MLPInit = 'auto' | 'he' | 'glorot' | 'uniform';

/** Options of new MLP: its widths, activations, dropout, initialisation and seed. */
export interface MLPOptions {
  /** widths [in, hidden…, out] (required) */
  layers: readonly number[];
  /** hidden activation (default 'relu') */
  activation?: Activation;
  /** output activation (default 'identity': logits / linear outputs) */
  outputActivation?: Activation;
  /** LeakyReLU negative slope (default 0.01) */
  leakySlope?: number;
  /** dropout rate on every hidden layer's output in training mode (default 0) */
  dropout?: number;
  /** weight initialisation: 'auto' (He for ReLU-like, Glorot otherwise), 'he' (normal,
   *  std √(2/fan_in), zero bias), 'glorot' (uniform ±√(6/(fan_in+fan_out)), zero bias) or
   *  'uniform' (weights and biases uniform ±1/√fan_in, PyTorch's nn.Linear default);
   *  default 'auto' */
  init?: MLPInit;
  /** seed of the in-wasm PRNG for initialisation and dropout (default 0) */
  seed?: number;
}

/** Options of MLP.fromTorch: how the PyTorch nn.Sequential was named and built. */
export interface MLPFromTorchOptions {
  /** what the Sequential's names start with, dot included: 'encoder.' for `encoder.0.weight`
   *  (default '': names `0.weight`, `0.bias`, `2.weight`, …) */
  prefix?: string;
  /** activation module between the Linear layers, as in the PyTorch network (default 'relu') */
  activation?: Activation;
  /** activation after the last Linear, as in the PyTorch network (default 'identity') */
  outputActivation?: Activation;
  /** nn.LeakyReLU's negative_slope (default 0.01, PyTorch's default too) */
  leakySlope?: number;
}

/** Options of predict. */
export interface PredictOptions {
  /** rows run at a time (default: the larger of the last training batch and 1024) */
  batchSize?: number;
}

/** Options of MLP.toJSON. */
export interface MLPToJSONOptions {
  /** an optimiser whose state to store with the network, so training resumes exactly
   *  (default: none, only the network) */
  optimizer?: { toJSON(): Record<string, unknown> };
}

/** One dense layer: its shape, activation, and views of its slices of the two buffers. */
interface Layer {
  nin: number;
  nout: number;
  act: number;
  /** element offsets of W and b in the parameter buffer */
  w: number;
  b: number;
  W: Tensor;
  bias: Tensor;
  dW: Tensor;
  db: Tensor;
}

/** The batch buffers (capacity rows) and views of their first n rows. */
interface Batch {
  n: number;
  /** acts[0] = input copy, acts[l+1] = output of layer l (before dropout) */
  acts: Tensor[];
  /** grads[l] = gradient w.r.t. acts[l] (grads[0] = dX) */
  grads: Tensor[];
  /** dropped[l+1] = acts[l+1] ⊙ masks[l+1] for hidden layers when dropout > 0 */
  dropped: (Tensor | null)[];
  masks: (Tensor | null)[];
}

const OPTIONS = ['layers', 'activation', 'outputActivation', 'leakySlope', 'dropout', 'init', 'seed'] as const satisfies readonly (keyof MLPOptions)[];

/**
 * A stack of dense layers with a hand-written backward: forward, backward (gradients
 * accumulate), predict, and parameters in one Float32Array that the optimisers step.
 * @example
 * ```ts
 * const net = new MLP({ layers: [2, 16, 1], activation: 'tanh', seed: 1 });
 * const opt = new nn.Adam(net, { learningRate: 0.05 });
 * net.zeroGrad();
 * net.backward(nn.bceWithLogits(net.forward([[0, 1], [1, 1]]), [[1], [0]]).grad);
 * opt.step();
 * ```
 */
export class MLP extends PieceBase implements Piece {
  /** widths [in, hidden…, out] */ readonly layers: readonly number[];
  /** hidden activation */ readonly activation: Activation;
  /** output activation */ readonly outputActivation: Activation;
  /** LeakyReLU's negative slope */ readonly leakySlope: number;
  /** dropout rate of the hidden layers in training mode */ readonly dropout: number;
  /** seed of initialisation and dropout */ readonly seed: number;
  /** weight initialisation */ readonly init: MLPInit;

  #count: number;
  #spec: Layer[] = [];
  #params: Tensor | null = null;
  #grads: Tensor | null = null;
  #rng: Rng | null = null;
  /** buffers of `cap` rows, and views of their first n rows for the current batch size */
  #full: Batch | null = null;
  #rows: Batch | null = null;
  #rec = new ForwardRecord('MLP');
  #forwardTrained = false;

  constructor(options: MLPOptions) {
    super();
    if (!options || typeof options !== 'object') throw new ValueError('options', 'an options object with layers', options);
    checkOptions(options, OPTIONS);
    const { layers } = options;
    if (!Array.isArray(layers) || layers.length < 2 || !layers.every((v) => Number.isInteger(v) && v >= 1))
      throw new ValueError('options.layers', 'an array of at least 2 positive integer widths [in, …, out]', layers);
    const act = options.activation ?? 'relu';
    const outAct = options.outputActivation ?? 'identity';
    if (!(act in ACTIVATIONS)) throw new ValueError('options.activation', Object.keys(ACTIVATIONS).join(' | '), act);
    if (!(outAct in ACTIVATIONS)) throw new ValueError('options.outputActivation', Object.keys(ACTIVATIONS).join(' | '), outAct);
    const slope = options.leakySlope ?? 0.01;
    if (!(typeof slope === 'number' && slope > 0 && slope < 1)) throw new ValueError('options.leakySlope', 'a number in (0, 1)', slope);
    const dropout = options.dropout ?? 0;
    if (!(typeof dropout === 'number' && dropout >= 0 && dropout < 1)) throw new ValueError('options.dropout', 'a rate in [0, 1)', dropout);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValueError('options.seed', 'an integer in [0, 2³²)', seed);
    const init = options.init ?? 'auto';
    if (!['auto', 'he', 'glorot', 'uniform'].includes(init)) throw new ValueError('options.init', "'auto' | 'he' | 'glorot' | 'uniform'", init);
    this.layers = Object.freeze([...layers]);
    this.activation = act;
    this.outputActivation = outAct;
    this.leakySlope = slope;
    this.dropout = dropout;
    this.seed = seed;
    this.init = init;
    let off = 0;
    const shapes: { nin: number; nout: number; w: number; b: number; act: number }[] = [];
    for (let l = 0; l + 1 < layers.length; l++) {
      const nin = layers[l]!, nout = layers[l + 1]!;
      shapes.push({ nin, nout, w: off, b: off + nin * nout, act: ACTIVATIONS[l + 2 === layers.length ? outAct : act] });
      off += nin * nout + nout;
    }
    this.#count = off;
    try {
      const params = (this.#params = Tensor.empty(1, off));
      const grads = (this.#grads = Tensor.empty(1, off));
      this.#rng = Rng.create(seed);
      this.#spec = shapes.map((L) => ({
        ...L,
        W: params.viewFlat(L.w, L.nin, L.nout),
        bias: params.viewFlat(L.b, 1, L.nout),
        dW: grads.viewFlat(L.w, L.nin, L.nout),
        db: grads.viewFlat(L.b, 1, L.nout),
      }));
      this.#initialise();
      W.fill(grads, 0);
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  #initialise() {
    const rng = this.#rng!;
    const reluLike = this.activation === 'relu' || this.activation === 'leaky_relu';
    for (const L of this.#spec) {
      if (this.init === 'uniform') {
        const lim = 1 / Math.sqrt(L.nin);
        W.randomUniform(L.W, -lim, lim, rng);
        W.randomUniform(L.bias, -lim, lim, rng);
        continue;
      }
      if (this.init === 'he' || (this.init === 'auto' && reluLike)) W.randomNormal(L.W, 0, Math.sqrt(2 / L.nin), rng);
      else {
        const lim = Math.sqrt(6 / (L.nin + L.nout));
        W.randomUniform(L.W, -lim, lim, rng);
      }
      W.fill(L.bias, 0);
    }
  }

  /** Number of trainable values. */
  get parameterCount(): number {
    return this.#count;
  }

  /** Live view of all parameters (per layer: W row-major nin×nout, then b). */
  get parameters(): Float32Array {
    this.live();
    return this.#params!.data;
  }

  /** Live view of the accumulated gradients, same layout as `parameters`. */
  get gradients(): Float32Array {
    this.live();
    return this.#grads!.data;
  }

  /** Offsets of each layer's W and b inside `parameters` / `gradients`. */
  get layout(): { weights: number; bias: number; inputs: number; outputs: number }[] {
    return this.#spec.map((L) => ({ weights: L.w, bias: L.b, inputs: L.nin, outputs: L.nout }));
  }

  /** @internal */
  _parameterBlocks(): { params: Tensor; grads: Tensor } {
    this.live();
    return { params: this.#params!, grads: this.#grads! };
  }

  /** Sets every parameter gradient to 0 (backward accumulates: call it before each step). */
  zeroGrad(): void {
    this.live();
    W.fill(this.#grads!, 0);
  }

  /** Batch buffers of at least n rows, and views of their first n rows. */
  #batch(n: number): Batch {
    if (this.#rows?.n === n) return this.#rows;
    if (!this.#full || n > this.#full.n) {
      this.#freeBatch('the MLP reallocated its buffers for a larger batch');
      const full: Batch = (this.#full = { n, acts: [], grads: [], dropped: [], masks: [] });
      const useDrop = this.dropout > 0;
      this.layers.forEach((w, l) => {
        const hidden = l > 0 && l < this.layers.length - 1;
        full.acts.push(Tensor.empty(n, w));
        full.grads.push(Tensor.empty(n, w));
        full.dropped.push(useDrop && hidden ? Tensor.empty(n, w) : null);
        full.masks.push(useDrop && hidden ? Tensor.empty(n, w) : null);
      });
    }
    const f = this.#full;
    const rows = (t: Tensor | null) => (t && n < f.n ? t.viewRows(0, n) : t);
    this.#rows = { n, acts: f.acts.map((t) => rows(t)!), grads: f.grads.map((t) => rows(t)!), dropped: f.dropped.map(rows), masks: f.masks.map(rows) };
    return this.#rows;
  }

  #freeBatch(why: string) {
    this.#rec.end(why);
    const f = this.#full;
    if (f) for (const list of [f.acts, f.grads, f.dropped, f.masks]) for (const t of list) t?.dispose();
    this.#full = this.#rows = null;
  }

  /**
   * Runs the network on a batch (rows are samples). Returns a view of the output buffer,
   * valid until the next forward, predict or dispose (reading it later throws
   * DisposedError); copy it (`toArray`, `toShaped`) to keep it.
   */
  forward(x: TensorInput): Tensor {
    return runForward(this._forwardPlan(x));
  }

  /**
   * forward(x) as a plan for lockstep runs beside other networks (nn/lockstep.ts): checks x and
   * takes it in; the caller runs each step's layer, then its `after`, in order, then finish()
   * (the output view). @internal
   */
  _forwardPlan(x: TensorInput): ForwardPlan {
    this.live();
    const xin = borrowTensor(x, 'x');
    try {
      if (xin.t.cols !== this.layers[0]) throw new ShapeError('x', `${this.layers[0]} columns (the network's input width)`, `${xin.t.cols} columns`);
      return this.#plan(xin.t, originOf(x));
    } finally {
      xin.release();
    }
  }

  /** The layers of a forward on a checked input (copied in now, so it may change after). */
  #plan(x: Tensor, origin: Lease | null, train = this.training): ForwardPlan {
    const n = x.rows;
    const B = this.#batch(n);
    W.copy(B.acts[0]!, x);
    this.#rec.begin([origin]);
    const drop = train && this.dropout > 0;
    let input = B.acts[0]!;
    const last = this.#spec.length - 1;
    const steps: ForwardStep[] = this.#spec.map((L, l) => {
      const out = B.acts[l + 1]!;
      const step: ForwardStep = { y: out, x: input, W: L.W, b: L.bias, act: L.act, slope: this.leakySlope };
      if (drop && l < last) {
        step.after = () => W.dropout(B.dropped[l + 1]!, B.masks[l + 1]!, out, this.dropout, this.#rng!);
        input = B.dropped[l + 1]!;
      } else input = out;
      return step;
    });
    return {
      steps,
      finish: () => {
        this.#forwardTrained = drop;
        return this.#rec.output(B.acts[last + 1]!, n);
      },
    };
  }

  /**
   * Backpropagates dY (gradient of the loss w.r.t. the last forward's output) through the
   * network. Parameter gradients ACCUMULATE (call zeroGrad between steps), or with
   * `{ parameterGradients: false }` are not computed at all (a frozen network: only the dX
   * products run). Returns dX as a view valid until the next forward (null with
   * `{ inputGradient: false }`). One backward per forward: a second one, or one whose
   * forward a later forward or predict overwrote, throws StaleForwardError.
   */
  backward(dY: TensorInput, options?: WithInputGradient): Tensor;
  backward(dY: TensorInput, options: WithoutInputGradient): null;
  backward(dY: TensorInput, options?: BackwardOptions): Tensor | null;
  backward(dY: TensorInput, options: BackwardOptions = {}): Tensor | null {
    return runBackward(this._backwardPlan(dY, options));
  }

  /** backward(dY, options) as a plan (see _forwardPlan): each step's `before`, then its layer. @internal */
  _backwardPlan(dY: TensorInput, options: BackwardOptions = {}): BackwardPlan {
    this.live();
    const flags = backwardFlags(options);
    this.#rec.check([dY]);
    const d = borrowTensor(dY, 'dY');
    const B = this.#rows!, n = B.n, last = this.#spec.length - 1;
    try {
      const out = this.layers[this.layers.length - 1]!;
      if (d.t.rows !== n || d.t.cols !== out) throw new ShapeError('dY', `${n}×${out} (the last forward's output)`, `${d.t.rows}×${d.t.cols}`);
      W.copy(B.grads[last + 1]!, d.t);
    } finally {
      d.release();
    }
    const wantDx = flags.input[0]!;
    const steps: BackwardStep[] = [];
    // frozen and no dX wanted: nothing to compute at all
    for (let l = last; l >= 0 && (wantDx || flags.parameters); l--) {
      const L = this.#spec[l]!;
      const g = B.grads[l + 1]!;
      const mask = this.#forwardTrained && l < last ? B.masks[l + 1]! : null;
      steps.push({
        dx: l > 0 || wantDx ? B.grads[l]! : null,
        dW: flags.parameters ? L.dW : null,
        db: flags.parameters ? L.db : null,
        dy: g,
        x: l > 0 && this.#forwardTrained ? B.dropped[l]! : B.acts[l]!,
        W: L.W,
        y: B.acts[l + 1]!,
        act: L.act,
        slope: this.leakySlope,
        ...(mask && { before: () => W.multiply(g, g, mask) }),
      });
    }
    return {
      steps,
      finish: () => {
        this.#rec.backwardDone();
        return wantDx ? this.#rec.gradient(B.grads[0]!, n) : null;
      },
    };
  }

  /**
   * Inference on any number of rows in eval mode (dropout off), in chunks. Returns a
   * JS-owned copy. It reuses the forward buffers, so it ends the last forward: views from it
   * die and its backward can no longer run.
   */
  predict(x: TensorInput, options: PredictOptions = {}): FloatResult {
    const { batchSize } = checkOptions(options, ['batchSize'], 'predict options');
    if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1)) throw new ValueError('predict options.batchSize', 'a positive integer', batchSize);
    return this.#evaluate(x, this.#spec.length, batchSize);
  }

  /** Output of hidden layer `index` (0-based, default the last hidden layer) for the rows of x, eval mode. */
  hidden(x: TensorInput, index = this.layers.length - 3): FloatResult {
    this.live();
    if (!Number.isInteger(index) || index < 0 || index > this.layers.length - 3)
      throw new ValueError('index', `a hidden layer index in 0..${this.layers.length - 3}`, index);
    return this.#evaluate(x, index + 1);
  }

  /** Runs x through the network in eval mode, chunk by chunk, copying out acts[layer]. */
  #evaluate(x: TensorInput, layer: number, batchSize?: number): FloatResult {
    this.live();
    const xin = borrowTensor(x, 'x');
    const why = 'predict() or hidden() reused the forward buffers';
    try {
      const n = xin.t.rows, d = xin.t.cols, w = this.layers[layer]!;
      if (d !== this.layers[0]) throw new ShapeError('x', `${this.layers[0]} columns (the network's input width)`, `${d} columns`);
      const bs = Math.max(1, Math.min(n, batchSize ?? Math.max(this.#full?.n ?? 0, 1024)));
      const result = new Float32Array(n * w);
      this.#rec.end(why);
      try {
        for (let s = 0; s < n; s += bs) {
          const m = Math.min(bs, n - s);
          runForward(this.#plan(m === n ? xin.t : xin.t.viewRows(s, m), null, false));
          result.set(this.#rows!.acts[layer]!.data, s * w);
        }
      } finally {
        this.#rec.end(why);
      }
      return { data: result, rows: n, cols: w };
    } finally {
      xin.release();
    }
  }

  /** 16 bytes of PRNG state (for exact resumption). @internal */
  _rngState(): Uint8Array {
    this.live();
    return this.#rng!.state;
  }

  /** @internal */
  _setRngState(bytes: Uint8Array): void {
    this.live();
    this.#rng!.state = bytes;
  }

  /** Frees every wasm buffer; any later use throws DisposedError. */
  dispose(): void {
    if (!this.markDisposed()) return;
    this.#freeBatch('the MLP was disposed');
    this.#params?.dispose();
    this.#grads?.dispose();
    this.#rng?.dispose();
    this.#params = this.#grads = this.#rng = null;
  }

  /**
   * Versioned plain object: architecture, parameters as base64 little-endian f32 with a
   * CRC-32, and the PRNG state; pass `{ optimizer }` to include the optimiser's state so
   * training resumes exactly (restore it with `nn.optimizerFromJSON`).
   */
  toJSON(options?: MLPToJSONOptions | string): Record<string, unknown> {
    return mlpToJSON(this, options);
  }

  /**
   * The MLP equal to a PyTorch `nn.Sequential` of `nn.Linear` layers with an activation
   * module between them (names `${prefix}0.weight`, `${prefix}0.bias`, `${prefix}2.weight`, …;
   * weights out × in; gaps in the indices are the parameter-free modules). Widths come from
   * the shapes; the activations are stated in the options, since the file does not hold them
   * (python/crossmodal_torch.py's `mlp()` builds the matching Sequential). Every Linear
   * needs its bias. F64 tensors are rounded to f32. FormatError for a name under the prefix
   * that is not a Linear parameter, no tensor under the prefix, a missing weight or bias, a
   * shape that breaks the chain, or a non-finite value.
   *
   * @example
   * const net = MLP.fromTorch(nn.readSafetensors(bytes), { activation: 'leaky_relu', outputActivation: 'tanh' });
   */
  static fromTorch(tensors: TorchTensors, options: MLPFromTorchOptions = {}): MLP {
    const { prefix = '', activation = 'relu', outputActivation, leakySlope } = checkOptions(options, ['prefix', 'activation', 'outputActivation', 'leakySlope']);
    checkTensors(tensors);
    if (typeof prefix !== 'string') throw new ValueError('options.prefix', "a string such as 'encoder.'", prefix);
    if (!(typeof activation === 'string' && activation in ACTIVATIONS)) throw new ValueError('options.activation', Object.keys(ACTIVATIONS).join(' | '), activation);
    const { layers, params } = linearChain(tensors, prefix, activation);
    const net = new MLP({ layers, activation, outputActivation, leakySlope });
    net.parameters.set(params);
    return net;
  }

  /** Rebuilds an MLP from toJSON() output, validating everything (FormatError otherwise). */
  static fromJSON(json: unknown): MLP {
    return mlpFromJSON(json, (o) => new MLP(o as unknown as MLPOptions));
  }
}

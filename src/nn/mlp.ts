/**
 * MLP: a stack of dense layers with hand-written backprop (kernels in assembly/dense.ts).
 * Parameters live in ONE contiguous f32 buffer (per layer: W nin×nout row-major, then b),
 * gradients in a second buffer of the same layout, so optimisers are one flat loop.
 *
 * forward(x) caches what backward needs; backward(dY) accumulates into the gradients and
 * returns dX, so models can chain networks and backprop a loss computed elsewhere.
 * Batch buffers grow to the largest batch seen and are then reused: after the first step,
 * training allocates nothing.
 */
import { alloc, free, heapF32, kernels } from '../wasm/module.js';
import type { Ptr } from '../wasm/api.js';
import { Tensor, borrowTensor, type TensorInput } from './tensor.js';
import { FormatError, NotFittedError, ShapeError, ValueError } from '../errors.js';
import { crc32 } from './codec.js';
import { decodeF32, encodeF32, readEnvelope } from '../serialize.js';

export type Activation = 'identity' | 'relu' | 'leaky_relu' | 'sigmoid' | 'tanh';
export type MLPInit = 'auto' | 'he' | 'glorot' | 'uniform';
export const ACTIVATIONS: Record<Activation, number> = { identity: 0, relu: 1, leaky_relu: 2, sigmoid: 3, tanh: 4 };

export interface MLPOptions {
  /** widths [in, hidden…, out] */
  layers: number[];
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
   *  'uniform' (weights and biases uniform ±1/√fan_in, PyTorch's nn.Linear default) */
  init?: MLPInit;
  /** seed of the in-wasm PRNG for initialisation and dropout (default 0) */
  seed?: number;
}

interface Layer {
  nin: number;
  nout: number;
  /** element offsets of W and b in the parameter buffer */
  w: number;
  b: number;
  act: number;
}

const FORMAT = 'crossmodal.MLP';

export class MLP {
  readonly layers: readonly number[];
  readonly activation: Activation;
  readonly outputActivation: Activation;
  readonly leakySlope: number;
  readonly dropout: number;
  readonly seed: number;
  readonly init: MLPInit;
  /** dropout active in forward (train mode) */
  training = true;

  #spec: Layer[];
  #count: number;
  #params: Ptr = 0;
  #grads: Ptr = 0;
  #rng: Ptr = 0;
  #cap = 0;
  #n = 0;
  /** acts[0] = input copy, acts[l+1] = output of layer l (before dropout) */
  #acts: Ptr[] = [];
  /** dropped[l+1] = acts[l+1] ⊙ mask[l+1] for hidden layers when dropout > 0 */
  #dropped: Ptr[] = [];
  #masks: Ptr[] = [];
  /** grads[l] = gradient w.r.t. acts[l] (grads[0] = dX) */
  #gbuf: Ptr[] = [];
  #forwardTrained = false;
  #forwardDone = false;

  constructor(options: MLPOptions) {
    if (!options || typeof options !== 'object') throw new ValueError('options', 'an options object with layers', options);
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
    this.#spec = [];
    let off = 0;
    for (let l = 0; l + 1 < layers.length; l++) {
      const nin = layers[l]!, nout = layers[l + 1]!;
      this.#spec.push({ nin, nout, w: off, b: off + nin * nout, act: ACTIVATIONS[l + 2 === layers.length ? outAct : act] });
      off += nin * nout + nout;
    }
    this.#count = off;
    try {
      this.#params = alloc(off * 4);
      this.#grads = alloc(off * 4);
      this.#rng = alloc(16);
      kernels().rng_seed(this.#rng, seed);
      this.#initialise();
      this.zeroGrad();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  #initialise() {
    const K = kernels();
    const reluLike = this.activation === 'relu' || this.activation === 'leaky_relu';
    for (const L of this.#spec) {
      const he = this.init === 'he' || (this.init === 'auto' && reluLike);
      const wp = this.#params + L.w * 4, bp = this.#params + L.b * 4;
      if (this.init === 'uniform') {
        const lim = 1 / Math.sqrt(L.nin);
        K.rng_uniform_f32(wp, L.nin * L.nout, -lim, lim, this.#rng);
        K.rng_uniform_f32(bp, L.nout, -lim, lim, this.#rng);
        continue;
      }
      if (he) K.rng_normal_f32(wp, L.nin * L.nout, 0, Math.sqrt(2 / L.nin), this.#rng);
      else {
        const lim = Math.sqrt(6 / (L.nin + L.nout));
        K.rng_uniform_f32(wp, L.nin * L.nout, -lim, lim, this.#rng);
      }
      heapF32().fill(0, bp >>> 2, (bp >>> 2) + L.nout);
    }
  }

  /** Number of trainable values. */
  get parameterCount(): number {
    return this.#count;
  }

  /** Live view of all parameters (per layer: W row-major nin×nout, then b). */
  get parameters(): Float32Array {
    const p = this.#live(this.#params) >>> 2;
    return heapF32().subarray(p, p + this.#count);
  }

  /** Live view of the accumulated gradients, same layout as `parameters`. */
  get gradients(): Float32Array {
    const p = this.#live(this.#grads) >>> 2;
    return heapF32().subarray(p, p + this.#count);
  }

  /** Offsets of each layer's W and b inside `parameters` / `gradients`. */
  get layout(): { weights: number; bias: number; inputs: number; outputs: number }[] {
    return this.#spec.map((L) => ({ weights: L.w, bias: L.b, inputs: L.nin, outputs: L.nout }));
  }

  /** Pointers for optimisers. @internal */
  _buffers(): { params: Ptr; grads: Ptr; count: number } {
    return { params: this.#live(this.#params), grads: this.#live(this.#grads), count: this.#count };
  }

  /** Training mode: dropout on. Returns this. */
  train(): this {
    this.training = true;
    return this;
  }

  /** Evaluation mode: dropout off. Returns this. */
  eval(): this {
    this.training = false;
    return this;
  }

  zeroGrad(): void {
    const p = this.#live(this.#grads) >>> 2;
    heapF32().fill(0, p, p + this.#count);
  }

  #live(p: Ptr): Ptr {
    if (!p) throw new NotFittedError('this MLP has been disposed');
    return p;
  }

  #ensureCapacity(n: number) {
    if (n <= this.#cap) return;
    this.#freeBatch();
    const widths = this.layers;
    const useDrop = this.dropout > 0;
    for (let l = 0; l < widths.length; l++) {
      this.#acts.push(alloc(n * widths[l]! * 4));
      this.#gbuf.push(alloc(n * widths[l]! * 4));
      const hidden = l > 0 && l < widths.length - 1;
      this.#dropped.push(useDrop && hidden ? alloc(n * widths[l]! * 4) : 0);
      this.#masks.push(useDrop && hidden ? alloc(n * widths[l]! * 4) : 0);
    }
    this.#cap = n;
  }

  #freeBatch() {
    for (const list of [this.#acts, this.#gbuf, this.#dropped, this.#masks]) {
      for (const p of list) free(p);
      list.length = 0;
    }
    this.#cap = 0;
    this.#forwardDone = false;
  }

  /**
   * Runs the network on a batch (rows are samples). Returns a view of the output buffer,
   * valid until the next forward; copy it (`toArray`, `toShaped`) to keep it.
   */
  forward(x: TensorInput): Tensor {
    const xin = borrowTensor(x, 'x');
    try {
      const n = xin.t.rows;
      if (xin.t.cols !== this.layers[0]) throw new ShapeError('x', `${this.layers[0]} columns (the network's input width)`, `${xin.t.cols} columns`);
      this.#ensureCapacity(n);
      const K = kernels();
      heapF32().copyWithin(this.#acts[0]! >>> 2, xin.t.ptr >>> 2, (xin.t.ptr >>> 2) + n * xin.t.cols);
      const drop = this.training && this.dropout > 0;
      let input = this.#acts[0]!;
      const last = this.#spec.length - 1;
      for (let l = 0; l <= last; l++) {
        const L = this.#spec[l]!;
        const out = this.#acts[l + 1]!;
        K.dense_forward_f32(out, input, this.#params + L.w * 4, this.#params + L.b * 4, n, L.nin, L.nout, L.act, this.leakySlope);
        if (drop && l < last) {
          K.dropout_f32(this.#dropped[l + 1]!, this.#masks[l + 1]!, out, n * L.nout, this.dropout, this.#rng);
          input = this.#dropped[l + 1]!;
        } else input = out;
      }
      this.#n = n;
      this.#forwardTrained = drop;
      this.#forwardDone = true;
      return Tensor.view(this.#acts[this.#spec.length]!, n, this.layers[this.layers.length - 1]!);
    } finally {
      xin.release();
    }
  }

  /**
   * Backpropagates dY (gradient of the loss w.r.t. the last forward's output) through the
   * network: gradients are ACCUMULATED (call zeroGrad between steps) and dX is returned as
   * a view valid until the next call (null with `{ inputGradient: false }`).
   */
  backward(dY: TensorInput, options: { inputGradient?: boolean } = {}): Tensor | null {
    if (!this.#forwardDone) throw new NotFittedError('backward: call forward(x) first');
    const d = borrowTensor(dY, 'dY');
    try {
      const n = this.#n, out = this.layers[this.layers.length - 1]!;
      if (d.t.rows !== n || d.t.cols !== out) throw new ShapeError('dY', `${n}×${out} (the last forward's output)`, `${d.t.rows}×${d.t.cols}`);
      const K = kernels();
      const last = this.#spec.length - 1;
      heapF32().copyWithin(this.#gbuf[last + 1]! >>> 2, d.t.ptr >>> 2, (d.t.ptr >>> 2) + n * out);
      const wantDx = options.inputGradient !== false;
      for (let l = last; l >= 0; l--) {
        const L = this.#spec[l]!;
        const g = this.#gbuf[l + 1]!;
        if (this.#forwardTrained && l < last) K.mul_f32(g, g, this.#masks[l + 1]!, n * L.nout);
        const x = l > 0 && this.#forwardTrained ? this.#dropped[l]! : this.#acts[l]!;
        const dx = l > 0 || wantDx ? this.#gbuf[l]! : 0;
        K.dense_backward_f32(dx, this.#grads + L.w * 4, this.#grads + L.b * 4, g, x, this.#params + L.w * 4, this.#acts[l + 1]!, n, L.nin, L.nout, L.act, this.leakySlope);
      }
      this.#forwardDone = false;
      return wantDx ? Tensor.view(this.#gbuf[0]!, n, this.layers[0]!) : null;
    } finally {
      d.release();
    }
  }

  /**
   * Inference on any number of rows in eval mode (dropout off), in chunks. Returns a
   * JS-owned copy. (It reuses the batch buffers: call it between steps, not between a
   * forward and its backward.)
   */
  predict(x: TensorInput, options: { batchSize?: number } = {}): { data: Float32Array; rows: number; cols: number } {
    return this.#evaluate(x, this.#spec.length, options.batchSize);
  }

  /** Output of hidden layer `index` (0-based, default the last hidden layer) for the rows of x, eval mode. */
  hidden(x: TensorInput, index = this.layers.length - 3): { data: Float32Array; rows: number; cols: number } {
    if (!Number.isInteger(index) || index < 0 || index > this.layers.length - 3)
      throw new ValueError('index', `a hidden layer index in 0..${this.layers.length - 3}`, index);
    return this.#evaluate(x, index + 1);
  }

  /** Runs x through the network in eval mode, chunk by chunk, copying out acts[layer]. */
  #evaluate(x: TensorInput, layer: number, batchSize?: number): { data: Float32Array; rows: number; cols: number } {
    const xin = borrowTensor(x, 'x');
    try {
      const n = xin.t.rows, d = xin.t.cols, w = this.layers[layer]!;
      if (d !== this.layers[0]) throw new ShapeError('x', `${this.layers[0]} columns (the network's input width)`, `${d} columns`);
      const bs = Math.max(1, Math.min(n, batchSize ?? Math.max(this.#cap, 1024)));
      const result = new Float32Array(n * w);
      const wasTraining = this.training;
      this.training = false;
      try {
        for (let s = 0; s < n; s += bs) {
          const m = Math.min(bs, n - s);
          this.forward(Tensor.view(xin.t.ptr + s * d * 4, m, d));
          const p = this.#acts[layer]! >>> 2;
          result.set(heapF32().subarray(p, p + m * w), s * w);
        }
      } finally {
        this.training = wasTraining;
        this.#forwardDone = false;
      }
      return { data: result, rows: n, cols: w };
    } finally {
      xin.release();
    }
  }

  /** 16 bytes of PRNG state (for exact resumption). @internal */
  _rngState(): Uint8Array {
    const p = this.#live(this.#rng);
    return new Uint8Array(heapF32().buffer, p, 16).slice();
  }

  _setRngState(bytes: Uint8Array): void {
    new Uint8Array(heapF32().buffer, this.#live(this.#rng), 16).set(bytes);
  }

  /** Frees every wasm buffer. */
  dispose(): void {
    this.#freeBatch();
    free(this.#params);
    free(this.#grads);
    free(this.#rng);
    this.#params = this.#grads = this.#rng = 0;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * Versioned plain object: architecture, parameters as base64 little-endian f32 with a
   * CRC-32, and the PRNG state; pass `{ optimizer }` to include the optimiser's state so
   * training resumes exactly (restore it with `nn.optimizerFromJSON`).
   */
  toJSON(options?: { optimizer?: { toJSON(): Record<string, unknown> } } | string): Record<string, unknown> {
    const params = this.parameters.slice();
    const out: Record<string, unknown> = {
      format: FORMAT,
      version: 1,
      layers: [...this.layers],
      activation: this.activation,
      outputActivation: this.outputActivation,
      leakySlope: this.leakySlope,
      dropout: this.dropout,
      init: this.init,
      seed: this.seed,
      parameters: encodeF32(params),
      crc32: crc32(params),
      rng: Array.from(this._rngState()),
    };
    if (typeof options === 'object' && options?.optimizer) out.optimizer = options.optimizer.toJSON();
    return out;
  }

  /** Rebuilds an MLP from toJSON() output, validating everything (FormatError otherwise). */
  static fromJSON(json: unknown): MLP {
    const o = readEnvelope(json, FORMAT, 1);
    let net: MLP;
    try {
      net = new MLP({
        layers: o.layers as number[],
        activation: o.activation as Activation,
        outputActivation: o.outputActivation as Activation,
        leakySlope: o.leakySlope as number,
        dropout: o.dropout as number,
        init: o.init as 'auto',
        seed: o.seed as number,
      });
    } catch (e) {
      throw new FormatError(`${FORMAT}: ${(e as Error).message}`);
    }
    try {
      const params = decodeF32(o.parameters, net.parameterCount, 'parameters');
      if (crc32(params) !== o.crc32) throw new FormatError(`parameters: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${crc32(params)}): the file was altered or truncated`);
      net.parameters.set(params);
      const rng = o.rng;
      if (!Array.isArray(rng) || rng.length !== 16 || !rng.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) throw new FormatError('rng: expected 16 bytes');
      net._setRngState(Uint8Array.from(rng as number[]));
      return net;
    } catch (e) {
      net.dispose();
      throw e;
    }
  }
}

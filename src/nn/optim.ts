/**
 * Optimisers over a group of pieces: each step is one flat wasm loop per piece's parameter
 * buffer (assembly/optim.ts). Optional clipping by the global gradient norm of the whole
 * group runs first. A GAN has two groups (generator, discriminator) and two optimisers; an
 * autoencoder one group of all its networks.
 */
import * as W from '../wasm/index.js';
import { Tensor } from '../wasm/index.js';
import { FormatError, ValueError, described } from '../errors.js';
import { Disposable } from '../lifecycle.js';
import { checkOptions } from '../options.js';
import { crc32, decodeF32, encodeF32 } from '../serialize.js';
import type { Piece } from './piece.js';

/** Options every optimiser takes. */
export interface OptimizerOptions {
  /** step size (default 1e-3; SGD 0.01) */
  learningRate?: number;
  /** L2 weight decay (default 0; AdamW 0.01, decoupled) */
  weightDecay?: number;
  /** clip the gradients' global L2 norm (over the whole group) to this value before each step (default: off) */
  maxGradNorm?: number;
}

/** Options of nn.SGD. */
export interface SGDOptions extends OptimizerOptions {
  /** momentum factor (default 0) */
  momentum?: number;
  /** Nesterov momentum (default false) */
  nesterov?: boolean;
}

/** Options of nn.Adam and nn.AdamW. */
export interface AdamOptions extends OptimizerOptions {
  /** decay of the first moment (default 0.9) */
  beta1?: number;
  /** decay of the second moment (default 0.999) */
  beta2?: number;
  /** added to the second moment's root (default 1e-8) */
  eps?: number;
}

const BASE_OPTIONS = ['learningRate', 'weightDecay', 'maxGradNorm'] as const satisfies readonly (keyof OptimizerOptions)[];
const SGD_OPTIONS = [...BASE_OPTIONS, 'momentum', 'nesterov'] as const satisfies readonly (keyof SGDOptions)[];
const ADAM_OPTIONS = [...BASE_OPTIONS, 'beta1', 'beta2', 'eps'] as const satisfies readonly (keyof AdamOptions)[];

/** What an optimiser steps (one piece or a group) and a checkpoint keeps. */
export type Trainable = Pick<Piece, 'parameterCount' | 'zeroGrad' | '_parameterBlocks'> & Partial<Pick<Piece, '_rngState' | '_setRngState'>>;

function num(name: string, v: unknown, lo: number, hi: number, dflt: number, loOpen = false): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !(loOpen ? v > lo : v >= lo) || !(v < hi || (hi === Infinity && Number.isFinite(v))))
    throw new ValueError(name, `a number in ${loOpen ? '(' : '['}${lo}, ${hi})`, v);
  return v;
}

/** One piece's parameters and the optimiser's state for them. */
interface Segment {
  piece: Trainable;
  count: number;
  /** moment buffers (1×count), one per slot */
  state: Tensor[];
}

/**
 * What SGD, Adam and AdamW share: `step()` updates the parameters of a group of pieces from
 * their accumulated gradients (clipped first when maxGradNorm is set); `toJSON()` keeps the
 * state, `optimizerFromJSON` restores it; `dispose()` frees the moment buffers.
 * @example
 * ```ts
 * const net = new nn.MLP({ layers: [2, 1] });
 * const opt: nn.Optimizer = new nn.Adam(net, { learningRate: 0.01 });
 * net.zeroGrad(); // then forward, a loss, backward
 * opt.step();
 * ```
 */
export abstract class Optimizer extends Disposable {
  /** the group this optimiser steps, in order */
  readonly pieces: readonly Trainable[];
  /** the step size (may be changed between steps, e.g. by a schedule) */
  learningRate: number;
  /** weight decay: L2 added to the gradient (SGD, Adam) or decoupled (AdamW) */
  readonly weightDecay: number;
  /** the group's global gradient norm is clipped to this before each step (Infinity: off) */
  readonly maxGradNorm: number;
  /** steps taken */
  steps = 0;
  #segments: Segment[] = [];

  constructor(pieces: Trainable | Trainable[], options: OptimizerOptions, slots: number) {
    super();
    if (new.target === Optimizer) throw new ValueError('nn.Optimizer', 'a concrete optimiser: new nn.SGD, nn.Adam or nn.AdamW (pieces, options)', described('new nn.Optimizer(…)'));
    const list = Array.isArray(pieces) ? [...pieces] : [pieces];
    if (list.length === 0) throw new ValueError('pieces', 'a piece or a non-empty array of pieces', pieces);
    list.forEach((p, i) => {
      if (!p || typeof (p as Trainable)._parameterBlocks !== 'function') throw new ValueError(`pieces[${i}]`, 'a network piece (MLP, Concat, …)', p);
      if (list.indexOf(p) !== i) throw new ValueError(`pieces[${i}]`, 'each piece once', described(`the same piece as pieces[${list.indexOf(p)}]`));
      p._parameterBlocks(); // a disposed piece throws DisposedError here, before anything is allocated
    });
    if (options === null || typeof options !== 'object') throw new ValueError('options', 'an options object', options);
    this.pieces = Object.freeze(list);
    this.learningRate = num('options.learningRate', options.learningRate, 0, Infinity, 1e-3, true);
    this.weightDecay = num('options.weightDecay', options.weightDecay, 0, Infinity, 0);
    this.maxGradNorm = num('options.maxGradNorm', options.maxGradNorm, 0, Infinity, Infinity, true);
    if (list.every((p) => p.parameterCount === 0)) throw new ValueError('pieces', 'at least one piece with parameters', described('pieces with none'));
    try {
      for (const piece of list) {
        if (piece.parameterCount === 0) continue;
        const seg: Segment = { piece, count: piece.parameterCount, state: [] };
        this.#segments.push(seg);
        for (let i = 0; i < slots; i++) {
          const t = Tensor.empty(1, seg.count);
          seg.state.push(t);
          W.fill(t, 0);
        }
      }
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The moment buffers of every piece, in group order, and the step count. @internal */
  _state(): { blocks: Tensor[]; steps: number } {
    this.live();
    return { blocks: this.#segments.flatMap((s) => s.state), steps: this.steps };
  }

  /** Total number of values stepped. */
  get parameterCount(): number {
    return this.#segments.reduce((s, g) => s + g.count, 0);
  }

  /** Calls fn(params, grads, state) for every piece with parameters, in group order. */
  protected eachSegment(fn: (params: Tensor, grads: Tensor, state: Tensor[]) => void): void {
    for (const seg of this.#segments) {
      const { params, grads } = seg.piece._parameterBlocks()!;
      fn(params, grads, seg.state);
    }
  }

  /** The global L2 norm of the group's gradients (before clipping). */
  gradNorm(): number {
    this.live();
    let total = 0;
    this.eachSegment((_, g) => (total += W.sumSquares(g)));
    return Math.sqrt(total);
  }

  /** Applies one update from the accumulated gradients. Returns the gradient norm when clipping is on. */
  step(): number | undefined {
    this.live();
    let norm: number | undefined;
    if (this.maxGradNorm !== Infinity) {
      norm = this.gradNorm();
      const scale = this.maxGradNorm / (norm + 1e-6);
      if (norm > this.maxGradNorm) this.eachSegment((_, g) => W.scaleBy(g, scale));
    }
    this.steps++;
    this.eachSegment((p, g, state) => this.update(p, g, state));
    return norm;
  }

  /** Zeroes the gradients of every piece in the group. */
  zeroGrad(): void {
    this.live();
    for (const p of this.pieces) p.zeroGrad();
  }

  protected abstract update(params: Tensor, grads: Tensor, state: Tensor[]): void;
  protected abstract get kind(): string;
  protected abstract options(): Record<string, unknown>;

  /** State for exact resumption: per slot, the moments of every piece in group order, as base64 f32 with CRC-32. */
  toJSON(): Record<string, unknown> {
    this.live();
    const slots = (this.#segments[0]?.state ?? []).map((_, s) => {
      const v = new Float32Array(this.parameterCount);
      let off = 0;
      for (const seg of this.#segments) {
        v.set(seg.state[s]!.data, off);
        off += seg.count;
      }
      return { data: encodeF32(v), crc32: crc32(v) };
    });
    return { type: this.kind, options: this.options(), steps: this.steps, slots };
  }

  /** Loads the state written by toJSON (the same group of pieces). @internal */
  _load(o: Record<string, unknown>): void {
    this.live();
    const slots = o.slots as { data: unknown; crc32: unknown }[];
    const want = this.#segments[0]?.state.length ?? 0;
    if (!Array.isArray(slots) || slots.length !== want) throw new FormatError(`optimizer.slots: expected ${want} buffers`);
    if (!Number.isInteger(o.steps) || (o.steps as number) < 0) throw new FormatError('optimizer.steps: expected a non-negative integer');
    const decoded = slots.map((s, i) => {
      const v = decodeF32(s?.data, this.parameterCount, `optimizer.slots[${i}]`);
      if (crc32(v) !== s.crc32) throw new FormatError(`optimizer.slots[${i}]: checksum mismatch: the file was altered or truncated`);
      return v;
    });
    decoded.forEach((v, s) => {
      let off = 0;
      for (const seg of this.#segments) {
        seg.state[s]!.data.set(v.subarray(off, off + seg.count));
        off += seg.count;
      }
    });
    this.steps = o.steps as number;
  }

  dispose(): void {
    if (!this.markDisposed()) return;
    for (const seg of this.#segments) for (const t of seg.state) t.dispose();
    this.#segments = [];
  }
}

/**
 * SGD with momentum (and Nesterov), L2 weight decay.
 * @example
 * ```ts
 * const net = new nn.MLP({ layers: [2, 8, 1] });
 * const opt = new nn.SGD(net, { learningRate: 0.1, momentum: 0.9 });
 * net.zeroGrad();
 * const grad = nn.mse(net.forward([[0, 1]]), [[1]]).grad;
 * net.backward(grad);
 * opt.step();
 * ```
 */
export class SGD extends Optimizer {
  /** momentum factor (0: plain SGD) */
  readonly momentum: number;
  /** Nesterov momentum */
  readonly nesterov: boolean;
  constructor(pieces: Trainable | Trainable[], options: SGDOptions = {}) {
    super(pieces, { learningRate: 0.01, ...checkOptions(options, SGD_OPTIONS) }, 1);
    this.momentum = num('options.momentum', options.momentum, 0, 1, 0);
    this.nesterov = !!options.nesterov;
  }
  protected get kind() {
    return 'sgd';
  }
  protected options() {
    return { learningRate: this.learningRate, weightDecay: this.weightDecay, maxGradNorm: this.maxGradNorm === Infinity ? undefined : this.maxGradNorm, momentum: this.momentum, nesterov: this.nesterov };
  }
  protected update(p: Tensor, g: Tensor, state: Tensor[]): void {
    W.sgdStep(p, g, state[0]!, this.learningRate, this.momentum, this.weightDecay, this.nesterov);
  }
}

/**
 * Adam (Kingma & Ba) with bias correction; weightDecay is L2 added to the gradient.
 * @example
 * ```ts
 * const net = new nn.MLP({ layers: [2, 16, 1], activation: 'tanh', seed: 1 });
 * const opt = new nn.Adam(net, { learningRate: 0.05 });
 * net.zeroGrad();
 * net.backward(nn.bceWithLogits(net.forward([[0, 1]]), [[1]]).grad);
 * opt.step();
 * ```
 */
export class Adam extends Optimizer {
  /** decay of the first moment */
  readonly beta1: number;
  /** decay of the second moment */
  readonly beta2: number;
  /** added to the second moment's root */
  readonly eps: number;
  protected readonly decoupled: boolean = false;
  constructor(pieces: Trainable | Trainable[], options: AdamOptions = {}) {
    super(pieces, checkOptions(options, ADAM_OPTIONS), 2);
    this.beta1 = num('options.beta1', options.beta1, 0, 1, 0.9);
    this.beta2 = num('options.beta2', options.beta2, 0, 1, 0.999);
    this.eps = num('options.eps', options.eps, 0, Infinity, 1e-8, true);
  }
  protected get kind() {
    return 'adam';
  }
  protected options() {
    return { learningRate: this.learningRate, weightDecay: this.weightDecay, maxGradNorm: this.maxGradNorm === Infinity ? undefined : this.maxGradNorm, beta1: this.beta1, beta2: this.beta2, eps: this.eps };
  }
  protected update(p: Tensor, g: Tensor, state: Tensor[]): void {
    W.adamStep(p, g, state[0]!, state[1]!, this.learningRate, this.beta1, this.beta2, this.eps, this.weightDecay, this.decoupled, this.steps);
  }
}

/**
 * AdamW (Loshchilov & Hutter): decoupled weight decay (default 0.01).
 * @example
 * ```ts
 * const net = new nn.MLP({ layers: [4, 8, 2] });
 * const opt = new nn.AdamW(net, { learningRate: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;
  constructor(pieces: Trainable | Trainable[], options: AdamOptions = {}) {
    super(pieces, { weightDecay: 0.01, ...checkOptions(options, ADAM_OPTIONS) });
  }
  protected override get kind() {
    return 'adamw';
  }
}

/**
 * Rebuilds an optimiser saved with `net.toJSON({ optimizer })` (or `optimizer.toJSON()`)
 * for that (restored) piece or group, in the same order. Returns null when the JSON holds
 * no optimiser; throws FormatError when it is malformed.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(net.toJSON({ optimizer: opt }));
 * const net2 = nn.MLP.fromJSON(saved);
 * const opt2 = nn.optimizerFromJSON(saved, net2); // training resumes exactly
 * ```
 */
export function optimizerFromJSON(json: unknown, pieces: Trainable | Trainable[]): Optimizer | null {
  let o: unknown = json;
  if (typeof json === 'string') {
    try {
      o = JSON.parse(json);
    } catch (e) {
      throw new FormatError(`optimizer: not valid JSON (${(e as Error).message})`);
    }
  }
  const rec = o as Record<string, unknown> | null;
  const state = (rec && typeof rec === 'object' && 'optimizer' in rec ? rec.optimizer : rec) as Record<string, unknown> | undefined | null;
  if (!state) return null;
  if (typeof state !== 'object') throw new FormatError('optimizer: expected an object');
  const opts = (state.options ?? {}) as Record<string, unknown>;
  let opt: Optimizer;
  try {
    if (state.type === 'sgd') opt = new SGD(pieces, opts);
    else if (state.type === 'adam') opt = new Adam(pieces, opts);
    else if (state.type === 'adamw') opt = new AdamW(pieces, opts);
    else throw new FormatError(`optimizer.type: expected 'sgd' | 'adam' | 'adamw', found ${JSON.stringify(state.type)}`);
  } catch (e) {
    throw e instanceof FormatError ? e : new FormatError(`optimizer.options: ${(e as Error).message}`);
  }
  try {
    opt._load(state);
  } catch (e) {
    opt.dispose();
    throw e;
  }
  return opt;
}

/**
 * Optimisers over an MLP's contiguous parameter buffer: each step is one flat wasm loop
 * (assembly/optim.ts). Optional gradient clipping by global norm runs first.
 */
import { alloc, free, heapF32, kernels } from '../wasm/module.js';
import type { Ptr } from '../wasm/api.js';
import type { MLP } from './mlp.js';
import { FormatError, ValueError } from '../errors.js';
import { crc32 } from './codec.js';
import { decodeF32, encodeF32 } from '../serialize.js';

export interface OptimizerOptions {
  learningRate?: number;
  weightDecay?: number;
  /** clip the gradients' global L2 norm to this value before each step (default: off) */
  maxGradNorm?: number;
}

export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
}

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
}

function num(name: string, v: unknown, lo: number, hi: number, dflt: number, loOpen = false): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !(loOpen ? v > lo : v >= lo) || !(v < hi || (hi === Infinity && Number.isFinite(v))))
    throw new ValueError(name, `a number in ${loOpen ? '(' : '['}${lo}, ${hi})`, v);
  return v;
}

export abstract class Optimizer {
  readonly net: MLP;
  learningRate: number;
  readonly weightDecay: number;
  readonly maxGradNorm: number;
  /** steps taken */
  steps = 0;
  protected state: Ptr[] = [];

  constructor(net: MLP, options: OptimizerOptions, slots: number) {
    this.net = net;
    this.learningRate = num('options.learningRate', options.learningRate, 0, Infinity, 1e-3, true);
    this.weightDecay = num('options.weightDecay', options.weightDecay, 0, Infinity, 0);
    this.maxGradNorm = num('options.maxGradNorm', options.maxGradNorm, 0, Infinity, Infinity, true);
    const { count } = net._buffers();
    try {
      for (let i = 0; i < slots; i++) {
        const p = alloc(count * 4);
        heapF32().fill(0, p >>> 2, (p >>> 2) + count);
        this.state.push(p);
      }
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The global L2 norm of the gradients (before clipping). */
  gradNorm(): number {
    const { grads, count } = this.net._buffers();
    return Math.sqrt(kernels().sumsq_f32(grads, count));
  }

  /** Applies one update from the accumulated gradients. Returns the gradient norm when clipping is on. */
  step(): number | undefined {
    let norm: number | undefined;
    if (this.maxGradNorm !== Infinity) {
      norm = this.gradNorm();
      if (norm > this.maxGradNorm) {
        const { grads, count } = this.net._buffers();
        kernels().scale_f32(grads, count, this.maxGradNorm / (norm + 1e-6));
      }
    }
    this.steps++;
    this.update();
    return norm;
  }

  /** Zeroes the network's gradients. */
  zeroGrad(): void {
    this.net.zeroGrad();
  }

  protected abstract update(): void;
  protected abstract get kind(): string;
  protected abstract options(): Record<string, unknown>;

  /** State for exact resumption (moments as base64 f32 with CRC-32). */
  toJSON(): Record<string, unknown> {
    const { count } = this.net._buffers();
    const slots = this.state.map((p) => {
      const v = heapF32().slice(p >>> 2, (p >>> 2) + count);
      return { data: encodeF32(v), crc32: crc32(v) };
    });
    return { type: this.kind, options: this.options(), steps: this.steps, slots };
  }

  /** Loads the state written by toJSON (same network shape). @internal */
  _load(o: Record<string, unknown>): void {
    const { count } = this.net._buffers();
    const slots = o.slots as { data: unknown; crc32: unknown }[];
    if (!Array.isArray(slots) || slots.length !== this.state.length) throw new FormatError(`optimizer.slots: expected ${this.state.length} buffers`);
    if (!Number.isInteger(o.steps) || (o.steps as number) < 0) throw new FormatError('optimizer.steps: expected a non-negative integer');
    slots.forEach((s, i) => {
      const v = decodeF32(s?.data, count, `optimizer.slots[${i}]`);
      if (crc32(v) !== s.crc32) throw new FormatError(`optimizer.slots[${i}]: checksum mismatch: the file was altered or truncated`);
      heapF32().set(v, this.state[i]! >>> 2);
    });
    this.steps = o.steps as number;
  }

  dispose(): void {
    for (const p of this.state) free(p);
    this.state = [];
  }
}

/** SGD with momentum (and Nesterov), L2 weight decay. */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(net: MLP, options: SGDOptions = {}) {
    super(net, { learningRate: 0.01, ...options }, 1);
    this.momentum = num('options.momentum', options.momentum, 0, 1, 0);
    this.nesterov = !!options.nesterov;
  }
  protected get kind() {
    return 'sgd';
  }
  protected options() {
    return { learningRate: this.learningRate, weightDecay: this.weightDecay, maxGradNorm: this.maxGradNorm === Infinity ? undefined : this.maxGradNorm, momentum: this.momentum, nesterov: this.nesterov };
  }
  protected update(): void {
    const { params, grads, count } = this.net._buffers();
    kernels().sgd_f32(params, grads, this.state[0]!, count, this.learningRate, this.momentum, this.weightDecay, this.nesterov ? 1 : 0);
  }
}

/** Adam (Kingma & Ba) with bias correction; weightDecay is L2 added to the gradient. */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  protected readonly decoupled: number = 0;
  constructor(net: MLP, options: AdamOptions = {}) {
    super(net, options, 2);
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
  protected update(): void {
    const { params, grads, count } = this.net._buffers();
    kernels().adam_f32(params, grads, this.state[0]!, this.state[1]!, count, this.learningRate, this.beta1, this.beta2, this.eps, this.weightDecay, this.decoupled, this.steps);
  }
}

/** AdamW (Loshchilov & Hutter): decoupled weight decay (default 0.01). */
export class AdamW extends Adam {
  protected override readonly decoupled: number = 1;
  constructor(net: MLP, options: AdamOptions = {}) {
    super(net, { weightDecay: 0.01, ...options });
  }
  protected override get kind() {
    return 'adamw';
  }
}

/** Rebuilds an optimiser saved with `net.toJSON({ optimizer })` for that (restored) net. */
export function optimizerFromJSON(json: unknown, net: MLP): Optimizer | null {
  const o = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown>;
  const state = (o && typeof o === 'object' && 'optimizer' in o ? o.optimizer : o) as Record<string, unknown> | undefined;
  if (!state) return null;
  const opts = (state.options ?? {}) as Record<string, unknown>;
  let opt: Optimizer;
  try {
    if (state.type === 'sgd') opt = new SGD(net, opts);
    else if (state.type === 'adam') opt = new Adam(net, opts);
    else if (state.type === 'adamw') opt = new AdamW(net, opts);
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

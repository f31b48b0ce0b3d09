/** Indices: u32 (row indices) or i32 (class labels) vectors in wasm memory. */
import { alloc, heapU8 } from './module.js';
import type { Ptr } from './api.js';
import { ShapeError } from '../errors.js';
import { Block, INTERNAL } from './block.js';
import { Lease } from './lease.js';

export type IndexKind = 'u32' | 'i32';

/** A vector of u32 (row indices) or i32 (class labels) values in wasm memory. */
export class Indices extends Block {
  readonly length: number;
  readonly kind: IndexKind;

  private constructor(ptr: Ptr, length: number, kind: IndexKind, owned: boolean, leases: readonly Lease[], parent: Block | null = null) {
    super(INTERNAL, ptr, owned, leases, parent);
    this.length = length;
    this.kind = kind;
  }

  /** `length` uninitialised values. */
  static empty(length: number, kind: IndexKind = 'u32'): Indices {
    return new Indices(alloc(Math.max(1, length) * 4), length, kind, true, [new Lease('Indices')]);
  }

  /** A copy of `values` (already validated as integers of the kind). */
  static from(values: ArrayLike<number>, kind: IndexKind = 'u32'): Indices {
    const ix = Indices.empty(values.length, kind);
    ix.values.set(values);
    return ix;
  }

  /** A live typed-array view of the values. */
  get values(): Uint32Array | Int32Array {
    const buf = heapU8().buffer;
    return this.kind === 'u32' ? new Uint32Array(buf, this.base, this.length) : new Int32Array(buf, this.base, this.length);
  }

  toArray(): number[] {
    return Array.from(this.values);
  }

  /** Values start…start+count−1 as a view. */
  view(start: number, count: number): Indices {
    if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 1 && start + count <= this.length))
      throw new ShapeError('indices', `a range within 0..${this.length - 1}`, `${start}..${start + count - 1}`);
    return new Indices(this.base + start * 4, count, this.kind, false, this.leasesFor(), this);
  }
}

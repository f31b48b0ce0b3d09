/**
 * Dense2D: what Matrix (f64, matrix.ts) and Tensor (f32, tensor.ts) share, a row-major
 * rows×cols block with row stride `ld`, its element access and copies, and its views (rows,
 * a column block, a flat sub-buffer); with the allocation of such a block and the JS copy
 * through which one kind is read where the other is expected.
 */
import { alloc } from './module.js';
import type { Ptr } from './api.js';
import { ShapeError } from '../errors.js';
import { Block } from './block.js';
import type { Lease } from './lease.js';

export type ElementKind = 'f64' | 'f32';

/** Matrix and Tensor: a row-major rows×cols block with row stride `ld`. */
export abstract class Dense2D<A extends Float64Array | Float32Array> extends Block {
  /** the number of rows */
  readonly rows: number;
  /** the number of columns */
  readonly cols: number;
  /** row stride in elements: `cols`, except in a column-block view. @internal */
  readonly ld: number;
  /** provenance: the lease of the forward whose output these values are. @internal */
  origin: Lease | null = null;
  /**
   * provenance: these values are the gradient w.r.t. the output of that forward (set by the
   * losses and by backward). Writing through `data` or `set` clears it: the values may no
   * longer be that gradient. @internal
   */
  gradOf: Lease | null = null;
  abstract readonly kind: ElementKind;

  protected constructor(key: symbol, ptr: Ptr, rows: number, cols: number, ld: number, owned: boolean, leases: readonly Lease[], parent: Block | null = null) {
    super(key, ptr, owned, leases, parent);
    this.rows = rows;
    this.cols = cols;
    this.ld = ld;
  }

  protected abstract heap(): A;
  /** A view of this block. */
  protected abstract make(ptr: Ptr, rows: number, cols: number, ld: number, leases: readonly Lease[]): this;

  /** bytes per element */
  get elementSize(): 4 | 8 {
    return this.kind === 'f64' ? 8 : 4;
  }

  /** Rows are adjacent in memory (always, except in a column-block view of several rows). */
  get contiguous(): boolean {
    return this.ld === this.cols || this.rows === 1;
  }

  /**
   * A live typed-array view of the values (row-major). Re-read it after other allocations.
   * With a thread pool (init({ threads })) it views a SharedArrayBuffer: copy it
   * (`.data.slice()`, toShaped()) for APIs that refuse shared memory, such as crypto.subtle.
   */
  get data(): A {
    if (!this.contiguous) throw new ShapeError('data', 'a contiguous matrix (this is a column-block view: use toShaped())', `row stride ${this.ld} for ${this.cols} columns`);
    const p = this.base / this.elementSize;
    this.gradOf = null;
    return this.heap().subarray(p, p + this.rows * this.cols) as A;
  }

  /** The value at row i, column j (0-based; not bounds-checked). */
  get(i: number, j: number): number {
    return this.heap()[this.base / this.elementSize + i * this.ld + j]!;
  }

  /** Writes v at row i, column j (0-based; not bounds-checked). */
  set(i: number, j: number, v: number): void {
    this.gradOf = null;
    this.heap()[this.base / this.elementSize + i * this.ld + j] = v;
  }

  /** A JS copy as rows. */
  toArray(): number[][] {
    const h = this.heap(), p = this.base / this.elementSize;
    const out: number[][] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = Array.from(h.subarray(p + i * this.ld, p + i * this.ld + this.cols));
    return out;
  }

  /** A JS-owned copy `{ data, rows, cols }`. */
  toShaped(): { data: A; rows: number; cols: number } {
    const h = this.heap(), p = this.base / this.elementSize;
    if (this.contiguous) return { data: h.slice(p, p + this.rows * this.cols) as A, rows: this.rows, cols: this.cols };
    const data = new (h.constructor as new (n: number) => A)(this.rows * this.cols);
    for (let i = 0; i < this.rows; i++) data.set(h.subarray(p + i * this.ld, p + i * this.ld + this.cols), i * this.cols);
    return { data, rows: this.rows, cols: this.cols };
  }

  /** Rows start…start+count−1 as a view (valid while this block is). @internal */
  viewRows(start: number, count: number, lease?: Lease): this {
    if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 1 && start + count <= this.rows))
      throw new ShapeError('rows', `a range within 0..${this.rows - 1}`, `${start}..${start + count - 1}`);
    return this.make(this.base + start * this.ld * this.elementSize, count, this.cols, this.ld, this.leasesFor(lease));
  }

  /** Columns start…start+count−1 of every row as a (strided) view. @internal */
  viewCols(start: number, count: number, lease?: Lease): this {
    if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 1 && start + count <= this.cols))
      throw new ShapeError('cols', `a range within 0..${this.cols - 1}`, `${start}..${start + count - 1}`);
    return this.make(this.base + start * this.elementSize, this.rows, count, this.ld, this.leasesFor(lease));
  }

  /** A rows×cols contiguous view of the elements from `offset` on (a sub-buffer). @internal */
  viewFlat(offset: number, rows: number, cols: number, lease?: Lease): this {
    if (!this.contiguous || !(Number.isInteger(offset) && offset >= 0 && rows >= 1 && cols >= 1 && offset + rows * cols <= this.rows * this.cols))
      throw new ShapeError('offset', `a ${rows}×${cols} block within ${this.rows * this.cols} contiguous elements`, `offset ${offset}`);
    return this.make(this.base + offset * this.elementSize, rows, cols, cols, this.leasesFor(lease));
  }
}

/**
 * A Matrix or Tensor handed where the other kind is expected is read through a JS copy of
 * its values: its `data` is a view of wasm memory, which the allocation of the destination
 * may move (detaching the view). @internal (src/wasm only)
 */
export function plain(input: unknown): unknown {
  return input instanceof Dense2D ? input.toShaped() : input;
}

/** Allocates a rows×cols block of the kind. @internal (src/wasm only) */
export function allocDense(kind: ElementKind, rows: number, cols: number): Ptr {
  return alloc(Math.max(1, rows * cols) * (kind === 'f64' ? 8 : 4));
}

/**
 * The shared machinery of Matrix (f64) and Tensor (f32): a row-major rows×cols block of
 * wasm memory, its live typed-array view, copying in with validation, disposal and the
 * FinalizationRegistry safety net. A *view* (owned = false) points into a buffer owned by
 * someone else (a network's activations) and never frees it.
 */
import { alloc, free, heapF32, heapF64 } from '../wasm/module.js';
import type { Ptr } from '../wasm/api.js';
import { DisposedError, NonFiniteError, ShapeError, describe } from '../errors.js';

/** A flat array with its shape, row-major. */
export interface Shaped {
  data: Float64Array | Float32Array | ArrayLike<number>;
  rows: number;
  cols: number;
}

const registry = new FinalizationRegistry<Ptr>((ptr) => {
  try {
    free(ptr);
  } catch {
    /* module gone: nothing to free */
  }
});

export type ElementKind = 'f64' | 'f32';

export abstract class Dense2D<A extends Float64Array | Float32Array> {
  #ptr: Ptr;
  #owned: boolean;
  readonly rows: number;
  readonly cols: number;
  protected abstract readonly kind: ElementKind;

  protected constructor(ptr: Ptr, rows: number, cols: number, owned: boolean) {
    this.#ptr = ptr;
    this.#owned = owned;
    this.rows = rows;
    this.cols = cols;
    if (owned) registry.register(this, ptr, this);
  }

  /** Byte offset in wasm memory. @internal */
  get ptr(): Ptr {
    if (!this.#ptr) throw new DisposedError(`this ${this.constructor.name} has been disposed`);
    return this.#ptr;
  }

  /** A live typed-array view of the values (row-major). Re-read it after other allocations. */
  get data(): A {
    const shift = this.kind === 'f64' ? 3 : 2;
    const heap = (this.kind === 'f64' ? heapF64() : heapF32()) as A;
    const p = this.ptr >>> shift;
    return heap.subarray(p, p + this.rows * this.cols) as A;
  }

  get disposed(): boolean {
    return this.#ptr === 0;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  /** A JS copy as rows. */
  toArray(): number[][] {
    const d = this.data;
    const out: number[][] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = Array.from(d.subarray(i * this.cols, (i + 1) * this.cols));
    return out;
  }

  /** A JS-owned copy `{ data, rows, cols }`. */
  toShaped(): { data: A; rows: number; cols: number } {
    return { data: this.data.slice() as A, rows: this.rows, cols: this.cols };
  }

  /** Frees the wasm memory (views: just detaches). Safe to call twice. */
  dispose(): void {
    if (this.#ptr) {
      if (this.#owned) {
        registry.unregister(this);
        free(this.#ptr);
      }
      this.#ptr = 0;
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Allocates rows×cols elements of the kind. @internal */
export function allocElements(kind: ElementKind, rows: number, cols: number): Ptr {
  return alloc(Math.max(1, rows * cols) * (kind === 'f64' ? 8 : 4));
}

export function checkDims(name: string, v: number) {
  if (!Number.isInteger(v) || v < 1) throw new ShapeError(name, 'a positive integer', describe(v));
}

/**
 * Validates `input` (number[][] or { data, rows, cols }) and returns its shape and a writer
 * that copies the values into a typed array. Rejects ragged rows, empty input and
 * NaN/±Infinity with errors naming `name` and the first bad cell.
 */
export function readInput(input: unknown, name: string): { rows: number; cols: number; write(dst: Float64Array | Float32Array): void } {
  if (Array.isArray(input)) {
    const n = input.length;
    if (n === 0) throw new ShapeError(name, 'at least one row', '0 rows');
    const first = input[0];
    if (!Array.isArray(first) && !ArrayBuffer.isView(first)) throw new ShapeError(`${name}[0]`, 'an array of numbers', describe(first));
    const p = (first as ArrayLike<number>).length;
    if (p === 0) throw new ShapeError(`${name}[0]`, 'at least one column', '0 columns');
    for (let i = 1; i < n; i++) {
      const r = input[i];
      if ((!Array.isArray(r) && !ArrayBuffer.isView(r)) || (r as ArrayLike<number>).length !== p)
        throw new ShapeError(`${name}[${i}]`, `${p} columns (as ${name}[0]) — rows must not be ragged`, Array.isArray(r) ? `${r.length} columns` : describe(r));
    }
    for (let i = 0; i < n; i++) {
      const r = input[i] as ArrayLike<unknown>;
      for (let j = 0; j < p; j++) {
        const v = r[j];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new NonFiniteError(name, i, j, v as number);
      }
    }
    return {
      rows: n,
      cols: p,
      write(dst) {
        for (let i = 0; i < n; i++) dst.set(input[i] as ArrayLike<number>, i * p);
      },
    };
  }
  if (input && typeof input === 'object' && 'data' in input && 'rows' in input && 'cols' in input) {
    const { data, rows, cols } = input as Shaped;
    if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1)
      throw new ShapeError(name, 'at least one row and one column', `${describe(rows)}×${describe(cols)}`);
    if (!data || typeof (data as ArrayLike<number>).length !== 'number') throw new ShapeError(`${name}.data`, 'an array of numbers', describe(data));
    if (data.length !== rows * cols) throw new ShapeError(`${name}.data`, `${rows}×${cols} = ${rows * cols} values`, `${data.length} values`);
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new NonFiniteError(name, Math.floor(i / cols), i % cols, v);
    }
    return { rows, cols, write: (dst) => dst.set(data as ArrayLike<number>) };
  }
  throw new ShapeError(name, 'number[][], { data, rows, cols }, a Matrix or a Tensor', describe(input));
}

/**
 * Matrix: a dense row-major f64 matrix living in wasm memory. Create with `Matrix.from`
 * or `Matrix.zeros`, read with `toArray()` / `data`, free with `dispose()` (or `using`).
 * A FinalizationRegistry frees forgotten matrices as a safety net.
 */
import { allocF64, free, heapF64, kernels } from '../wasm/module.js';
import type { Ptr } from '../wasm/api.js';
import { DisposedError, NonFiniteError, ShapeError, describe } from '../errors.js';

/** A flat array with its shape, row-major. */
export interface Shaped {
  data: Float64Array | Float32Array | ArrayLike<number>;
  rows: number;
  cols: number;
}

/** Anything the high-level API accepts as a matrix. */
export type MatrixInput = Matrix | number[][] | Shaped;

const registry = new FinalizationRegistry<Ptr>((ptr) => {
  try {
    free(ptr);
  } catch {
    /* module gone: nothing to free */
  }
});

export class Matrix {
  #ptr: Ptr;
  readonly rows: number;
  readonly cols: number;

  private constructor(ptr: Ptr, rows: number, cols: number) {
    this.#ptr = ptr;
    this.rows = rows;
    this.cols = cols;
    registry.register(this, ptr, this);
  }

  /** An uninitialised rows×cols matrix (contents are whatever memory held). @internal */
  static alloc(rows: number, cols: number): Matrix {
    return new Matrix(allocF64(rows * cols), rows, cols);
  }

  /** A rows×cols matrix of zeros. */
  static zeros(rows: number, cols: number): Matrix {
    checkDims('rows', rows);
    checkDims('cols', cols);
    const m = Matrix.alloc(rows, cols);
    m.data.fill(0);
    return m;
  }

  /** The n×n identity. */
  static identity(n: number): Matrix {
    const m = Matrix.zeros(n, n);
    const d = m.data;
    for (let i = 0; i < n; i++) d[i * n + i] = 1;
    return m;
  }

  /**
   * Copies `input` (`number[][]`, `{ data, rows, cols }` or another Matrix) into wasm memory.
   * Rejects ragged rows, empty input and NaN/±Infinity with errors naming `name`.
   *
   * @example
   * const A = Matrix.from([[1, 2], [3, 4]]);
   * A.toArray(); // [[1, 2], [3, 4]]
   * A.dispose();
   */
  static from(input: MatrixInput, name = 'matrix'): Matrix {
    if (input instanceof Matrix) {
      const m = Matrix.alloc(input.rows, input.cols);
      m.data.set(input.data);
      return m;
    }
    if (Array.isArray(input)) return fromRows(input, name);
    if (input && typeof input === 'object' && 'data' in input && 'rows' in input && 'cols' in input) {
      const { data, rows, cols } = input;
      checkShape(name, rows, cols);
      if (!data || typeof (data as ArrayLike<number>).length !== 'number')
        throw new ShapeError(`${name}.data`, 'an array of numbers', describe(data));
      if (data.length !== rows * cols)
        throw new ShapeError(`${name}.data`, `${rows}×${cols} = ${rows * cols} values`, `${data.length} values`);
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new NonFiniteError(name, Math.floor(i / cols), i % cols, v);
      }
      const m = Matrix.alloc(rows, cols);
      m.data.set(data as ArrayLike<number>);
      return m;
    }
    throw new ShapeError(name, 'number[][], { data, rows, cols } or a Matrix', describe(input));
  }

  /** Byte offset in wasm memory. @internal */
  get ptr(): Ptr {
    if (!this.#ptr) throw new DisposedError('this Matrix has been disposed');
    return this.#ptr;
  }

  /** A live Float64Array view of the values (row-major). Re-read it after other allocations. */
  get data(): Float64Array {
    const p = this.ptr >>> 3;
    return heapF64().subarray(p, p + this.rows * this.cols);
  }

  get disposed(): boolean {
    return this.#ptr === 0;
  }

  get(i: number, j: number): number {
    return heapF64()[(this.ptr >>> 3) + i * this.cols + j]!;
  }

  set(i: number, j: number, v: number): void {
    heapF64()[(this.ptr >>> 3) + i * this.cols + j] = v;
  }

  /** A JS copy as rows. */
  toArray(): number[][] {
    const d = this.data;
    const out: number[][] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = Array.from(d.subarray(i * this.cols, (i + 1) * this.cols));
    return out;
  }

  /** A JS copy, row-major. */
  toFloat64Array(): Float64Array {
    return this.data.slice();
  }

  /** A JS-owned copy `{ data, rows, cols }`. */
  toShaped(): { data: Float64Array; rows: number; cols: number } {
    return { data: this.toFloat64Array(), rows: this.rows, cols: this.cols };
  }

  /** The transpose, as a new Matrix. */
  transpose(): Matrix {
    const t = Matrix.alloc(this.cols, this.rows);
    const src = this.data;
    const dst = t.data;
    const r = this.rows, c = this.cols;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) dst[j * r + i] = src[i * c + j]!;
    return t;
  }

  /** Frees the wasm memory. Safe to call twice. */
  dispose(): void {
    if (this.#ptr) {
      registry.unregister(this);
      free(this.#ptr);
      this.#ptr = 0;
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

function checkDims(name: string, v: number) {
  if (!Number.isInteger(v) || v < 1) throw new ShapeError(name, 'a positive integer', describe(v));
}

function checkShape(name: string, rows: number, cols: number) {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1)
    throw new ShapeError(name, 'at least one row and one column', `${describe(rows)}×${describe(cols)}`);
}

function fromRows(rows: number[][], name: string): Matrix {
  const n = rows.length;
  if (n === 0) throw new ShapeError(name, 'at least one row', '0 rows');
  const first = rows[0];
  if (!Array.isArray(first) && !ArrayBuffer.isView(first)) throw new ShapeError(`${name}[0]`, 'an array of numbers', describe(first));
  const p = first.length;
  if (p === 0) throw new ShapeError(`${name}[0]`, 'at least one column', '0 columns');
  for (let i = 1; i < n; i++) {
    const r = rows[i];
    if ((!Array.isArray(r) && !ArrayBuffer.isView(r)) || r.length !== p)
      throw new ShapeError(`${name}[${i}]`, `${p} columns (as ${name}[0]) — rows must not be ragged`, Array.isArray(r) ? `${r.length} columns` : describe(r));
  }
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    for (let j = 0; j < p; j++) {
      const v = r[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new NonFiniteError(name, i, j, v as number);
    }
  }
  const m = Matrix.alloc(n, p);
  const d = m.data;
  for (let i = 0; i < n; i++) d.set(rows[i]!, i * p);
  return m;
}

/**
 * Borrow `input` as a Matrix: a Matrix is used as is (checked for non-finite values), other
 * inputs are copied in. `release()` frees the copy, never a caller's Matrix.
 * @internal
 */
export function borrow(input: MatrixInput, name: string): { m: Matrix; release(): void } {
  if (input instanceof Matrix) {
    const bad = kernels().first_nonfinite_f64(input.ptr, input.rows * input.cols);
    if (bad >= 0) throw new NonFiniteError(name, Math.floor(bad / input.cols), bad % input.cols, input.data[bad]!);
    return { m: input, release() {} };
  }
  const m = Matrix.from(input, name);
  return { m, release: () => m.dispose() };
}

/**
 * Matrix: a dense row-major f64 matrix living in wasm memory. Create with `Matrix.from`
 * or `Matrix.zeros`, read with `toArray()` / `data`, free with `dispose()` (or `using`).
 * A FinalizationRegistry frees forgotten matrices as a safety net.
 */
import { kernels } from '../wasm/module.js';
import { Dense2D, allocElements, checkDims, readInput, type Shaped } from './dense2d.js';
import { NonFiniteError } from '../errors.js';

export type { Shaped } from './dense2d.js';

/** Anything the high-level API accepts as a matrix. */
export type MatrixInput = Matrix | number[][] | Shaped;

export class Matrix extends Dense2D<Float64Array> {
  protected readonly kind = 'f64' as const;

  /** An uninitialised rows×cols matrix (contents are whatever memory held). @internal */
  static alloc(rows: number, cols: number): Matrix {
    return new Matrix(allocElements('f64', rows, cols), rows, cols, true);
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
    const r = readInput(input, name);
    const m = Matrix.alloc(r.rows, r.cols);
    r.write(m.data);
    return m;
  }

  /** A JS copy, row-major. */
  toFloat64Array(): Float64Array {
    return this.data.slice();
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

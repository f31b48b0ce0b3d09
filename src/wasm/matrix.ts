/** Matrix: the f64 storage object of linear algebra, statistics and CCA. */
import { heapF64 } from './module.js';
import type { Ptr } from './api.js';
import { INTERNAL } from './block.js';
import { Dense2D, allocDense, plain } from './dense.js';
import { Lease } from './lease.js';
import { checkDims, readInput, type Rows, type Shaped } from './input.js';

/** Anything the high-level API accepts as a matrix: a Matrix, rows, or `{ data, rows, cols }`. */
export type MatrixInput = Matrix | Rows | Shaped;

/**
 * Matrix: a dense row-major f64 matrix living in wasm memory. Create with `Matrix.from`
 * or `Matrix.zeros`, read with `toArray()` / `data`, free with `dispose()` (or `using`).
 * @example
 * ```ts
 * import { init, Matrix, linalg } from 'crossmodal';
 * await init();
 * const A = Matrix.from([[2, 1], [1, 3]]);
 * const AtA = linalg.matmul(A, A, { transposeA: true });
 * console.log(AtA.toArray(), AtA.get(0, 1)); // [[5, 5], [5, 10]] 5
 * A.dispose(); AtA.dispose(); // or declare them with `using`
 * ```
 */
export class Matrix extends Dense2D<Float64Array> {
  /** the element type: 'f64' */
  readonly kind = 'f64' as const;

  protected heap(): Float64Array {
    return heapF64();
  }

  protected make(ptr: Ptr, rows: number, cols: number, ld: number, leases: readonly Lease[]): this {
    return new Matrix(INTERNAL, ptr, rows, cols, ld, false, leases, this) as this;
  }

  /** An uninitialised rows×cols matrix (contents are whatever memory held). @internal */
  static empty(rows: number, cols: number): Matrix {
    return new Matrix(INTERNAL, allocDense('f64', rows, cols), rows, cols, cols, true, [new Lease('a Matrix')]);
  }

  /** A rows×cols matrix of zeros. */
  static zeros(rows: number, cols: number): Matrix {
    checkDims('rows', rows);
    checkDims('cols', cols);
    const m = Matrix.empty(rows, cols);
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
      const m = Matrix.empty(input.rows, input.cols);
      m.data.set(input.toShaped().data);
      return m;
    }
    const r = readInput(plain(input), name);
    const m = Matrix.empty(r.rows, r.cols);
    r.write(m.data);
    return m;
  }

  /** A JS copy, row-major. */
  toFloat64Array(): Float64Array {
    return this.toShaped().data;
  }

  /** The transpose, as a new Matrix. */
  transpose(): Matrix {
    const src = this.toShaped().data;
    const t = Matrix.empty(this.cols, this.rows);
    const dst = t.data;
    const r = this.rows, c = this.cols;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) dst[j * r + i] = src[i * c + j]!;
    return t;
  }
}

/** Tensor: the f32 storage object of the neural-network layer. */
import { heapF32, kernels } from './module.js';
import type { Ptr } from './api.js';
import { NonFiniteError, ValueError } from '../errors.js';
import { INTERNAL, addr } from './block.js';
import { Dense2D, allocDense, plain } from './dense.js';
import { Lease } from './lease.js';
import { Matrix } from './matrix.js';
import { checkDims, readInput, type Rows, type Shaped } from './input.js';

/** Anything the neural-network API accepts as a batch: a Tensor, a Matrix, rows, or `{ data, rows, cols }`. */
export type TensorInput = Tensor | Matrix | Rows | Shaped;

/**
 * Tensor: a dense row-major f32 matrix in wasm memory, the currency of the neural-network
 * layer (rows are samples). Same life cycle as Matrix: `Tensor.from`, `toArray()`,
 * `dispose()`. Networks hand out *views* of their own buffers (forward outputs, input
 * gradients): those stay valid until the network's next forward, predict or dispose, need
 * no disposing, and throw DisposedError when read after that.
 * @example
 * ```ts
 * import { init, Tensor, nn } from 'crossmodal';
 * await init();
 * const x = Tensor.from([[0.5, -1], [2, 0]]);
 * const net = new nn.MLP({ layers: [2, 8, 1] });
 * const y = net.predict(x); // a JS copy: { data: Float32Array, rows: 2, cols: 1 }
 * ```
 */
export class Tensor extends Dense2D<Float32Array> {
  /** the element type: 'f32' */
  readonly kind = 'f32' as const;

  protected heap(): Float32Array {
    return heapF32();
  }

  protected make(ptr: Ptr, rows: number, cols: number, ld: number, leases: readonly Lease[]): this {
    return new Tensor(INTERNAL, ptr, rows, cols, ld, false, leases, this) as this;
  }

  /** An uninitialised rows×cols tensor. @internal */
  static empty(rows: number, cols: number): Tensor {
    return new Tensor(INTERNAL, allocDense('f32', rows, cols), rows, cols, cols, true, [new Lease('a Tensor')]);
  }

  /** A rows×cols tensor of zeros. */
  static zeros(rows: number, cols: number): Tensor {
    checkDims('rows', rows);
    checkDims('cols', cols);
    const t = Tensor.empty(rows, cols);
    t.data.fill(0);
    return t;
  }

  /**
   * Copies `input` (number[][], { data, rows, cols }, a Matrix or a Tensor) into a new f32
   * tensor, rejecting ragged rows and NaN/±Infinity with errors naming `name`.
   *
   * @example
   * const t = Tensor.from([[1, 2], [3, 4]]);
   * t.data; // Float32Array [1, 2, 3, 4]
   * t.dispose();
   */
  static from(input: TensorInput, name = 'tensor'): Tensor {
    const dense = input instanceof Tensor || input instanceof Matrix;
    const r = dense ? null : readInput(plain(input), name);
    const t = Tensor.empty(dense ? input.rows : r!.rows, dense ? input.cols : r!.cols);
    try {
      if (dense) t.data.set(input.toShaped().data);
      else r!.write(t.data);
      // a non-finite f32 is a non-finite input, or a finite f64 beyond the f32 range
      const bad = kernels().first_nonfinite_f32(addr(t), t.rows * t.cols);
      if (bad >= 0) {
        const i = Math.floor(bad / t.cols), j = bad % t.cols, v = dense ? input.get(i, j) : r!.at(i, j);
        if (!Number.isFinite(v)) throw new NonFiniteError(name, i, j, v);
        throw new ValueError(`${name}[${i}][${j}]`, 'a number within the float32 range (|x| ≤ 3.4028e38)', v);
      }
    } catch (e) {
      t.dispose();
      throw e;
    }
    return t;
  }

  /** A JS copy, row-major. */
  toFloat32Array(): Float32Array {
    return this.toShaped().data;
  }
}

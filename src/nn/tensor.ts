/**
 * Tensor: a dense row-major f32 matrix in wasm memory, the currency of the neural-network
 * layer (rows are samples). Same life cycle as Matrix: `Tensor.from`, `toArray()`,
 * `dispose()`. Networks hand out *views* of their own buffers (forward outputs, input
 * gradients): those stay valid until the network's next call and need no disposing.
 */
import { kernels } from '../wasm/module.js';
import type { Ptr } from '../wasm/api.js';
import { Dense2D, allocElements, checkDims, readInput, type Shaped } from '../linalg/dense2d.js';
import { Matrix } from '../linalg/matrix.js';
import { NonFiniteError } from '../errors.js';

/** Anything the neural-network API accepts as a batch. */
export type TensorInput = Tensor | Matrix | number[][] | Shaped;

export class Tensor extends Dense2D<Float32Array> {
  protected readonly kind = 'f32' as const;

  /** An uninitialised rows×cols tensor. @internal */
  static alloc(rows: number, cols: number): Tensor {
    return new Tensor(allocElements('f32', rows, cols), rows, cols, true);
  }

  /** A view of someone else's buffer: never frees it. @internal */
  static view(ptr: Ptr, rows: number, cols: number): Tensor {
    return new Tensor(ptr, rows, cols, false);
  }

  static zeros(rows: number, cols: number): Tensor {
    checkDims('rows', rows);
    checkDims('cols', cols);
    const t = Tensor.alloc(rows, cols);
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
    if (input instanceof Tensor || input instanceof Matrix) {
      const t = Tensor.alloc(input.rows, input.cols);
      t.data.set(input.data);
      if (input instanceof Matrix) checkFinite(t, name);
      return t;
    }
    const r = readInput(input, name);
    const t = Tensor.alloc(r.rows, r.cols);
    r.write(t.data);
    return t;
  }

  /** A JS copy, row-major. */
  toFloat32Array(): Float32Array {
    return this.data.slice();
  }
}

function checkFinite(t: Tensor, name: string) {
  const bad = kernels().first_nonfinite_f32(t.ptr, t.rows * t.cols);
  if (bad >= 0) throw new NonFiniteError(name, Math.floor(bad / t.cols), bad % t.cols, t.data[bad]!);
}

/**
 * Borrow `input` as a Tensor: a Tensor is used as is (checked for NaN/Infinity), anything
 * else is copied in; `release()` frees only the copy. @internal
 */
export function borrowTensor(input: TensorInput, name: string): { t: Tensor; release(): void } {
  if (input instanceof Tensor) {
    checkFinite(input, name);
    return { t: input, release() {} };
  }
  const t = Tensor.from(input, name);
  return { t, release: () => t.dispose() };
}

/**
 * Borrowing: an input used as a Matrix or Tensor without copying it when it already is one
 * (contiguous and finite), copied in otherwise; `release()` frees only the copy.
 */
import { checkFinite } from './finite.js';
import { Matrix, type MatrixInput } from './matrix.js';
import { Tensor, type TensorInput } from './tensor.js';

/**
 * Borrow `input` as a Matrix: a contiguous Matrix is used as is (checked for non-finite
 * values), other inputs are copied in. `release()` frees the copy, never a caller's Matrix.
 */
export function borrowMatrix(input: MatrixInput, name: string): { m: Matrix; release(): void } {
  if (input instanceof Matrix && input.contiguous) {
    checkFinite(input, name);
    return { m: input, release() {} };
  }
  const m = Matrix.from(input, name);
  return { m, release: () => m.dispose() };
}

/** Borrow `input` as a Tensor, as borrowMatrix does. */
export function borrowTensor(input: TensorInput, name: string): { t: Tensor; release(): void } {
  if (input instanceof Tensor && input.contiguous) {
    checkFinite(input, name);
    return { t: input, release() {} };
  }
  const t = Tensor.from(input, name);
  return { t, release: () => t.dispose() };
}

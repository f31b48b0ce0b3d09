/**
 * Finiteness: checkFinite refuses an input block holding NaN/±Infinity; finiteResult,
 * finiteAs and overflowError turn a result that overflowed the floating-point range into a
 * typed error naming the arguments it was computed from.
 */
import { kernels } from './module.js';
import { ConvergenceError, NonFiniteError, OverflowError, described } from '../errors.js';
import { Block, addr } from './block.js';
import { Matrix } from './matrix.js';
import { Tensor } from './tensor.js';

/** Throws NonFiniteError naming `name` at the first NaN/±Infinity of a contiguous block. */
export function checkFinite(t: Matrix | Tensor, name: string): void {
  const K = kernels();
  const bad = t.kind === 'f64' ? K.first_nonfinite_f64(addr(t), t.rows * t.cols) : K.first_nonfinite_f32(addr(t), t.rows * t.cols);
  if (bad >= 0) throw new NonFiniteError(name, Math.floor(bad / t.cols), bad % t.cols, t.get(Math.floor(bad / t.cols), bad % t.cols));
}

/** True when every number in r (a number, typed array, Matrix, Tensor, or an array/object of them) is finite. */
function allFinite(r: unknown, depth = 0): boolean {
  if (typeof r === 'number') return Number.isFinite(r);
  if (r instanceof Matrix || r instanceof Tensor) {
    if (r.disposed) return true;
    if (!r.contiguous) return r.toShaped().data.every(Number.isFinite);
    const K = kernels();
    return (r.kind === 'f64' ? K.first_nonfinite_f64(addr(r), r.rows * r.cols) : K.first_nonfinite_f32(addr(r), r.rows * r.cols)) < 0;
  }
  if (r instanceof Float64Array || r instanceof Float32Array) return r.every(Number.isFinite);
  if (depth < 3 && r && typeof r === 'object' && !ArrayBuffer.isView(r)) return Object.values(r).every((v) => allFinite(v, depth + 1));
  return true;
}

/** Disposes every Matrix / Tensor in r (a result being thrown away). */
function disposeAll(r: unknown, depth = 0): void {
  if (r instanceof Block) r.dispose();
  else if (depth < 3 && r && typeof r === 'object' && !ArrayBuffer.isView(r)) for (const v of Object.values(r)) disposeAll(v, depth + 1);
}

/**
 * Returns r when all its numbers are finite; otherwise frees what it holds and throws a
 * ValueError naming the arguments: finite inputs (±1e300, say) whose `what` overflowed the
 * float64 range. Entry points that return numbers pass them through this, so a caller gets
 * finite results or a typed error, never a silent Infinity or NaN.
 */
export function finiteResult<T>(r: T, names: readonly string[], what = 'result'): T {
  if (allFinite(r)) return r;
  disposeAll(r);
  throw overflowError(names, what);
}

/** The error finiteResult throws. */
export function overflowError(names: readonly string[], what = 'result'): OverflowError {
  return new OverflowError(names.join(', '), `values small enough for the ${what} to stay within the floating-point range (scale the data down)`, described(`values whose ${what} overflows to ±Infinity or NaN`));
}

/**
 * Runs fn (an entry point built on others) so that any overflow inside it, or in what it
 * returns, is reported against this entry point's own arguments.
 */
export function finiteAs<T>(names: readonly string[], fn: () => T, what = 'result'): T {
  try {
    return finiteResult(fn(), names, what);
  } catch (e) {
    if (e instanceof OverflowError && e.argument !== names.join(', ')) throw overflowError(names, what);
    // an inner decomposition that gave up says which arguments it was computing from
    if (e instanceof ConvergenceError && !e.message.startsWith(`${names.join(', ')}: `)) throw new ConvergenceError(`${names.join(', ')}: ${e.message}`);
    throw e;
  }
}

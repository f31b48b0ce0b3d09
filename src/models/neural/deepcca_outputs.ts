/**
 * DeepCCA's tower outputs and the final linear CCA on them: scoring held-out views, the
 * outputs of new rows (standardised as in fit), and the final CCA fitted by streaming a
 * source's chunks through the towers into CCA.partialFit (co-moments; no n×k copy).
 */
import { DivergenceError, NonFiniteError } from '../../errors.js';
import { Tensor, finiteResult, type TensorInput, type MatrixResult, type FloatResult } from '../../wasm/index.js';
import type { MLP } from '../../nn/mlp.js';
import { CCA } from '../linear/cca.js';
import { ShapeError } from '../../errors.js';
import { standardize, type ColumnScaler } from './scaler.js';
import { sourcePass, type SourceReader } from './source.js';

/**
 * A non-finite tower output met by the final CCA is the training's own (its inputs were
 * checked): weights that are finite but large enough for the f32 outputs to overflow. Said as
 * a divergence, so the fit keeps what it held before, as for a loss that turns NaN.
 */
export function outputsDiverged(e: unknown): unknown {
  if (!(e instanceof NonFiniteError)) return e;
  const why = `the towers' outputs on the training rows are not finite (${e.value} at [${e.row}][${e.col}]): the weights grew until the outputs overflowed`;
  return new DivergenceError(`training diverged: ${why}`, { reason: why, cause: e });
}

/**
 * The final CCA (`components`, ridge `finalRegularization`) on the towers' outputs over one
 * pass of the source: each chunk's outputs are added to the co-moments, then solved once.
 */
export async function streamedCCA(m: { components: number; finalRegularization: number }, t1: MLP, t2: MLP, reader: SourceReader, label: string, signal?: AbortSignal): Promise<CCA> {
  const cca = new CCA({ components: m.components, regularization: m.finalRegularization });
  try {
    await sourcePass(reader, label, ([x, y]) => void cca.partialFit(toF64(t1.predict(x!)), toF64(t2.predict(y!))), signal);
    void cca.correlations; // solved here, so a failure is this fit's
    return cca;
  } catch (e) {
    cca.dispose();
    throw outputsDiverged(e);
  }
}

/** Per-component correlations of the final CCA's variates of the towers' outputs on (X, Y). */
export function score(t1: MLP, t2: MLP, cca: CCA, X: TensorInput, Y: TensorInput, scaler: readonly [ColumnScaler, ColumnScaler] | null = null): Float64Array {
  const h1 = towerOutputs(t1, X, 'X', scaler?.[0]), h2 = towerOutputs(t2, Y, 'Y', scaler?.[1]);
  if (h1.rows !== h2.rows) throw new ShapeError('Y', `${h1.rows} rows (as X)`, `${h2.rows} rows`);
  return cca.score(h1, h2);
}

function checkWidth(input: TensorInput, name: string, width: number): TensorInput {
  const cols = Array.isArray(input) ? (input[0] as ArrayLike<number> | undefined)?.length : (input as { cols?: number }).cols;
  if (cols !== undefined && cols !== width) throw new ShapeError(name, `${width} columns (as in fit)`, `${cols} columns`);
  return input;
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

/** A tower's outputs for the rows of `input` (f64), refused as an overflow of `name` when they are not finite. */
export function towerOutputs(t: MLP, input: TensorInput, name: 'X' | 'Y', scaler?: ColumnScaler): MatrixResult {
  if (!scaler) return finiteResult(toF64(t.predict(checkWidth(input, name, t.layers[0]!))), [name], `${name.toLowerCase()} tower's output`);
  // scale: true: the model's own copy of the rows, standardised by the training rows' scaler
  const T = Tensor.from(checkWidth(input, name, t.layers[0]!), name);
  try {
    if (T.cols !== t.layers[0]) throw new ShapeError(name, `${t.layers[0]} columns (as in fit)`, `${T.cols} columns`);
    standardize(T, scaler);
    return finiteResult(toF64(t.predict(T)), [name], `${name.toLowerCase()} tower's output`);
  } finally {
    T.dispose();
  }
}

export function toF64(r: FloatResult) {
  return { data: Float64Array.from(r.data), rows: r.rows, cols: r.cols };
}

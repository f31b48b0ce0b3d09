/**
 * DeepCCA's held-out validation: views as arrays ({ X, Y }) or a source of chunks [X, Y]
 * ({ source }), scored after each epoch as the sum of the final CCA's held-out correlations.
 * From a source the co-moments of the variates are merged over the chunks (VariateMoments,
 * as CCA.score streams), so no held-out row is kept.
 */
import { Tensor } from '../../wasm/index.js';
import type { MLP } from '../../nn/mlp.js';
import type { CCA } from '../linear/cca.js';
import { ShapeError, ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { standardize, type ColumnScaler } from './scaler.js';
import { SourceReader, sourcePass, type DataSource } from './source.js';
import { score, sum, toF64 } from './deepcca_outputs.js';
import { VariateMoments } from '../linear/stream.js';
import type { DeepCCAFitOptions } from './deepcca_options.js';

export type DeepCCAValidation = { X: Tensor; Y: Tensor; reader?: undefined; patience?: number } | { reader: SourceReader; X?: undefined; Y?: undefined; patience?: number };

/** Checks the validation option up front, under its own names: arrays are read into wasm, a source is opened at each measure. */
export function readValidation(v: DeepCCAFitOptions['validation'], p: number, q: number, own: <T extends { dispose(): void }>(o: T) => T): DeepCCAValidation | null {
  if (v === undefined) return null;
  const isSource = v !== null && typeof v === 'object' && 'source' in v;
  checkOptions(v, isSource ? ['source', 'patience'] : ['X', 'Y', 'patience'], 'options.validation');
  if (!isSource && (!('X' in v) || !('Y' in v))) throw new ValueError('options.validation', '{ X, Y, patience? } or { source, patience? }', v);
  if (v.patience !== undefined && !(Number.isInteger(v.patience) && v.patience >= 1)) throw new ValueError('options.validation.patience', 'a positive integer', v.patience);
  if (isSource) {
    const source = (v as { source: DataSource }).source;
    if (typeof source !== 'function') throw new ValueError('options.validation.source', 'a function returning the chunks [X, Y] of the held-out rows (an iterable or async iterable)', source);
    return { reader: new SourceReader(source, ['X', 'Y'], 'error', [p, q]), patience: v.patience };
  }
  const a = v as { X: Tensor; Y: Tensor };
  const X = own(Tensor.from(a.X, 'options.validation.X')), Y = own(Tensor.from(a.Y, 'options.validation.Y'));
  if (X.cols !== p) throw new ShapeError('options.validation.X', `${p} columns (as X)`, `${X.cols} columns`);
  if (Y.cols !== q) throw new ShapeError('options.validation.Y', `${q} columns (as Y)`, `${Y.cols} columns`);
  if (Y.rows !== X.rows) throw new ShapeError('options.validation.Y', `${X.rows} rows (as options.validation.X)`, `${Y.rows} rows`);
  if (X.rows < 2) throw new ShapeError('options.validation.X', 'at least 2 rows to correlate', `${X.rows} row`);
  return { X, Y, patience: v.patience };
}

/** Standardises the held-out rows by the training rows' scaler (scale: true): arrays now, a source's chunks as they come. */
export function scaleValidation(val: DeepCCAValidation, scaler: readonly [ColumnScaler, ColumnScaler]): void {
  if (val.reader) val.reader.transform = ([x, y]) => (standardize(x!, scaler[0]), standardize(y!, scaler[1]));
  else (standardize(val.X, scaler[0]), standardize(val.Y, scaler[1]));
}

/** The sum of the held-out correlations of the final CCA's variates (towers in eval mode). */
export async function validationScore(val: DeepCCAValidation, t1: MLP, t2: MLP, cca: CCA, epoch: number, signal?: AbortSignal): Promise<number> {
  if (!val.reader) return sum(score(t1, t2, cca, val.X, val.Y));
  let acc: VariateMoments | null = null;
  await sourcePass(val.reader, `options.validation.source after epoch ${epoch}`, ([x, y]) => {
    const [U, V] = cca.transform(toF64(t1.predict(x!)), toF64(t2.predict(y!)));
    acc ??= new VariateMoments(2, U.cols);
    acc.add([U.data, V.data], U.rows);
  }, signal);
  if (acc!.n < 2) val.reader.mismatch(`the validation source yielded ${acc!.n} row, fewer than the 2 needed to correlate`);
  return sum(acc!.correlation(0, 1));
}

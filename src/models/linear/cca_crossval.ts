/**
 * CCA's cross-validation of the ridge on row sources: one streamed pass builds every fold's
 * co-moments, each fold is scored on the others merged (crossval.ts), and with `keepTotal`
 * all rows' statistics (the folds merged) are kept for the fit of regularization 'cv'.
 */
import type { RowSource } from '../../wasm/index.js';
import type { CoMoments } from '../../linalg/comoments.js';
import { ShapeError, ValueError } from '../../errors.js';
import { AUTO_GRID, ccaFoldScores, checkFoldOptions, crossValidateFolds, disposeAll, foldAssignment, foldMoments, meanVariance, mergedMoments, type CrossValidationResult } from './crossval.js';
import { checkGrid, ridgePair, type CCACrossValidateOptions, type Ridge } from './cca_options.js';

/**
 * CCA.crossValidate on row sources: the folds' statistics, the table, and (keepTotal) all
 * rows' statistics as the folds merged.
 */
export function crossValidateSources(x: RowSource, y: RowSource, o: CCACrossValidateOptions, keepTotal: boolean): { result: CrossValidationResult<Ridge>; total: CoMoments | null } {
  if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
  const scale = o.scale ?? false;
  if (typeof scale !== 'boolean') throw new ValueError('options.scale', 'true or false', scale);
  const grid = checkGrid(o.regularization ?? 'auto', 'options.regularization');
  const { folds, seed, components } = checkFoldOptions(o, x.rows, Math.min(x.cols, y.cols));
  const fold = foldAssignment(x.rows, folds, seed);
  const stats = foldMoments(x, y, fold, folds);
  const relative = grid === 'auto' && !scale;
  // all rows' statistics, merged once: for the 'auto' grid's scale and, with keepTotal, the fit
  let total: CoMoments | null = relative || keepTotal ? mergedMoments(stats) : null;
  try {
    // 'auto': relative to each view's mean variance (standardised columns have variance 1)
    const [vx, vy] = relative ? [meanVariance(total!.x.M, total!.n), meanVariance(total!.y.M, total!.n)] : [1, 1];
    const values: readonly Ridge[] = grid === 'auto' ? AUTO_GRID.map((g) => (scale ? g : ([g * vx, g * vy] as [number, number]))) : grid;
    const pairs = values.map(ridgePair);
    const result = crossValidateFolds(['X', 'Y'], stats, values, components, fold, (train, held) => ccaFoldScores(train, held, pairs, components, scale));
    if (!keepTotal) {
      total?.dispose();
      total = null;
    }
    return { result, total };
  } catch (e) {
    total?.dispose();
    throw e;
  } finally {
    disposeAll(stats);
  }
}

/**
 * MCCA's cross-validation of the ridge: the folds of the joined views' co-moments; each grid
 * value's training fit is MCCA's solve on the other folds merged (with `scale`, its columns
 * standardised by the training folds' standard deviations), scored by the held-out fold's
 * covariance.
 */
import { checkMissing, dropMissing, type MatrixInput, type Missing } from '../../wasm/index.js';
import { ShapeError, SingularMatrixError, ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { AUTO_GRID, checkFoldOptions, crossValidateFolds, disposeAll, foldAssignment, foldMoments, mergedMoments, type CrossValidateOptions, type CrossValidationResult } from './crossval.js';
import { joined, withViewSources } from './multiview.js';
import { covariance, solve, viewCorrelations, type Fit } from './mcca_solve.js';

/** A multi-view ridge: one value for every view, or one per view. */
export type ViewRidges = number | number[];

/** Options of MCCA.crossValidate: the folds and ridges of CrossValidateOptions, and the scaling. */
export interface MCCACrossValidateOptions extends CrossValidateOptions<ViewRidges> {
  /** standardise the columns (by each training fold's standard deviations) as MCCA's `scale`;
   *  'auto' then tries 10⁻⁶ … 10⁰ as they are (standardised columns have variance 1) (default false) */
  scale?: boolean;
  /** 'drop': leave out the rows with a NaN, null or undefined cell in any view (default 'error') */
  missing?: Missing;
}

/**
 * MCCA.crossValidate: the folds of the joined views' co-moments; each grid value's training
 * fit is MCCA's solve on the other folds merged (with `scale`, on their standardised columns:
 * weights for the raw ones), scored by the held-out fold's covariance.
 */
export function crossValidateViews(views: readonly MatrixInput[], options: MCCACrossValidateOptions): CrossValidationResult<ViewRidges> {
  const o = checkOptions(options, ['regularization', 'folds', 'components', 'seed', 'scale', 'missing']);
  const scale = o.scale ?? false;
  if (typeof scale !== 'boolean') throw new ValueError('options.scale', 'true or false', scale);
  // missing 'drop': the rows with a missing cell in any view left out, as MCCA's fit does
  const missing = checkMissing(o.missing);
  const kept = Array.isArray(views) && views.length >= 2 ? dropMissing(views, views.map((_, i) => `views[${i}]`), missing, 'views').views : views;
  return withViewSources(kept, (sources) => {
    const n = sources[0]!.rows, dims = sources.map((s) => s.cols), m = dims.length;
    for (const [i, s] of sources.entries()) if (s.rows !== n) throw new ShapeError(`views[${i}]`, `${n} rows (as views[0])`, `${s.rows} rows`);
    const g = o.regularization ?? 'auto';
    const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (g !== 'auto' && (!Array.isArray(g) || g.length < 1 || g.length > 10000)) throw new ValueError('options.regularization', "'auto' or a list of 1 to 10000 ridges", g);
    const grid: ViewRidges[] | 'auto' = g === 'auto' ? g : g.map((v: unknown, i: number) => {
      if (ok(v)) return v + 0;
      if (Array.isArray(v) && v.length === m && v.every(ok)) return v.map((r: number) => r + 0);
      throw new ValueError(`options.regularization[${i}]`, `a ridge r ≥ 0 or one per view (${m})`, v);
    });
    const { folds, seed, components } = checkFoldOptions(o, n, Math.min(...dims), 2, 'options', 'views[0]');
    const off = dims.map((_, i) => dims.slice(0, i).reduce((a, b) => a + b, 0));
    const a = Math.ceil(m / 2), A = joined(sources.slice(0, a)), B = joined(sources.slice(a));
    try {
      const fold = foldAssignment(n, folds, seed);
      const stats = foldMoments(A, B, fold, folds);
      try {
        let values: ViewRidges[];
        if (grid === 'auto' && scale) values = [...AUTO_GRID];
        else if (grid === 'auto') {
          // each view's mean variance, from the folds merged
          const all = mergedMoments(stats);
          let C: Float64Array;
          try {
            C = covariance(all);
          } finally {
            all.dispose();
          }
          const P = all.p + all.q;
          const mv = dims.map((p, i) => {
            let t = 0;
            for (let j = 0; j < p; j++) t += C[(off[i]! + j) * P + off[i]! + j]!;
            return t / p;
          });
          values = AUTO_GRID.map((r) => mv.map((v) => r * v));
        } else values = grid;
        const ridges = values.map((r) => (typeof r === 'number' ? new Array<number>(m).fill(r) : r));
        return crossValidateFolds(['views'], stats, values, components, fold, (train, held) => {
          const C = covariance(held), P = held.p + held.q;
          return Float64Array.from(ridges, (r) => {
            let fit: Fit;
            try {
              fit = solve(train, dims, r, components, scale);
            } catch (e) {
              if (e instanceof SingularMatrixError) return NaN;
              throw e;
            }
            let sum = 0;
            for (const c of viewCorrelations(C, P, off, dims, fit.weights, components).correlations) sum += c;
            return sum;
          });
        });
      } finally {
        disposeAll(stats);
      }
    } finally {
      A.release();
      B.release();
    }
  });
}

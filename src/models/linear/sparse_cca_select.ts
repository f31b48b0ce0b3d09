/**
 * SparseCCA's penalty selection, on statistics rather than refits from rows:
 *
 * - permute (PMA's CCA.permute, Witten et al. 2009): for each candidate [cx, cy], the first
 *   component's correlation against those with Y's rows permuted, z = (r − mean)/sd (sd with
 *   B − 1); the largest z wins. The within-view statistics do not change under a permutation
 *   of Y's rows, so a permutation costs one gather and one cross product Xcᵀ·P·Yc (in wasm),
 *   one leading singular vector (shared by every penalty) and one PMD component per penalty;
 *   the correlations come from the co-moments. The permutations are the in-wasm PRNG's
 *   (xoshiro128**, Fisher–Yates), as CCA.permutationTest's: a seed gives the same bits on
 *   every engine.
 * - crossValidate: k-fold, the held-out sum of the first `components` correlations, each
 *   fold's co-moments accumulated once and each training set the other folds merged
 *   (crossval.ts); the first component's start is shared by every penalty of a fold.
 */
import * as W from '../../wasm/index.js';
import { Indices, Matrix, Rng, checkMissing, dropMissing, type MatrixInput, type Missing } from '../../wasm/index.js';
import { CoMoments } from '../../linalg/comoments.js';
import { ShapeError, ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { Owner } from '../../lifecycle.js';
import { checkFoldOptions, crossValidateFolds, disposeAll, foldAssignment, foldMoments } from './crossval.js';
import { withSources } from './cca_transform.js';
import { checkPenalty } from './sparse_cca_file.js';
import { PMD } from './sparse_cca_pmd.js';
import { appliedPenalty, components, crossCovariance, crossParts, leastPenalty, pmdSettings, rawWeights, variateCorrelation } from './sparse_cca_solve.js';

/** A sparse CCA penalty: one L1 bound for both views, or [X's, Y's]. */
export type Penalty = number | readonly [number, number];

interface SelectOptions {
  /** the candidate penalties, one number (both views) or [cx, cy] each (default: PMA's 0.1, 0.1667, …, 0.7 for both views, each raised to 1/√p for a view of fewer than 100 columns) */
  penalties?: readonly Penalty[];
  /** standardise the columns as SparseCCA's `scale` (default true) */
  scale?: boolean;
  /** 'drop': leave out the rows with a NaN, null or undefined cell in X or Y (default 'error') */
  missing?: Missing;
  /** as SparseCCA's (default 1000) */
  maxIterations?: number;
  /** as SparseCCA's (default 1e-12) */
  tol?: number;
}

/** Options of SparseCCA.permute: the penalties to try, and the permutations. */
export interface SparseCCAPermuteOptions extends SelectOptions {
  /** number of permutations B (default 25, as PMA; at least 2) */
  permutations?: number;
  /** seed of the in-wasm PRNG that draws them (default 0) */
  seed?: number;
}

/** Options of SparseCCA.crossValidate: the penalties to try, and the folds. */
export interface SparseCCACrossValidateOptions extends SelectOptions {
  /** number of folds k (default 5; each fold needs at least 2 rows) */
  folds?: number;
  /** components whose held-out correlations are summed (default 1) */
  components?: number;
  /** seed of the in-wasm permutation that deals the rows to the folds (default 0) */
  seed?: number;
}

/** One penalty's line of SparseCCA.permute's table. */
export interface SparsePermutationRow {
  /** [cx, cy] as applied */
  penalty: [number, number];
  /** the first component's correlation on the rows as given */
  correlation: number;
  /** the same with Y's rows permuted, one per permutation */
  permuted: Float64Array;
  /** (correlation − mean of permuted)/sd of permuted (sd with B − 1; ±Infinity or 0 when they are all equal) */
  z: number;
  /** (1 + #{permuted ≥ correlation})/(1 + B) */
  pValue: number;
  /** the first component's non-zero weights [in u, in v] */
  nonZero: [number, number];
}

/** What SparseCCA.permute returns: the best penalty and a line per penalty tried. */
export interface SparsePermutationResult {
  /** the penalty of the largest z (the first of equals) */
  best: { penalty: [number, number]; z: number };
  /** one line per penalty tried, in order */
  table: SparsePermutationRow[];
  /** the number of permutations B */
  permutations: number;
}

/** One penalty's line of SparseCCA.crossValidate's table. */
export interface SparseCrossValidationRow {
  /** [cx, cy] as applied */
  penalty: [number, number];
  /** mean over the folds of the held-out sum of the components' correlations */
  score: number;
  /** that sum on each held-out fold */
  foldScores: Float64Array;
}

/** What SparseCCA.crossValidate returns: the best penalty and a line per penalty tried. */
export interface SparseCrossValidationResult {
  /** the penalty of the highest score (the first of equals) */
  best: { penalty: [number, number]; score: number };
  /** one line per penalty tried, in order */
  table: SparseCrossValidationRow[];
  /** the number of folds k */
  folds: number;
  /** the components whose held-out correlations were summed */
  components: number;
  /** the fold of every row (0 … folds − 1) */
  foldOfRow: Uint32Array;
}

/** PMA's default grid: 10 values from 0.1 to 0.7. */
const DEFAULT_GRID = Array.from({ length: 10 }, (_, i) => 0.1 + (0.6 * i) / 9);

/** The candidate penalties as applied to p and q columns (the default grid raised to 1/√p; given values checked). */
function penaltyGrid(g: unknown, p: number, q: number): [number, number][] {
  if (g === undefined) return DEFAULT_GRID.map((c) => [Math.max(c, leastPenalty(p)), Math.max(c, leastPenalty(q))]);
  if (!Array.isArray(g) || g.length < 1 || g.length > 10000) throw new ValueError('options.penalties', 'a list of 1 to 10000 penalties (c or [cx, cy])', g);
  return g.map((v: unknown, i) => appliedPenalty(checkPenalty(v, `options.penalties[${i}]`), p, q, `options.penalties[${i}]`));
}

/** The options both share, checked. */
function selectSettings(o: SelectOptions): { scale: boolean; missing: Missing; tol: number; maxIterations: number } {
  const scale = o.scale ?? true;
  if (typeof scale !== 'boolean') throw new ValueError('options.scale', 'true or false', scale);
  const maxIterations = o.maxIterations ?? 1000, tol = o.tol ?? 1e-12;
  if (!Number.isInteger(maxIterations) || maxIterations < 1 || maxIterations > 1e7) throw new ValueError('options.maxIterations', 'an integer from 1 to 10⁷', maxIterations);
  if (typeof tol !== 'number' || !(tol > 0) || !Number.isFinite(tol)) throw new ValueError('options.tol', 'a finite number > 0', tol);
  return { scale, missing: checkMissing(o.missing), tol, maxIterations };
}

const nonZero = (w: Float64Array): number => w.reduce((c, x) => c + (x !== 0 ? 1 : 0), 0);

/** SparseCCA.permute. */
export function sparsePermute(X: MatrixInput, Y: MatrixInput, options: SparseCCAPermuteOptions = {}): SparsePermutationResult {
  const o = checkOptions(options, ['penalties', 'permutations', 'seed', 'scale', 'missing', 'maxIterations', 'tol']);
  const s = selectSettings(o), B = o.permutations ?? 25, seed = o.seed ?? 0;
  if (!Number.isInteger(B) || B < 2 || B > 1e6) throw new ValueError('options.permutations', 'an integer from 2 to 10⁶', B);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValueError('options.seed', 'an integer in [0, 2³²)', seed);
  const d = dropMissing([X, Y], ['X', 'Y'], s.missing, 'X, Y');
  const owner = new Owner(), own = owner.own;
  try {
    const x = own(Matrix.from(d.views[0]!, 'X')), y = own(Matrix.from(d.views[1]!, 'Y'));
    const n = x.rows, p = x.cols, q = y.cols;
    if (y.rows !== n) throw new ShapeError('Y', `${n} rows (as X)`, `${y.rows} rows`);
    if (n < 3) throw new ShapeError('X', 'at least 3 rows to permute', `${n} rows`);
    const grid = penaltyGrid(o.penalties, p, q);
    const stats = own(new CoMoments(p, q));
    stats.update(x, y);
    const parts = crossParts(stats, s.scale);
    // the centred rows: a permutation of Y's rows keeps Yc centred and the within-view statistics
    const xc = own(Matrix.empty(n, p)), yc = own(Matrix.empty(n, q));
    const centre = (dst: Matrix, src: Matrix, m: Float64Array) => {
      const mm = own(Matrix.empty(1, m.length));
      mm.data.set(m);
      W.center(dst, src, mm);
    };
    centre(xc, x, stats.x.mean);
    centre(yc, y, stats.y.mean);
    const settings = grid.map((g) => pmdSettings(g, p, q, s.tol, s.maxIterations));
    // the first component's correlation per penalty for one cross co-moment matrix Mxy
    const firsts = (Mxy: Float64Array, each: (g: number, r: number, u: Float64Array, v: Float64Array) => void) => {
      const pmd = new PMD(crossCovariance(Mxy, n, parts.xStd, parts.yStd), p, q), v0 = pmd.start();
      settings.forEach((st, g) => {
        const [c] = components(pmd, 1, st, v0);
        each(g, variateCorrelation(parts.Mx, parts.My, Mxy, rawWeights(c!.u, parts.xStd), rawWeights(c!.v, parts.yStd)), c!.u, c!.v);
      });
    };
    const stat = new Float64Array(grid.length), nz: [number, number][] = [], perms = grid.map(() => new Float64Array(B));
    firsts(stats.Mxy.toFloat64Array(), (g, r, u, v) => {
      stat[g] = r;
      nz[g] = [nonZero(u), nonZero(v)];
    });
    const rng = own(Rng.create(seed)), idx = own(Indices.empty(n)), moved = own(Matrix.empty(n, q)), Mp = own(Matrix.empty(p, q));
    for (let b = 0; b < B; b++) {
      W.shuffle(idx, rng);
      W.gatherRowsF64(moved, yc, idx);
      W.gemm(Mp, xc, moved, true, false);
      firsts(Mp.toFloat64Array(), (g, r) => (perms[g]![b] = r));
    }
    const table = grid.map((penalty, g): SparsePermutationRow => {
      const r = perms[g]!, t = stat[g]!;
      let m = 0, ss = 0, count = 0;
      for (const v of r) m += v / B;
      for (const v of r) (ss += (v - m) * (v - m)), (count += v >= t ? 1 : 0);
      const sd = Math.sqrt(ss / (B - 1)), z = sd > 0 ? (t - m) / sd : t > m ? Infinity : t < m ? -Infinity : 0;
      return { penalty, correlation: t, permuted: r, z, pValue: (1 + count) / (1 + B), nonZero: nz[g]! };
    });
    let best = 0;
    table.forEach((r, g) => r.z > table[best]!.z && (best = g));
    return { best: { penalty: table[best]!.penalty, z: table[best]!.z }, table, permutations: B };
  } finally {
    owner.dispose();
  }
}

/** SparseCCA.crossValidate. */
export function sparseCrossValidate(X: MatrixInput, Y: MatrixInput, options: SparseCCACrossValidateOptions = {}): SparseCrossValidationResult {
  const o = checkOptions(options, ['penalties', 'folds', 'seed', 'components', 'scale', 'missing', 'maxIterations', 'tol']);
  const s = selectSettings(o);
  const d = dropMissing([X, Y], ['X', 'Y'], s.missing, 'X, Y');
  return withSources(d.views[0]!, d.views[1]!, (x, y) => {
    if (y.rows !== x.rows) throw new ShapeError('Y', `${x.rows} rows (as X)`, `${y.rows} rows`);
    const p = x.cols, q = y.cols, grid = penaltyGrid(o.penalties, p, q);
    const { folds, seed, components: k } = checkFoldOptions(o, x.rows, Math.min(p, q), 1);
    const fold = foldAssignment(x.rows, folds, seed);
    const stats = foldMoments(x, y, fold, folds);
    try {
      const r = crossValidateFolds(['X', 'Y'], stats, grid, k, fold, (train, held) => {
        const parts = crossParts(train, s.scale), base = new PMD(parts.C, p, q), v0 = base.start();
        const Hx = held.x.M.toFloat64Array(), Hy = held.y.M.toFloat64Array(), Hxy = held.Mxy.toFloat64Array();
        return Float64Array.from(grid, (g) => {
          let sum = 0;
          for (const c of components(k > 1 ? base.fork() : base, k, pmdSettings(g, p, q, s.tol, s.maxIterations), v0))
            sum += variateCorrelation(Hx, Hy, Hxy, rawWeights(c.u, parts.xStd), rawWeights(c.v, parts.yStd));
          return sum;
        });
      });
      const table = r.table.map((row) => ({ penalty: row.regularization, score: row.score, foldScores: row.foldScores }));
      return { best: { penalty: r.best.regularization, score: r.best.score }, table, folds: r.folds, components: r.components, foldOfRow: r.foldOfRow };
    } finally {
      disposeAll(stats);
    }
  });
}

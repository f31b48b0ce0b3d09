/**
 * Statistics computed elsewhere (an SQL engine, another library, a colleague's shard): n, the
 * views' means and their covariances (normalised by n − 1), read into the mergeable
 * co-moments every linear model fits from. Three shapes are accepted:
 *   { n, xMeans, yMeans, xx, yy, xy }     two views (CCA's names)
 *   { n, means: [m₁, …], covariance }     the joint covariance of the concatenated views
 *   { n, means: [m₁, …], blocks }         blocks[i][j] = cov(view i, view j), pᵢ×pⱼ (i ≤ j is enough)
 * Every number is checked: finite, shapes that agree, symmetric to rounding, and positive
 * semi-definite to rounding (the smallest eigenvalue of the joint covariance at least −1e-9 of
 * the largest). Fourth-order sums are unknown, so regularization 'auto' cannot be used on such statistics.
 */
import { Matrix, type MatrixInput } from '../../wasm/index.js';
import { CoMoments } from '../../linalg/comoments.js';
import { eigh } from '../../linalg/ops.js';
import { ShapeError, SingularMatrixError, ValueError } from '../../errors.js';
import { readSqlMoments, type SqlRow } from './sql.js';

/** Two views' statistics, covariances normalised by n − 1. */
export interface TwoViewMoments {
  /** the row count (a number or bigint, at least 2) */
  n: number | bigint;
  xMeans: ArrayLike<number>;
  yMeans: ArrayLike<number>;
  /** p×p covariance of X */
  xx: MatrixInput;
  /** q×q covariance of Y */
  yy: MatrixInput;
  /** p×q cross-covariance of X and Y */
  xy: MatrixInput;
}

/** m views' statistics: the means of each view and either the joint covariance or its blocks. */
export interface ViewsMoments {
  n: number | bigint;
  means: readonly ArrayLike<number>[];
  /** the (Σpᵢ)×(Σpᵢ) covariance of the concatenated views */
  covariance?: MatrixInput;
  /** blocks[i][j] = cov(view i, view j), pᵢ×pⱼ; only i ≤ j is read when the lower ones are absent */
  blocks?: readonly (readonly (MatrixInput | null | undefined)[])[];
}

/** Statistics computed elsewhere for fromMoments: those of two views (X, Y), or of m views. */
export type Moments = TwoViewMoments | ViewsMoments;

/** The validated statistics: n, each view's means, and the joint covariance (P×P, row-major). */
export interface JointMoments {
  n: number;
  dims: number[];
  means: Float64Array[];
  C: Float64Array;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A matrix argument as a JS copy, with its expected shape checked. */
function matrix(input: unknown, name: string, rows: number, cols: number): Float64Array {
  if (input === undefined || input === null) throw new ValueError(name, `a ${rows}×${cols} matrix`, input);
  const m = Matrix.from(input as MatrixInput, name);
  try {
    if (m.rows !== rows || m.cols !== cols) throw new ShapeError(name, `${rows}×${cols}`, `${m.rows}×${m.cols}`);
    return Float64Array.from(m.toShaped().data);
  } finally {
    m.dispose();
  }
}

function vector(v: unknown, name: string): Float64Array {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') throw new ValueError(name, 'an array of numbers', v);
  const a = v as ArrayLike<unknown>;
  if (a.length < 1) throw new ShapeError(name, 'at least one value', 'an empty array');
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ValueError(`${name}[${i}]`, 'a finite number', x);
    out[i] = x;
  }
  return out;
}

/** The row count as a number (bigint or number; an integer ≥ 2 within 2⁵³). */
export function rowCount(v: unknown, name: string): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 2) throw new ValueError(name, 'an integer row count ≥ 2', v);
  return n;
}

/** Reads and checks statistics in any of the accepted shapes (`name` prefixes the arguments in errors). */
export function readMoments(m: unknown, name = 'moments'): JointMoments {
  if (!isObject(m)) throw new ValueError(name, '{ n, xMeans, yMeans, xx, yy, xy } or { n, means, covariance | blocks }', m);
  const n = rowCount(m.n, `${name}.n`);
  let dims: number[], means: Float64Array[], C: Float64Array;
  const place = (block: Float64Array, r0: number, c0: number, rows: number, cols: number, P: number) => {
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        C[(r0 + i) * P + c0 + j] = block[i * cols + j]!;
        C[(c0 + j) * P + r0 + i] = block[i * cols + j]!;
      }
  };
  if ('xMeans' in m || 'yMeans' in m || 'xx' in m) {
    for (const k of Object.keys(m)) if (!['n', 'xMeans', 'yMeans', 'xx', 'yy', 'xy'].includes(k)) throw new ValueError(`${name}.${k}`, 'one of n, xMeans, yMeans, xx, yy, xy', k);
    means = [vector(m.xMeans, `${name}.xMeans`), vector(m.yMeans, `${name}.yMeans`)];
    dims = means.map((v) => v.length);
    const [p, q] = dims as [number, number], P = p + q;
    C = new Float64Array(P * P);
    const xx = matrix(m.xx, `${name}.xx`, p, p), yy = matrix(m.yy, `${name}.yy`, q, q), xy = matrix(m.xy, `${name}.xy`, p, q);
    symmetric(xx, p, `${name}.xx`);
    symmetric(yy, q, `${name}.yy`);
    place(xx, 0, 0, p, p, P);
    place(yy, p, p, q, q, P);
    place(xy, 0, p, p, q, P);
  } else {
    for (const k of Object.keys(m)) if (!['n', 'means', 'covariance', 'blocks'].includes(k)) throw new ValueError(`${name}.${k}`, 'one of n, means, covariance, blocks', k);
    if (!Array.isArray(m.means) || m.means.length < 2) throw new ValueError(`${name}.means`, 'the means of two or more views', m.means);
    means = m.means.map((v, i) => vector(v, `${name}.means[${i}]`));
    dims = means.map((v) => v.length);
    const P = dims.reduce((a, b) => a + b, 0), off = dims.map((_, i) => dims.slice(0, i).reduce((a, b) => a + b, 0));
    if ((m.covariance === undefined) === (m.blocks === undefined)) throw new ValueError(name, 'exactly one of covariance (the joint matrix) and blocks', `${m.covariance === undefined ? 'neither' : 'both'}`);
    if (m.covariance !== undefined) {
      C = matrix(m.covariance, `${name}.covariance`, P, P);
      symmetric(C, P, `${name}.covariance`);
    } else {
      const blocks = m.blocks;
      if (!Array.isArray(blocks) || blocks.length !== dims.length) throw new ShapeError(`${name}.blocks`, `${dims.length} rows of blocks (one per view)`, Array.isArray(blocks) ? `${blocks.length}` : typeof blocks);
      C = new Float64Array(P * P);
      dims.forEach((pi, i) => {
        const row = blocks[i];
        if (!Array.isArray(row) || row.length !== dims.length) throw new ShapeError(`${name}.blocks[${i}]`, `${dims.length} blocks`, Array.isArray(row) ? `${row.length}` : typeof row);
        dims.forEach((pj, j) => {
          const b = row[j];
          if (j < i && (b === undefined || b === null)) return; // the upper block serves
          const v = matrix(b, `${name}.blocks[${i}][${j}]`, pi, pj);
          if (i === j) symmetric(v, pi, `${name}.blocks[${i}][${i}]`);
          if (j < i) {
            // a given lower block must be the transpose of the upper one
            for (let a = 0; a < pi; a++)
              for (let c = 0; c < pj; c++) {
                const up = C[(off[j]! + c) * P + off[i]! + a]!, lo = v[a * pj + c]!;
                if (!close(up, lo, C[(off[j]! + c) * P + off[j]! + c]!, C[(off[i]! + a) * P + off[i]! + a]!))
                  throw new ValueError(`${name}.blocks[${i}][${j}]`, `the transpose of blocks[${j}][${i}]`, `[${a}][${c}] = ${lo} but blocks[${j}][${i}][${c}][${a}] = ${up}`);
              }
            return;
          }
          place(v, off[i]!, off[j]!, pi, pj, P);
        });
      });
    }
  }
  semidefinite(C, dims.reduce((a, b) => a + b, 0), name);
  return { n, dims, means, C };
}

/** |a − b| within rounding of numbers on the scale of √(dᵢ·dⱼ). */
function close(a: number, b: number, di: number, dj: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.sqrt(Math.abs(di)) * Math.sqrt(Math.abs(dj)), Math.abs(a), Math.abs(b)) || a === b;
}

function symmetric(a: Float64Array, p: number, name: string): void {
  for (let i = 0; i < p; i++) {
    if (a[i * p + i]! < 0) throw new ValueError(`${name}[${i}][${i}]`, 'a variance ≥ 0', a[i * p + i]);
    for (let j = 0; j < i; j++)
      if (!close(a[i * p + j]!, a[j * p + i]!, a[i * p + i]!, a[j * p + j]!))
        throw new ValueError(name, 'a symmetric matrix', `[${i}][${j}] = ${a[i * p + j]} but [${j}][${i}] = ${a[j * p + i]}`);
  }
  // exactly symmetric from here on: the mean of the two
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) a[i * p + j] = a[j * p + i] = 0.5 * (a[i * p + j]! + a[j * p + i]!);
}

/** The joint covariance must be positive semi-definite to rounding: smallest eigenvalue ≥ −1e-9 of the largest. */
function semidefinite(C: Float64Array, P: number, name: string): void {
  const { values, vectors } = eigh({ data: C, rows: P, cols: P });
  vectors.dispose();
  const max = values[0]!, min = values[P - 1]!;
  if (min < -1e-9 * Math.max(max, 0) || (max <= 0 && min < 0))
    throw new ValueError(name, 'a positive semi-definite joint covariance (as from real rows; covariances normalised by n − 1)', `smallest eigenvalue ${min.toExponential(3)}, largest ${max.toExponential(3)}`);
}

/**
 * Runs the solve of statistics that may have come from fromMoments (marked `external`,
 * through any merge): a singular covariance is then reported against `moments`,
 * the argument the statistics came in, since no rows did.
 */
export function solvingMoments<T>(s: CoMoments, solve: () => T): T {
  try {
    return solve();
  } catch (e) {
    if (e instanceof SingularMatrixError && s.external) throw new SingularMatrixError(`moments (statistics given to fromMoments, alone or merged): ${e.message}`);
    throw e;
  }
}

/**
 * The co-moments of (the first `split` views joined, the rest joined) from validated
 * statistics: M = (n − 1)·covariance. The fourth-order sums are unknown, which keeps
 * regularization 'auto' from using them, through any later merge.
 */
export function coMomentsOf(j: JointMoments, split: number): CoMoments {
  const P = j.dims.reduce((a, b) => a + b, 0), p = j.dims.slice(0, split).reduce((a, b) => a + b, 0), q = P - p, f = j.n - 1;
  const s = new CoMoments(p, q);
  s.n = j.n;
  const mean = new Float64Array(P);
  let o = 0;
  for (const m of j.means) mean.set(m, (o += m.length) - m.length);
  s.x.mean.set(mean.subarray(0, p));
  s.y.mean.set(mean.subarray(p));
  const M = (dst: Matrix, r0: number, c0: number) => {
    const d = dst.data, cols = dst.cols;
    for (let i = 0; i < dst.rows; i++) for (let c = 0; c < cols; c++) d[i * cols + c] = j.C[(r0 + i) * P + c0 + c]! * f;
  };
  M(s.x.M, 0, 0);
  M(s.y.M, p, p);
  M(s.Mxy, 0, p);
  s.external = true;
  s.without = 'moments';
  return s;
}

/**
 * The statistics of a model's fromSqlRow (`one`: a single result row) or fromSqlRows (an
 * array, one row per group), checked and read as CCA's (comomentsQuery's aliases).
 */
export function sqlRowMoments(rows: unknown, one: boolean): Moments {
  if (one && Array.isArray(rows)) throw new ValueError('row', 'one result row (an object; for one row per group use fromSqlRows)', rows);
  if (!one && !Array.isArray(rows)) throw new ValueError('rows', 'an array of result rows (one per group)', rows);
  return one ? readSqlMoments([rows as SqlRow], 'row', true) : readSqlMoments(rows as readonly SqlRow[], 'rows', false);
}

/**
 * `missing: 'error' | 'drop'`, the option of every model that takes rows: what a fit does with
 * a row that has a NaN, null or undefined cell. 'error' (the default) refuses it as before (a
 * NonFiniteError naming the argument, row and column); 'drop' leaves out every row that has
 * one in ANY view (listwise deletion) and the model counts them in `droppedRows`. ±Infinity
 * is no missing value: it stays an error under 'drop' too. Implemented once here: the kept-row
 * mask across the views, and the views cut down to the kept rows (handed on to the models' own
 * readers and row sources as they are, so a 'drop' fit is the fit of the complete rows bit for
 * bit).
 */
import { ShapeError, ValueError, FormatError } from '../errors.js';
import { plain } from './dense.js';
import { checkCell, readInput } from './input.js';

/** What fit does with a training row holding a NaN, null or undefined cell: 'error' refuses it, 'drop' leaves it out. */
export type Missing = 'error' | 'drop';

/** The option, validated (undefined: 'error'). */
export function checkMissing(v: unknown, name = 'options.missing'): Missing {
  if (v === undefined) return 'error';
  if (v !== 'error' && v !== 'drop') throw new ValueError(name, "'error' (a NaN, null or undefined cell is an error, the default) or 'drop' (rows with one are left out)", v);
  return v;
}

/** What a file stores of the option: nothing for 'error', so files are written as before the option existed. */
export function missingRecord(m: Missing): { missing?: Missing } {
  return m === 'drop' ? { missing: m } : {};
}

/** The option as a file stores it (absent: 'error'); anything else is a FormatError. */
export function readMissing(v: unknown): Missing {
  if (v === undefined || v === 'error' || v === 'drop') return v ?? 'error';
  throw new FormatError(`missing: expected 'error' or 'drop', found ${JSON.stringify(v) ?? String(v)}`);
}

const isMissing = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
const isRow = (r: unknown): r is ArrayLike<unknown> => Array.isArray(r) || ArrayBuffer.isView(r) || (!!r && typeof r === 'object' && Number.isInteger((r as { length?: unknown }).length));

/** A view's cells: rows × cols with a reader (null: a null row, a modality missing in it), or null when malformed (its reader reports it). */
interface Grid {
  rows: number;
  cols: number;
  row(i: number): ArrayLike<unknown> | null;
  flat: ArrayLike<unknown> | null;
}

function gridOf(input: unknown, nullRows: boolean): Grid | null {
  const v = plain(input);
  if (Array.isArray(v)) {
    let p = -1;
    for (const r of v) {
      if (r === null || r === undefined) {
        if (!nullRows) return null;
        continue;
      }
      if (!isRow(r) || typeof r === 'string') return null;
      if (p < 0) p = r.length;
      else if (r.length !== p) return null;
    }
    if (v.length < 1 || p < 1) return null;
    return { rows: v.length, cols: p, row: (i) => (v[i] ?? null) as ArrayLike<unknown> | null, flat: null };
  }
  if (v && typeof v === 'object' && 'data' in v && 'rows' in v && 'cols' in v) {
    const { data, rows, cols } = v as { data: ArrayLike<unknown>; rows: number; cols: number };
    if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1 || !data || data.length !== rows * cols) return null;
    return { rows, cols, row: () => null, flat: data };
  }
  return null;
}

/** `input` cut down to the rows kept (an array of rows filtered; anything else copied into a typed array of its kind). */
export function keepRows<T>(input: T, keep: Uint8Array, kept: number): T {
  const v = plain(input);
  if (Array.isArray(v)) return v.filter((_, i) => keep[i]) as T;
  const { data, cols } = v as { data: ArrayLike<number>; rows: number; cols: number };
  const out = data instanceof Float32Array ? new Float32Array(kept * cols) : new Float64Array(kept * cols);
  let k = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]) for (let j = 0; j < cols; j++) out[k++] = data[i * cols + j]!;
  return { data: out, rows: kept, cols } as T;
}

/** Views with the rows of missing cells left out: `keep` null when none were (the views are the inputs themselves). */
export interface Kept<T> {
  views: T[];
  keep: Uint8Array | null;
  kept: number;
  dropped: number;
}

/**
 * Listwise deletion across `views` (names: how each is called in errors; `what`: how all are,
 * for the all-dropped error). 'error', or nothing to drop: the views unchanged. A malformed
 * view is reported as its reader would (before any missing cell), views of different row
 * counts as the models do (a ShapeError naming the view and the first's rows). A cell that is neither missing nor a finite number (±Infinity, text) is
 * reported here with its original row. With `nullRows` (the autoencoder) a null view or a null
 * row is a missing modality, kept as it is: only missing cells inside given rows drop a row.
 */
export function dropMissing<T>(views: readonly T[], names: readonly string[], missing: Missing, what: string, nullRows = false): Kept<T> {
  const unchanged: Kept<T> = { views: [...views], keep: null, kept: -1, dropped: 0 };
  if (missing === 'error') return unchanged;
  const grids: (Grid | 'absent')[] = [];
  for (const v of views) {
    if (nullRows && (v === null || v === undefined)) grids.push('absent');
    else {
      const g = gridOf(v, nullRows);
      if (!g) {
        // the reader checks the shape before any cell: its error is the one a fit would give
        if (!nullRows) readInput(plain(v), names[grids.length]!);
        return unchanged;
      }
      grids.push(g);
    }
  }
  const given = grids.filter((g): g is Grid => g !== 'absent');
  if (given.length === 0) return unchanged;
  const n = given[0]!.rows;
  const other = grids.findIndex((g) => g !== 'absent' && g.rows !== n);
  if (other >= 0) {
    const first = grids.findIndex((g) => g !== 'absent');
    throw new ShapeError(names[other]!, `${n} rows (as ${names[first]})`, `${(grids[other] as Grid).rows} rows`);
  }
  const keep = new Uint8Array(n).fill(1);
  grids.forEach((g, k) => {
    if (g === 'absent') return;
    const name = names[k]!;
    for (let i = 0; i < n; i++) {
      const r = g.flat ? null : g.row(i);
      if (!g.flat && !r) continue; // a null row: a modality missing in it, not a missing cell
      for (let j = 0; j < g.cols; j++) {
        const c = g.flat ? g.flat[i * g.cols + j] : r![j];
        if (typeof c === 'number' && Number.isFinite(c)) continue;
        if (isMissing(c)) keep[i] = 0;
        else checkCell(c, name, i, j);
      }
    }
  });
  let kept = 0;
  for (let i = 0; i < n; i++) kept += keep[i]!;
  if (kept === n) return { ...unchanged, kept };
  if (kept === 0)
    throw new ShapeError(what, `at least one row without a NaN, null or undefined cell (options.missing 'drop' leaves such rows out)`, `a missing cell in every one of the ${n} rows`);
  return { views: views.map((v, k) => (grids[k] === 'absent' ? v : keepRows(v, keep, kept))), keep, kept, dropped: n - kept };
}

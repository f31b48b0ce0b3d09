/**
 * Validation of what users hand in as a matrix: rows (`number[][]`, typed arrays, readonly
 * arrays) or `{ data, rows, cols }`. Shape and values are checked before anything is
 * allocated, with errors that name the argument and the first bad row or cell: a cell that
 * is not a number at all (a string from a CSV, a boolean, null) is a ValueError saying what it
 * is, NaN and ±Infinity a NonFiniteError, a flat array a ShapeError that says how to pass rows.
 */
import { NonFiniteError, ShapeError, ValueError, describe } from '../errors.js';

/**
 * A row-major matrix as a flat array with its shape: what every matrix argument accepts
 * (`data` any ArrayLike) and what the models hand back as JS-owned results (`data` a
 * Float64Array from the linear models, a Float32Array from the neural ones), which need no
 * disposing.
 */
export interface Shaped<D extends ArrayLike<number> = ArrayLike<number>> {
  readonly data: D;
  readonly rows: number;
  readonly cols: number;
}

/** A JS-owned row-major f64 matrix (a result of the linear models). */
export type MatrixResult = Shaped<Float64Array>;

/** A JS-owned row-major f32 matrix (a result of the neural models). */
export type FloatResult = Shaped<Float32Array>;

/** Rows of numbers: `number[][]`, `Float64Array[]`, readonly arrays. */
export type Rows = readonly ArrayLike<number>[];

/** An array, a typed array, or any object with an integer length (an ArrayLike). */
function isRow(r: unknown): r is ArrayLike<unknown> {
  return Array.isArray(r) || ArrayBuffer.isView(r) || (!!r && typeof r === 'object' && Number.isInteger((r as { length?: unknown }).length));
}

/** Throws for a cell that is not a finite number, naming it. */
export function checkCell(v: unknown, name: string, i: number, j: number): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new NonFiniteError(name, i, j, v);
    return;
  }
  const hint = typeof v === 'string' ? ' (text such as a CSV cell: convert it first, e.g. rows.map((r) => r.map(Number)))' : '';
  throw new ValueError(`${name}[${i}][${j}]`, `a number${hint}`, v);
}

export function checkDims(name: string, v: number) {
  if (!Number.isInteger(v) || v < 1) throw new ShapeError(name, 'a positive integer', describe(v));
}

/**
 * Validates `input` (number[][] or { data, rows, cols }) and returns its shape and a writer
 * that copies the values into a typed array. Rejects ragged rows, empty input and
 * NaN/±Infinity with errors naming `name` and the first bad cell.
 */
export function readInput(
  input: unknown,
  name: string,
): { rows: number; cols: number; write(dst: Float64Array | Float32Array, start?: number, count?: number): void; at(i: number, j: number): number } {
  if (Array.isArray(input)) {
    const n = input.length;
    if (n === 0) throw new ShapeError(name, 'at least one row', '0 rows');
    const first = input[0];
    if (typeof first === 'number')
      throw new ShapeError(name, `rows (an array of arrays): pass [[x₀], [x₁], …] for one column or [[x₀, x₁, …]] for one row`, `a flat array of ${n} numbers`);
    if (!isRow(first)) {
      if (first !== null && typeof first === 'object' && !(Symbol.iterator in first)) {
        // rows of objects, as d3.csvParse or a database driver gives: columns() reads them
        const keys = Object.keys(first), shown = keys.slice(0, 8).map((k) => JSON.stringify(k)).join(', ') + (keys.length > 8 ? `, … (${keys.length} keys)` : '');
        throw new ShapeError(`${name}[0]`, `an array of numbers — for rows of objects pick the columns first: columns(rows, [${keys.length ? shown : '"a", "b"'}])`, keys.length ? `an object with keys ${shown}` : describe(first));
      }
      throw new ShapeError(`${name}[0]`, 'an array of numbers', describe(first));
    }
    const p = (first as ArrayLike<number>).length;
    if (p === 0) throw new ShapeError(`${name}[0]`, 'at least one column', '0 columns');
    for (let i = 1; i < n; i++) {
      const r = input[i];
      if (!isRow(r) || r.length !== p) throw new ShapeError(`${name}[${i}]`, `${p} columns (as ${name}[0]) — rows must not be ragged`, isRow(r) ? `${r.length} columns` : describe(r));
    }
    for (let i = 0; i < n; i++) {
      const r = input[i] as ArrayLike<unknown>;
      for (let j = 0; j < p; j++) {
        const v = r[j];
        if (typeof v !== 'number' || !Number.isFinite(v)) checkCell(v, name, i, j);
      }
    }
    return {
      rows: n,
      cols: p,
      at: (i, j) => (input[i] as ArrayLike<number>)[j]!,
      /** rows start…start+count−1 (default: all) into dst from its start */
      write(dst, start = 0, count = n - start) {
        for (let i = 0; i < count; i++) {
          const r = input[start + i] as ArrayLike<number>;
          if (Array.isArray(r) || ArrayBuffer.isView(r)) dst.set(r, i * p);
          else for (let j = 0; j < p; j++) dst[i * p + j] = r[j]!;
        }
      },
    };
  }
  if (input && typeof input === 'object' && 'data' in input && 'rows' in input && 'cols' in input) {
    const { data, rows, cols } = input as Shaped;
    if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1)
      throw new ShapeError(name, 'at least one row and one column', `${describe(rows)}×${describe(cols)}`);
    if (!data || typeof (data as ArrayLike<number>).length !== 'number') throw new ShapeError(`${name}.data`, 'an array of numbers', describe(data));
    if (data.length !== rows * cols) throw new ShapeError(`${name}.data`, `${rows}×${cols} = ${rows * cols} values`, `${data.length} values`);
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (typeof v !== 'number' || !Number.isFinite(v)) checkCell(v, name, Math.floor(i / cols), i % cols);
    }
    return {
      rows,
      cols,
      at: (i, j) => data[i * cols + j]!,
      write(dst, start = 0, count = rows - start) {
        if (start === 0 && count === rows) dst.set(data as ArrayLike<number>);
        else if (ArrayBuffer.isView(data)) dst.set((data as unknown as Float64Array).subarray(start * cols, (start + count) * cols));
        else for (let k = 0; k < count * cols; k++) dst[k] = data[start * cols + k]!;
      },
    };
  }
  if (ArrayBuffer.isView(input))
    throw new ShapeError(name, 'rows, or { data, rows, cols } for a flat typed array', `a flat ${input.constructor.name} of ${(input as unknown as ArrayLike<number>).length} values`);
  throw new ShapeError(name, 'number[][], { data, rows, cols }, a Matrix or a Tensor', describe(input));
}

/**
 * Validation of what users hand in as a matrix: `number[][]` (rows of numbers or typed
 * arrays) or `{ data, rows, cols }`. Shape and values are checked before anything is
 * allocated, with errors that name the argument and the first bad row or cell.
 */
import { NonFiniteError, ShapeError, describe } from '../errors.js';

/** A flat array with its shape, row-major. */
export interface Shaped {
  data: Float64Array | Float32Array | ArrayLike<number>;
  rows: number;
  cols: number;
}

export function checkDims(name: string, v: number) {
  if (!Number.isInteger(v) || v < 1) throw new ShapeError(name, 'a positive integer', describe(v));
}

/**
 * Validates `input` (number[][] or { data, rows, cols }) and returns its shape and a writer
 * that copies the values into a typed array. Rejects ragged rows, empty input and
 * NaN/±Infinity with errors naming `name` and the first bad cell.
 */
export function readInput(input: unknown, name: string): { rows: number; cols: number; write(dst: Float64Array | Float32Array): void } {
  if (Array.isArray(input)) {
    const n = input.length;
    if (n === 0) throw new ShapeError(name, 'at least one row', '0 rows');
    const first = input[0];
    if (!Array.isArray(first) && !ArrayBuffer.isView(first)) throw new ShapeError(`${name}[0]`, 'an array of numbers', describe(first));
    const p = (first as ArrayLike<number>).length;
    if (p === 0) throw new ShapeError(`${name}[0]`, 'at least one column', '0 columns');
    for (let i = 1; i < n; i++) {
      const r = input[i];
      if ((!Array.isArray(r) && !ArrayBuffer.isView(r)) || (r as ArrayLike<number>).length !== p)
        throw new ShapeError(`${name}[${i}]`, `${p} columns (as ${name}[0]) — rows must not be ragged`, Array.isArray(r) ? `${r.length} columns` : describe(r));
    }
    for (let i = 0; i < n; i++) {
      const r = input[i] as ArrayLike<unknown>;
      for (let j = 0; j < p; j++) {
        const v = r[j];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new NonFiniteError(name, i, j, v as number);
      }
    }
    return {
      rows: n,
      cols: p,
      write(dst) {
        for (let i = 0; i < n; i++) dst.set(input[i] as ArrayLike<number>, i * p);
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
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new NonFiniteError(name, Math.floor(i / cols), i % cols, v);
    }
    return { rows, cols, write: (dst) => dst.set(data as ArrayLike<number>) };
  }
  throw new ShapeError(name, 'number[][], { data, rows, cols }, a Matrix or a Tensor', describe(input));
}

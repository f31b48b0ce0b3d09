/**
 * `columns(table, names)`: the named columns of a table as the `{ data, rows, cols }` every
 * model accepts. A table is what people have in hand: rows of objects (d3.csvParse, JSON, a
 * database driver), an object of column arrays or typed arrays, an Apache Arrow table
 * (apache-arrow, DuckDB-Wasm: anything with `getChild(name)` returning a column with
 * `toArray()`; no dependency), or what `parseCsv` returns.
 */
import { ShapeError, ValueError, described } from '../errors.js';
import { nearest } from '../options.js';
import { CELL, cellValue } from './cells.js';

/** A table `columns` reads. */
export type Table =
  | readonly Readonly<Record<string, unknown>>[]
  | Readonly<Record<string, ArrayLike<unknown>>>
  | ArrowLikeTable
  | ParsedCsv;

/** The part of an Apache Arrow table (apache-arrow, DuckDB-Wasm) that `columns` uses. */
export interface ArrowLikeTable {
  getChild(name: string): ArrowLikeColumn | null | undefined;
  readonly numRows?: number;
  readonly schema?: { readonly fields: readonly { readonly name: string }[] };
}

/** An Arrow column (a Vector): its values, and per row `get` when it holds nulls. */
export interface ArrowLikeColumn {
  toArray(): ArrayLike<unknown>;
  readonly length?: number;
  readonly nullCount?: number;
  get?(i: number): unknown;
}

/** A CSV table read by `parseCsv`: the column names and the cells, row-major. */
export interface ParsedCsv {
  readonly names: readonly string[];
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** The matrix `columns` returns: JS-owned, nothing to dispose. */
export interface Columns {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

const isParsed = (t: object): t is ParsedCsv =>
  Array.isArray((t as ParsedCsv).names) && 'data' in t && 'rows' in t && 'cols' in t;

function unknownName(name: string, j: number, known: readonly string[]): never {
  const near = nearest(name, known);
  const list = known.length > 20 ? `${known.slice(0, 20).join(', ')}, … (${known.length} in all)` : known.join(', ');
  throw new ValueError(`names[${j}]`, `a column of the table (${near !== null ? `did you mean "${near}"? ` : ''}columns: ${list})`, name);
}

/**
 * The columns `names` of `table`, in that order, as a row-major `{ data, rows, cols }`
 * (a Float64Array) that every model and `Matrix.from` accept.
 *
 * `table` is one of
 * - rows of objects, `[{ a: 1, b: '2' }, …]` (d3.csvParse, JSON); the names are the keys of
 *   the first row;
 * - an object of columns, `{ a: [1, 2, …], b: Float64Array.of(…) }`: arrays, typed arrays or
 *   any array-like, all of the same length;
 * - an Apache Arrow table (apache-arrow, DuckDB-Wasm's query results): anything with
 *   `getChild(name)` returning a column with `toArray()`;
 * - what `parseCsv` returns.
 *
 * Cells are numbers, numeric text (read with `Number`, blanks trimmed) or bigints within
 * ±2⁵³. A missing cell, that is an empty or blank string, `null`, `undefined` or the text
 * `"NaN"` (an Arrow null too), becomes NaN: the models refuse NaN, naming the cell, unless
 * told what to do with missing values. An unknown name is a ValueError suggesting the
 * nearest column; any other cell (text that is not a number, a boolean, an object) is a
 * ValueError naming its column and row; columns of different lengths are a ShapeError.
 *
 * @example
 * ```ts
 * const rows = [{ a: 1, b: '2', c: 3 }, { a: 4, b: '5', c: 7 }, { a: 2, b: '1', c: 1 }];
 * const X = columns(rows, ['a', 'b']); // { data: Float64Array [1, 2, 4, 5, 2, 1], rows: 3, cols: 2 }
 * ```
 */
export function columns(table: Table, names: readonly string[]): Columns {
  if (!Array.isArray(names) || names.length === 0)
    throw new ValueError('names', 'a non-empty array of column names', names);
  for (let j = 0; j < names.length; j++)
    if (typeof names[j] !== 'string') throw new ValueError(`names[${j}]`, 'a column name (a string)', names[j]);
  if (table === null || typeof table !== 'object')
    throw new ValueError('table', 'rows of objects, an object of column arrays, an Arrow table or a parseCsv result', table);
  const cols = names.length;
  const bad = (name: string, i: number, v: unknown): never => {
    throw new ValueError(`table: column ${JSON.stringify(name)}, row ${i}`, CELL, typeof v === 'bigint' ? described(`${v}n`) : v);
  };

  if (Array.isArray(table)) {
    const rows = table.length;
    if (rows === 0) throw new ShapeError('table', 'at least one row', '0 rows');
    const first: unknown = table[0];
    for (let i = 0; i < rows; i++) {
      const r: unknown = table[i];
      if (r === null || typeof r !== 'object' || Array.isArray(r) || ArrayBuffer.isView(r))
        throw new ValueError(`table[${i}]`, `a row object such as { ${names.map((n) => `${JSON.stringify(n)}: 1`).join(', ')} }${Array.isArray(r) || ArrayBuffer.isView(r) ? ' (rows of numbers need no columns(): pass them to the model as they are)' : ''}`, r);
    }
    const known = Object.keys(first as object);
    names.forEach((n, j) => {
      if (!Object.prototype.hasOwnProperty.call(first, n)) unknownName(n, j, known);
    });
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const r = table[i] as Record<string, unknown>;
      for (let j = 0; j < cols; j++) {
        const v = r[names[j]!], x = cellValue(v);
        data[i * cols + j] = x === undefined ? bad(names[j]!, i, v) : x;
      }
    }
    return { data, rows, cols };
  }

  if (isParsed(table)) {
    const { data: src, rows, cols: width } = table;
    if (!Number.isInteger(rows) || !Number.isInteger(width) || !src || src.length !== rows * width || table.names.length !== width)
      throw new ShapeError('table', 'a parseCsv result: names.length = cols, data.length = rows × cols', `${table.names.length} names, ${src?.length} values, ${String(rows)}×${String(width)}`);
    if (rows === 0) throw new ShapeError('table', 'at least one row', '0 rows');
    const idx = names.map((n, j) => {
      const k = table.names.indexOf(n);
      if (k >= 0 && table.names.lastIndexOf(n) !== k)
        throw new ValueError(`names[${j}]`, `a column name the table has once (columns ${k + 1} and ${table.names.lastIndexOf(n) + 1} are both called so)`, n);
      return k < 0 ? unknownName(n, j, table.names) : k;
    });
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        const v: unknown = src[i * width + idx[j]!], x = cellValue(v);
        data[i * cols + j] = x === undefined ? bad(names[j]!, i, v) : x;
      }
    return { data, rows, cols };
  }

  // column-wise: an Arrow table or an object of columns
  const arrow = typeof (table as ArrowLikeTable).getChild === 'function';
  const known = (): string[] =>
    arrow ? ((table as ArrowLikeTable).schema?.fields?.map((f) => f.name) ?? []) : Object.keys(table);
  const columnValues = (name: string, j: number): ArrayLike<unknown> => {
    if (arrow) {
      const c = (table as ArrowLikeTable).getChild(name);
      if (c === null || c === undefined) return unknownName(name, j, known());
      if (typeof c.toArray !== 'function') throw new ValueError(`table.getChild(${JSON.stringify(name)})`, 'an Arrow column (with toArray())', c);
      // an Arrow column with nulls: toArray() gives the value buffer, where a null is any number
      if (c.nullCount && typeof c.get === 'function' && typeof c.length === 'number') {
        const col = c as Required<ArrowLikeColumn>;
        return Array.from({ length: col.length }, (_, i) => col.get(i));
      }
      return c.toArray();
    }
    if (!Object.prototype.hasOwnProperty.call(table, name)) return unknownName(name, j, known());
    const c = (table as Record<string, unknown>)[name];
    if (c === null || typeof c !== 'object' || typeof (c as ArrayLike<unknown>).length !== 'number')
      throw new ValueError(`table.${name}`, 'a column: an array or typed array of values', c);
    return c as ArrayLike<unknown>;
  };
  const values = names.map(columnValues);
  const rows = values[0]!.length;
  for (let j = 1; j < cols; j++)
    if (values[j]!.length !== rows)
      throw new ShapeError(`table: column ${JSON.stringify(names[j])}`, `${rows} rows (as column ${JSON.stringify(names[0])}): columns must not be ragged`, `${values[j]!.length} rows`);
  if (rows === 0) throw new ShapeError(`table: column ${JSON.stringify(names[0])}`, 'at least one row', '0 rows');
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const c = values[j]!;
    if (c instanceof Float64Array || c instanceof Float32Array || c instanceof Int32Array || c instanceof Uint8Array || c instanceof Int16Array || c instanceof Uint16Array || c instanceof Int8Array || c instanceof Uint32Array || c instanceof Uint8ClampedArray) {
      for (let i = 0; i < rows; i++) data[i * cols + j] = c[i]!;
      continue;
    }
    for (let i = 0; i < rows; i++) {
      const v = c[i], x = cellValue(v);
      data[i * cols + j] = x === undefined ? bad(names[j]!, i, v) : x;
    }
  }
  return { data, rows, cols };
}

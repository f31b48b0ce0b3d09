// Data in the shapes people have it: columns() on rows of objects, objects of columns and
// Arrow-like tables, parseCsv on CSV text, and the messages a model gives for rows of
// objects and for any value of the wrong kind.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, columns, parseCsv, CCA, Matrix, ShapeError, ValueError } from '../src/index.js';
import { describe as describeValue } from '../src/errors.js';

beforeAll(async () => {
  await init();
});

// 30 rows, five columns: a, b, c (X) and d, e (Y), correlated
const N = 30;
const rand = (() => {
  let s = 12345;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31), s / 2 ** 31 - 0.5);
})();
const plain = Array.from({ length: N }, () => {
  const z = rand();
  return { a: z + rand(), b: rand(), c: 2 * rand(), d: z - rand() * 0.5, e: rand() + rand() };
});
const X = plain.map((r) => [r.a, r.b, r.c]), Y = plain.map((r) => [r.d, r.e]);
const flat = (rows: number[][]) => Float64Array.from(rows.flat());

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** The fit's correlations and projections, as bytes. */
function fitBytes(x: unknown, y: unknown): number[] {
  const cca = new CCA({ components: 2, regularization: 'auto', scale: true }).fit(x as number[][], y as number[][]);
  try {
    const [u, v] = cca.transform(X, Y);
    return [...new Uint8Array(Float64Array.from([...cca.correlations, ...u!.data, ...v!.data]).buffer)];
  } finally {
    cca.dispose();
  }
}

describe('columns', () => {
  const arrow = (cols: Record<string, ArrayLike<unknown>>) => ({
    numRows: N,
    schema: { fields: Object.keys(cols).map((name) => ({ name })) },
    getChild: (name: string) => (name in cols ? { length: cols[name]!.length, nullCount: 0, toArray: () => cols[name]! } : null),
  });
  const byColumn = Object.fromEntries((['a', 'b', 'c', 'd', 'e'] as const).map((k) => [k, plain.map((r) => r[k])]));

  it('rows of objects (numbers or numeric text), objects of arrays or typed arrays and Arrow tables give the same numbers; a CCA fit on them is the fit on arrays, bit for bit', () => {
    const text = plain.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))); // as d3.csvParse gives
    const typed = Object.fromEntries(Object.entries(byColumn).map(([k, v]) => [k, Float64Array.from(v)]));
    const tables = [plain, text, byColumn, typed, arrow(typed), arrow(byColumn)];
    for (const t of tables) {
      const x = columns(t, ['a', 'b', 'c']), y = columns(t, ['d', 'e']);
      expect([x.rows, x.cols, y.rows, y.cols]).toEqual([N, 3, N, 2]);
      expect(x.data).toEqual(flat(X));
      expect(y.data).toEqual(flat(Y));
    }
    const want = fitBytes(X, Y);
    for (const t of [plain, text, typed, arrow(typed)]) expect(fitBytes(columns(t, ['a', 'b', 'c']), columns(t, ['d', 'e']))).toEqual(want);
    // a Matrix too; the order of the names is the order of the columns
    const m = Matrix.from(columns(plain, ['c', 'a']));
    expect(Array.from(m.toShaped().data.slice(0, 2))).toEqual([plain[0]!.c, plain[0]!.a]);
    m.dispose();
  });

  it('missing cells (empty text, null, undefined, "NaN", Arrow nulls) are NaN; safe bigints are numbers; a parseCsv result is a table', () => {
    const t = columns([{ a: '', b: null }, { a: undefined, b: 'NaN' }, { a: ' 7 ', b: 3n }], ['a', 'b']);
    expect(Array.from(t.data)).toEqual([NaN, NaN, NaN, NaN, 7, 3]);
    const withNulls = { getChild: () => ({ length: 3, nullCount: 1, toArray: () => Float64Array.of(1, 0, 3), get: (i: number) => (i === 1 ? null : [1, 0, 3][i]) }) };
    expect(Array.from(columns(withNulls, ['x']).data)).toEqual([1, NaN, 3]);
    expect(Array.from(columns({ x: BigInt64Array.of(5n, -2n) }, ['x']).data)).toEqual([5, -2]);
    const csv = parseCsv('a,b,c\n1,2,3\n4,5,6\n');
    expect(columns(csv, ['c', 'a'])).toEqual({ data: Float64Array.of(3, 1, 6, 4), rows: 2, cols: 2 });
  });

  it('errors name the column and the row; unknown names suggest the nearest; ragged columns are a ShapeError', () => {
    let e = caught(() => columns([{ a: 1, b: 2 }, { a: 'x', b: 3 }], ['a', 'b']));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/^table: column "a", row 1: expected a number .*, got "x"$/);
    e = caught(() => columns({ a: [1, 2], b: [1, true] }, ['a', 'b']));
    expect(e.message).toMatch(/^table: column "b", row 1: expected a number .*, got true$/);
    e = caught(() => columns({ a: [1, 2n ** 60n] }, ['a']));
    expect(e.message).toMatch(/column "a", row 1: .*within ±2⁵³\), got 1152921504606846976n$/);
    e = caught(() => columns(plain, ['a', 'weight']));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toBe('names[1]: expected a column of the table (columns: a, b, c, d, e), got "weight"');
    expect(caught(() => columns(byColumn, ['bb'])).message).toMatch(/did you mean "b"\?/);
    expect(caught(() => columns(arrow(byColumn), ['A'])).message).toMatch(/names\[0\]: expected a column of the table \(did you mean "a"\? columns: a, b, c, d, e\), got "A"/);
    e = caught(() => columns({ a: [1, 2, 3], b: [1, 2] }, ['a', 'b']));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('table: column "b": expected 3 rows (as column "a"): columns must not be ragged, got 2 rows');
    expect(caught(() => columns([], ['a']))).toBeInstanceOf(ShapeError);
    expect(caught(() => columns([[1, 2]] as never, ['a'])).message).toMatch(/^table\[0\]: expected a row object .*pass them to the model as they are/);
    expect(caught(() => columns(plain, [])).message).toMatch(/^names: expected a non-empty array/);
    expect(caught(() => columns(null as never, ['a']))).toBeInstanceOf(ValueError);
  });
});

describe('parseCsv', () => {
  it('comma, semicolon, tab or spaces, detected; a header detected or not; comments and blank lines skipped', () => {
    const want = { names: ['x', 'y'], data: Float64Array.of(1, 2, 3.5, -4), rows: 2, cols: 2 };
    for (const d of [',', ';', '\t', '  ']) expect(parseCsv(`x${d}y\n1${d}2\n3.5${d}-4`)).toEqual(want);
    expect(parseCsv('# a comment\r\n\r\nx,y\r\n1,2\r\n\r\n3.5,-4\r\n')).toEqual(want);
    expect(parseCsv('1;2\n3;4', { delimiter: ';', header: false })).toEqual({ names: ['c0', 'c1'], data: Float64Array.of(1, 2, 3, 4), rows: 2, cols: 2 });
    expect(caught(() => parseCsv('1;2\n3,5;4')).message).toMatch(/^text, line 2, column 1 \(c0\): expected a number .*, got "3,5"$/);
    expect(parseCsv('1,2\n3,4')).toEqual({ names: ['c0', 'c1'], data: Float64Array.of(1, 2, 3, 4), rows: 2, cols: 2 });
    expect(parseCsv('1,2\n3,4', { header: true })).toEqual({ names: ['1', '2'], data: Float64Array.of(3, 4), rows: 1, cols: 2 });
    expect(parseCsv('\uFEFFa\n1').names).toEqual(['a']);
  });

  it('quoted fields per RFC 4180: delimiters, line breaks and doubled quotes inside quotes; empty cells and NaN are NaN', () => {
    const t = parseCsv('"a, the first","b ""2""","c\nthird"\n"1",,NaN\n" 4 ","5",6\n');
    expect(t.names).toEqual(['a, the first', 'b "2"', 'c\nthird']);
    expect(Array.from(t.data)).toEqual([1, NaN, NaN, 4, 5, 6]);
    // a line break inside quotes: the lines after it keep their numbers
    expect(caught(() => parseCsv('"a\nb",c\n1,2\n3,x')).message).toMatch(/^text, line 4, column 2 \(c\)/);
  });

  it('errors are typed and name the line and the column', () => {
    let e = caught(() => parseCsv('a,b,c\n1,2,3\n4,x,6\n7,8,9\n', { name: 'bad.csv' }));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toBe('bad.csv, line 3, column 2 (b): expected a number (an empty cell or NaN is read as NaN), got "x"');
    e = caught(() => parseCsv('a,b\n1,2\n3\n'));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('text, line 3: expected 2 values (as the header, line 1), got 1 values');
    expect(caught(() => parseCsv('a,b\n"1,2\n'))).toBeInstanceOf(ValueError);
    expect(caught(() => parseCsv('a,b\n"1"x,2\n')).message).toMatch(/^text, line 2, column 1: expected a delimiter/);
    expect(caught(() => parseCsv(' \n# only a comment\n'))).toBeInstanceOf(ShapeError);
    expect(caught(() => parseCsv('a,b\n'))).toBeInstanceOf(ShapeError);
    expect(caught(() => parseCsv('a\u0000b'))).toBeInstanceOf(ValueError);
    expect(caught(() => parseCsv(42 as never)).message).toBe('text: expected CSV text (a string), got 42');
    expect(caught(() => parseCsv('a\n1', { delimiter: '|' as never })).message).toMatch(/^options\.delimiter: expected one of/);
    expect(caught(() => parseCsv('a\n1', { headers: true } as never)).message).toMatch(/did you mean "header"/);
    expect(caught(() => columns(parseCsv('a,a\n1,2'), ['a'])).message).toMatch(/columns 1 and 2 are both called so/);
  });
});

describe('what a model says about input of the wrong kind', () => {
  it('rows of objects given to a model point to columns(), listing the keys', () => {
    const e = caught(() => new CCA().fit(plain as never, Y));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('X[0]: expected an array of numbers — for rows of objects pick the columns first: columns(rows, ["a", "b", "c", "d", "e"]), got an object with keys "a", "b", "c", "d", "e"');
  });

  it('every "got" names the kind of value it got', () => {
    function* gen() {}
    class Point {}
    const cases: [unknown, string][] = [
      [{}, 'an Object'], [Object.create(null), 'an object with no prototype'], [gen(), 'a Generator'], [new Map(), 'a Map'], [new Point(), 'a Point'],
      [new (class {})(), 'an object'], [Promise.resolve(), 'a Promise'], [new Int8Array(2), 'an Int8Array of length 2'], [10n, '10n'], [Symbol('s'), 'a symbol Symbol(s)'],
      [function named() {}, 'a function named'], [new Date(0), 'a Date'], [new ArrayBuffer(2), 'an ArrayBuffer'], ['x', '"x"'], [null, 'null'], [[1], 'an array of length 1'],
    ];
    for (const [v, want] of cases) expect(describeValue(v)).toBe(want);
    for (const [v, want] of cases.slice(0, 14)) {
      if (typeof v === 'string') continue;
      expect(caught(() => new CCA().fit([[1, 2], [3, v as number], [5, 6]], Y.slice(0, 3))).message).toBe(`X[1][1]: expected a number, got ${want}`);
    }
    expect(caught(() => new CCA().fit(gen() as never, Y)).message).toBe('X: expected number[][], { data, rows, cols }, a Matrix or a Tensor, got a Generator');
  });
});

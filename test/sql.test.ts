// CCA from an SQL engine (issue 16): comomentsQuery's text in every dialect (identifiers
// decoded back by the dialects' documented rules, whatever the names hold), the row parser
// and its exact merge of groups against plain-JS statistics of the rows, and end to end
// against DuckDB (embedded, @duckdb/node-api): a 1,000,000-row table made in DuckDB and a CSV
// file read by DuckDB give the CCA of the in-memory fit on the same rows, whole, over 8
// shards, and with a group of one row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { init, memoryStats, CCA, ShapeError, ValueError } from '../src/index.js';
import { comomentsQuery, momentsFromSqlRows, quoteIdentifier, type ComomentsQueryOptions, type SqlDialect, type SqlRow } from '../src/sql.js';
import { planted, uniform } from './helpers.js';

const DIALECTS: SqlDialect[] = ['ansi', 'bigquery', 'spark'];
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/**
 * Splits a query into its quoted identifiers, decoded by the dialect's documented rules
 * (ANSI: "…" with "" for "; Spark: `…` with `` for `; BigQuery: `…` with string-literal
 * escapes, of which only \` and \\ may appear), and the text outside them.
 */
function lex(sql: string, dialect: SqlDialect): { ids: string[]; skeleton: string } {
  const q = dialect === 'ansi' ? '"' : '`';
  const ids: string[] = [];
  let skeleton = '', i = 0;
  while (i < sql.length) {
    if (sql[i] !== q) {
      skeleton += sql[i++];
      continue;
    }
    let name = '';
    for (i++; ; ) {
      if (i >= sql.length) throw new Error(`unterminated identifier in ${sql}`);
      const c = sql[i]!;
      if (dialect === 'bigquery' && c === '\\') {
        const e = sql[i + 1]!;
        if (e !== '`' && e !== '\\') throw new Error(`escape \\${e} would mean something else`);
        name += e;
        i += 2;
      } else if (c === q && dialect !== 'bigquery' && sql[i + 1] === q) {
        name += q;
        i += 2;
      } else if (c === q) {
        i++;
        break;
      } else {
        name += c;
        i++;
      }
    }
    ids.push(name);
    skeleton += '<id>';
  }
  return { ids, skeleton };
}

describe('comomentsQuery', () => {
  it('lists every aggregate under its alias: 1 + (p+q) + (p+q)(p+q+1)/2 of them', () => {
    for (const [p, q] of [[1, 1], [2, 3], [5, 4]] as const) {
      const x = Array.from({ length: p }, (_, i) => `a${i}`), y = Array.from({ length: q }, (_, j) => `b${j}`);
      const sql = comomentsQuery({ table: 't', x, y, groupBy: ['g'] });
      const aliases = [...sql.matchAll(/ AS "([^"]+)"/g)].map((m) => m[1]!);
      const want = ['n', ...x.map((_, i) => `mean_x${i}`), ...y.map((_, j) => `mean_y${j}`)];
      for (let i = 0; i < p; i++) for (let j = i; j < p; j++) want.push(`cov_x${i}_x${j}`);
      for (let i = 0; i < q; i++) for (let j = i; j < q; j++) want.push(`cov_y${i}_y${j}`);
      for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) want.push(`cov_x${i}_y${j}`);
      expect(aliases).toEqual(want);
      const d = p + q;
      expect(aliases.length).toBe(1 + d + (d * (d + 1)) / 2);
      // the key comes first, under its own name, and the query groups by it
      expect(sql).toMatch(/^SELECT\n {2}"g",\n {2}COUNT\(\*\) AS "n"/);
      expect(sql).toMatch(/GROUP BY "g"$/);
      // the rows every aggregate sees: all x and y columns non-NULL
      for (const c of [...x, ...y]) expect(sql).toContain(`"${c}" IS NOT NULL`);
    }
  });

  it('quotes per dialect: ANSI doubles ", Spark doubles `, BigQuery escapes ` and \\', () => {
    const o = { table: ['my-project', 'data set', 'the table'], x: ['a"b', 'c`d'], y: ['e\\f'] };
    const ansi = comomentsQuery({ ...o, dialect: 'ansi' });
    expect(ansi).toContain('FROM "my-project"."data set"."the table"');
    expect(ansi).toContain('CAST("a""b" AS DOUBLE PRECISION) AS cm_x0');
    expect(ansi).toContain('CAST("c`d" AS DOUBLE PRECISION) AS cm_x1');
    expect(ansi).toContain('CAST("e\\f" AS DOUBLE PRECISION) AS cm_y0');
    const spark = comomentsQuery({ ...o, dialect: 'spark' });
    expect(spark).toContain('FROM `my-project`.`data set`.`the table`');
    expect(spark).toContain('CAST(`a"b` AS DOUBLE) AS cm_x0');
    expect(spark).toContain('CAST(`c``d` AS DOUBLE) AS cm_x1');
    expect(spark).toContain('CAST(`e\\f` AS DOUBLE) AS cm_y0');
    expect(spark).toContain('COUNT(*) AS `n`');
    const bq = comomentsQuery({ ...o, dialect: 'bigquery' });
    expect(bq).toContain('CAST(`c\\`d` AS FLOAT64) AS cm_x1');
    expect(bq).toContain('CAST(`e\\\\f` AS FLOAT64) AS cm_y0');
    expect(bq).toContain('AVG(cm_y0) AS `mean_y0`');
    expect(comomentsQuery({ table: 't', x: ['a'], y: ['b'] })).toBe(comomentsQuery({ table: 't', x: ['a'], y: ['b'], dialect: 'ansi' }));
    expect(quoteIdentifier('x"; DROP TABLE t; --')).toBe('"x""; DROP TABLE t; --"');
    expect(quoteIdentifier('a`b', 'spark')).toBe('`a``b`');
    expect(quoteIdentifier('a`b\\', 'bigquery')).toBe('`a\\`b\\\\`');
  });

  it('keeps any name one identifier: the query is the same text around them, and they decode back (property, 300 cases per dialect)', () => {
    const char = fc.constantFrom('"', '`', '\\', "'", ';', '-', ' ', '.', ',', '(', ')', '*', '/', 'a', 'Z', '_', '7', 'é', '😀', 'ß');
    const name = fc.string({ unit: char, minLength: 1, maxLength: 12 });
    for (const dialect of DIALECTS) {
      fc.assert(
        fc.property(fc.uniqueArray(name, { minLength: 6, maxLength: 6 }), fc.array(name, { minLength: 1, maxLength: 3 }), ([x0, x1, y0, y1, g0, g1], table) => {
          const plain: ComomentsQueryOptions = { table: table.map((_, i) => `t${i}`), x: ['c0', 'c1'], y: ['c2', 'c3'], groupBy: ['c4', 'c5'], dialect };
          const nasty: ComomentsQueryOptions = { table, x: [x0!, x1!], y: [y0!, y1!], groupBy: [g0!, g1!], dialect };
          const rename = new Map([...['c0', 'c1', 'c2', 'c3', 'c4', 'c5'].map((c, i) => [c, [x0, x1, y0, y1, g0, g1][i]!] as const), ...table.map((t, i) => [`t${i}`, t] as const)]);
          const a = lex(comomentsQuery(plain), dialect), b = lex(comomentsQuery(nasty), dialect);
          expect(b.skeleton).toBe(a.skeleton);
          expect(b.ids).toEqual(a.ids.map((id) => rename.get(id) ?? id));
        }),
        { numRuns: 300, seed: 16 },
      );
    }
  });

  it('puts the raw where on lines of its own (a trailing -- comment ends there)', () => {
    const sql = comomentsQuery({ table: 't', x: ['a'], y: ['b'], where: 'a > 0 -- positive only' });
    expect(sql).toContain('WHERE (\na > 0 -- positive only\n  ) AND "a" IS NOT NULL AND "b" IS NOT NULL');
  });

  it('refuses bad options, naming them', () => {
    const ok = { table: 't', x: ['a'], y: ['b'] };
    const bad: [unknown, string][] = [
      [undefined, 'options'],
      [null, 'options'],
      [{ ...ok, tabel: 't' }, 'options.tabel'],
      [{ x: ['a'], y: ['b'] }, 'options.table'],
      [{ ...ok, table: [] }, 'options.table'],
      [{ ...ok, table: '' }, 'options.table'],
      [{ ...ok, table: ['s', 7] }, 'options.table[1]'],
      [{ ...ok, x: [] }, 'options.x'],
      [{ ...ok, x: 'a' }, 'options.x'],
      [{ ...ok, y: undefined }, 'options.y'],
      [{ ...ok, x: ['a', 'c', 'a'] }, 'options.x[2]'],
      [{ ...ok, x: ['a', 'c'], y: ['d', 'c'] }, 'options.y[1]'],
      [{ ...ok, x: ['a\nb'] }, 'options.x[0]'],
      [{ ...ok, y: ['\u0000'] }, 'options.y[0]'],
      [{ ...ok, groupBy: 'g' }, 'options.groupBy'],
      [{ ...ok, groupBy: ['g', 'g'] }, 'options.groupBy[1]'],
      [{ ...ok, groupBy: ['N'] }, 'options.groupBy[0]'],
      [{ ...ok, groupBy: ['day', 'mean_x0'] }, 'options.groupBy[1]'],
      [{ ...ok, groupBy: ['cm_y3'] }, 'options.groupBy[0]'],
      [{ ...ok, where: '' }, 'options.where'],
      [{ ...ok, where: 1 }, 'options.where'],
      [{ ...ok, dialect: 'postgres' }, 'options.dialect'],
    ];
    for (const [o, arg] of bad) {
      const e = (() => {
        try {
          comomentsQuery(o as ComomentsQueryOptions);
        } catch (err) {
          return err;
        }
        throw new Error(`accepted ${JSON.stringify(o)}`);
      })();
      expect(e, JSON.stringify(o)).toBeInstanceOf(ValueError);
      expect((e as ValueError).argument, JSON.stringify(o)).toBe(arg);
    }
    expect(() => comomentsQuery({ ...ok, tabel: 't' } as never)).toThrow(/did you mean "table"/);
    expect(() => quoteIdentifier('', 'ansi')).toThrow(ValueError);
    expect(() => quoteIdentifier('a', 'mysql' as never)).toThrow(ValueError);
  });
});

/** Plain-JS statistics of rows z = [x…, y…] (two passes), as the query's result row. */
function rowOf(Z: number[][], p: number, q: number, key: Record<string, unknown> = {}): SqlRow {
  const n = Z.length, d = p + q;
  const mean = Array.from({ length: d }, (_, k) => Z.reduce((t, r) => t + r[k]!, 0) / n);
  const label = (k: number) => (k < p ? `x${k}` : `y${k - p}`);
  const row: Record<string, unknown> = { ...key, n };
  for (let k = 0; k < d; k++) row[`mean_${label(k)}`] = n ? mean[k] : null;
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) row[`cov_${label(a)}_${label(b)}`] = n > 1 ? Z.reduce((t, r) => t + (r[a]! - mean[a]!) * (r[b]! - mean[b]!), 0) / (n - 1) : null;
  return row;
}

describe('momentsFromSqlRows and CCA.fromSqlRow(s)', () => {
  beforeAll(async () => {
    await init();
  });
  const { X, Y } = planted(600, 3, 2, [0.8, 0.4], 161);
  const Z = X.map((x, i) => [...x, ...Y[i]!]);
  const whole = rowOf(Z, 3, 2);

  it('merges groups of any size (0, 1, 2, many) exactly, with counts as number, bigint or string', () => {
    // groups: 0 rows, 1 row, 2 rows, then uneven slices; the keys are ignored
    const cuts = [0, 0, 1, 3, 50, 51, 300, 600];
    const rows = cuts.slice(1).map((end, g) => rowOf(Z.slice(cuts[g], end), 3, 2, { day: `2024-01-0${g}`, shard: g }));
    const typed = rows.map((r, g) => ({ ...r, n: [BigInt(r.n as number), String(r.n), r.n][g % 3] }));
    const m = momentsFromSqlRows(typed), w = momentsFromSqlRows(whole);
    expect(m.n).toBe(600);
    expect(w.n).toBe(600);
    expect(maxDiff(m.xMeans, w.xMeans)).toBeLessThan(1e-14);
    expect(maxDiff(m.yMeans, w.yMeans)).toBeLessThan(1e-14);
    for (const k of ['xx', 'yy', 'xy'] as const) {
      expect([m[k].rows, m[k].cols]).toEqual([w[k].rows, w[k].cols]);
      expect(maxDiff(m[k].data, w[k].data)).toBeLessThan(1e-13);
    }
    // the blocks are the plain covariances of the rows
    expect(m.xy.data[1 * 2 + 0]).toBeCloseTo(whole.cov_x1_y0 as number, 13);
    expect(m.yy.data[1 * 2 + 0]).toBeCloseTo(whole.cov_y0_y1 as number, 13);
    // and the fit equals the one on the rows
    const rowsFit = new CCA({ components: 2 }).fit(X, Y);
    const a = CCA.fromSqlRows(typed, { components: 2 }), b = CCA.fromSqlRow(whole, { components: 2 });
    expect(maxDiff(a.allCorrelations, rowsFit.allCorrelations)).toBeLessThan(1e-12);
    expect(maxDiff(b.allCorrelations, rowsFit.allCorrelations)).toBeLessThan(1e-12);
    expect(a.nSamples).toBe(600);
    // they keep the statistics: merging the two halves' fits is the whole
    const h1 = CCA.fromSqlRows(typed.slice(0, 4), { components: 2 }), h2 = CCA.fromSqlRows(typed.slice(4), { components: 2 });
    h1.merge(h2);
    expect(maxDiff(h1.allCorrelations, rowsFit.allCorrelations)).toBeLessThan(1e-12);
    for (const f of [rowsFit, a, b, h1, h2]) f.dispose();
  });

  it('treats the NaN some engines give for one row like NULL', () => {
    const one = rowOf(Z.slice(0, 1), 3, 2), rest = rowOf(Z.slice(1), 3, 2);
    for (const k of Object.keys(one)) if (k.startsWith('cov_')) (one as Record<string, unknown>)[k] = NaN;
    expect(maxDiff(momentsFromSqlRows([one, rest]).xy.data, momentsFromSqlRows(whole).xy.data)).toBeLessThan(1e-13);
  });

  it('refuses malformed rows with typed errors naming the column', () => {
    const g = (patch: Record<string, unknown>) => ({ ...whole, ...patch });
    const drop = (k: string) => Object.fromEntries(Object.entries(whole).filter(([key]) => key !== k));
    const cases: [unknown, string, typeof ValueError | typeof ShapeError][] = [
      [[g({ n: -1 })], 'rows[0].n', ValueError],
      [[whole, g({ n: 2.5 })], 'rows[1].n', ValueError],
      [[g({ n: '12a' })], 'rows[0].n', ValueError],
      [[g({ n: '' })], 'rows[0].n', ValueError],
      [[g({ n: -3n })], 'rows[0].n', ValueError],
      [[g({ n: 2n ** 60n })], 'rows[0].n', ValueError],
      [[g({ n: null })], 'rows[0].n', ValueError],
      [[g({ mean_x1: null })], 'rows[0].mean_x1', ValueError],
      [[g({ mean_y0: NaN })], 'rows[0].mean_y0', ValueError],
      [[g({ mean_y0: 'abc' })], 'rows[0].mean_y0', ValueError],
      [[g({ cov_x0_y1: null })], 'rows[0].cov_x0_y1', ValueError],
      [[g({ cov_x2_x2: Infinity })], 'rows[0].cov_x2_x2', ValueError],
      [[drop('n')], 'rows[0]', ShapeError],
      [[drop('cov_x1_x2')], 'rows[0]', ShapeError],
      [[drop('mean_x1')], 'rows[0]', ShapeError],
      [[{ n: 5 }], 'rows[0]', ShapeError],
      [[whole, { ...rowOf(X.map((x, i) => [...x, Y[i]![0]!]), 3, 1) }], 'rows[1]', ShapeError],
      [[whole, null], 'rows[1]', ValueError],
      [[[1, 2]], 'rows[0]', ValueError],
      [[], 'rows', ShapeError],
      [[rowOf(Z.slice(0, 1), 3, 2), rowOf([], 3, 2)], 'rows', ShapeError],
    ];
    for (const [rows, arg, type] of cases) {
      const e = (() => {
        try {
          momentsFromSqlRows(rows as SqlRow[]);
        } catch (err) {
          return err;
        }
        throw new Error(`accepted ${arg}`);
      })();
      expect(e, arg).toBeInstanceOf(type);
      expect((e as ValueError).argument, arg).toBe(arg);
    }
    // a single row is named row / rows without an index
    expect(() => CCA.fromSqlRow({ ...whole, n: 1 })).toThrow(expect.objectContaining({ argument: 'row' }));
    expect(() => CCA.fromSqlRow({ ...whole, mean_x0: null })).toThrow(expect.objectContaining({ argument: 'row.mean_x0' }));
    expect(() => momentsFromSqlRows({ ...whole, n: '1.0' })).toThrow(expect.objectContaining({ argument: 'rows.n' }));
    expect(() => CCA.fromSqlRow([whole] as never)).toThrow(expect.objectContaining({ argument: 'row' }));
    expect(() => CCA.fromSqlRows(whole as never)).toThrow(expect.objectContaining({ argument: 'rows' }));
  });

  it('leaves wasm memory as it was after refused calls', () => {
    const before = memoryStats().liveBytes;
    const notPsd = { ...whole, cov_x0_y0: 10 * Math.sqrt((whole.cov_x0_x0 as number) * (whole.cov_y0_y0 as number)) };
    const calls: (() => unknown)[] = [
      () => CCA.fromSqlRow({ ...whole, n: -1 }),
      () => CCA.fromSqlRows([whole, { ...whole, cov_x0_x1: null }]),
      () => CCA.fromSqlRow(whole, { regularization: 'auto' }),
      () => CCA.fromSqlRow(whole, { regularization: 'cv' }),
      () => CCA.fromSqlRow(whole, { components: 0 }),
      () => CCA.fromSqlRow(whole, { component: 1 } as never),
      () => CCA.fromSqlRows([notPsd]),
    ];
    for (const call of calls) expect(call).toThrow();
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe('end to end against DuckDB', () => {
  const N = 1_000_000, SEED = 16;
  let db: DuckDBInstance, con: DuckDBConnection, dir: string;
  let reference: CCA;

  const rowsOf = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJS() as SqlRow[];

  beforeAll(async () => {
    await init();
    dir = mkdtempSync(join(tmpdir(), 'crossmodal-sql-'));
    db = await DuckDBInstance.create(':memory:');
    con = await db.connect();
    // uniforms in [−0.5, 0.5) from a seeded hash of the row number (the same whatever the threads);
    // x0, y0 share z1 and x1, y1 share z2 (planted correlations); x3 is far from 0 and large
    const u = (k: number) => `(hash(i * 64 + ${k} + ${SEED * 64 * N})::DOUBLE / 18446744073709551616.0 - 0.5)`;
    await con.run(`CREATE TABLE big AS
      SELECT i, i % 8 AS shard, CASE WHEN i = 0 THEN 8 ELSE i % 8 END AS part,
        ${u(1)} + 0.5 * ${u(10)} AS x0, ${u(2)} + 0.8 * ${u(11)} AS x1, ${u(12)} + 0.3 * ${u(1)} AS x2, 5000 + 1000 * ${u(13)} AS x3,
        ${u(1)} + 0.6 * ${u(20)} AS y0, ${u(2)} - ${u(3)} + 0.7 * ${u(21)} AS y1, 0.01 * ${u(22)} + 0.002 * ${u(3)} AS y2
      FROM range(${N}) r(i)`);
    // the same rows in JS, for the in-memory reference
    const cols = (await con.runAndReadAll('SELECT x0, x1, x2, x3, y0, y1, y2 FROM big')).getColumnsJS() as number[][];
    const X = new Float64Array(N * 4), Y = new Float64Array(N * 3);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < 4; j++) X[i * 4 + j] = cols[j]![i]!;
      for (let j = 0; j < 3; j++) Y[i * 3 + j] = cols[4 + j]![i]!;
    }
    reference = new CCA({ components: 3 }).fit({ data: X, rows: N, cols: 4 }, { data: Y, rows: N, cols: 3 });
  });

  afterAll(() => {
    reference?.dispose();
    con?.closeSync();
    db?.closeSync();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const x = ['x0', 'x1', 'x2', 'x3'], y = ['y0', 'y1', 'y2'];

  it('a 1,000,000-row table: the CCA from the query equals the in-memory fit to 1e-9', async () => {
    const rows = await rowsOf(comomentsQuery({ table: 'big', x, y }));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.n).toBe(BigInt(N));
    const cca = CCA.fromSqlRow(rows[0]!, { components: 3 });
    const d = maxDiff(cca.allCorrelations, reference.allCorrelations);
    console.log(`1,000,000 rows, one row: correlations ${Array.from(reference.allCorrelations, (r) => r.toFixed(4)).join(', ')}; max difference ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-9);
    expect(reference.allCorrelations[0]).toBeGreaterThan(0.5);
    expect(maxDiff(cca.xMeans, reference.xMeans)).toBeLessThan(1e-9);
    cca.dispose();
  });

  it('grouped by 8 shards, and by parts one of which has 1 row: the merged fit equals it too', async () => {
    for (const key of ['shard', 'part']) {
      const rows = await rowsOf(comomentsQuery({ table: ['main', 'big'], x, y, groupBy: [key] }));
      expect(rows).toHaveLength(key === 'shard' ? 8 : 9);
      if (key === 'part') {
        const single = rows.find((r) => Number(r.part) === 8)!;
        expect(single.n).toBe(1n);
        expect(single.cov_x0_y0).toBeNull();
      }
      const cca = CCA.fromSqlRows(rows, { components: 3 });
      const d = maxDiff(cca.allCorrelations, reference.allCorrelations);
      console.log(`1,000,000 rows by ${key} (${rows.length} groups): max difference ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-9);
      expect(cca.nSamples).toBe(N);
      cca.dispose();
    }
  });

  it('a CSV file read by DuckDB, with names holding quotes, spaces, keywords and an injection attempt; NULLs and a raw where', async () => {
    // the data is made here (not by DuckDB) and written as text; the reference fits the JS numbers
    const n = 100_000;
    const { X, Y } = planted(n, 3, 3, [0.9, 0.5, 0.2], 1616);
    const xNames = ['select', 'a "quoted" name', 'x"; DROP TABLE big; --'];
    const yNames = ['from', 'with space', 'back`tick\\slash'];
    const header = ['row id', ...xNames, ...yNames];
    // about 1% of the rows lose one value (an empty field: NULL)
    const r = uniform(7);
    const holes = Array.from({ length: n }, () => (r() < 0.01 ? Math.floor(r() * 6) : -1));
    const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const lines = [header.map(csvField).join(',')];
    for (let i = 0; i < n; i++) lines.push([i, ...X[i]!, ...Y[i]!].map((v, k) => (k > 0 && holes[i] === k - 1 ? '' : String(v))).join(','));
    const file = join(dir, 'views.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const view = 'my "csv" view';
    await con.run(`CREATE VIEW ${quoteIdentifier(view)} AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}', header = true, delim = ',', quote = '"', escape = '"')`);
    const described = (await con.runAndReadAll(`DESCRIBE ${quoteIdentifier(view)}`)).getRowObjectsJS().map((c) => c.column_name);
    expect(described).toEqual(header);

    const check = async (keep: (i: number) => boolean, where?: string) => {
      const idx = [...Array(n).keys()].filter((i) => holes[i] === -1 && keep(i));
      const fit = new CCA({ components: 3 }).fit(idx.map((i) => X[i]!), idx.map((i) => Y[i]!));
      const sqlRows = await rowsOf(comomentsQuery({ table: ['main', view], x: xNames, y: yNames, where }));
      expect(sqlRows[0]!.n).toBe(BigInt(idx.length));
      const cca = CCA.fromSqlRow(sqlRows[0]!, { components: 3 });
      const d = maxDiff(cca.allCorrelations, fit.allCorrelations);
      console.log(`CSV, ${idx.length} complete rows${where ? ' (where)' : ''}: max difference ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-9);
      fit.dispose();
      cca.dispose();
    };
    await check(() => true);
    await check((i) => i % 3 !== 0, `${quoteIdentifier('row id')} % 3 <> 0 -- every third row left out`);
    // the name that tried to end the statement stayed a column name
    expect((await rowsOf('SELECT COUNT(*) AS c FROM big'))[0]!.c).toBe(BigInt(N));
  });
});

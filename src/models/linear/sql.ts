/**
 * CCA from an SQL engine (`crossmodal/sql`): linear CCA needs only the row count, the means
 * and the covariances, which every SQL engine aggregates. `comomentsQuery` writes the one
 * query (COUNT, AVG, VAR_SAMP, COVAR_SAMP) for a table; `momentsFromSqlRows` reads its result
 * row, or its rows per group (shards, days, partitions), and merges the groups exactly
 * (Chan, Golub & LeVeque) into the statistics `CCA.fromMoments` takes.
 *
 * Output columns of the query (p = x.length, q = y.length; i, j count from 0):
 *
 * | alias | aggregate |
 * |---|---|
 * | group keys (with `groupBy`) | the key columns first, under their own names |
 * | `n` | COUNT(*) of the kept rows |
 * | `mean_x{i}`, `mean_y{j}` | AVG of x[i], y[j] |
 * | `cov_x{i}_x{j}` (i ≤ j), `cov_y{i}_y{j}` (i ≤ j) | VAR_SAMP (i = j) or COVAR_SAMP within a view |
 * | `cov_x{i}_y{j}` | COVAR_SAMP across the views |
 *
 * 1 + (p+q) + (p+q)(p+q+1)/2 aggregates in all.
 */
import { ShapeError, ValueError, described } from '../../errors.js';
import { checkOptions } from '../../options.js';

/** How identifiers are quoted: `"…"` ('ansi': DuckDB, PostgreSQL), `` `…` `` ('bigquery', 'spark'). */
export type SqlDialect = 'ansi' | 'bigquery' | 'spark';

/** Options of comomentsQuery: the table, the two views' columns, the dialect and filters. */
export interface ComomentsQueryOptions {
  /** the table (required): one identifier, or the parts of a qualified name such as
   *  `['analytics', 'events']` or `['project', 'dataset', 'table']`; every part is quoted */
  table: string | readonly string[];
  /** the columns of the first view (required, at least one); aliases `mean_x0`, `cov_x0_x1`, … by position */
  x: readonly string[];
  /** the columns of the second view (required, at least one; none of them in x) */
  y: readonly string[];
  /** key columns to aggregate by (default none: one result row); the result has one row per
   *  group, the keys first under their own names, and the groups merge exactly */
  groupBy?: readonly string[];
  /** a filter in the engine's own SQL, inserted as written (default none). Raw, trusted SQL:
   *  never build it from user input */
  where?: string;
  /** identifier quoting and cast type (default 'ansi'): 'ansi' for DuckDB and PostgreSQL,
   *  'bigquery' (GoogleSQL), 'spark' (Spark SQL, Databricks) */
  dialect?: SqlDialect;
}

/** One result row of the query, as a driver returns it (counts may be number, bigint or string). */
export type SqlRow = Readonly<Record<string, unknown>>;

/** A row-major matrix owned by JS. */
export interface SqlMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** The statistics of the rows a query aggregated, all groups merged: the input of `CCA.fromMoments`. */
export interface SqlMoments {
  /** rows in all groups */
  n: number;
  xMeans: Float64Array;
  yMeans: Float64Array;
  /** covariances normalised by n − 1: x with x (p×p), y with y (q×q), x with y (p×q) */
  xx: SqlMatrix;
  yy: SqlMatrix;
  xy: SqlMatrix;
}

const QUERY_OPTIONS = ['table', 'x', 'y', 'groupBy', 'where', 'dialect'] as const satisfies readonly (keyof ComomentsQueryOptions)[];
const DIALECTS: readonly SqlDialect[] = ['ansi', 'bigquery', 'spark'];
const DOUBLE: Record<SqlDialect, string> = { ansi: 'DOUBLE PRECISION', bigquery: 'FLOAT64', spark: 'DOUBLE' };
/** Names the query uses itself (its aliases and the inner columns cm_x0, …): a group key may not be one. */
const RESERVED = /^(n|mean_[xy]\d+|cov_[xy]\d+_[xy]\d+|cm_[xy]\d+|cm_rows)$/i;

/**
 * An identifier quoted for the dialect, as comomentsQuery quotes every name (use it to name
 * columns in a `where`). ANSI: `"…"` with `"` doubled (PostgreSQL, DuckDB); Spark: `` `…` ``
 * with `` ` `` doubled; BigQuery: `` `…` `` with the string-literal escapes `` \` `` and `\\`.
 * Whatever the name holds, it stays one identifier.
 *
 * @example
 * import { quoteIdentifier } from 'crossmodal/sql';
 * quoteIdentifier('say "hi"');            // '"say ""hi"""'
 * quoteIdentifier('a`b', 'spark');        // '`a``b`'
 */
export function quoteIdentifier(name: string, dialect: SqlDialect = 'ansi'): string {
  return quote(checkIdentifier(name, 'name'), checkDialect(dialect, 'dialect'));
}

function quote(name: string, dialect: SqlDialect): string {
  if (dialect === 'ansi') return `"${name.replace(/"/g, '""')}"`;
  if (dialect === 'spark') return `\`${name.replace(/`/g, '``')}\``;
  return `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}

function checkDialect(v: unknown, name: string): SqlDialect {
  if (!DIALECTS.includes(v as SqlDialect)) throw new ValueError(name, `one of ${DIALECTS.map((d) => `'${d}'`).join(', ')}`, v);
  return v as SqlDialect;
}

/** A non-empty identifier without control characters (no dialect can quote those uniformly). */
function checkIdentifier(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0 || /[\u0000-\u001f\u007f]/.test(v))
    throw new ValueError(name, 'a non-empty identifier without control characters', v);
  return v;
}

/** A non-empty list of distinct identifiers. */
function checkColumns(v: unknown, name: string, allowEmpty = false): string[] {
  if (!Array.isArray(v) || (!allowEmpty && v.length === 0))
    throw new ValueError(name, allowEmpty ? 'an array of column names' : 'a non-empty array of column names', v);
  const out = v.map((c, i) => checkIdentifier(c, `${name}[${i}]`));
  out.forEach((c, i) => {
    const first = out.indexOf(c);
    if (first !== i) throw new ValueError(`${name}[${i}]`, `a column not listed already (it is ${name}[${first}])`, c);
  });
  return out;
}

/**
 * The one SQL query whose result row (or rows, one per group) `CCA.fromSqlRow` /
 * `CCA.fromSqlRows` turn into a fit. It keeps only the rows where every x and y column is
 * non-NULL (and `where` holds), so every aggregate sees the same rows; the columns are cast
 * to double first. Identifiers are quoted for the dialect (a name can hold quotes, spaces or
 * keywords); `where` is inserted as written.
 *
 * @example
 * import { comomentsQuery } from 'crossmodal/sql';
 * const sql = comomentsQuery({ table: ['main', 'events'], x: ['age', 'income'], y: ['score'], groupBy: ['day'] });
 * // SELECT "day", COUNT(*) AS "n", AVG(cm_x0) AS "mean_x0", … FROM (SELECT "day", CAST("age" AS DOUBLE PRECISION) AS cm_x0, …
 */
export function comomentsQuery(options: ComomentsQueryOptions): string {
  if (options === undefined) throw new ValueError('options', `an options object { ${QUERY_OPTIONS.join(', ')} }`, options);
  const o = checkOptions(options, QUERY_OPTIONS);
  const dialect = checkDialect(o.dialect ?? 'ansi', 'options.dialect');
  if (!(typeof o.table === 'string' || (Array.isArray(o.table) && o.table.length > 0)))
    throw new ValueError('options.table', 'a table name, or the parts of a qualified name (a non-empty array)', o.table);
  const table = typeof o.table === 'string' ? [checkIdentifier(o.table, 'options.table')] : o.table.map((t, i) => checkIdentifier(t, `options.table[${i}]`));
  const x = checkColumns(o.x, 'options.x'), y = checkColumns(o.y, 'options.y');
  y.forEach((c, j) => {
    const i = x.indexOf(c);
    if (i >= 0) throw new ValueError(`options.y[${j}]`, `a column of only one view (it is also options.x[${i}])`, c);
  });
  const keys = checkColumns(o.groupBy ?? [], 'options.groupBy', true);
  keys.forEach((k, i) => {
    if (RESERVED.test(k)) throw new ValueError(`options.groupBy[${i}]`, 'a key not named like one of the query\'s own columns (n, mean_…, cov_…, cm_…)', k);
  });
  if (o.where !== undefined && (typeof o.where !== 'string' || o.where.trim() === '')) throw new ValueError('options.where', 'a non-empty SQL condition (or leave it out)', o.where);

  const id = (s: string) => quote(s, dialect);
  const v = [...x.map((c, i) => ({ c, a: `x${i}` })), ...y.map((c, j) => ({ c, a: `y${j}` }))];
  const outer: string[] = [...keys.map(id), `COUNT(*) AS ${id('n')}`, ...v.map(({ a }) => `AVG(cm_${a}) AS ${id(`mean_${a}`)}`)];
  // within x, within y, then across: cov_x{i}_x{j}, cov_y{i}_y{j} (i ≤ j), cov_x{i}_y{j}
  const pairs: [string, string][] = [];
  for (const view of [x.length, y.length].map((d, k) => ({ d, s: k === 0 ? 'x' : 'y' })))
    for (let i = 0; i < view.d; i++) for (let j = i; j < view.d; j++) pairs.push([`${view.s}${i}`, `${view.s}${j}`]);
  for (let i = 0; i < x.length; i++) for (let j = 0; j < y.length; j++) pairs.push([`x${i}`, `y${j}`]);
  for (const [a, b] of pairs) outer.push(a === b ? `VAR_SAMP(cm_${a}) AS ${id(`cov_${a}_${b}`)}` : `COVAR_SAMP(cm_${a}, cm_${b}) AS ${id(`cov_${a}_${b}`)}`);
  const inner = [...keys.map(id), ...v.map(({ c, a }) => `CAST(${id(c)} AS ${DOUBLE[dialect]}) AS cm_${a}`)];
  const kept = v.map(({ c }) => `${id(c)} IS NOT NULL`).join(' AND ');
  // the raw filter sits on lines of its own, so a trailing -- comment in it ends there
  const filter = o.where === undefined ? kept : `(\n${o.where}\n  ) AND ${kept}`;
  return [
    'SELECT',
    outer.map((s) => `  ${s}`).join(',\n'),
    'FROM (',
    `  SELECT ${inner.join(',\n    ')}`,
    `  FROM ${table.map(id).join('.')}`,
    `  WHERE ${filter}`,
    ') AS cm_rows',
    ...(keys.length ? [`GROUP BY ${keys.map(id).join(', ')}`] : []),
  ].join('\n');
}

/** One group's statistics over the p + q variables, z = (x, y): mean and co-moments M = Σ (z − mean)(z − mean)ᵀ. */
interface Group {
  n: number;
  mean: Float64Array;
  /** d×d, row-major, symmetric */
  M: Float64Array;
}

/** A count: a non-negative safe integer as number, bigint or decimal string. */
function readCount(v: unknown, name: string): number {
  const n = typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : NaN) : typeof v === 'string' && /^\s*\+?\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new ValueError(name, 'a row count: an integer ≥ 0 (number, bigint or decimal string)', typeof v === 'bigint' ? described(`${v}n`) : v);
  return n;
}

/** A finite number given as number, bigint or numeric string; null/undefined come back as null. */
function readNumber(v: unknown, name: string, what: string): number | null {
  if (v === null || v === undefined) return null;
  const x = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(x)) throw new ValueError(name, what, typeof v === 'bigint' ? described(`${v}n`) : v);
  return x;
}

/** The indices k of the keys `${prefix}k` of a row: 0..d−1, each once. */
function aliasCount(row: SqlRow, prefix: string): number {
  const re = new RegExp(`^${prefix}(0|[1-9]\\d*)$`);
  let d = 0;
  for (const key of Object.keys(row)) if (re.test(key)) d++;
  return d;
}

/** Reads one result row into a group (null for a group of 0 rows). */
function readGroup(row: unknown, name: string, dims: { p: number; q: number } | null): { g: Group | null; p: number; q: number } {
  if (row === null || typeof row !== 'object' || Array.isArray(row) || ArrayBuffer.isView(row))
    throw new ValueError(name, 'a result row of comomentsQuery (an object keyed by its column aliases)', row);
  const r = row as SqlRow;
  const p = aliasCount(r, 'mean_x'), q = aliasCount(r, 'mean_y');
  const what = `columns n, mean_x0…, mean_y0…, cov_… (the aliases of comomentsQuery)`;
  if (!('n' in r)) throw new ShapeError(name, what, 'no column n');
  if (p === 0 || q === 0) throw new ShapeError(name, what, `${p} mean_x and ${q} mean_y columns`);
  if (dims && (p !== dims.p || q !== dims.q)) throw new ShapeError(name, `${dims.p} mean_x and ${dims.q} mean_y columns (as the first row)`, `${p} and ${q}`);
  const n = readCount(r.n, `${name}.n`);
  if (n === 0) return { g: null, p, q };
  const d = p + q, label = (k: number) => (k < p ? `x${k}` : `y${k - p}`);
  const mean = new Float64Array(d), M = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const key = `mean_${label(k)}`;
    if (!(key in r)) throw new ShapeError(name, what, `no column ${key}`);
    const m = readNumber(r[key], `${name}.${key}`, `a finite mean (the group has n = ${n} rows)`);
    if (m === null) throw new ValueError(`${name}.${key}`, `a finite mean (the group has n = ${n} rows)`, r[key]);
    mean[k] = m;
  }
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      const key = `cov_${label(a)}_${label(b)}`;
      if (!(key in r)) throw new ShapeError(name, what, `no column ${key}`);
      const v = r[key];
      // one row: VAR_SAMP/COVAR_SAMP are NULL (or NaN in some engines); its co-moments are 0
      if (n === 1) continue;
      const c = readNumber(v, `${name}.${key}`, `a finite covariance (the group has n = ${n} rows)`);
      if (c === null) throw new ValueError(`${name}.${key}`, `a finite covariance (the group has n = ${n} rows)`, v);
      M[a * d + b] = M[b * d + a] = c * (n - 1);
    }
  return { g: { n, mean, M }, p, q };
}

/** Chan, Golub & LeVeque: the statistics of the union of two groups' rows. */
function mergeGroups(a: Group, b: Group): Group {
  const n = a.n + b.n, d = a.mean.length, f = (a.n * b.n) / n;
  const mean = new Float64Array(d), delta = new Float64Array(d), M = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    delta[k] = b.mean[k]! - a.mean[k]!;
    mean[k] = a.mean[k]! + (delta[k]! * b.n) / n;
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) M[i * d + j] = a.M[i * d + j]! + b.M[i * d + j]! + delta[i]! * delta[j]! * f;
  return { n, mean, M };
}

/** Reads rows (one, or one per group) under the argument name `name`. @internal */
export function readSqlMoments(rows: readonly unknown[], name: string, single: boolean): SqlMoments {
  let groups: Group[] = [];
  let dims: { p: number; q: number } | null = null;
  rows.forEach((row, i) => {
    const r = readGroup(row, single ? name : `${name}[${i}]`, dims);
    dims ??= { p: r.p, q: r.q };
    if (r.g) groups.push(r.g);
  });
  const total = groups.reduce((s, g) => s + g.n, 0);
  if (!dims || total < 2) throw new ShapeError(name, 'at least 2 rows in total (the n column)', rows.length === 0 ? 'no result rows' : `n = ${total}`);
  // pairwise (tree) merge: the rounding grows with log(groups), not with their number
  while (groups.length > 1) {
    const next: Group[] = [];
    for (let i = 0; i < groups.length; i += 2) next.push(i + 1 < groups.length ? mergeGroups(groups[i]!, groups[i + 1]!) : groups[i]!);
    groups = next;
  }
  const { n, mean, M } = groups[0]!;
  const { p, q } = dims, d = p + q;
  const block = (r0: number, c0: number, rows_: number, cols: number): SqlMatrix => {
    const data = new Float64Array(rows_ * cols);
    for (let i = 0; i < rows_; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = M[(r0 + i) * d + c0 + j]! / (n - 1);
    return { data, rows: rows_, cols };
  };
  return { n, xMeans: mean.slice(0, p), yMeans: mean.slice(p), xx: block(0, 0, p, p), yy: block(p, p, q, q), xy: block(0, p, p, q) };
}

/**
 * The statistics of a comomentsQuery result: one row, or an array of rows (one per group,
 * any order; group key columns are ignored), merged exactly into one set. p and q come from
 * the aliases. Counts may be number, bigint or decimal string; a group of 0 rows is skipped;
 * a group of 1 row (NULL covariances) adds its row. Throws a ValueError naming the column
 * (`rows[3].mean_x1`) for a missing, NULL or non-numeric value, and a ShapeError when the
 * rows disagree on p and q or hold fewer than 2 rows in total.
 *
 * @example
 * import { momentsFromSqlRows } from 'crossmodal/sql';
 * const m = momentsFromSqlRows([
 *   { day: 1, n: 2n, mean_x0: 1.5, mean_y0: 3, cov_x0_x0: 0.5, cov_y0_y0: 2, cov_x0_y0: 1 },
 *   { day: 2, n: 1n, mean_x0: 3, mean_y0: 6, cov_x0_x0: null, cov_y0_y0: null, cov_x0_y0: null },
 * ]);
 * m.n;       // 3
 * m.xMeans;  // Float64Array [2]
 */
export function momentsFromSqlRows(rows: SqlRow | readonly SqlRow[]): SqlMoments {
  if (Array.isArray(rows)) return readSqlMoments(rows, 'rows', false);
  return readSqlMoments([rows], 'rows', true);
}

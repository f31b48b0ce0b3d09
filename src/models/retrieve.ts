/**
 * Retrieval in a model's shared space (`retrieve` on CCA, KernelCCA, DeepCCA and its DCCAE
 * form, MultimodalVAE), and what it shares with `metrics.retrieval`: the options, the row
 * sources and the scan of src/wasm/ops_retrieval.ts (gallery read a block at a time).
 */
import { rowSource, retrievalScan, type MatrixInput, type RetrievalMetric, type RowSource, type Shaped } from '../wasm/index.js';
import { CrossmodalError, NonFiniteError, ShapeError, ValueError } from '../errors.js';
import { checkOptions } from '../options.js';

const METRICS = ['cosine', 'euclidean'];

/** The metric option, checked (default 'cosine'). */
export function checkMetric(metric: unknown, name: string): RetrievalMetric {
  if (metric === undefined) return 'cosine';
  if (!METRICS.includes(metric as string)) throw new ValueError(name, "'cosine' or 'euclidean'", metric);
  return metric as RetrievalMetric;
}

/** k, an integer in 1..rows. */
export function checkK(k: unknown, rows: number, name: string): number {
  if (!Number.isInteger(k) || (k as number) < 1 || (k as number) > rows) throw new ValueError(name, `an integer in 1..${rows} (the gallery's rows)`, k);
  return k as number;
}

/** Both sources opened (each validated in full), handed to fn, and released however it ends. */
export function withSources<T>(queries: MatrixInput, gallery: MatrixInput, names: readonly [string, string], fn: (Q: RowSource, G: RowSource) => T): T {
  const Q = rowSource(queries, names[0]);
  try {
    const G = rowSource(gallery, names[1]);
    try {
      if (G.cols !== Q.cols) throw new ShapeError(names[1], `${Q.cols} columns (as ${names[0]})`, `${G.cols} columns`);
      return fn(Q, G);
    } finally {
      G.release();
    }
  } finally {
    Q.release();
  }
}

/** Keys to reported scores: cosine similarities as they are, Euclidean distances from the negated squares. */
export function scores(keys: Float64Array, metric: RetrievalMetric): Float64Array {
  if (metric === 'cosine') return keys;
  const out = new Float64Array(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = Math.sqrt(-keys[i]! + 0);
  return out;
}

/** What the models' `retrieve` takes. */
export interface RetrieveOptions {
  /** gallery rows returned per query (default 10, at most the gallery's rows) */
  k?: number;
  /** 'x' (default): queries are rows of the first view, the gallery rows of the second; 'y' the reverse */
  from?: 'x' | 'y';
  /** 'cosine' (default) or 'euclidean', in the shared space */
  metric?: RetrievalMetric;
}

/** The top k gallery rows of each query: `rows` queries × `cols` = k, row-major, best first. */
export interface RetrieveResult {
  indices: Int32Array;
  /** cosine similarities (descending) or Euclidean distances (ascending) in the shared space */
  scores: Float64Array;
  rows: number;
  cols: number;
}

/** The options of a model's retrieve, checked (k against the gallery's rows later). */
export function retrieveOptions(options: RetrieveOptions | undefined): { k: number | undefined; from: 'x' | 'y'; metric: RetrievalMetric } {
  if (options === undefined || options === null || typeof options !== 'object') {
    if (options === undefined) return { k: undefined, from: 'x', metric: 'cosine' };
    throw new ValueError('options', 'an object { k, from, metric }', options);
  }
  checkOptions(options, ['k', 'from', 'metric'], 'options');
  const from = options.from ?? 'x';
  if (from !== 'x' && from !== 'y') throw new ValueError('options.from', "'x' (queries from the first view) or 'y'", from);
  return { k: options.k, from, metric: checkMetric(options.metric, 'options.metric') };
}

/** The top k rows of gallery embeddings for each query embedding (a model's retrieve, after embedding). */
export function retrieveRows(queries: MatrixInput, gallery: MatrixInput, k: number | undefined, metric: RetrievalMetric): RetrieveResult {
  return withSources(queries, gallery, ['query', 'gallery'], (Q, G) => {
    const kk = k === undefined ? Math.min(10, G.rows) : checkK(k, G.rows, 'options.k');
    const scan = retrievalScan(Q, G, { metric, k: kk, relevance: 'paired', ranks: false, names: ['query', 'gallery'] });
    return { indices: scan.indices, scores: scores(scan.keys, metric), rows: Q.rows, cols: kk };
  });
}

/** An error about the view `view` (its argument `view`, `view[i]`, …) told against `name` instead. */
function renamed(e: unknown, view: string, name: string): unknown {
  if (!(e instanceof CrossmodalError)) return e;
  const arg = (e as { argument?: unknown }).argument;
  if (typeof arg !== 'string' || !(arg === view || arg.startsWith(`${view}[`) || arg.startsWith(`${view}.`))) return e;
  const to = `${name} (rows of ${view})${arg.slice(view.length)}`;
  if (e instanceof ShapeError) return new ShapeError(to, e.expected, e.actual);
  if (e instanceof NonFiniteError) return new NonFiniteError(to, e.row, e.col, e.value);
  if (e instanceof ValueError) return new (e.constructor as typeof ValueError)(to, e.expected, e.actual);
  return e;
}

/**
 * A model's retrieve: query rows of one view and gallery rows of the other embedded by
 * `embed(view, rows)` (view 0 = X, 1 = Y), each component scaled by `weights[c]` when given,
 * then the top k gallery rows per query. Errors about a view's rows name query or gallery.
 */
export function retrieveEmbedded(
  query: unknown, gallery: unknown, options: RetrieveOptions | undefined, viewNames: readonly [string, string],
  embed: (view: 0 | 1, rows: unknown) => Shaped, weights: ArrayLike<number> | null,
): RetrieveResult {
  const o = retrieveOptions(options);
  const [qv, gv] = o.from === 'x' ? ([0, 1] as const) : ([1, 0] as const);
  const side = (view: 0 | 1, rows: unknown, name: string) => {
    let e: Shaped;
    try {
      e = embed(view, rows);
    } catch (err) {
      throw renamed(err, viewNames[view], name);
    }
    if (!weights) return e;
    const out = new Float64Array(e.rows * e.cols);
    for (let i = 0; i < e.rows; i++) for (let c = 0; c < e.cols; c++) out[i * e.cols + c] = e.data[i * e.cols + c]! * (weights[c] ?? 1);
    return { data: out, rows: e.rows, cols: e.cols };
  };
  const q = side(qv, query, 'query'), g = side(gv, gallery, 'gallery');
  return retrieveRows(q, g, o.k, o.metric);
}

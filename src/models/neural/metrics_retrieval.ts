/**
 * Cross-modal retrieval: each query row ranks the gallery rows by similarity (cosine, or
 * Euclidean distance), in f64 wasm kernels that scan the gallery a block at a time (see
 * src/wasm/ops_retrieval.ts); `metrics.retrieval` scores the rankings, and the models'
 * `retrieve` (CCA, KernelCCA, DeepCCA, MultimodalVAE) embeds both sides first and returns the
 * top rows through `retrieveRows`.
 */
import { retrievalScan, type MatrixInput, type RetrievalMetric } from '../../wasm/index.js';
import { ShapeError, ValueError } from '../../errors.js';
import { checkLabels, checkOptions } from '../../options.js';
import { checkK, checkMetric, scores, withSources } from '../retrieve.js';

/** The options of metrics.retrieval. */
export interface RetrievalOptions {
  /** the cut-offs of recall@k (default [1, 5, 10], those up to the gallery's rows); indices and scores keep the top max(k) */
  k?: number | readonly number[];
  /** 'paired' (default: query i's match is gallery row i), or one integer label per gallery row that labels query i too */
  relevance?: 'paired' | ArrayLike<number>;
  /** 'cosine' (default) or 'euclidean' */
  metric?: RetrievalMetric;
}

/** What metrics.retrieval returns: the figures, and each query's top max(k) gallery rows. */
export interface RetrievalResult {
  /** the cut-offs, as asked */
  k: number[];
  /** recallAt[i] for k[i] */
  recallAt: Float64Array;
  /** the mean over queries of the average precision over the full gallery ranking */
  meanAveragePrecision: number;
  /** the median over queries of the rank of the partner (paired) or of the best relevant row (labels) */
  medianRank: number;
  /** queries × max(k) gallery rows, best first (row-major); ties to the lower row */
  indices: Int32Array;
  /** their scores: cosine similarities (descending), or Euclidean distances (ascending) */
  scores: Float64Array;
}

/**
 * Retrieval figures of queries against a gallery (rows of the same width). Relevance:
 * `'paired'`, query i's match is gallery row i (the gallery may hold more rows than there are
 * queries: distractors); or labels, one integer per gallery row that labels query i too, and
 * the gallery rows with the query's label are relevant.
 *
 * Definitions (scripts/reference/retrieval.py computes the same independently): similarities
 * in f64, the cosine (a zero row is a ValueError naming it) or the negated Euclidean distance
 * (ranked by the squared distance ‖q‖² + ‖g‖² − 2q·g, clamped at 0). The rank of a relevant row
 * is 1 + the number of gallery rows strictly more similar, so ties share the best rank.
 * recall@k is the share of queries whose partner (paired), or best relevant row (labels),
 * ranks ≤ k; `medianRank` the median of those ranks (the mean of the middle two for an even
 * count). Average precision is over the full gallery ranking in which relevant rows come first
 * among equal similarities: the t-th relevant row (t = 1, 2, …, best first) sits at position
 * t + (non-relevant rows strictly more similar), and AP is the mean of t / position over the
 * relevant rows (for 'paired' that is 1 / rank). Without ties this is the usual AP.
 *
 * The similarity products and the partial sort run in wasm a block of queries × a block of
 * gallery rows at a time, scanning the gallery twice (the top rows and the relevant
 * similarities, then the counts above them); rows given as arrays are copied in a block at a
 * time, so the gallery need not fit in wasm memory.
 *
 * @example
 * const r = metrics.retrieval([[1, 0], [0, 1]], [[0.9, 0.1], [0.2, 0.8]], { k: [1] });
 * r.recallAt; // Float64Array [1]
 * r.indices;  // Int32Array [0, 1]
 */
export function retrieval(queries: MatrixInput, gallery: MatrixInput, options: RetrievalOptions = {}): RetrievalResult {
  checkOptions(options, ['k', 'relevance', 'metric'], 'options');
  const metric = checkMetric(options.metric, 'options.metric');
  const relevance = options.relevance ?? 'paired';
  if (typeof relevance === 'string' && relevance !== 'paired') throw new ValueError('options.relevance', "'paired' or one integer label per gallery row", relevance);
  return withSources(queries, gallery, ['queries', 'gallery'], (Q, G) => {
    if (Q.rows > G.rows) throw new ShapeError('queries', `at most ${G.rows} rows (query i is matched with gallery row i)`, `${Q.rows} rows`);
    if (relevance !== 'paired') checkLabels(relevance, G.rows, null, 'options.relevance');
    const given = options.k;
    let ks: number[];
    if (given === undefined) ks = [1, 5, 10].filter((k) => k <= G.rows);
    else {
      const list = typeof given === 'number' ? [given] : Array.isArray(given) && given.length > 0 ? Array.from(given as readonly number[]) : null;
      if (!list) throw new ValueError('options.k', 'an integer or a non-empty array of integers', given);
      ks = list.map((k, i) => checkK(k, G.rows, typeof given === 'number' ? 'options.k' : `options.k[${i}]`));
    }
    const K = Math.max(...ks);
    const scan = retrievalScan(Q, G, { metric, k: K, relevance, ranks: true, names: ['queries', 'gallery'] });
    const best = scan.bestRank!, n = Q.rows;
    const recallAt = Float64Array.from(ks, (k) => {
      let hit = 0;
      for (let i = 0; i < n; i++) if (best[i]! <= k) hit++;
      return hit / n;
    });
    let sum = 0;
    for (let i = 0; i < n; i++) sum += scan.averagePrecision![i]!;
    const sorted = Float64Array.from(best).sort();
    const medianRank = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
    return { k: ks, recallAt, meanAveragePrecision: sum / n, medianRank, indices: scan.indices, scores: scores(scan.keys, metric) };
  });
}

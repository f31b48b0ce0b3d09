/**
 * The retrieval scan (metrics.retrieval, the models' retrieve): queries against a gallery, both
 * read a block of rows at a time (row sources), by the kernels of assembly/retrieval.ts. For
 * each block of queries the gallery is scanned once for the top k (and the keys of the relevant
 * rows), and, when ranks are asked for, once more to count the rows above each relevant key.
 * What is held at once: a query block × gallery block of keys, the heaps and the relevant keys
 * of a query block; never a query × gallery matrix, and never the whole gallery when it is
 * handed in as rows (a contiguous Matrix is read in place).
 */
import { kernels } from './module.js';
import { addr } from './block.js';
import { Matrix } from './matrix.js';
import { withScratch } from './scratch.js';
import { overflowError } from './finite.js';
import { rowBlocks, type RowSource } from './rows.js';
import { ShapeError, ValueError } from '../errors.js';

/** How retrieval compares rows: 'cosine' similarity, or 'euclidean' distance (ranked nearest first). */
export type RetrievalMetric = 'cosine' | 'euclidean';

export interface RetrievalScanSettings {
  metric: RetrievalMetric;
  /** the number of best gallery rows kept per query (1..gallery rows) */
  k: number;
  /** 'paired' (query i ↔ gallery row i) or one integer label per gallery row (query i has labels[i]) */
  relevance: 'paired' | ArrayLike<number>;
  /** also the ranks (a second pass): average precision and the best relevant rank per query */
  ranks: boolean;
  /** the arguments' names for errors (queries, gallery) */
  names: readonly [string, string];
  /** rows per block (tests); default 256 queries × 512 gallery rows */
  blockRows?: readonly [number, number];
}

export interface RetrievalScan {
  /** queries × k gallery rows, best first (row-major) */
  indices: Int32Array;
  /** their keys: cosine similarities, or negated squared distances */
  keys: Float64Array;
  /** per query (when ranks): average precision, and the rank of its best relevant row */
  averagePrecision: Float64Array | null;
  bestRank: Float64Array | null;
}

// relevant keys held per query block at most (f64 + i32 counts each): 2M entries, 24 MB
const REL_BUDGET = 2_000_000;

/** Scans the gallery source for each query block; the caller has checked widths, k and labels. */
export function retrievalScan(Q: RowSource, G: RowSource, o: RetrievalScanSettings): RetrievalScan {
  const K = kernels();
  const nq = Q.rows, ng = G.rows, d = Q.cols, k = o.k, metric = o.metric === 'cosine' ? 0 : 1;
  if (G.cols !== d) throw new ShapeError(o.names[1], `${d} columns (as ${o.names[0]})`, `${G.cols} columns`);
  // labels of queries and gallery rows: paired ones are the row numbers (gallery rows beyond the queries match none)
  const paired = o.relevance === 'paired';
  const lab = paired ? null : (o.relevance as ArrayLike<number>);
  let rmax = 1;
  if (lab) {
    const count = new Map<number, number>();
    for (let j = 0; j < ng; j++) count.set(lab[j]!, (count.get(lab[j]!) ?? 0) + 1);
    for (let i = 0; i < nq; i++) rmax = Math.max(rmax, count.get(lab[i]!)!);
  }
  const [qbMax, gbMax] = o.blockRows ?? [256, 512];
  const qb = Math.max(1, Math.min(qbMax, nq, o.ranks ? Math.floor(REL_BUDGET / rmax) : nq)), gb = Math.min(gbMax, ng);
  const indices = new Int32Array(nq * k), keys = new Float64Array(nq * k);
  const ap = o.ranks ? new Float64Array(nq) : null, best = o.ranks ? new Float64Array(nq) : null;
  withScratch((s) => {
    const S = s.matrix(qb, gb), qa = s.matrix(1, qb), ga = s.matrix(1, gb);
    const hk = s.matrix(qb, k), hi = s.indices(qb * k, 'i32');
    const lq = s.indices(nq, 'i32'), lg = s.indices(ng, 'i32');
    if (lab) (lq.values.set(Array.from({ length: nq }, (_, i) => lab[i]!)), lg.values.set(lab));
    else (lq.values.set(Array.from({ length: nq }, (_, i) => i)), lg.values.set(Array.from({ length: ng }, (_, j) => j)));
    const rel = o.ranks ? s.matrix(qb, rmax) : null, above = o.ranks ? s.indices(qb * rmax, 'i32') : null, cnt = o.ranks ? s.indices(qb, 'i32') : null;
    const apb = o.ranks ? s.matrix(1, qb) : null, bestb = o.ranks ? s.matrix(1, qb) : null;
    const norms = (out: Matrix, x: Matrix, start: number, name: string) => {
      K.retrieval_norms_f64(addr(out), addr(x), x.rows, x.cols, x.ld, metric);
      if (metric === 0) {
        const v = out.data;
        for (let i = 0; i < x.rows; i++) if (v[i] === 0) throw new ValueError(`${name}[${start + i}]`, 'a row with a nonzero norm (the cosine of a zero row is undefined; use metric: "euclidean")', 'a row of zeros');
      }
    };
    for (const [q0, mq] of rowBlocks(nq, qb)) {
      // one scan of the gallery: pass 0 the top k and the relevant keys, pass 1 the counts
      const q = Q.block(q0, mq);
      norms(qa, q, q0, o.names[0]);
      const scan = (each: (keysPtr: number, j0: number, ngb: number) => void) => {
        for (const [j0, ngb] of rowBlocks(ng, gb)) {
          const g = G.block(j0, ngb);
          norms(ga, g, j0, o.names[1]);
          const bad = K.retrieval_keys_f64(addr(S), addr(q), addr(g), addr(qa), addr(ga), mq, ngb, d, q.ld, g.ld, gb, metric);
          if (bad > 0) throw overflowError(o.names, 'similarities');
          each(addr(S), j0, ngb);
        }
      };
      const hkv = hk.data;
      hkv.fill(-Infinity, 0, mq * k);
      if (cnt) cnt.values.fill(0, 0, mq);
      const lqb = addr(lq) + q0 * 4;
      scan((sp, j0, ngb) => {
        K.retrieval_topk_f64(addr(hk), addr(hi), sp, mq, ngb, gb, k, j0);
        if (rel) K.retrieval_gather_f64(addr(rel), addr(cnt!), sp, lqb, addr(lg) + j0 * 4, mq, ngb, gb, rmax);
      });
      K.retrieval_topk_sort_f64(addr(hk), addr(hi), mq, k);
      indices.set(hi.values.subarray(0, mq * k), q0 * k);
      keys.set(hk.data.subarray(0, mq * k), q0 * k);
      if (rel) {
        K.retrieval_sort_desc_f64(addr(rel), addr(cnt!), mq, rmax);
        above!.values.fill(0, 0, mq * rmax);
        scan((sp, j0, ngb) => K.retrieval_count_f64(addr(above!), addr(rel), addr(cnt!), sp, lqb, addr(lg) + j0 * 4, mq, ngb, gb, rmax));
        K.retrieval_finish_f64(addr(apb!), addr(bestb!), addr(cnt!), addr(above!), mq, rmax);
        ap!.set(apb!.data.subarray(0, mq), q0);
        best!.set(bestb!.data.subarray(0, mq), q0);
      }
    }
  });
  return { indices, keys, averagePrecision: ap, bestRank: best };
}


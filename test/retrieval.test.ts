// metrics.retrieval (issue 40) against a numpy script written from the definitions
// (test/fixtures/retrieval-reference.json, from scripts/reference/retrieval.py: the full
// similarity matrix, ranks by counting, AP by sorting each row), the wasm scan against a plain
// JS oracle on sizes that are not multiples of any tile and with every block size (the scan
// must not depend on how the gallery is cut), cases counted by hand, typed errors, and no
// leaked wasm memory.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, metrics, Matrix, Tensor, NonFiniteError, OverflowError, ShapeError, ValueError } from '../src/index.js';
import { retrievalScan, rowSource, type RetrievalMetric } from '../src/wasm/index.js';
import { centred } from './helpers.js';

beforeAll(async () => {
  await init();
});

interface Case {
  name: string; metric: RetrievalMetric; k: number[]; relevance: 'paired' | number[]; queries: number[][]; gallery: number[][];
  recallAt: number[]; meanAveragePrecision: number; medianRank: number; bestRank: number[]; averagePrecision: number[]; indices: number[][]; scores: number[][];
}
const ref = JSON.parse(readFileSync(new URL('./fixtures/retrieval-reference.json', import.meta.url), 'utf8')) as { versions: Record<string, string>; cases: Case[] };

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('metrics.retrieval against the numpy reference (1e-12 in every figure)', () => {
  for (const c of ref.cases) {
    it(c.name, () => {
      const before = memoryStats().liveBytes;
      const r = metrics.retrieval(c.queries, c.gallery, { k: c.k, relevance: c.relevance, metric: c.metric });
      expect(memoryStats().liveBytes).toBe(before);
      expect(r.k).toEqual(c.k);
      c.recallAt.forEach((v, i) => expect(close(r.recallAt[i]!, v)).toBe(true));
      expect(close(r.meanAveragePrecision, c.meanAveragePrecision)).toBe(true);
      expect(r.medianRank).toBe(c.medianRank);
      const K = Math.max(...c.k);
      expect(r.indices.length).toBe(c.queries.length * K);
      expect(Array.from(r.indices)).toEqual(c.indices.flat());
      c.scores.flat().forEach((v, i) => expect(close(r.scores[i]!, v)).toBe(true));
      // the per-query figures behind them, from the scan
      const Q = rowSource(c.queries, 'queries'), G = rowSource(c.gallery, 'gallery');
      try {
        const s = retrievalScan(Q, G, { metric: c.metric, k: K, relevance: c.relevance, ranks: true, names: ['queries', 'gallery'] });
        expect(Array.from(s.bestRank!)).toEqual(c.bestRank);
        c.averagePrecision.forEach((v, i) => expect(close(s.averagePrecision![i]!, v)).toBe(true));
      } finally {
        Q.release();
        G.release();
      }
    });
  }
});

// ---- a plain JS oracle: every similarity, ranks by counting, AP from the sorted row ----
const rng = centred;
const rows = (n: number, d: number, r: () => number) => Array.from({ length: n }, () => Array.from({ length: d }, r));

function oracle(Q: number[][], G: number[][], metric: RetrievalMetric, k: number, labels: number[] | null) {
  const key = (q: number[], g: number[]) => {
    let dot = 0, a = 0, b = 0, d2 = 0;
    for (let j = 0; j < q.length; j++) (dot += q[j]! * g[j]!), (a += q[j]! * q[j]!), (b += g[j]! * g[j]!), (d2 += (q[j]! - g[j]!) ** 2);
    return metric === 'cosine' ? dot / Math.sqrt(a * b) : -d2;
  };
  return Q.map((q, i) => {
    const s = G.map((g) => key(q, g));
    const rel = G.map((_, j) => (labels ? labels[j] === labels[i] : j === i));
    const order = s.map((_, j) => j).sort((x, y) => s[y]! - s[x]! || Number(rel[y]) - Number(rel[x]) || x - y);
    let hit = 0, ap = 0, best = Infinity;
    order.forEach((j, p) => {
      if (rel[j]) (hit++), (ap += hit / (p + 1));
    });
    s.forEach((v, j) => {
      if (rel[j]) best = Math.min(best, 1 + s.filter((w) => w > v).length);
    });
    const top = s.map((_, j) => j).sort((x, y) => s[y]! - s[x]! || x - y).slice(0, k);
    return { top, keys: top.map((j) => s[j]!), ap: ap / hit, best };
  });
}

describe('the wasm scan against a plain JS oracle', () => {
  const sizes: [number, number, number][] = [[1, 1, 1], [2, 3, 5], [3, 7, 2], [7, 17, 3], [17, 63, 7], [63, 257, 5]];
  const blocks: [number, number][] = [[1, 1], [2, 3], [5, 7], [256, 512]];
  for (const [nq, ng, d] of sizes)
    for (const metric of ['cosine', 'euclidean'] as const)
      for (const labelled of [false, true])
        it(`${nq} queries × ${ng} gallery rows × ${d}, ${metric}, ${labelled ? 'labels' : 'paired'}: every block size gives the oracle's ranks, AP and top rows`, () => {
          const r = rng(nq * 1000 + ng + d), Q = rows(nq, d, r), G = rows(ng, d, r);
          const labels = labelled ? Array.from({ length: ng }, (_, j) => (j * 7) % 3) : null;
          const k = Math.min(ng, 4);
          const want = oracle(Q, G, metric, k, labels);
          const before = memoryStats().liveBytes;
          for (const blockRows of blocks) {
            const QS = rowSource(Q, 'queries'), GS = rowSource(G, 'gallery');
            try {
              const s = retrievalScan(QS, GS, { metric, k, relevance: labels ?? 'paired', ranks: true, names: ['queries', 'gallery'], blockRows });
              want.forEach((w, i) => {
                expect(Array.from(s.indices.subarray(i * k, i * k + k))).toEqual(w.top);
                w.keys.forEach((v, t) => expect(close(s.keys[i * k + t]!, v, 1e-13)).toBe(true));
                expect(s.bestRank![i]).toBe(w.best);
                expect(close(s.averagePrecision![i]!, w.ap, 1e-14)).toBe(true);
              });
            } finally {
              QS.release();
              GS.release();
            }
          }
          expect(memoryStats().liveBytes).toBe(before);
        });
});

describe('metrics.retrieval: cases by hand', () => {
  it('ties share the best rank and relevant rows come first among equals in AP', () => {
    // query 0 = [1, 0]: g0 and g1 at distance 0 (g0 relevant), g2 (relevant) at √2
    const r = metrics.retrieval([[1, 0], [0, 1], [1, 1]], [[1, 0], [1, 0], [0, 1], [2, 2]], { k: [1, 2], relevance: [0, 1, 0, 1], metric: 'euclidean' });
    // best ranks 1, 2, 1; AP (1 + 2/3)/2, (1/2 + 2/4)/2, 1
    expect(Array.from(r.recallAt)).toEqual([2 / 3, 1]);
    expect(r.meanAveragePrecision).toBeCloseTo((5 / 6 + 1 / 2 + 1) / 3, 15);
    expect(r.medianRank).toBe(1);
    expect(Array.from(r.indices)).toEqual([0, 1, 2, 0, 0, 1]);
    expect(Array.from(r.scores)).toEqual([0, 0, 0, Math.SQRT2, 1, 1]);
  });

  it('a gallery of the queries themselves: recall@1 = mAP = 1 for both metrics; the median of an even count is the mean of the middle two', () => {
    const X = rows(40, 6, rng(3));
    for (const metric of ['cosine', 'euclidean'] as const) {
      const r = metrics.retrieval(X, X, { metric });
      expect(r.k).toEqual([1, 5, 10]);
      expect(Array.from(r.recallAt)).toEqual([1, 1, 1]);
      expect(r.meanAveragePrecision).toBe(1);
      expect(r.medianRank).toBe(1);
    }
    // reversed pairing of 2 rows: ranks 2 and 2
    const r = metrics.retrieval([[1, 0], [0, 1]], [[0, 1], [1, 0]], { k: 1 });
    expect(r.medianRank).toBe(2);
    expect(r.meanAveragePrecision).toBe(0.5);
    const r2 = metrics.retrieval([[1, 0], [0, 1]], [[1, 0], [1, -1]], { k: 1 });
    expect(r2.medianRank).toBe(1.5); // ranks 1 and 2
  });

  it('the default k keeps the cut-offs the gallery can hold; Tensor and Matrix inputs; extra gallery rows are distractors', () => {
    const r = metrics.retrieval([[1, 0]], [[1, 0], [0, 1], [1, 1], [2, 1], [1, 3], [3, 1]]);
    expect(r.k).toEqual([1, 5]);
    const X = rows(9, 3, rng(5)), Y = rows(12, 3, rng(6));
    const a = metrics.retrieval(X, Y, { k: [1, 3] });
    const Qm = Matrix.from(X), Gt = Tensor.from(Y);
    try {
      const b = metrics.retrieval(Qm, { data: Float64Array.from(Y.flat()), rows: 12, cols: 3 }, { k: [1, 3] });
      expect(b).toEqual(a);
      const c = metrics.retrieval(X, Gt, { k: [1, 3] }); // f32 rows: close, not equal
      expect(Array.from(c.indices)).toEqual(Array.from(a.indices));
    } finally {
      Qm.dispose();
      Gt.dispose();
    }
  });
});

describe('metrics.retrieval holds a block of the gallery, not the gallery', () => {
  it('rows handed in as arrays: the peak of wasm memory stays far below the gallery', () => {
    const r = rng(9), G = rows(100000, 16, r), Q = rows(64, 16, r);
    memoryStats({ resetPeak: true });
    const base = memoryStats().liveBytes;
    const res = metrics.retrieval(Q, G, { k: [1, 10] });
    const peak = memoryStats().peakLiveBytes - base;
    // the gallery is 12.8 MB; what is held: a 64 × 512 block of similarities, one gallery block
    // and the row labels of the pairing (0.4 MB)
    expect(peak).toBeLessThan(12.8e6 / 8);
    expect(res.indices.length).toBe(640);
    expect(res.medianRank).toBeGreaterThan(1000); // random rows: partners rank anywhere
  });
});

describe('metrics.retrieval: typed errors naming the argument, memory intact', () => {
  const X = [[1, 0], [0, 1], [1, 1]];
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['k above the gallery rows', () => metrics.retrieval(X, X, { k: 4 }), ValueError, /options\.k.*1\.\.3/],
    ['k not an integer', () => metrics.retrieval(X, X, { k: [1, 2.5] }), ValueError, /options\.k\[1\]/],
    ['k empty', () => metrics.retrieval(X, X, { k: [] }), ValueError, /options\.k/],
    ['metric', () => metrics.retrieval(X, X, { metric: 'dot' as never }), ValueError, /options\.metric/],
    ['relevance string', () => metrics.retrieval(X, X, { relevance: 'pairs' as never }), ValueError, /options\.relevance/],
    ['labels length', () => metrics.retrieval(X, X, { relevance: [0, 1] }), ShapeError, /options\.relevance.*3 labels/],
    ['labels not integers', () => metrics.retrieval(X, X, { relevance: [0, 1.5, 0] }), ValueError, /options\.relevance\[1\]/],
    ['more queries than gallery rows', () => metrics.retrieval(X, X.slice(0, 2), { k: 1 }), ShapeError, /queries.*at most 2 rows/],
    ['widths', () => metrics.retrieval(X, [[1, 2, 3]], { k: 1 }), ShapeError, /gallery.*2 columns/],
    ['zero gallery row (cosine)', () => metrics.retrieval(X, [[1, 0], [0, 1], [0, 0]]), ValueError, /gallery\[2\].*nonzero norm/],
    ['zero query row (cosine)', () => metrics.retrieval([[1, 0], [0, 0]], X), ValueError, /queries\[1\]/],
    ['NaN', () => metrics.retrieval(X, [[1, 0], [NaN, 1], [0, 1]]), NonFiniteError, /gallery/],
    ['overflow', () => metrics.retrieval([[1e300, 1]], [[1e300, 0]], { k: 1, metric: 'euclidean' }), OverflowError, /queries, gallery/],
    ['unknown option', () => metrics.retrieval(X, X, { K: 1 } as never), ValueError, /K/],
  ];
  for (const [name, fn, type, message] of cases)
    it(name, () => {
      const before = memoryStats().liveBytes;
      expect(fn).toThrow(type);
      expect(fn).toThrow(message);
      expect(memoryStats().liveBytes).toBe(before);
      expect(metrics.retrieval(X, X, { k: 1 }).recallAt[0]).toBe(1);
    });

  it('a zero row is fine with the Euclidean metric', () => {
    const r = metrics.retrieval([[0, 0], [1, 1]], [[0, 0], [1, 1]], { metric: 'euclidean', k: 1 });
    expect(Array.from(r.indices)).toEqual([0, 1]);
  });
});

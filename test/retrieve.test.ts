// The models' retrieve (issue 40): CCA, KernelCCA, DeepCCA (and its DCCAE form) and
// MultimodalVAE embed query and gallery rows each alone (transform / encode), weight the
// components by the canonical correlations (not the VAE), and return the top k gallery rows;
// checked against the same ranking done in JS on transform's output, on planted pairs (the
// partner comes first), and for typed errors that leave the model usable and memory intact.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, CCA, KernelCCA, DeepCCA, MultimodalVAE, DisposedError, NotFittedError, ShapeError, ValueError, type MatrixResult, type RetrieveResult } from '../src/index.js';
import { centred } from './helpers.js';

beforeAll(async () => {
  await init();
});

const rng = centred;
/** n paired rows: X (n×5) and Y (n×4) sharing 2 latent signals. */
function planted(n: number, seed: number): [number[][], number[][]] {
  const r = rng(seed);
  const z = Array.from({ length: n }, () => [r(), r()]);
  const X = z.map(([a, b]) => [a! + 0.05 * r(), b! + 0.05 * r(), r(), a! - b! + 0.05 * r(), r()]);
  const Y = z.map(([a, b]) => [b! + 0.05 * r(), r(), a! + 0.05 * r(), r()]);
  return [X, Y];
}

/** The top k rows of g for each row of q by cosine after scaling columns by w, in JS. */
function jsTop(q: { data: ArrayLike<number>; rows: number; cols: number }, g: typeof q, w: ArrayLike<number> | null, k: number) {
  const row = (m: typeof q, i: number) => Array.from({ length: m.cols }, (_, c) => m.data[i * m.cols + c]! * (w ? w[c]! : 1));
  const G = Array.from({ length: g.rows }, (_, j) => row(g, j));
  return Array.from({ length: q.rows }, (_, i) => {
    const a = row(q, i), na = Math.hypot(...a);
    const s = G.map((b) => a.reduce((t, v, c) => t + v * b[c]!, 0) / (na * Math.hypot(...b)));
    const order = s.map((_, j) => j).sort((x, y) => s[y]! - s[x]! || x - y).slice(0, k);
    return { order, scores: order.map((j) => s[j]!) };
  });
}

function agrees(r: RetrieveResult, want: ReturnType<typeof jsTop>, k: number) {
  expect(r.rows).toBe(want.length);
  expect(r.cols).toBe(k);
  want.forEach((w, i) => {
    expect(Array.from(r.indices.subarray(i * k, i * k + k))).toEqual(w.order);
    w.scores.forEach((v, t) => expect(Math.abs(r.scores[i * k + t]! - v)).toBeLessThan(1e-9));
  });
}

const [X, Y] = planted(120, 1);
const [Xt, Yt] = planted(40, 2);

describe('retrieve on each model equals ranking its embeddings in JS', () => {
  it('CCA: correlation-weighted canonical variates, both directions; the partner comes first', () => {
    const cca = new CCA({ components: 2 }).fit(X, Y);
    const before = memoryStats().liveBytes;
    const [u, v] = cca.transform(Xt, Yt) as [MatrixResult, MatrixResult];
    agrees(cca.retrieve(Xt, Yt, { k: 5 }), jsTop(u, v, cca.correlations, 5), 5);
    agrees(cca.retrieve(Yt, Xt, { k: 3, from: 'y' }), jsTop(v, u, cca.correlations, 3), 3);
    const top1 = cca.retrieve(Xt, Yt, { k: 1 });
    expect(Array.from(top1.indices).filter((j, i) => j === i).length).toBeGreaterThanOrEqual(20); // chance: 1 in 40
    const e = cca.retrieve(Xt, Yt, { metric: 'euclidean' });
    expect(e.cols).toBe(10);
    for (let i = 0; i < e.rows; i++) for (let t = 1; t < 10; t++) expect(e.scores[i * 10 + t]!).toBeGreaterThanOrEqual(e.scores[i * 10 + t - 1]!);
    expect(memoryStats().liveBytes).toBe(before);
    cca.dispose();
  });

  it('KernelCCA: the same on its variates', () => {
    const m = new KernelCCA({ kernel: 'rbf', gamma: 0.5, regularization: 1e-2, components: 2 }).fit(X, Y);
    const [u, v] = m.transform(Xt, Yt) as [MatrixResult, MatrixResult];
    agrees(m.retrieve(Xt, Yt, { k: 4 }), jsTop(u, v, m.correlations, 4), 4);
    agrees(m.retrieve(Yt, Xt, { k: 2, from: 'y' }), jsTop(v, u, m.correlations, 2), 2);
    m.dispose();
  });

  it('DeepCCA and DCCAE: the final CCA\'s variates weighted by its correlations', async () => {
    for (const reconstruction of [undefined, { hidden: [8], weight: 0.1 }]) {
      const m = new DeepCCA({ components: 2, hidden: [16], epochs: 3, batchSize: 60, seed: 0, ...(reconstruction ? { reconstruction } : {}) });
      await m.fit(X, Y);
      const [u, v] = m.transform(Xt, Yt) as [MatrixResult, MatrixResult];
      agrees(m.retrieve(Xt, Yt, { k: 3 }), jsTop(u, v, m.correlations, 3), 3);
      agrees(m.retrieve(Yt, Xt, { k: 3, from: 'y' }), jsTop(v, u, m.correlations, 3), 3);
      m.dispose();
    }
  });

  it('MultimodalVAE: unweighted posterior means of each view alone', async () => {
    for (const fusion of ['mopoe', 'poe'] as const) {
      const m = new MultimodalVAE({ fusion, likelihood: 'gaussian', latent: 3, hidden: [8], epochs: 2, batchSize: 60, seed: 1 });
      await m.fit([X, Y]);
      const a = m.encode([Xt, null]).mean, b = m.encode([null, Yt]).mean;
      agrees(m.retrieve(Xt, Yt, { k: 4 }), jsTop(a, b, null, 4), 4);
      agrees(m.retrieve(Yt, Xt, { k: 4, from: 'y' }), jsTop(b, a, null, 4), 4);
      m.dispose();
    }
  });
});

describe('retrieve: typed errors, the model usable after, memory intact', () => {
  it('bad options, widths and k name the argument; an unfitted or disposed model says so', async () => {
    const cca = new CCA({ components: 2 }).fit(X, Y);
    const before = memoryStats().liveBytes;
    const bad: [() => unknown, new (...a: never[]) => Error, RegExp][] = [
      [() => cca.retrieve(Xt, Yt, { k: 41 }), ValueError, /options\.k.*1\.\.40/],
      [() => cca.retrieve(Xt, Yt, { k: 0 }), ValueError, /options\.k/],
      [() => cca.retrieve(Xt, Yt, { from: 'z' as never }), ValueError, /options\.from/],
      [() => cca.retrieve(Xt, Yt, { metric: 'dot' as never }), ValueError, /options\.metric/],
      [() => cca.retrieve(Xt, Yt, { kk: 1 } as never), ValueError, /kk/],
      [() => cca.retrieve(Yt, Yt), ShapeError, /query \(rows of X\)/],
      [() => cca.retrieve(Xt, Xt), ShapeError, /gallery \(rows of Y\)/],
      [() => cca.retrieve(Xt, Xt, { from: 'y' }), ShapeError, /query \(rows of Y\)/],
      [() => (cca.retrieve as (...a: unknown[]) => unknown)(Xt, Yt, {}, 1), ValueError, /retrieve/],
    ];
    for (const [fn, type, message] of bad) {
      expect(fn).toThrow(type);
      expect(fn).toThrow(message);
      expect(memoryStats().liveBytes).toBe(before);
    }
    expect(cca.retrieve(Xt, Yt, { k: 1 }).cols).toBe(1);
    cca.dispose();
    expect(() => cca.retrieve(Xt, Yt)).toThrow(DisposedError);
    expect(() => new CCA().retrieve(Xt, Yt)).toThrow(NotFittedError);
    expect(() => new KernelCCA().retrieve(Xt, Yt)).toThrow(NotFittedError);
    expect(() => new DeepCCA().retrieve(Xt, Yt)).toThrow(NotFittedError);
    expect(() => new MultimodalVAE().retrieve(Xt, Yt)).toThrow(NotFittedError);
    const vae = new MultimodalVAE({ likelihood: 'gaussian', latent: 2, hidden: [4], epochs: 1, batchSize: 60, seed: 0 });
    await vae.fit([X, Y]);
    expect(() => vae.retrieve(Yt, Yt)).toThrow(/query \(rows of views\[0\]\)/);
    expect(vae.retrieve(Xt, Yt, { k: 2 }).cols).toBe(2);
    vae.dispose();
  });
});

// The sample metrics against independent formulas: Fréchet distance against the 2×2 closed
// form of tr √(ΣaΣb) and against known population Gaussians, KID against the direct O(n²)
// unbiased MMD², precision/recall against a numpy script (test/fixtures/precision-recall.json,
// from scripts/reference/precision_recall.py), conditional accuracy and intra-FD by hand.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, metrics, ShapeError, ValueError } from '../src/index.js';
import { normal } from './helpers.js';

beforeAll(async () => {
  await init();
});

const mean = (X: number[][]) => X[0]!.map((_, j) => X.reduce((s, r) => s + r[j]!, 0) / X.length);
const cov = (X: number[][]) => {
  const m = mean(X);
  return m.map((_, a) => m.map((_, b) => X.reduce((s, r) => s + (r[a]! - m[a]!) * (r[b]! - m[b]!), 0) / (X.length - 1)));
};
/** n rows of N(mu, L Lᵀ). */
const gaussian = (n: number, mu: number[], L: number[][], seed: number) => {
  const e = normal(seed);
  return Array.from({ length: n }, () => {
    const z = mu.map(() => e());
    return mu.map((m, i) => m + L[i]!.reduce((s, l, k) => s + l * z[k]!, 0));
  });
};

describe('frechetDistance', () => {
  it('equals the closed form on the sample moments (2-d: tr √(ΣaΣb) = √(tr M + 2√det M))', () => {
    const a = gaussian(400, [0, 1], [[1, 0], [0.5, 0.8]], 1), b = gaussian(300, [0.3, 0.2], [[2, 0], [-0.4, 0.5]], 2);
    const Sa = cov(a), Sb = cov(b), ma = mean(a), mb = mean(b);
    const M = [[Sa[0]![0]! * Sb[0]![0]! + Sa[0]![1]! * Sb[1]![0]!, Sa[0]![0]! * Sb[0]![1]! + Sa[0]![1]! * Sb[1]![1]!], [Sa[1]![0]! * Sb[0]![0]! + Sa[1]![1]! * Sb[1]![0]!, Sa[1]![0]! * Sb[0]![1]! + Sa[1]![1]! * Sb[1]![1]!]];
    const tr = M[0]![0]! + M[1]![1]!, det = M[0]![0]! * M[1]![1]! - M[0]![1]! * M[1]![0]!;
    const want = (ma[0]! - mb[0]!) ** 2 + (ma[1]! - mb[1]!) ** 2 + Sa[0]![0]! + Sa[1]![1]! + Sb[0]![0]! + Sb[1]![1]! - 2 * Math.sqrt(tr + 2 * Math.sqrt(det));
    expect(metrics.frechetDistance(a, b)).toBeCloseTo(want, 10);
    expect(Math.abs(metrics.frechetDistance(a, a))).toBeLessThan(1e-10);
  });

  it('approaches the population value for Gaussians with known covariances', () => {
    // Σa = diag(1, 4, 9), Σb = diag(4, 1, 1): FD = |Δμ|² + Σ (√a − √b)² = 1 + (1 + 1 + 4)
    const a = gaussian(20000, [0, 0, 0], [[1, 0, 0], [0, 2, 0], [0, 0, 3]], 3), b = gaussian(20000, [1, 0, 0], [[2, 0, 0], [0, 1, 0], [0, 0, 1]], 4);
    expect(Math.abs(metrics.frechetDistance(a, b) - 7)).toBeLessThan(0.25);
  });

  it('refuses sets of different widths, and frees what it made', () => {
    const before = memoryStats().liveBytes;
    expect(() => metrics.frechetDistance([[1, 2], [3, 4]], [[1], [2]])).toThrow(ShapeError);
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe('kernelDistance', () => {
  it('on whole sets equals the direct unbiased MMD² with the cubic kernel', () => {
    const a = gaussian(60, [0, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], 5), b = gaussian(50, [0.5, 0, 0], [[1, 0, 0], [0, 2, 0], [0, 0, 1]], 6);
    const k = (x: number[], y: number[]) => (x.reduce((s, v, i) => s + v * y[i]!, 0) / 3 + 1) ** 3;
    const m = 50; // subsetSize = the smaller set: all of b, 50 rows of a
    const r = metrics.kernelDistance(a, b, { subsets: 3, subsetSize: m, seed: 1 });
    // with all of a (subset of 60 → use a 50-row set to compare exactly)
    const a50 = a.slice(0, 50);
    const exact = metrics.kernelDistance(a50, b, { subsets: 2, subsetSize: 50 });
    let sxx = 0, syy = 0, sxy = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      if (i !== j) (sxx += k(a50[i]!, a50[j]!)), (syy += k(b[i]!, b[j]!));
      sxy += k(a50[i]!, b[j]!);
    }
    const want = sxx / (m * (m - 1)) + syy / (m * (m - 1)) - (2 * sxy) / (m * m);
    expect(exact.mean).toBeCloseTo(want, 10);
    expect(exact.std).toBeLessThan(1e-12); // every subset is the whole set
    expect(r.std).toBeGreaterThan(0);
    // a shifted set is farther than a second sample of the same distribution
    const a2 = gaussian(60, [0, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], 9), far = gaussian(60, [2, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], 10);
    expect(metrics.kernelDistance(a, far, { subsets: 5, subsetSize: 50 }).mean).toBeGreaterThan(metrics.kernelDistance(a, a2, { subsets: 5, subsetSize: 50 }).mean + 1);
    expect(() => metrics.kernelDistance(a, b, { subset: 2 } as object)).toThrow(ValueError);
  });
});

describe('precisionRecall', () => {
  const ref = JSON.parse(readFileSync(new URL('./fixtures/precision-recall.json', import.meta.url), 'utf8')) as { k: number; cases: { name: string; real: number[][]; fake: number[][]; precision: number; recall: number }[] };
  for (const c of ref.cases) {
    it(`${c.name}: equals the numpy script (precision ${c.precision.toFixed(3)}, recall ${c.recall.toFixed(3)})`, () => {
      const got = metrics.precisionRecall(c.real, c.fake, { k: ref.k });
      expect(got.precision).toBe(c.precision);
      expect(got.recall).toBe(c.recall);
      if (c.name === 'same Gaussian') expect(Math.min(got.precision, got.recall)).toBeGreaterThanOrEqual(0.9);
      if (c.name === 'collapsed to one mode') expect(got.precision >= 0.9 && got.recall <= 0.2).toBe(true);
    });
  }
});

describe('every metric frees what it makes', () => {
  it('on success and on failure', () => {
    const a = gaussian(30, [0, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], 11), b = gaussian(25, [1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], 12);
    const before = memoryStats().liveBytes;
    metrics.frechetDistance(a, b);
    metrics.kernelDistance(a, b, { subsets: 3, subsetSize: 10 });
    metrics.precisionRecall(a, b);
    metrics.intraFrechetDistance(a, a.map((_, i) => i % 2), b, b.map((_, i) => i % 2));
    for (const bad of [() => metrics.frechetDistance(a, [[1, 2]]), () => metrics.kernelDistance(a, [[1]]), () => metrics.precisionRecall(a, b, { k: 99 })]) expect(bad).toThrow();
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe('conditionalAccuracy and intraFrechetDistance', () => {
  it('count by hand', () => {
    const judge = { predict: (x: unknown) => Int32Array.from((x as number[][]).map((r) => (r[0]! > 0 ? 1 : 0))) };
    expect(metrics.conditionalAccuracy(judge, [[1], [-1], [2], [3]], [1, 1, 1, 0])).toBe(0.5);
    expect(() => metrics.conditionalAccuracy(judge, [[1]], [1, 0])).toThrow(ShapeError);
    const real = gaussian(40, [0, 0], [[1, 0], [0, 1]], 7), fake = gaussian(40, [0, 0], [[1, 0], [0, 1]], 8);
    const lr = real.map((_, i) => i % 2), lf = fake.map((_, i) => i % 2);
    const fd = metrics.intraFrechetDistance(real, lr, fake, lf);
    expect(fd).toHaveLength(2);
    expect(fd[1]).toBeCloseTo(metrics.frechetDistance(real.filter((_, i) => i % 2), fake.filter((_, i) => i % 2)), 12);
  });
});

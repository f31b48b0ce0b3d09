// Issue 32: answers that do not depend on column units. regularization 'auto' (Schäfer–Strimmer
// shrinkage toward the diagonal) against numpy (scripts/reference/cca_auto.py), its invariance
// to column units, its merge over chunks, shards and files, `scale` with every regularization,
// and files written by the Ledoit–Wolf 'auto' (test/fixtures/v0.1.0, test/fixtures/v2).
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { init, memoryStats, CCA, ValueError, type CCAOptions } from '../src/index.js';
import { digits, normal } from './helpers.js';

beforeAll(async () => {
  await init();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const ref = fixture('cca-auto-reference.json');
const train = (v: number[][]) => v.slice(0, 1500);
const test = (v: number[][]) => v.slice(1500);
const X: number[][] = ref.mixed.X, Y: number[][] = ref.mixed.Y;

/** max |a − b| over the entries, relative to max |b| when `relative`. */
function diff(a: ArrayLike<number>, b: ArrayLike<number>, relative = false): number {
  expect(a.length).toBe(b.length);
  let m = 0, s = 0;
  for (let i = 0; i < b.length; i++) (m = Math.max(m, Math.abs(a[i]! - b[i]!))), (s = Math.max(s, Math.abs(b[i]!)));
  return relative ? m / s : m;
}

/** Every column times 10^k, k drawn in [−3, 4] per column (seeded). */
function rescale(rows: number[][], seed: number): { rows: number[][]; factors: number[] } {
  const g = normal(seed);
  const factors = rows[0]!.map(() => 10 ** Math.round(Math.min(4, Math.max(-3, 0.5 + 2.5 * g()))));
  factors[0] = 1e-3;
  factors[factors.length - 1] = 1e4;
  return { rows: rows.map((r) => r.map((v, j) => v * factors[j]!)), factors };
}

describe("'auto' against numpy (test/fixtures/cca-auto-reference.json)", () => {
  it('mixed units: λ to 1e-12, correlations to 1e-10, weights to 1e-8 relative', () => {
    const cca = new CCA({ components: 5, regularization: 'auto' }).fit(X, Y);
    expect(diff(cca.shrinkage!, ref.mixed.lambda)).toBeLessThan(1e-12);
    expect(cca.shrinkageTarget).toBe('diagonal');
    expect(diff(cca.allCorrelations, ref.mixed.correlations)).toBeLessThan(1e-10);
    expect(diff(cca.xWeights.data, ref.mixed.xWeights.flat(), true)).toBeLessThan(1e-8);
    expect(diff(cca.yWeights.data, ref.mixed.yWeights.flat(), true)).toBeLessThan(1e-8);
    // it keeps the first two correlations near the unregularised fit's
    const plain = new CCA({ components: 5 }).fit(X, Y);
    for (let k = 0; k < 2; k++) expect(Math.abs(cca.correlations[k]! - plain.correlations[k]!)).toBeLessThan(0.05);
    cca.dispose();
    plain.dispose();
  });

  it('digits (constant columns): λ, the 10 training and held-out correlations', () => {
    const cca = new CCA({ components: 10, regularization: 'auto' }).fit(train(digits.left), train(digits.right));
    expect(diff(cca.shrinkage!, ref.digits.lambda)).toBeLessThan(1e-12);
    expect(diff(cca.allCorrelations, ref.digits.correlations)).toBeLessThan(1e-9);
    expect(diff(cca.score(test(digits.left), test(digits.right)), ref.digits.heldOut)).toBeLessThan(1e-8);
    cca.dispose();
  });
});

describe("'auto' shrinks the joined views' correlations as one matrix", () => {
  it('views whose own columns are uncorrelated keep their cross-correlation (per-view intensities would be 1 and zero it)', () => {
    for (const seed of [31, 32, 33]) {
      const g = normal(seed);
      const n = 200;
      const X: number[][] = [], Y: number[][] = [];
      for (let i = 0; i < n; i++) {
        const z = g();
        X.push([z + g(), g(), g()]);
        Y.push([(z + g()) * 1e3, g() * 1e-2, g()]);
      }
      const auto = new CCA({ components: 1, regularization: 'auto' }).fit(X, Y), plain = new CCA({ components: 1 }).fit(X, Y);
      expect(auto.shrinkage![0]).toBeLessThan(0.5);
      expect(auto.correlations[0]!).toBeGreaterThan(0.75 * plain.correlations[0]!);
      expect(auto.correlations[0]!).toBeLessThanOrEqual(plain.correlations[0]!);
      auto.dispose();
      plain.dispose();
    }
  });
});

describe('the same answers in any column units', () => {
  const settings = [
    { regularization: 'auto' },
    { regularization: 'auto', scale: true },
    { regularization: 0 },
    { regularization: 0.05, scale: true },
    { regularization: [0.01, 0.2], scale: true },
    { regularization: 'cv', scale: true, crossValidation: { regularization: [1e-3, 1e-2, 0.1, 1], folds: 4 } },
  ] as CCAOptions[];
  for (const o of settings) {
    it(`${JSON.stringify(o)}: correlations to 1e-8 and variates to 1e-7 after multiplying columns by 10^k, k ∈ [−3, 4]`, () => {
      const base = new CCA({ components: 4, ...o }).fit(X, Y);
      for (const seed of [1, 2, 3]) {
        const x = rescale(X, seed), y = rescale(Y, seed + 10);
        const m = new CCA({ components: 4, ...o }).fit(x.rows, y.rows);
        expect(diff(m.allCorrelations, base.allCorrelations)).toBeLessThan(1e-8);
        // the weights apply to the raw columns: the variates of the rescaled rows are the original ones
        const [u1, v1] = base.transform(X.slice(0, 50), Y.slice(0, 50));
        const [u2, v2] = m.transform(x.rows.slice(0, 50), y.rows.slice(0, 50));
        expect(diff(u2.data, u1.data, true)).toBeLessThan(1e-7);
        expect(diff(v2.data, v1.data, true)).toBeLessThan(1e-7);
        if (o.regularization === 'auto') expect(diff(m.shrinkage!, base.shrinkage!)).toBeLessThan(1e-12);
        m.dispose();
      }
      base.dispose();
    });
  }

  it("'auto' at the ends of the range: columns ×10^±100 give the same λ and correlations (fourth powers kept in power-of-two units)", () => {
    const base = new CCA({ components: 3, regularization: 'auto' }).fit(X, Y);
    const m = new CCA({ components: 3, regularization: 'auto' });
    for (let c = 0; c < X.length; c += 60) m.partialFit(X.slice(c, c + 60).map((r) => r.map((v, j) => v * (j % 2 ? 1e100 : 1e-100))), Y.slice(c, c + 60).map((r) => r.map((v, j) => v * (j % 2 ? 1e-90 : 1e90))));
    expect(diff(m.shrinkage!, base.shrinkage!)).toBeLessThan(1e-12);
    expect(diff(m.allCorrelations, base.allCorrelations)).toBeLessThan(1e-8);
    base.dispose();
    m.dispose();
  });

  it("'auto' with and without scale gives the same bits", () => {
    const a = new CCA({ components: 3, regularization: 'auto' }).fit(X, Y);
    const b = new CCA({ components: 3, regularization: 'auto', scale: true }).fit(X, Y);
    expect(Array.from(b.allCorrelations)).toEqual(Array.from(a.allCorrelations));
    expect(Array.from(b.xWeights.data)).toEqual(Array.from(a.xWeights.data));
    expect(b.shrinkage).toEqual(a.shrinkage);
    a.dispose();
    b.dispose();
  });

  it("a ridge without scale stays a ridge on the raw covariance (rescaled ridge, same answer)", () => {
    // (Σ + rI) in raw units: scaling every column by c is the same as a ridge r·c²
    const c = 1000;
    const a = new CCA({ components: 3, regularization: 0.5 }).fit(X, Y);
    const b = new CCA({ components: 3, regularization: 0.5 * c * c }).fit(X.map((r) => r.map((v) => v * c)), Y.map((r) => r.map((v) => v * c)));
    expect(diff(b.allCorrelations, a.allCorrelations)).toBeLessThan(1e-10);
    a.dispose();
    b.dispose();
  });

  it("every 'auto' correlation stays below 1 with more columns than rows can support (the joint matrix is shrunk as a whole)", () => {
    const g = normal(7);
    const n = 30;
    const F = Array.from({ length: n }, () => [g(), g()]);
    const A = F.map((f) => Array.from({ length: 25 }, (_, j) => (f[0]! + 0.3 * g()) * 10 ** ((j % 8) - 3)));
    const B = F.map((f) => Array.from({ length: 20 }, (_, j) => (f[j % 2]! + 0.3 * g()) * 10 ** ((j % 6) - 2)));
    const cca = new CCA({ components: 5, regularization: 'auto' }).fit(A, B);
    expect(Math.max(...cca.allCorrelations)).toBeLessThan(1);
    expect(cca.shrinkage![0]).toBeGreaterThan(0);
    cca.dispose();
  });
});

describe("'auto' statistics merge", () => {
  it('chunks, shards and a file with statistics mid-stream give the one-pass answer to 1e-10', () => {
    const L = train(digits.left), R = train(digits.right);
    const whole = new CCA({ components: 5, regularization: 'auto', scale: true }).fit(L, R);
    const a = new CCA({ components: 5, regularization: 'auto', scale: true });
    for (let c = 0; c < 700; c += 97) a.partialFit(L.slice(c, Math.min(700, c + 97)), R.slice(c, Math.min(700, c + 97)));
    const restored = CCA.fromJSON(JSON.parse(JSON.stringify(a.toJSON({ statistics: true }))));
    const b = new CCA({ components: 5, regularization: 'auto', scale: true }).partialFit(L.slice(700, 1100), R.slice(700, 1100));
    const c = new CCA({ components: 5, regularization: 'auto', scale: true }).partialFit(L.slice(1100), R.slice(1100));
    b.merge(c);
    restored.merge(b);
    expect(diff(restored.shrinkage!, whole.shrinkage!)).toBeLessThan(1e-10);
    expect(diff(restored.allCorrelations, whole.allCorrelations)).toBeLessThan(1e-10);
    expect(diff(restored.xWeights.data, whole.xWeights.data, true)).toBeLessThan(1e-10);
    for (const m of [whole, a, restored, b, c]) m.dispose();
  });

  it("statistics without fourth-order sums are refused before anything changes, saying why", () => {
    const before = memoryStats().liveBytes;
    const auto = new CCA({ components: 2, regularization: 'auto' }).fit(X, Y);
    const fitted = Array.from(auto.correlations);
    const ridge = new CCA({ components: 2, regularization: 0.1 }).fit(X, Y);
    expect(() => auto.merge(ridge as CCA)).toThrow(ValueError);
    expect(() => auto.merge(ridge)).toThrow(/fitted with a ridge.*keeps no fourth-order sums/);
    const moments = CCA.fromMoments({ n: 10, xMeans: [0, 0], yMeans: [0], xx: [[1, 0.2], [0.2, 1]], yy: [[1]], xy: [[0.5], [0.1]] }, { components: 1 });
    expect(() => CCA.fromMoments({ n: 10, xMeans: [0, 0], yMeans: [0], xx: [[1, 0.2], [0.2, 1]], yy: [[1]], xy: [[0.5], [0.1]] }, { regularization: 'auto' })).toThrow(/Σ\(xᵢ − x̄ᵢ\)²\(xⱼ − x̄ⱼ\)²/);
    const small = new CCA({ components: 1, regularization: 'auto' }).fit(X.map((r) => r.slice(0, 2)), Y.map((r) => r.slice(0, 1)));
    expect(() => small.merge(moments)).toThrow(/fromMoments/);
    expect(Array.from(auto.correlations)).toEqual(fitted);
    auto.partialFit(X.slice(0, 10), Y.slice(0, 10));
    expect(auto.nSamples).toBe(X.length + 10);
    for (const m of [auto, ridge, moments, small]) m.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe("files written by the Ledoit–Wolf 'auto' (before version 3)", () => {
  for (const [name, version] of [['v0.1.0/cca-statistics.json', 1], ['v2/cca-auto.json', 2]] as const) {
    it(`${name} (version ${version}) loads as fitted, says so, refuses to continue its statistics, and says so when fitted again`, () => {
      const f = fixture(name);
      expect(f.model.version).toBe(version);
      const cca = CCA.fromJSON(f.model);
      expect(Array.from(cca.correlations)).toEqual(f.expected.correlations);
      expect(cca.shrinkageTarget).toBe('identity');
      if (f.expected.score) expect(Array.from(cca.score(test(digits.left), test(digits.right)))).toEqual(f.expected.score);
      if (f.expected.shrinkage) expect(cca.shrinkage).toEqual(f.expected.shrinkage);
      expect(() => cca.partialFit(digits.left.slice(1000, 1010), digits.right.slice(1000, 1010))).toThrow(/written before version 3.*Ledoit–Wolf.*fit the rows again/);
      expect(Array.from(cca.correlations)).toEqual(f.expected.correlations);
      // a file of it keeps saying how it was fitted
      const again = CCA.fromJSON(cca.toJSON({ statistics: true }));
      expect(again.shrinkageTarget).toBe('identity');
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      cca.fit(train(digits.left), train(digits.right));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/old regularization 'auto'.*Schäfer–Strimmer/);
      expect(cca.shrinkageTarget).toBe('diagonal');
      cca.fit(train(digits.left), train(digits.right));
      expect(warn).toHaveBeenCalledTimes(1);
      cca.dispose();
      again.dispose();
    });
  }
});

// Permutation inference (Winkler et al. 2020) on CCA: calibration under the null and power on
// planted correlations (smaller versions of the studies; the full ones in npm run bench),
// covariates, errors, and the digits split's timing.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, CCA, ShapeError, ValueError } from '../src/index.js';
import { digits, normal } from './helpers.js';

beforeAll(async () => {
  await init();
});

/** n rows of p and q columns with canonical correlations `rho` planted in the first columns. */
function planted(n: number, p: number, q: number, rho: number[], seed: number) {
  const z = normal(seed);
  const X: number[][] = [], Y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: p }, () => z()), y = Array.from({ length: q }, () => z());
    rho.forEach((r, c) => (y[c] = r * x[c]! + Math.sqrt(1 - r * r) * y[c]!));
    X.push(x);
    Y.push(y);
  }
  return { X, Y };
}

/** Kolmogorov–Smirnov p-value of a sample against U(0, 1) (asymptotic). */
function ksUniform(v: number[]): number {
  const s = [...v].sort((a, b) => a - b), n = s.length;
  let d = 0;
  s.forEach((x, i) => (d = Math.max(d, (i + 1) / n - x, x - i / n)));
  const t = (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d;
  let p = 0;
  for (let j = 1; j < 100; j++) p += 2 * (-1) ** (j - 1) * Math.exp(-2 * j * j * t * t);
  return Math.min(1, Math.max(0, p));
}

describe('CCA.permutationTest', () => {
  it('null (independent views, n = 200, p = q = 5, 120 data sets × 99 permutations): first component uniform, later ones at most nominal', () => {
    const cca = new CCA({ components: 5 });
    const ps: number[][] = [[], [], [], [], []];
    for (let d = 0; d < 120; d++) {
      const { X, Y } = planted(200, 5, 5, [], 1000 + d);
      const r = cca.permutationTest(X, Y, { permutations: 99, seed: d });
      r.pValues.forEach((p, c) => ps[c]!.push(p));
    }
    // p-values on the grid 1/100…1: spread them within their cell before the KS test
    const first = ps[0]!.map((p, i) => p - ((i * 0.618) % 1) / 100);
    const ks = ksUniform(first), below = ps[0]!.filter((p) => p <= 0.05).length / 120;
    console.log(`[inference] null: first component KS p ${ks.toFixed(3)}, share ≤ 0.05 ${below.toFixed(3)}; later: ${ps.slice(1).map((v) => (v.filter((p) => p <= 0.05).length / 120).toFixed(3)).join(' ')}`);
    expect(ks).toBeGreaterThan(0.01);
    expect(below).toBeGreaterThanOrEqual(0.01);
    expect(below).toBeLessThanOrEqual(0.1);
    for (let c = 1; c < 5; c++) expect(ps[c]!.filter((p) => p <= 0.05).length / 120).toBeLessThanOrEqual(0.08);
    cca.dispose();
  });

  it('planted 0.6 and 0.4 (n = 300, p = q = 4, 20 data sets × 199 permutations): both found, the third rarely', () => {
    const cca = new CCA({ components: 4 });
    let found = 0, third = 0;
    for (let d = 0; d < 20; d++) {
      const { X, Y } = planted(300, 4, 4, [0.6, 0.4], 2000 + d);
      const r = cca.permutationTest(X, Y, { permutations: 199, seed: d });
      if (r.pValues[0]! < 0.01 && r.pValues[1]! < 0.01) found++;
      if (r.pValues[2]! < 0.05) third++;
      // the statistic of the first component is the first canonical correlation
      if (d === 0) expect(r.statistics[0]).toBeCloseTo(new CCA({ components: 1 }).fit(X, Y).correlations[0]!, 10);
      expect(Array.from(r.pValues)).toEqual(Array.from(r.pValues).map((_, i, a) => Math.max(...a.slice(0, i + 1))));
    }
    console.log(`[inference] planted: both found in ${found}/20, third p < 0.05 in ${third}/20`);
    expect(found).toBeGreaterThanOrEqual(19);
    expect(third).toBeLessThanOrEqual(2);
    cca.dispose();
  });

  it('covariates are regressed out: a shared confound is no canonical correlation', () => {
    const z = normal(7), n = 200;
    const Z = Array.from({ length: n }, () => [z()]);
    const X = Z.map(([c]) => [c! + 0.3 * z(), z(), z()]), Y = Z.map(([c]) => [c! + 0.3 * z(), z()]);
    const cca = new CCA({ components: 2 });
    expect(cca.permutationTest(X, Y, { permutations: 99 }).pValues[0]).toBeLessThan(0.02);
    expect(cca.permutationTest(X, Y, { permutations: 99, covariates: Z }).pValues[0]).toBeGreaterThan(0.02);
    cca.dispose();
  });

  it('errors name the argument; nothing leaks; the digits split takes a few seconds for 999 permutations', () => {
    const before = memoryStats().liveBytes;
    const cca = new CCA({ components: 2 });
    const { X, Y } = planted(50, 3, 3, [0.5], 3);
    expect(() => cca.permutationTest(X, Y.slice(1))).toThrow(ShapeError);
    expect(() => cca.permutationTest(X, Y, { permutations: 0 })).toThrow(/options\.permutations/);
    expect(() => cca.permutationTest(X, Y, { permutation: 9 } as never)).toThrow(/permutations/);
    expect(() => cca.permutationTest(X, Y, { covariates: Y.slice(2) })).toThrow(/options\.covariates/);
    expect(() => new CCA({ regularization: 'auto' }).permutationTest(X, Y)).toThrow(ValueError);
    expect(memoryStats().liveBytes).toBe(before);
    const L = digits.left.slice(0, 1500), R = digits.right.slice(0, 1500);
    const t0 = performance.now();
    const r = new CCA({ components: 10, regularization: 1e-4 }).permutationTest(L, R, { permutations: 999, seed: 0 });
    const ms = performance.now() - t0;
    console.log(`[inference] digits (1500 rows, 32 + 32 columns, 10 components, 999 permutations): ${(ms / 1000).toFixed(2)} s; p ${Array.from(r.pValues, (p) => p.toFixed(3)).join(' ')}`);
    expect(r.pValues[0]).toBeCloseTo(0.001, 6);
    cca.dispose();
  });
});

// Permutation inference (Winkler et al. 2020) on CCA: calibration under the null and power on
// planted correlations (smaller versions of the studies; the full ones in npm run bench),
// covariates, errors, and the digits split's timing.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, linalg, CCA, ShapeError, ValueError } from '../src/index.js';
import { digits, normal, planted } from './helpers.js';

beforeAll(async () => {
  await init();
});

/** The residuals of A's columns on [1, Z] (modified Gram–Schmidt), in plain JS. */
function residuals(A: number[][], Z: number[][]): number[][] {
  const n = A.length, basis: number[][] = [];
  for (const col of [Array<number>(n).fill(1), ...Z[0]!.map((_, j) => Z.map((r) => r[j]!))]) {
    let v = col.slice();
    for (const b of basis) {
      const t = v.reduce((s, x, i) => s + x * b[i]!, 0);
      v = v.map((x, i) => x - t * b[i]!);
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    if (norm > 1e-9) basis.push(v.map((x) => x / norm));
  }
  return A.map((row, i) => row.map((x, j) => basis.reduce((s, b) => s - b[i]! * A.reduce((t, r, k) => t + r[j]! * b[k]!, 0), x)));
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
  it('null (independent views, n = 200, p = q = 5, 200 data sets × 99 permutations): first component uniform, later ones at most nominal', () => {
    const cca = new CCA({ components: 5 });
    const ps: number[][] = [[], [], [], [], []];
    for (let d = 0; d < 200; d++) {
      const { X, Y } = planted(200, 5, 5, [], 1000 + d);
      const r = cca.permutationTest(X, Y, { permutations: 99, seed: d });
      r.pValues.forEach((p, c) => ps[c]!.push(p));
    }
    // p-values on the grid 1/100…1: spread them within their cell before the KS test
    const first = ps[0]!.map((p, i) => p - ((i * 0.618) % 1) / 100);
    const ks = ksUniform(first), below = ps[0]!.filter((p) => p <= 0.05).length / 200;
    console.log(`[inference] null: first component KS p ${ks.toFixed(3)}, share ≤ 0.05 ${below.toFixed(3)}; later: ${ps.slice(1).map((v) => (v.filter((p) => p <= 0.05).length / 200).toFixed(3)).join(' ')}`);
    expect(ks).toBeGreaterThan(0.01);
    expect(below).toBeGreaterThanOrEqual(0.025);
    expect(below).toBeLessThanOrEqual(0.08);
    for (let c = 1; c < 5; c++) expect(ps[c]!.filter((p) => p <= 0.05).length / 200).toBeLessThanOrEqual(0.06);
    cca.dispose();
  });

  it('planted 0.6 and 0.4 (n = 300, p = q = 4, 50 data sets × 199 permutations): both found, the third rarely', () => {
    const cca = new CCA({ components: 4 });
    let found = 0, third = 0;
    for (let d = 0; d < 50; d++) {
      const { X, Y } = planted(300, 4, 4, [0.6, 0.4], 2000 + d);
      const r = cca.permutationTest(X, Y, { permutations: 199, seed: d });
      if (r.pValues[0]! < 0.01 && r.pValues[1]! < 0.01) found++;
      if (r.pValues[2]! < 0.05) third++;
      // the statistic of the first component is the first canonical correlation
      if (d === 0) {
        expect(r.statistics[0]).toBeCloseTo(new CCA({ components: 1 }).fit(X, Y).correlations[0]!, 10);
        // component c's statistic: the first canonical correlation once the earlier variates are
        // regressed out of each view (in plain JS, Gram–Schmidt on the centred variates)
        const full = new CCA({ components: 3 }).fit(X, Y), [U, V] = full.transform(X, Y);
        for (let c = 1; c < 3; c++) {
          const deflate = (A: number[][], T: { data: Float64Array; cols: number }) => {
            const mean = A[0]!.map((_, col) => A.reduce((t, row) => t + row[col]!, 0) / A.length);
            let out = A.map((row) => row.map((v, col) => v - mean[col]!));
            for (let j = 0; j < c; j++) {
              const t = out.map((_, i) => T.data[i * T.cols + j]!), mt = t.reduce((a, b) => a + b, 0) / t.length, tc = t.map((v) => v - mt);
              const tt = tc.reduce((a, v) => a + v * v, 0);
              out = out.map((row, i) => row.map((v, col) => v - (tc[i]! * out.reduce((a, r2, i2) => a + r2[col]! * tc[i2]!, 0)) / tt));
            }
            return out;
          };
          // the deflated views lost rank: their first canonical correlation is σ_max(QxᵀQy) for
          // orthonormal bases (modified Gram–Schmidt, dropping the lost directions)
          const basis = (A: number[][]) => {
            const cols: number[][] = [];
            for (let j = 0; j < A[0]!.length; j++) {
              const v = A.map((row) => row[j]!), norm0 = Math.hypot(...v);
              for (const q of cols) {
                const t = q.reduce((a, x, i) => a + x * v[i]!, 0);
                q.forEach((x, i) => (v[i] = v[i]! - t * x));
              }
              const norm = Math.hypot(...v);
              if (norm > 1e-9 * norm0) cols.push(v.map((x) => x / norm));
            }
            return cols;
          };
          const qx = basis(deflate(X, U)), qy = basis(deflate(Y, V));
          const M = qx.map((a) => qy.map((b) => a.reduce((t, x, i) => t + x * b[i]!, 0)));
          const d = linalg.svd(M);
          expect(r.statistics[c]).toBeCloseTo(d.s[0]!, 9);
          d.u.dispose();
          d.v.dispose();
        }
        full.dispose();
      }
      expect(Array.from(r.pValues)).toEqual(Array.from(r.pValues).map((_, i, a) => Math.max(...a.slice(0, i + 1))));
    }
    console.log(`[inference] planted: both found in ${found}/50, third p < 0.05 in ${third}/50`);
    expect(found).toBeGreaterThanOrEqual(48);
    expect(third).toBeLessThanOrEqual(5);
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

  it('covariates by Huh–Jhun: null with 12 strong covariates and n = 40 (250 data sets × 99 permutations) is calibrated, where permuting plain residuals is not', () => {
    // X = Z·Bx + E, Y = Z·By + F with E, F independent: the residuals of X and Y on [1, Z] are
    // independent, but not exchangeable row by row (their covariance is I − H_Z). Permuting
    // them plainly (the method before Huh–Jhun) put 0.200 of the first components' p-values at
    // ≤ 0.05 here, KS p 3·10⁻²⁴; the rows of QᵀX, QᵀY (Q semi-orthogonal, QQᵀ = I − H_Z) are exchangeable.
    const n = 40, c = 12, sets = 250, cca = new CCA({ components: 3 });
    const ps: number[][] = [[], [], []];
    for (let d = 0; d < sets; d++) {
      const z = normal(5000 + d);
      for (let w = 0; w < 20; w++) z(); // past xorshift's small-seed start
      const Z = Array.from({ length: n }, () => Array.from({ length: c }, () => z()));
      const bx = Array.from({ length: c * 3 }, () => 2 * z()), by = Array.from({ length: c * 3 }, () => 2 * z());
      const mix = (b: number[], row: number[], j: number) => row.reduce((t, v, i) => t + v * b[i * 3 + j]!, z());
      const X = Z.map((row) => [0, 1, 2].map((j) => mix(bx, row, j))), Y = Z.map((row) => [0, 1, 2].map((j) => mix(by, row, j)));
      const r = cca.permutationTest(X, Y, { permutations: 99, seed: d, covariates: Z });
      r.pValues.forEach((p, k) => ps[k]!.push(p));
      // QᵀX, QᵀY keep the residuals' cross-products: the statistics are those of the residuals
      if (d === 0) {
        const Xr = residuals(X, Z), Yr = residuals(Y, Z);
        const plain = cca.permutationTest(Xr, Yr, { permutations: 1 }).statistics;
        Array.from(r.statistics).forEach((t, k) => expect(t).toBeCloseTo(plain[k]!, 10));
      }
    }
    const first = ps[0]!.map((p, i) => p - ((i * 0.618) % 1) / 100);
    const ks = ksUniform(first), below = ps[0]!.filter((p) => p <= 0.05).length / sets;
    console.log(`[inference] covariates (Huh–Jhun), n = 40, 12 covariates: first component KS p ${ks.toFixed(3)}, share ≤ 0.05 ${below.toFixed(3)}; later: ${ps.slice(1).map((v) => (v.filter((p) => p <= 0.05).length / sets).toFixed(3)).join(' ')}`);
    expect(ks).toBeGreaterThan(0.01);
    expect(below).toBeGreaterThanOrEqual(0.025);
    expect(below).toBeLessThanOrEqual(0.08);
    for (let k = 1; k < 3; k++) expect(ps[k]!.filter((p) => p <= 0.05).length / sets).toBeLessThanOrEqual(0.06);
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
    // Huh–Jhun leaves n − rank([1, Z]) rows to permute: fewer than 3 is an error naming the covariates
    const g = normal(4), wide = X.map(() => Array.from({ length: 47 }, () => g()));
    expect(() => cca.permutationTest(X, Y, { covariates: wide })).toThrow(/options\.covariates.*46/);
    expect(cca.permutationTest(X, Y, { permutations: 9, covariates: wide.map((r) => r.slice(0, 46)) }).pValues).toHaveLength(2);
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

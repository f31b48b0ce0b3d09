// Bootstrap confidence intervals for CCA: coverage of a planted correlation (the issue's
// study: 200 data sets), the resample solve against CCA's fit, interval properties,
// determinism, sign matching, errors and memory.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, CCA, Matrix, ShapeError, ValueError } from '../src/index.js';
import { Refit } from '../src/models/linear/bootstrap.js';
import { expNonPositive, normalCdf, normalQuantile } from '../src/stats/normal.js';
import { Owner } from '../src/lifecycle.js';
import { planted } from './helpers.js';

beforeAll(async () => {
  await init();
});

const bits = (a: Float64Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length * 2));

describe('normal distribution from basic operations', () => {
  it('matches reference values of Φ and Φ⁻¹ (and Math.exp)', () => {
    // references: R's pnorm / qnorm
    for (const [x, p] of [[-1, 0.15865525393145707], [-5, 2.866515718791939e-7], [3, 0.9986501019683699], [0, 0.5], [1.959963984540054, 0.975]] as const) {
      expect(Math.abs(normalCdf(x) - p)).toBeLessThan(1e-15);
      if (p > 1e-6) expect(Math.abs(normalQuantile(p) - x)).toBeLessThan(1e-13 * Math.max(1, Math.abs(x)));
    }
    expect(Math.abs(normalQuantile(1e-7) + 5.199337582192817)).toBeLessThan(1e-9);
    expect([normalCdf(-40), normalCdf(40), normalQuantile(0), normalQuantile(1)]).toEqual([0, 1, -Infinity, Infinity]);
    for (let x = -700; x <= 0; x += 0.731) expect(Math.abs(expNonPositive(x) / Math.exp(x) - 1)).toBeLessThan(4e-15);
    for (let x = -6; x <= 6; x += 0.173) expect(normalCdf(x) + normalCdf(-x)).toBe(1);
  });
});

describe('CCA.bootstrap', () => {
  it('coverage (n = 300, p = q = 4, planted 0.6; 200 data sets × 199 resamples): the 95 % interval of ρ₁ covers 0.6 in 90–99 % (the issue asks ≥ 85 %)', () => {
    const cca = new CCA({ components: 1 });
    const sets = 200, B = 199;
    let covered = 0, width = 0, gen = 0;
    const t0 = performance.now();
    for (let d = 0; d < sets; d++) {
      const g0 = performance.now();
      const { X, Y } = planted(300, 4, 4, [0.6], 5000 + d);
      gen += performance.now() - g0;
      const r = cca.bootstrap(X, Y, { resamples: B, seed: d });
      const lo = r.correlations.lower[0]!, hi = r.correlations.upper[0]!;
      if (lo <= 0.6 && 0.6 <= hi) covered++;
      width += (hi - lo) / sets;
    }
    const ms = performance.now() - t0 - gen;
    console.log(`[bootstrap] coverage of planted 0.6 by the 95 % BC interval: ${covered}/${sets} = ${(covered / sets).toFixed(3)} (mean width ${width.toFixed(3)}); ${(ms / 1000).toFixed(2)} s for ${sets} × ${B} resamples (${((sets * B) / (ms / 1000)).toFixed(0)} resample fits/s)`);
    // the issue asks for ≥ 85 %; the bias correction brings it near the nominal 95 % (the plain
    // percentile interval covers 89 % of these data sets)
    expect(covered / sets).toBeGreaterThanOrEqual(0.9);
    expect(covered / sets).toBeLessThanOrEqual(0.99);
    cca.dispose();
  });

  it("a resample's solve on the original rows is CCA's fit (ridge, ridge pair, scale, 'auto')", () => {
    const { X, Y } = planted(120, 5, 3, [0.7, 0.3], 11);
    const x = Matrix.from(X), y = Matrix.from(Y);
    for (const options of [{ components: 2 }, { components: 3, regularization: [0.1, 0.02] as [number, number] }, { components: 2, regularization: 0.05, scale: true }, { components: 2, regularization: 'auto' as const }]) {
      const model = { components: options.components, regularization: options.regularization ?? 0, scale: options.scale ?? false };
      const owner = new Owner();
      try {
        const refit = new Refit(owner.own, 120, 5, 3, model);
        refit.fit(x, y);
        const cca = new CCA(options).fit(X, Y);
        expect(Array.from(refit.corr)).toEqual(Array.from(cca.allCorrelations));
        // weights equal up to each component's sign
        for (const [mine, theirs] of [[refit.xw.toFloat64Array(), cca.xWeights], [refit.yw.toFloat64Array(), cca.yWeights]] as const) {
          const k = theirs.cols;
          for (let j = 0; j < k; j++) {
            const s = Math.sign(mine[j]!) * Math.sign(theirs.data[j]!);
            for (let i = 0; i < theirs.rows; i++) expect(s * mine[i * k + j]!).toBe(theirs.data[i * k + j]!);
          }
        }
        cca.dispose();
      } finally {
        owner.dispose();
      }
    }
    x.dispose();
    y.dispose();
  });

  it('intervals hold the estimate (= the fit), nest by level, are deterministic per seed; strong weights exclude 0, null weights include it; signs are matched', () => {
    const { X, Y } = planted(300, 4, 4, [0.6, 0.4], 21);
    const cca = new CCA({ components: 2 });
    const fit = new CCA({ components: 2 }).fit(X, Y);
    const r = cca.bootstrap(X, Y, { resamples: 499, seed: 3 });
    expect(r.level).toBe(0.95);
    expect(r.resamples).toBe(499);
    expect(bits(r.correlations.estimate)).toEqual(bits(fit.correlations));
    expect(bits(r.xWeights.estimate.data)).toEqual(bits(fit.xWeights.data));
    expect(bits(r.yWeights.estimate.data)).toEqual(bits(fit.yWeights.data));
    expect([r.xWeights.lower.rows, r.xWeights.lower.cols, r.yWeights.upper.rows, r.yWeights.upper.cols]).toEqual([4, 2, 4, 2]);
    for (const iv of [r.correlations, { estimate: r.xWeights.estimate.data, lower: r.xWeights.lower.data, upper: r.xWeights.upper.data }, { estimate: r.yWeights.estimate.data, lower: r.yWeights.lower.data, upper: r.yWeights.upper.data }])
      iv.estimate.forEach((e, i) => {
        expect(iv.lower[i]).toBeLessThanOrEqual(e);
        expect(e).toBeLessThanOrEqual(iv.upper[i]!);
      });
    // component j's dominant weights (x and y column j) exclude 0 on the fit's side; the others include 0
    for (const w of [r.xWeights, r.yWeights])
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 2; j++) {
          const at = i * 2 + j, lo = w.lower.data[at]!, hi = w.upper.data[at]!;
          if (i === j) expect([Math.sign(lo), Math.sign(hi)]).toEqual([Math.sign(w.estimate.data[at]!), Math.sign(w.estimate.data[at]!)]);
          else expect(lo < 0 && hi > 0).toBe(true);
        }
    // the same seed gives the same bits; another seed other numbers; a higher level a wider interval
    const again = cca.bootstrap(X, Y, { resamples: 499, seed: 3 });
    expect(bits(again.correlations.lower)).toEqual(bits(r.correlations.lower));
    expect(bits(again.xWeights.upper.data)).toEqual(bits(r.xWeights.upper.data));
    expect(bits(again.yWeights.lower.data)).toEqual(bits(r.yWeights.lower.data));
    const other = cca.bootstrap(X, Y, { resamples: 499, seed: 4 });
    expect(bits(other.correlations.lower)).not.toEqual(bits(r.correlations.lower));
    expect(bits(other.xWeights.upper.data)).not.toEqual(bits(r.xWeights.upper.data));
    const wide = cca.bootstrap(X, Y, { resamples: 499, seed: 3, level: 0.99 });
    for (const [a, b] of [[wide.correlations, r.correlations], [wide.xWeights, r.xWeights]] as const) {
      const [al, au, bl, bu] = 'data' in a.lower ? [a.lower.data, (a.upper as { data: Float64Array }).data, (b.lower as { data: Float64Array }).data, (b.upper as { data: Float64Array }).data] : [a.lower, a.upper as Float64Array, b.lower as Float64Array, b.upper as Float64Array];
      al.forEach((v, i) => {
        expect(v).toBeLessThanOrEqual(bl[i]!);
        expect(au[i]).toBeGreaterThanOrEqual(bu[i]!);
      });
    }
    fit.dispose();
    cca.dispose();
  });

  it("runs the model's options in every resample: a ridge pair, scale, 'auto'", () => {
    const { X, Y } = planted(200, 3, 3, [0.6], 31);
    for (const options of [{ regularization: [0.1, 0.3] as [number, number] }, { scale: true }, { regularization: 'auto' as const }]) {
      const cca = new CCA({ components: 1, ...options });
      const r = cca.bootstrap(X, Y, { resamples: 199, seed: 1 });
      const fit = new CCA({ components: 1, ...options }).fit(X, Y);
      expect(bits(r.correlations.estimate)).toEqual(bits(fit.correlations));
      expect(r.correlations.lower[0]).toBeGreaterThan(0.4);
      expect(r.correlations.upper[0]).toBeLessThan(0.8);
      expect(r.xWeights.lower.data[0]).toBeGreaterThan(0);
      fit.dispose();
      cca.dispose();
    }
  });

  it('errors name the argument; nothing leaks after successful and failed calls', () => {
    const { X, Y } = planted(60, 3, 3, [0.5], 41);
    const before = memoryStats().liveBytes;
    const cca = new CCA({ components: 2 });
    cca.bootstrap(X, Y, { resamples: 20 });
    expect(() => cca.bootstrap(X, Y, { resample: 9 } as never)).toThrow(/resamples/);
    expect(() => cca.bootstrap(X, Y, { resamples: 0 })).toThrow(ValueError);
    expect(() => cca.bootstrap(X, Y, { resamples: 0 })).toThrow(/options\.resamples/);
    expect(() => cca.bootstrap(X, Y, { resamples: 2.5 })).toThrow(/options\.resamples/);
    expect(() => cca.bootstrap(X, Y, { seed: -1 })).toThrow(/options\.seed/);
    for (const level of [0, 1, 1.5, -0.1, NaN]) expect(() => cca.bootstrap(X, Y, { level })).toThrow(/options\.level/);
    expect(() => cca.bootstrap(X, Y.slice(1))).toThrow(ShapeError);
    expect(() => cca.bootstrap(X, Y.slice(1))).toThrow(/^Y: expected 60 rows/);
    expect(() => cca.bootstrap(X.slice(0, 2), Y.slice(0, 2))).toThrow(/^X: expected at least 3 rows/);
    expect(() => new CCA({ components: 4 }).bootstrap(X, Y)).toThrow(/options\.components/);
    expect(() => new CCA({ regularization: 'cv' }).bootstrap(X, Y)).toThrow(ValueError);
    // a resample that repeats rows until a covariance is singular (3 rows, 2 columns, no ridge)
    expect(() => cca.bootstrap(X.slice(0, 3).map((r) => r.slice(0, 2)), Y.slice(0, 3).map((r) => r.slice(0, 2)), { resamples: 50 })).toThrow(/not positive definite.*ridge/);
    expect(memoryStats().liveBytes).toBe(before);
    cca.dispose();
  });
});

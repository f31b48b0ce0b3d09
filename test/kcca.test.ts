// KernelCCA against an independent reference (numpy/scipy from the n×n definition
// ρ² = eig(Rx·Ry), R = K̃(K̃ + (n−1)κI)⁻¹, and the dual eigenproblem for new rows:
// test/fixtures/kcca-reference.json from scripts/reference/kcca.py), against CCA for the
// linear kernel, exact against Nyström with every row a landmark, and on y = x² + noise.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, CCA, KernelCCA, FormatError, NotFittedError, ShapeError, SingularMatrixError, ValueError, type MatrixResult } from '../src/index.js';
import { normal, randn, uniform } from './helpers.js';
import { MEDIAN_ROWS, MEDIAN_SEED, medianRows } from '../src/models/linear/kcca_scale.js';

beforeAll(async () => {
  await init();
});

const ref = JSON.parse(readFileSync(new URL('./fixtures/kcca-reference.json', import.meta.url), 'utf8'));
const rowsOf = (flat: number[], cols: number) => Array.from({ length: flat.length / cols }, (_, i) => flat.slice(i * cols, i * cols + cols));
const Xall = rowsOf(ref.x, ref.p), Yall = rowsOf(ref.y, ref.q);
const Xtr = Xall.slice(0, ref.n_train), Xte = Xall.slice(ref.n_train), Ytr = Yall.slice(0, ref.n_train), Yte = Yall.slice(ref.n_train);

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `${what}[${i}]`).toBeLessThan(tol);
};
/** a and b column by column, each column allowed one sign flip; tolerance relative to b's largest entry. */
const closeUpToSign = (a: MatrixResult, b: ArrayLike<number>, tol: number, what: string) => {
  expect(a.data.length, what).toBe(b.length);
  const k = a.cols;
  for (let c = 0; c < k; c++) {
    let dot = 0, scale = 0;
    for (let i = 0; i < a.rows; i++) (dot += a.data[i * k + c]! * b[i * k + c]!), (scale = Math.max(scale, Math.abs(b[i * k + c]!)));
    const s = dot < 0 ? -1 : 1;
    let worst = 0;
    for (let i = 0; i < a.rows; i++) worst = Math.max(worst, Math.abs(s * a.data[i * k + c]! - b[i * k + c]!));
    expect(worst / scale, `${what}, component ${c}`).toBeLessThan(tol);
  }
};

describe('KernelCCA against numpy/scipy (exact: the n×n definition; new rows by the dual eigenproblem)', () => {
  it('RBF (γ = [0.5, 1], κ = 1e-2): correlations, held-out correlations and variates', () => {
    const r = ref.rbf;
    const m = new KernelCCA({ kernel: 'rbf', gamma: [0.5, 1], regularization: 1e-2, components: 3 }).fit(Xtr, Ytr);
    close(m.correlations, r.train_correlations, 1e-8, 'correlations');
    close(m.score(Xte, Yte), r.test_correlations, 1e-8, 'held-out correlations');
    const [u, v] = m.transform(Xte, Yte);
    closeUpToSign(u, r.test_u, 1e-6, 'held-out x-variates');
    closeUpToSign(v, r.test_v, 1e-6, 'held-out y-variates');
    expect(m.fittedGamma).toEqual([0.5, 1]);
    expect(m.landmarks).toBeNull();
    expect(m.nSamples).toBe(ref.n_train);
  });

  it('polynomial (degree 2, coef0 1, γ 0.5) and RBF with γ = 1/(p·variance) given (the old default)', () => {
    const poly = new KernelCCA({ kernel: 'polynomial', degree: 2, coef0: 1, gamma: 0.5, regularization: 1e-2, components: 2 }).fit(Xtr, Ytr);
    close(poly.correlations, ref.polynomial.train_correlations, 1e-8, 'polynomial correlations');
    close(poly.score(Xte, Yte), ref.polynomial.test_correlations, 1e-8, 'polynomial held-out');
    // a degree-2 polynomial kernel on 3 and 2 columns spans 10 and 6 features (centred: 9 and 5)
    expect(poly.ranks).toEqual([9, 5]);
    const rs = ref.rbf_scale;
    const scaled = new KernelCCA({ gamma: [rs.gamma[0], rs.gamma[1]], regularization: 1e-3 }).fit(Xtr, Ytr);
    expect(scaled.scale).toBe(false);
    expect(scaled.fittedGamma).toEqual(rs.gamma);
    close(scaled.correlations, rs.train_correlations, 1e-8, 'old-default-γ correlations');
    close(scaled.score(Xte, Yte), rs.test_correlations, 1e-8, 'old-default-γ held-out');
  });

  it('Nyström (60 landmarks, seed 3) equals the definition applied to K_nm K_mm⁺ K_mn, landmarks as documented', () => {
    const r = ref.nystrom;
    const m = new KernelCCA({ gamma: [0.5, 1], regularization: 1e-2, components: 3, approximation: { nystrom: 60, seed: 3 } }).fit(Xtr, Ytr);
    expect(Array.from(m.landmarks!.indices)).toEqual(r.landmarks);
    expect(m.landmarks!.x.data.slice(0, 3)).toEqual(Float64Array.from(Xtr[r.landmarks[0]]!));
    close(m.correlations, r.train_correlations, 1e-8, 'Nyström correlations');
    close(m.correlations, r.feature_train_correlations, 1e-8, 'Nyström correlations (numpy feature route)');
    const held = m.score(Xte, Yte);
    close(held, r.test_correlations, 1e-8, 'Nyström held-out (numpy feature map and ridge CCA)');
    // the n×n route's pseudo-inverse products carry ~1e-8 of rounding
    close(held, r.dual_test_correlations, 1e-6, 'Nyström held-out (the n×n route)');
    // the draw itself, on another size (the reference reimplements xoshiro128** and the shuffle)
    const c = ref.landmarks_check;
    const big = randn(c.n, 1, 5);
    const l = new KernelCCA({ kernel: 'linear', components: 1, approximation: { nystrom: c.m, seed: c.seed } }).fit(big, big.map(([a]) => [a! * 2 + 1]));
    expect(Array.from(l.landmarks!.indices)).toEqual(c.indices);
  });
});

describe('KernelCCA equalities', () => {
  const X = randn(300, 4, 11), noise = randn(300, 3, 12);
  const Y = X.map((r, i) => [r[0]! + 0.5 * noise[i]![0]!, r[1]! - r[2]! + noise[i]![1]!, 0.3 * r[3]! + noise[i]![2]!]);
  const Xn = randn(80, 4, 13), Yn = Xn.map((r, i) => [r[0]! + 0.5 * i / 80, r[1]!, -r[3]!]);

  for (const ridge of [0, 1e-2, [1e-3, 0.1] as [number, number]]) {
    it(`the linear kernel is CCA with the same ridge (${JSON.stringify(ridge)}) to 1e-8: correlations and variates`, () => {
      const cca = new CCA({ components: 3, regularization: ridge }).fit(X, Y);
      const kcca = new KernelCCA({ kernel: 'linear', components: 3, regularization: ridge }).fit(X, Y);
      close(kcca.correlations, cca.correlations, 1e-8, 'correlations');
      close(kcca.allCorrelations, cca.allCorrelations, 1e-8, 'all correlations');
      expect(kcca.ranks).toEqual([4, 3]);
      const [cu, cv] = cca.transform(Xn, Yn), [ku, kv] = kcca.transform(Xn, Yn);
      closeUpToSign(ku, cu.data, 1e-8, 'x-variates');
      closeUpToSign(kv, cv.data, 1e-8, 'y-variates');
      close(kcca.score(Xn, Yn), cca.score(Xn, Yn), 1e-8, 'held-out correlations');
    });
  }

  it('the linear kernel keeps scale false by default; with scale: true it is CCA with scale: true and the same ridge, to 1e-8', () => {
    const units = [1e-3, 10, 1e4, 0.5], Xu = X.map((r) => r.map((v, j) => v * units[j]! + 7 * j)), Xnu = Xn.map((r) => r.map((v, j) => v * units[j]! + 7 * j));
    expect(new KernelCCA({ kernel: 'linear' }).scale).toBe(false);
    for (const ridge of [0, 1e-2]) {
      const cca = new CCA({ components: 3, regularization: ridge, scale: true }).fit(Xu, Y);
      const kcca = new KernelCCA({ kernel: 'linear', components: 3, regularization: ridge, scale: true }).fit(Xu, Y);
      close(kcca.allCorrelations, cca.allCorrelations, 1e-8, `scaled, ridge ${ridge}: all correlations`);
      const [cu, cv] = cca.transform(Xnu, Yn), [ku, kv] = kcca.transform(Xnu, Yn);
      closeUpToSign(ku, cu.data, 1e-8, 'x-variates');
      closeUpToSign(kv, cv.data, 1e-8, 'y-variates');
    }
  });

  it('Nyström with every row a landmark equals the exact fit to 1e-6 (signs too)', () => {
    const X2 = X.slice(0, 150), Y2 = Y.slice(0, 150);
    for (const [kernel, extra] of [['rbf', { gamma: [0.3, 0.4] }], ['polynomial', { degree: 3, gamma: 0.2 }]] as const) {
      const exact = new KernelCCA({ kernel, ...extra, regularization: 1e-2, components: 3 }).fit(X2, Y2);
      const nys = new KernelCCA({ kernel, ...extra, regularization: 1e-2, components: 3, approximation: { nystrom: 150, seed: 9 } }).fit(X2, Y2);
      close(nys.correlations, exact.correlations, 1e-6, `${kernel} correlations`);
      const [eu, ev] = exact.transform(Xn, Yn), [nu, nv] = nys.transform(Xn, Yn);
      close(nu.data, eu.data, 1e-6 * Math.max(...eu.data.map(Math.abs)), `${kernel} x-variates`);
      close(nv.data, ev.data, 1e-6 * Math.max(...ev.data.map(Math.abs)), `${kernel} y-variates`);
    }
  });
});

describe('KernelCCA finds what linear CCA cannot', () => {
  it('x ~ U[−1, 1], y = x² + N(0, 0.05²), n = 1000: RBF Nyström 300 held out ≥ 0.9, linear CCA < 0.2', () => {
    const u = uniform(21), z = normal(22);
    const make = (n: number) => {
      const x = Array.from({ length: n }, () => [2 * u() - 1]);
      return { x, y: x.map(([v]) => [v! * v! + 0.05 * z()]) };
    };
    const train = make(1000), test = make(1000);
    const kcca = new KernelCCA({ gamma: 2, regularization: 1e-3, components: 1, approximation: { nystrom: 300, seed: 0 } }).fit(train.x, train.y);
    const held = kcca.score(test.x, test.y)[0]!;
    const linear = new CCA({ components: 1 }).fit(train.x, train.y).score(test.x, test.y)[0]!;
    expect(held).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(linear)).toBeLessThan(0.2);
    const exact = new KernelCCA({ gamma: 2, regularization: 1e-3, components: 1 }).fit(train.x, train.y);
    expect(exact.score(test.x, test.y)[0]!).toBeGreaterThanOrEqual(0.9);
    console.log(`[kcca] x²: held-out first correlation Nyström 300 ${held.toFixed(4)}, exact ${exact.score(test.x, test.y)[0]!.toFixed(4)}, linear CCA ${linear.toFixed(4)}`);
  });
});

describe('KernelCCA contract', () => {
  const X = randn(60, 3, 31), Y = randn(60, 2, 32).map((r, i) => [r[0]! + X[i]![0]! ** 2, r[1]!]);

  it('refuses bad options by name, unused kernel parameters included', () => {
    expect(() => new KernelCCA({ kernal: 'rbf' } as never)).toThrow(/kernel/);
    expect(() => new KernelCCA({ kernel: 'sigmoid' as never })).toThrow(ValueError);
    expect(() => new KernelCCA({ kernel: 'linear', gamma: 1 })).toThrow(/options\.gamma/);
    expect(() => new KernelCCA({ kernel: 'rbf', degree: 2 })).toThrow(/options\.degree/);
    expect(() => new KernelCCA({ gamma: 0 })).toThrow(/options\.gamma/);
    expect(() => new KernelCCA({ kernel: 'polynomial', degree: 1.5 })).toThrow(/options\.degree/);
    expect(() => new KernelCCA({ regularization: -1 })).toThrow(/options\.regularization/);
    expect(() => new KernelCCA({ approximation: 'nystrom' as never })).toThrow(/options\.approximation/);
    expect(() => new KernelCCA({ approximation: { nystrom: 0 } })).toThrow(/nystrom/);
    expect(() => new KernelCCA({ approximation: { nystrom: 5, sed: 1 } as never })).toThrow(/seed/);
    expect(() => new KernelCCA({ components: 6, approximation: { nystrom: 5 } })).toThrow(/options\.components/);
    for (const bad of ['yes', 1]) {
      const e = (() => {
        try {
          new KernelCCA({ scale: bad as never });
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(ValueError);
      expect((e as ValueError).argument).toBe('options.scale');
    }
  });

  it('refuses bad data with typed errors and keeps the earlier fit', () => {
    const before = memoryStats().liveBytes;
    const m = new KernelCCA({ gamma: 1 }).fit(X, Y);
    const good = m.correlations;
    expect(() => m.fit(X, Y.slice(1))).toThrow(ShapeError);
    expect(() => m.fit([[1, 2, 3]], [[1, 2]])).toThrow(/at least 2 rows/);
    const n = 5001, tall = Array.from({ length: n }, (_, i) => [i % 7, i % 3]);
    expect(() => m.fit(tall, tall)).toThrow(/nystrom/);
    expect(() => new KernelCCA({ approximation: { nystrom: 61 } }).fit(X, Y)).toThrow(/at most the number of rows, 60/);
    expect(() => new KernelCCA({ kernel: 'linear', components: 3 }).fit(X, Y)).toThrow(/rank of Y's centred kernel matrix, 2/);
    expect(() => new KernelCCA().fit(X, Y.map(() => [1, 1]))).toThrow(SingularMatrixError);
    expect(() => new KernelCCA({ kernel: 'polynomial', degree: 60, gamma: 10 }).fit(X.map((r) => r.map((v) => v * 1e6)), Y)).toThrow(/X.*floating-point range/);
    expect(() => m.transform(X.map((r) => r.slice(1)))).toThrow(/3 columns \(as in fit\)/);
    expect(() => m.transform(X, Y.slice(2))).toThrow(ShapeError);
    expect(() => m.transform(null, null)).toThrow(ValueError);
    expect(() => m.score(X.slice(0, 1), Y.slice(0, 1))).toThrow(/at least 2 rows/);
    expect(m.correlations).toEqual(good);
    m.dispose();
    expect(memoryStats().liveBytes).toBe(before);
    expect(() => new KernelCCA().correlations).toThrow(NotFittedError);
  });

  it('transform in blocks equals one block; null views; fitTransform', () => {
    const m = new KernelCCA({ gamma: [1, 2], components: 2 });
    const [u, v] = m.fitTransform(X, Y);
    const [u1] = m.transform(X.slice(0, 7));
    expect(u1.data).toEqual(u.data.slice(0, 14));
    const [none, v2] = m.transform(null, Y);
    expect(none).toBeNull();
    expect(v2.data).toEqual(v.data);
    // training variates have unit ridged variance: a little under 1, and correlate as reported
    const corr = (a: MatrixResult, b: MatrixResult, c: number) => {
      const k = a.cols, n = a.rows;
      let ma = 0, mb = 0;
      for (let i = 0; i < n; i++) (ma += a.data[i * k + c]! / n), (mb += b.data[i * k + c]! / n);
      let sab = 0, saa = 0, sbb = 0;
      for (let i = 0; i < n; i++) {
        const x = a.data[i * k + c]! - ma, y = b.data[i * k + c]! - mb;
        (sab += x * y), (saa += x * x), (sbb += y * y);
      }
      return { r: sab / Math.sqrt(saa * sbb), va: saa / (n - 1), ma };
    };
    const c0 = corr(u, v, 0);
    expect(c0.va).toBeLessThanOrEqual(1 + 1e-12);
    expect(c0.va).toBeGreaterThan(0.5);
    expect(Math.abs(c0.ma)).toBeLessThan(1e-10);
    expect(c0.r).toBeGreaterThanOrEqual(m.correlations[0]! - 1e-12);
  });

  it('files round-trip (exact and Nyström) and a damaged file is refused', () => {
    for (const opts of [{ gamma: 0.7 }, { kernel: 'polynomial' as const, degree: 2 }, { approximation: { nystrom: 20, seed: 4 } }, { kernel: 'linear' as const, regularization: [0.1, 0.2] as [number, number] }]) {
      const m = new KernelCCA({ ...opts, components: 2 }).fit(X, Y);
      const back = KernelCCA.fromJSON(JSON.stringify(m));
      expect(back.correlations).toEqual(m.correlations);
      expect(back.transform(X, Y)).toEqual(m.transform(X, Y));
      expect(back.fittedGamma).toEqual(m.fittedGamma);
      const j = m.toJSON();
      expect(() => KernelCCA.fromJSON({ ...j, coefX: j.coefY })).toThrow(FormatError);
      expect(() => KernelCCA.fromJSON({ ...j, n: (j.n as number) + 1 })).toThrow(FormatError);
      expect(() => KernelCCA.fromJSON({ ...j, kernel: 'sigmoid' })).toThrow(FormatError);
    }
  });
});

// ---- issue 32: answers that do not depend on column units ----
// `scale` (standardised columns) and the default γ (the median heuristic) against numpy/scipy
// (test/fixtures/kcca-median-reference.json from scripts/reference/kcca_median.py), scale
// invariance, a wine-like held-out comparison, and files written before (test/fixtures/kcca-v1-files.json).
const med = JSON.parse(readFileSync(new URL('./fixtures/kcca-median-reference.json', import.meta.url), 'utf8'));
const mX = rowsOf(med.x, med.p), mY = rowsOf(med.y, med.q);
const mXtr = mX.slice(0, med.n_train), mXte = mX.slice(med.n_train), mYtr = mY.slice(0, med.n_train), mYte = mY.slice(med.n_train);
/** each column times 10^k, k ∈ [−3, 4] drawn per column */
const rescale = (rows: number[][], ks: number[]) => rows.map((r) => r.map((v, j) => v * 10 ** ks[j]!));
/** largest |a − b| relative to b's largest entry */
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0, scale = 0;
  for (let i = 0; i < b.length; i++) (worst = Math.max(worst, Math.abs(a[i]! - b[i]!))), (scale = Math.max(scale, Math.abs(b[i]!)));
  return worst / scale;
};

describe('KernelCCA scale and the median heuristic against numpy/scipy', () => {
  it('the defaults (rbf, polynomial without γ: standardised columns, γ = 1/median squared distance) match the definition', () => {
    for (const [name, opts, r] of [
      ['rbf', { regularization: 1e-3 }, med.rbf],
      ['polynomial', { kernel: 'polynomial' as const, degree: 3, coef0: 1, regularization: 1e-2 }, med.polynomial],
    ] as const) {
      const m = new KernelCCA({ ...opts, components: 2 }).fit(mXtr, mYtr);
      expect(m.scale, name).toBe(true);
      expect(m.gamma, name).toBe('median');
      close(m.fittedGamma!, r.gamma, 1e-12 * Math.max(...r.gamma), `${name} γ`);
      close(m.correlations, r.train_correlations, 1e-8, `${name} correlations`);
      close(m.score(mXte, mYte), r.test_correlations, 1e-8, `${name} held-out`);
      const [u, v] = m.transform(mXte, mYte);
      closeUpToSign(u, r.test_u, 1e-6, `${name} held-out x-variates`);
      closeUpToSign(v, r.test_v, 1e-6, `${name} held-out y-variates`);
      // the file keeps the standardisation: a loaded model transforms with the same bits
      const back = KernelCCA.fromJSON(JSON.stringify(m));
      expect(back.scale).toBe(true);
      expect(back.transform(mXte, mYte)).toEqual([u, v]);
    }
  });

  it('scale: true with a given γ (γ of the standardised rows), and scale: false without γ (the median of the raw rows)', () => {
    const given = new KernelCCA({ gamma: [0.3, 0.6], scale: true, regularization: 1e-2 }).fit(mXtr, mYtr);
    expect(given.fittedGamma).toEqual([0.3, 0.6]);
    close(given.correlations, med.rbf_scale_given.train_correlations, 1e-8, 'given γ, scaled: correlations');
    close(given.score(mXte, mYte), med.rbf_scale_given.test_correlations, 1e-8, 'given γ, scaled: held-out');
    expect(new KernelCCA({ gamma: 0.3 }).scale).toBe(false);
    const raw = new KernelCCA({ scale: false, regularization: 1e-2 }).fit(mXtr, mYtr);
    close(raw.fittedGamma!, med.rbf_raw_median.gamma, 1e-12 * Math.max(...med.rbf_raw_median.gamma), 'raw median γ');
    close(raw.correlations, med.rbf_raw_median.train_correlations, 1e-8, 'raw median: correlations');
    close(raw.score(mXte, mYte), med.rbf_raw_median.test_correlations, 1e-8, 'raw median: held-out');
  });

  it(`above ${MEDIAN_ROWS} rows γ is the median over the ${MEDIAN_ROWS} rows drawn with seed ${MEDIAN_SEED} (the draw reimplemented in Python)`, () => {
    const s = med.subsample;
    // the table: integers, one division and one product per cell, as the script makes it
    const big = (spec: [number, number, number, number][]) =>
      Array.from({ length: s.n }, (_, i) => spec.map(([a, b, d, u]) => ((((i * a + i * i * b + d) % 1009) - 504) / 1009) * u));
    const Xb = big(s.x_spec), Yb = big(s.y_spec);
    expect(MEDIAN_SEED).toBe(s.seed);
    expect(Array.from(medianRows(s.n)!)).toEqual(s.rows);
    expect(medianRows(MEDIAN_ROWS)).toBeNull();
    const m = new KernelCCA({ components: 1, approximation: { nystrom: 20, seed: 0 } }).fit(Xb, Yb);
    close(m.fittedGamma!, s.gamma, 1e-12 * Math.max(...s.gamma), 'subsample γ');
    // (all 1500 rows would give another median)
    expect(Math.abs(m.fittedGamma![0] - s.gamma_all_rows[0])).toBeGreaterThan(1e-6);
  });

  it('γ = 1 when most rows are equal (a median of 0); standardisation copes with any finite scale and names a view whose mean overflows', () => {
    const X = randn(20, 2, 41), Y = X.map(([a, b]) => [a! * b!, a! - b!]);
    // 16 equal rows: 120 of the 190 pairs at distance 0
    const Xm = X.map((r, i) => (i < 16 ? [1, 2] : r));
    const m = new KernelCCA({ components: 1 }).fit(Xm, Y);
    expect(m.fittedGamma![0]).toBe(1);
    expect(m.fittedGamma![1]).not.toBe(1);
    expect(() => new KernelCCA().fit(X, X.map(() => [3, -1]))).toThrow(SingularMatrixError);
    // values near the top of the range: standardised, the same model as at unit scale
    const unit = new KernelCCA({ components: 2 }).fit(X, Y), huge = new KernelCCA({ components: 2 }).fit(rescale(X, [300, 305]), rescale(Y, [-300, 307]));
    close(huge.correlations, unit.correlations, 1e-8, 'huge columns');
    expect(() => new KernelCCA().fit(X, Y.map(([a]) => [a!, 1.7e308]))).toThrow(/^Y: .*floating-point range/);
  });
});

describe('KernelCCA answers do not depend on column units', () => {
  const X = randn(70, 4, 51), noise = randn(70, 3, 52);
  const Y = X.map((r, i) => [Math.sin(r[0]!) + 0.2 * noise[i]![0]!, r[1]! * r[2]! + 0.2 * noise[i]![1]!, noise[i]![2]!]);
  const Xn = randn(25, 4, 53), Yn = Xn.map((r, i) => [Math.sin(r[0]!) + 0.1 * i / 25, r[1]! * r[2]!, 0.5]);
  const kx = [-3, 4, 1, -2], ky = [2, -1, 3];
  for (const [name, opts] of [
    ['rbf, default γ', {}],
    ['polynomial, default γ', { kernel: 'polynomial' as const, degree: 2 }],
    ['rbf, scale: true with γ 0.4', { gamma: 0.4, scale: true }],
    ['rbf, default γ, Nyström 30', { approximation: { nystrom: 30, seed: 2 } }],
  ] as const) {
    it(`${name}: columns times 10^k (k from −3 to 4) give the same correlations (1e-8) and variates`, () => {
      const a = new KernelCCA({ ...opts, components: 2 }).fit(X, Y);
      const b = new KernelCCA({ ...opts, components: 2 }).fit(rescale(X, kx), rescale(Y, ky));
      close(b.allCorrelations, a.allCorrelations, 1e-8, 'all correlations');
      if (!('gamma' in opts)) close(b.fittedGamma!, a.fittedGamma!, 1e-12 * a.fittedGamma![0], 'γ');
      const [ua, va] = a.transform(Xn, Yn), [ub, vb] = b.transform(rescale(Xn, kx), rescale(Yn, ky));
      expect(relErr(ub.data, ua.data)).toBeLessThan(1e-8);
      expect(relErr(vb.data, va.data)).toBeLessThan(1e-8);
      close(b.score(rescale(Xn, kx), rescale(Yn, ky)), a.score(Xn, Yn), 1e-8, 'held-out');
    });
  }
});

describe('KernelCCA on a wine-like table (178 rows, 13 columns in units from 0.1 to 1600, 3 latent factors)', () => {
  // three classes (59 / 71 / 48 rows, as the wine data) whose centres and a within-class
  // factor drive every column through loadings; X = the first 6 columns, Y = the other 7
  const z = normal(61), u = uniform(62);
  const sd = [0.8, 1.1, 0.27, 3.3, 14, 0.63, 1.0, 0.12, 0.57, 2.3, 0.23, 0.7, 315];
  const mean = [13, 2.3, 2.4, 19.5, 100, 2.3, 2.0, 0.36, 1.6, 5.1, 0.96, 2.6, 750];
  const centres = [[1.4, 0.4, -0.6], [-1.2, 0.6, 0.5], [0.2, -1.4, 0.3]];
  const loadings = sd.map(() => [2 * u() - 1, 2 * u() - 1, 2 * u() - 1]);
  const rows = [59, 71, 48].flatMap((count, c) =>
    Array.from({ length: count }, () => {
      const f = centres[c]!.map((m) => m + 0.5 * z());
      return sd.map((s, j) => mean[j]! + s * (loadings[j]!.reduce((t, l, k) => t + l * f[k]!, 0) + 0.6 * z()));
    }),
  );
  // shuffled (seeded), then 2:1
  const order = rows.map((_, i) => i).sort((a, b) => ((a * 7919) % 178) - ((b * 7919) % 178));
  const table = order.map((i) => rows[i]!);
  const split = (t: number[][]) => ({ x: t.map((r) => r.slice(0, 6)), y: t.map((r) => r.slice(6)) });
  const train = split(table.filter((_, i) => i % 3 !== 2)), test = split(table.filter((_, i) => i % 3 === 2));

  it('the default held-out first correlation is within 0.1 of linear CCA with scale: true (or better), in any units', () => {
    const heldOut = (tr: typeof train, te: typeof test) => {
      const kcca = new KernelCCA({ components: 1 }).fit(tr.x, tr.y);
      const linear = new CCA({ components: 1, scale: true }).fit(tr.x, tr.y);
      // the old default: γ = 1/(p·variance of the raw view's entries), no standardisation
      const variance = (rows: number[][]) => {
        const all = rows.flat(), m = all.reduce((a, b) => a + b, 0) / all.length;
        return all.reduce((a, b) => a + (b - m) ** 2, 0) / all.length;
      };
      const old = new KernelCCA({ components: 1, gamma: [1 / (6 * variance(tr.x)), 1 / (7 * variance(tr.y))] }).fit(tr.x, tr.y);
      const r = { kcca: kcca.score(te.x, te.y)[0]!, linear: linear.score(te.x, te.y)[0]!, old: old.score(te.x, te.y)[0]! };
      for (const m of [kcca, linear, old]) m.dispose();
      return r;
    };
    const a = heldOut(train, test);
    const ks = [-1, 2, 0, 1, -3, 4, 3, -2, 1, 0, -1, 2, -3];
    const re = (t: { x: number[][]; y: number[][] }) => ({ x: rescale(t.x, ks.slice(0, 6)), y: rescale(t.y, ks.slice(6)) });
    const b = heldOut(re(train), re(test));
    console.log(`[kcca] wine-like held-out first correlation: default ${a.kcca.toFixed(4)} (rescaled ${b.kcca.toFixed(4)}), linear CCA scale ${a.linear.toFixed(4)} (${b.linear.toFixed(4)}), old default γ ${a.old.toFixed(4)} (${b.old.toFixed(4)})`);
    expect(a.kcca).toBeGreaterThanOrEqual(a.linear - 0.1);
    expect(b.kcca).toBeGreaterThanOrEqual(b.linear - 0.1);
    expect(Math.abs(b.kcca - a.kcca)).toBeLessThan(1e-8);
  });
});

describe('KernelCCA files written before scale and the median heuristic (version 1) load and transform as before', () => {
  const v1 = JSON.parse(readFileSync(new URL('./fixtures/kcca-v1-files.json', import.meta.url), 'utf8'));

  it('every stored file: the same correlations, γ and variates bit for bit; written back unchanged; refit uses the new default', () => {
    for (const c of v1.files) {
      const m = KernelCCA.fromJSON(JSON.stringify(c.file));
      expect(m.gamma, c.name).toBe('variance');
      expect(m.scale, c.name).toBe(false);
      expect(m.fittedGamma, c.name).toEqual(c.fittedGamma);
      expect(Array.from(m.correlations), c.name).toEqual(c.correlations);
      const [u, v] = m.transform(v1.newX as number[][], v1.newY as number[][]);
      expect(Array.from(u.data), c.name).toEqual(c.u);
      expect(Array.from(v.data), c.name).toEqual(c.v);
      expect(Array.from(m.score(v1.newX, v1.newY)), c.name).toEqual(c.score);
      expect(m.toJSON(), c.name).toEqual(c.file);
      // a damaged old file is still refused
      expect(() => KernelCCA.fromJSON({ ...c.file, coefX: c.file.coefY })).toThrow(FormatError);
      expect(() => KernelCCA.fromJSON({ ...c.file, gamma: 0.5 })).toThrow(/checksum/);
      // a failed refit keeps the old fit and its rule
      expect(() => m.fit(v1.trainX, v1.trainY.slice(1))).toThrow(ShapeError);
      expect(m.gamma).toBe('variance');
      // fit() on it: the current default, as a new model with the file's options
      m.fit(v1.trainX, v1.trainY);
      expect(m.gamma, c.name).toBe('median');
      expect(m.scale, c.name).toBe(true);
      const fresh = new KernelCCA(c.options).fit(v1.trainX, v1.trainY);
      expect(m.correlations, c.name).toEqual(fresh.correlations);
      expect(m.transform(v1.newX, v1.newY), c.name).toEqual(fresh.transform(v1.newX, v1.newY));
      expect(m.toJSON().version).toBe(2);
    }
  });

  it('a version-1 file with a given γ loads as scale: false and is written as version 2', () => {
    const m = new KernelCCA({ gamma: 0.7, components: 1 }).fit(v1.trainX, v1.trainY);
    const j = m.toJSON();
    expect(j.version).toBe(2);
    expect(j.scale).toBe(false);
    expect([j.meanX, j.sdX, j.meanY, j.sdY]).toEqual([null, null, null, null]);
  });
});

describe('KernelCCA version-2 files: scale and the standardisation under the checksum', () => {
  const X = randn(40, 3, 71), Y = X.map((r, i) => [r[0]! ** 2 + 0.1 * (i % 5), r[1]! * 100]);
  const caught = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected an error');
  };

  it('a damaged new field is a FormatError naming it', () => {
    const m = new KernelCCA({ components: 2 }).fit(X, Y);
    const j = m.toJSON();
    expect(j.version).toBe(2);
    expect(j.scale).toBe(true);
    expect(j.gamma).toBe('median');
    const lin = new KernelCCA({ kernel: 'linear', components: 2 }).fit(X, Y).toJSON();
    expect(lin.gamma).toBeNull();
    expect(KernelCCA.fromJSON(lin).gamma).toBeNull();
    const sd = new Float64Array(3).fill(1);
    sd[1] = 0;
    const b64 = (a: Float64Array) => Buffer.from(a.buffer).toString('base64');
    const cases: [string, unknown, RegExp][] = [
      ['scale not a boolean', { ...j, scale: 'yes' }, /^scale: /],
      ['scale missing', { ...j, scale: undefined }, /^scale: /],
      ['scale flipped off', { ...j, scale: false }, /^meanX: /],
      ['scale flipped on', { ...lin, scale: true }, /meanX/],
      ['meanX truncated', { ...j, meanX: b64(new Float64Array(2)) }, /^meanX: /],
      ['meanY missing', { ...j, meanY: null }, /meanY/],
      ['sdX with a zero', { ...j, sdX: b64(sd) }, /^sdX: /],
      ['sdY changed', { ...j, sdY: b64(new Float64Array(2).fill(2)) }, /checksum/],
      ['meanX changed', { ...j, meanX: b64(new Float64Array(3)) }, /checksum/],
      ["gamma 'scale' in version 2", { ...j, gamma: 'scale' }, /^gamma: /],
      ["gamma 'variance' in version 2", { ...j, gamma: 'variance' }, /^gamma: /],
      ['a γ for the linear kernel', { ...lin, gamma: 'median' }, /^gamma: /],
      ['γ given instead of median', { ...j, gamma: 0.5 }, /checksum/],
    ];
    for (const [what, file, re] of cases) {
      const e = caught(() => KernelCCA.fromJSON(file));
      expect(e, what).toBeInstanceOf(FormatError);
      expect(e.message, what).toMatch(re);
    }
  });
});

// KernelCCA against an independent reference (numpy/scipy from the n×n definition
// ρ² = eig(Rx·Ry), R = K̃(K̃ + (n−1)κI)⁻¹, and the dual eigenproblem for new rows:
// test/fixtures/kcca-reference.json from scripts/reference/kcca.py), against CCA for the
// linear kernel, exact against Nyström with every row a landmark, and on y = x² + noise.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, CCA, KernelCCA, FormatError, NotFittedError, ShapeError, SingularMatrixError, ValueError, type MatrixResult } from '../src/index.js';
import { normal, randn, uniform } from './helpers.js';

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

  it('polynomial (degree 2, coef0 1, γ 0.5) and RBF with the default γ = 1/(p·variance)', () => {
    const poly = new KernelCCA({ kernel: 'polynomial', degree: 2, coef0: 1, gamma: 0.5, regularization: 1e-2, components: 2 }).fit(Xtr, Ytr);
    close(poly.correlations, ref.polynomial.train_correlations, 1e-8, 'polynomial correlations');
    close(poly.score(Xte, Yte), ref.polynomial.test_correlations, 1e-8, 'polynomial held-out');
    // a degree-2 polynomial kernel on 3 and 2 columns spans 10 and 6 features (centred: 9 and 5)
    expect(poly.ranks).toEqual([9, 5]);
    const rs = ref.rbf_scale;
    const scaled = new KernelCCA({ regularization: 1e-3 }).fit(Xtr, Ytr);
    close(scaled.fittedGamma!, rs.gamma, 1e-12, 'default γ');
    close(scaled.correlations, rs.train_correlations, 1e-8, 'default-γ correlations');
    close(scaled.score(Xte, Yte), rs.test_correlations, 1e-8, 'default-γ held-out');
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

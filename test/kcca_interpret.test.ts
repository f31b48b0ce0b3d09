// KernelCCA beyond the variates (issue 35): structure correlations against the Pearson
// correlations of the columns with the variates transform gives (computed here in plain JS),
// exact and Nyström; explained variance and redundancy of an exact fit from its training rows
// (kept in the model and its file), refused for Nyström; predict and inverseTransform, which
// kernel CCA does not define, throw an UnsupportedError saying what to use instead.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, DisposedError, KernelCCA, NonFiniteError, NotFittedError, ShapeError, UnsupportedError, ValueError, type MatrixResult } from '../src/index.js';
import { uniform } from './helpers.js';

beforeAll(async () => {
  await init();
});

type Rows = number[][];
/** y = nonlinear functions of x plus noise: X 3 columns (one in other units), Y 2. */
function data(n: number, seed: number): { X: Rows; Y: Rows } {
  const u = uniform(seed);
  const X = Array.from({ length: n }, () => [2 * u() - 1, 2 * u() - 1, 500 * u()]);
  return { X, Y: X.map(([a, b, c]) => [a! * a! + 0.1 * u(), Math.sin(3 * b!) + c! / 1000 + 0.1 * u()]) };
}
const rowsOf = (r: MatrixResult): Rows => Array.from({ length: r.rows }, (_, i) => Array.from(r.data.subarray(i * r.cols, (i + 1) * r.cols)));
const column = (A: Rows, j: number) => A.map((r) => r[j]!);
function pearson(a: number[], b: number[]): number {
  const ma = a.reduce((t, v) => t + v, 0) / a.length, mb = b.reduce((t, v) => t + v, 0) / b.length;
  let sab = 0, saa = 0, sbb = 0;
  a.forEach((v, i) => ((sab += (v - ma) * (b[i]! - mb)), (saa += (v - ma) ** 2), (sbb += (b[i]! - mb) ** 2)));
  return sab / Math.sqrt(saa * sbb);
}
/** corr(each column of A, each column of U) as p×k rows. */
const corrs = (A: Rows, U: Rows) => A[0]!.map((_, a) => U[0]!.map((_u, c) => pearson(column(A, a), column(U, c))));
function maxDiff(a: MatrixResult, b: Rows): number {
  expect([a.rows, a.cols]).toEqual([b.length, b[0]!.length]);
  let m = 0;
  rowsOf(a).forEach((r, i) => r.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}
const caught = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

const train = data(233, 4), test = data(97, 8);

describe('KernelCCA structure correlations, explained variance, redundancy', () => {
  it('structureCorrelations are the Pearson correlations of the columns with U and V on the rows given (exact and Nyström, 1e-12)', () => {
    for (const approximation of ['exact', { nystrom: 41, seed: 2 }] as const) {
      const m = new KernelCCA({ components: 2, approximation }).fit(train.X, train.Y);
      const s = m.structureCorrelations(test.X, test.Y), [u, v] = m.transform(test.X, test.Y).map((r) => rowsOf(r!));
      const what = JSON.stringify(approximation);
      expect(maxDiff(s.x.own, corrs(test.X, u!)), `${what} x.own`).toBeLessThan(1e-12);
      expect(maxDiff(s.x.cross, corrs(test.X, v!)), `${what} x.cross`).toBeLessThan(1e-12);
      expect(maxDiff(s.y.own, corrs(test.Y, v!)), `${what} y.own`).toBeLessThan(1e-12);
      expect(maxDiff(s.y.cross, corrs(test.Y, u!)), `${what} y.cross`).toBeLessThan(1e-12);
      m.dispose();
    }
  });

  it('an exact fit\'s explainedVariance is the mean over a view\'s columns of corr²(column, own variate) on the training rows; redundancy that times ρ² (1e-12); a file keeps it', () => {
    for (const options of [{ components: 2 }, { components: 3, gamma: 0.7, scale: false, regularization: 0.01 }]) {
      const m = new KernelCCA(options).fit(train.X, train.Y);
      const k = m.components, [u, v] = m.transform(train.X, train.Y).map((r) => rowsOf(r!));
      const share = (A: Rows, U: Rows) => Array.from({ length: k }, (_, c) => A[0]!.reduce((t, _a, a) => t + pearson(column(A, a), column(U, c)) ** 2, 0) / A[0]!.length);
      const want = { x: share(train.X, u!), y: share(train.Y, v!) }, ev = m.explainedVariance, rd = m.redundancy, rho = m.correlations;
      for (let c = 0; c < k; c++) {
        expect(Math.abs(ev.x[c]! - want.x[c]!)).toBeLessThan(1e-12);
        expect(Math.abs(ev.y[c]! - want.y[c]!)).toBeLessThan(1e-12);
        expect(Math.abs(rd.x[c]! - want.x[c]! * rho[c]! ** 2)).toBeLessThan(1e-12);
        expect(Math.abs(rd.y[c]! - want.y[c]! * rho[c]! ** 2)).toBeLessThan(1e-12);
      }
      ev.x[0] = 99; // a copy: the model's stays
      expect(m.explainedVariance.x[0]).not.toBe(99);
      const back = KernelCCA.fromJSON(JSON.parse(JSON.stringify(m)));
      expect(back.explainedVariance).toEqual(m.explainedVariance);
      for (const x of [m, back]) x.dispose();
    }
  });

  it('a Nyström fit keeps no training rows: explainedVariance and redundancy are an UnsupportedError that says what to do', () => {
    const m = new KernelCCA({ components: 2, approximation: { nystrom: 30, seed: 1 } }).fit(train.X, train.Y);
    for (const call of [() => m.explainedVariance, () => m.redundancy]) {
      const e = caught(call);
      expect(e).toBeInstanceOf(UnsupportedError);
      expect(e.message).toMatch(/keeps only its 30 landmark rows.*structureCorrelations\(X, Y\) on the training rows.*approximation 'exact'/);
    }
    m.dispose();
  });
});

describe('what KernelCCA does not define, and errors', () => {
  it('predict and inverseTransform throw an UnsupportedError naming the pre-image and the alternatives (fitted or not)', () => {
    const m = new KernelCCA({ components: 1 }), fitted = new KernelCCA({ components: 1 }).fit(train.X, train.Y);
    for (const model of [m, fitted]) {
      for (const [call, name] of [[() => model.predict(test.X), 'predict'], [() => model.predict(null, test.Y), 'predict'], [() => model.inverseTransform([[1]], null), 'inverseTransform']] as const) {
        const e = caught(call);
        expect(e).toBeInstanceOf(UnsupportedError);
        expect(e.message).toMatch(new RegExp(`^KernelCCA\\.${name}: not defined.*pre-image.*CCA's predict.*PLSRegression.*MultimodalAutoencoder`));
      }
    }
    fitted.dispose();
    expect(() => fitted.predict(test.X)).toThrow(DisposedError);
    expect(() => m.structureCorrelations(test.X, test.Y)).toThrow(NotFittedError);
    expect(() => m.explainedVariance).toThrow(NotFittedError);
    m.dispose();
  });

  it('structureCorrelations: typed errors naming the argument; a failed call leaves the model and the memory as they were', () => {
    const m = new KernelCCA({ components: 2 }).fit(train.X, train.Y);
    const want = m.structureCorrelations(test.X, test.Y), before = memoryStats().liveBytes;
    const cases: [() => unknown, new (...a: never[]) => Error, RegExp][] = [
      [() => m.structureCorrelations(test.Y, test.Y), ShapeError, /^X: expected 3 columns/],
      [() => m.structureCorrelations(test.X, test.X), ShapeError, /^Y: expected 2 columns/],
      [() => m.structureCorrelations(test.X, test.Y.slice(1)), ShapeError, /^Y: expected 97 rows/],
      [() => m.structureCorrelations(test.X.slice(0, 1), test.Y.slice(0, 1)), ShapeError, /^X: expected at least 2 rows/],
      [() => (m as unknown as Record<string, (...a: unknown[]) => unknown>).structureCorrelations!(test.X, test.Y, { covariates: test.X }), ValueError, /^KernelCCA\.structureCorrelations: argument 3: expected nothing/],
      [() => m.structureCorrelations(null as never, test.Y), ShapeError, /^X: expected number\[\]\[\]/],
      [() => m.structureCorrelations([[NaN, 1, 2], [1, 2, 3]], test.Y.slice(0, 2)), NonFiniteError, /^X: every value must be finite/],
    ];
    for (const [call, type, message] of cases) {
      const e = caught(call);
      expect(e, String(message)).toBeInstanceOf(type);
      expect(e.message).toMatch(message);
      expect(memoryStats().liveBytes).toBe(before);
    }
    expect(m.structureCorrelations(test.X, test.Y)).toEqual(want);
    m.dispose();
  });
});

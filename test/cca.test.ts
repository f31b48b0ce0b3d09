import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, memoryStats, CCA, Matrix, ShapeError, NonFiniteError, ValueError, SingularMatrixError, NotFittedError, FormatError,
} from '../src/index.js';
import { decodeF64, encodeF64 } from '../src/serialize.js';
import { covJS, detJS, digits, linnerud, matmulJS, normal, randn, reference } from './helpers.js';

beforeAll(async () => {
  await init();
});

const train = (v: number[][]) => v.slice(0, 1500);
const test = (v: number[][]) => v.slice(1500);
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol))
      throw new Error(`index ${i}: ${actual[i]} vs ${expected[i]} (|diff| ${Math.abs(actual[i]! - expected[i]!)} > ${tol})`);
  }
}

describe('CCA against the LAPACK reference (test/fixtures/cca-reference.json)', () => {
  for (const ridge of ['0.0001', '0.01', '1.0']) {
    it(`digits split, ridge ${ridge}: train (all 32) and held-out (top 10) correlations to 1e-8`, () => {
      const ref = reference.split.by_ridge[ridge];
      const cca = new CCA({ components: 10, regularization: Number(ridge) }).fit(train(digits.left), train(digits.right));
      expectClose(cca.allCorrelations, ref.train_correlations, 1e-8);
      const held = cca.score(test(digits.left), test(digits.right));
      expectClose(held, ref.test_correlations_top10_using_train_weights, 1e-8);
      expect(Math.abs(sum(held) - ref.test_sum_top10)).toBeLessThan(1e-8);
      cca.dispose();
    });
    it(`digits, all rows, ridge ${ridge}: all 32 correlations to 1e-8`, () => {
      const cca = new CCA({ components: 32, regularization: Number(ridge) }).fit(digits.left, digits.right);
      expectClose(cca.correlations, reference.full_data[ridge], 1e-8);
      cca.dispose();
    });
  }

  it('Linnerud without ridge: the three correlations to 1e-8', () => {
    const { exercise, physiological } = linnerud();
    const cca = new CCA({ components: 3 }).fit(exercise, physiological);
    expectClose(cca.correlations, reference.linnerud.correlations, 1e-8);
    cca.dispose();
  });
});

/** n rows of views with planted canonical correlations, mixed by random invertible maps. */
function planted(n: number, rhos: number[], p: number, q: number, seed: number) {
  const g = normal(seed);
  const X: number[][] = [], Y: number[][] = [];
  const A = randn(p, p, seed + 1), B = randn(q, q, seed + 2);
  for (let i = 0; i < n; i++) {
    const lx = Array.from({ length: p }, g), ly = Array.from({ length: q }, g);
    rhos.forEach((r, k) => {
      ly[k] = r * lx[k]! + Math.sqrt(1 - r * r) * ly[k]!;
    });
    X.push(matmulJS([lx], A)[0]!);
    Y.push(matmulJS([ly], B)[0]!.map((v) => v + 3));
  }
  return { X, Y };
}

describe('CCA properties', () => {
  it('recovers planted correlations 0.9, 0.6, 0.3 within 0.02 (n = 5000)', () => {
    const { X, Y } = planted(5000, [0.9, 0.6, 0.3], 6, 5, 7);
    const cca = new CCA({ components: 3 }).fit(X, Y);
    expectClose(cca.correlations, [0.9, 0.6, 0.3], 0.02);
    cca.dispose();
  });

  it('variates have unit variance and are uncorrelated (no ridge); cross-covariance is diag(ρ)', () => {
    const { X, Y } = planted(800, [0.8, 0.5], 4, 3, 3);
    const cca = new CCA({ components: 3 });
    const [u, v] = cca.fitTransform(X, Y);
    const rows = (m: { data: Float64Array; rows: number; cols: number }) =>
      Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
    const C = covJS(rows(u).map((r, i) => [...r, ...rows(v)[i]!]));
    const rho = cca.correlations;
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) {
        let want = i === j ? 1 : 0;
        if (j === i + 3 || i === j + 3) want = rho[Math.min(i, j)]!;
        expect(Math.abs(C[i]![j]! - want)).toBeLessThan(1e-10);
      }
    cca.dispose();
  });

  it('follows the sign rule: the x-weight of largest magnitude on standardised columns is positive in every component, in any units', () => {
    const X = train(digits.left), Y = train(digits.right);
    const sd = (V: number[][]) => V[0]!.map((_, j) => {
      const m = V.reduce((t, r) => t + r[j]!, 0) / V.length;
      return Math.sqrt(V.reduce((t, r) => t + (r[j]! - m) ** 2, 0) / (V.length - 1));
    });
    // columns in other units: the rule reads weight × standard deviation, so the signs stay
    const f = X[0]!.map((_, j) => 10 ** ((j % 5) - 2));
    for (const V of [X, X.map((r) => r.map((v, j) => v * f[j]!))]) {
      const cca = new CCA({ components: 5, regularization: 1e-3, scale: true }).fit(V, Y);
      const w = cca.xWeights, s = sd(V);
      for (let j = 0; j < w.cols; j++) {
        let best = 0;
        for (let i = 0; i < w.rows; i++) if (Math.abs(w.data[i * w.cols + j]! * s[i]!) > Math.abs(best)) best = w.data[i * w.cols + j]! * s[i]!;
        expect(best).toBeGreaterThan(0);
      }
      cca.dispose();
    }
  });

  it('transform(X, null) and transform(null, Y) project one view; inputs as Matrix and shaped arrays work', () => {
    const { exercise, physiological } = linnerud();
    const cca = new CCA({ components: 2 }).fit(exercise, physiological);
    const [u1, v1] = cca.transform(exercise, physiological);
    const [u2, none] = cca.transform(exercise, null);
    const [none2, v2] = cca.transform(null, physiological);
    expect(none).toBeNull();
    expect(none2).toBeNull();
    expect(Array.from(u2!.data)).toEqual(Array.from(u1!.data));
    expect(Array.from(v2!.data)).toEqual(Array.from(v1!.data));
    const M = Matrix.from(exercise);
    const flat = { data: Float64Array.from(physiological.flat()), rows: 20, cols: 3 };
    const again = new CCA({ components: 2 }).fit(M, flat);
    expectClose(again.correlations, cca.correlations, 0);
    expect(M.disposed).toBe(false);
    M.dispose();
    cca.dispose();
    again.dispose();
  });
});

describe('CCA significance', () => {
  it("Wilks' Λ of the first row equals det(S)/(det(Sxx)·det(Syy)) computed independently", () => {
    const { exercise, physiological } = linnerud();
    const cca = new CCA({ components: 3 }).fit(exercise, physiological);
    const table = cca.significance();
    const S = covJS(exercise.map((r, i) => [...r, ...physiological[i]!]));
    const sub = (r0: number, c0: number) => S.slice(r0, r0 + 3).map((r) => r.slice(c0, c0 + 3));
    const lambda = detJS(S) / (detJS(sub(0, 0)) * detJS(sub(3, 3)));
    expect(table).toHaveLength(3);
    expect(Math.abs(table[0]!.wilksLambda - lambda)).toBeLessThan(1e-12);
    // Bartlett and Rao by their formulas from Λ (n = 20, p = q = 3)
    const r0 = table[0]!;
    expect(r0.chiSquare).toBeCloseTo(-(20 - 1 - 3.5) * Math.log(lambda), 10);
    expect(r0.chiSquareDf).toBe(9);
    const s = Math.sqrt((81 - 4) / (9 + 9 - 5));
    const df2 = (20 - 1.5 - 3) * s - 4.5 + 1;
    expect(r0.raoDf2).toBeCloseTo(df2, 12);
    expect(r0.raoF).toBeCloseTo(((lambda ** (-1 / s) - 1) * df2) / 9, 10);
    for (const row of table) {
      expect(row.chiSquarePValue).toBeGreaterThan(0);
      expect(row.chiSquarePValue).toBeLessThanOrEqual(1);
    }
    cca.dispose();
  });

  it('p-values: strongly planted correlations are significant, independent noise is not', () => {
    const { X, Y } = planted(400, [0.7], 3, 3, 11);
    const cca = new CCA({ components: 1 }).fit(X, Y);
    const t = cca.significance();
    expect(t[0]!.chiSquarePValue).toBeLessThan(1e-10);
    expect(t[0]!.raoPValue).toBeLessThan(1e-10);
    expect(t[1]!.chiSquarePValue).toBeGreaterThan(0.001);
    cca.dispose();
  });
});

describe('CCA streaming and merging', () => {
  for (const regularization of [1e-4, 'auto'] as const) {
    it(`10 chunks, and two merged halves, equal the in-memory fit to 1e-10 (regularization ${regularization})`, () => {
      const X = train(digits.left), Y = train(digits.right);
      const whole = new CCA({ components: 10, regularization }).fit(X, Y);
      const chunked = new CCA({ components: 10, regularization });
      for (let c = 0; c < 10; c++) chunked.partialFit(X.slice(c * 150, (c + 1) * 150), Y.slice(c * 150, (c + 1) * 150));
      const a = new CCA({ components: 10, regularization }).partialFit(X.slice(0, 600), Y.slice(0, 600));
      const b = new CCA({ components: 10, regularization }).partialFit(X.slice(600), Y.slice(600));
      a.merge(b);
      for (const m of [chunked, a]) {
        expectClose(m.allCorrelations, whole.allCorrelations, 1e-10);
        expectClose(m.xWeights.data, whole.xWeights.data, 1e-10 * Math.max(...whole.xWeights.data.map(Math.abs)));
        expectClose(m.yWeights.data, whole.yWeights.data, 1e-10 * Math.max(...whole.yWeights.data.map(Math.abs)));
        expectClose(m.xMeans, whole.xMeans, 1e-12);
        if (regularization === 'auto') expectClose(m.shrinkage!, whole.shrinkage!, 1e-10);
        expect(m.nSamples).toBe(1500);
      }
      for (const m of [whole, chunked, a, b]) m.dispose();
    });
  }

  it("'auto' on two rows (λ can only be 0) says so, and 3 rows fit", () => {
    const X = [[1, 2, 0.5], [0.3, -1, 2]], Y = [[1, 0], [0, 2]];
    const cca = new CCA({ components: 1, regularization: 'auto' });
    expect(() => cca.fit(X, Y)).toThrow(SingularMatrixError);
    expect(() => cca.fit(X, Y)).toThrow(/from 2 rows.*with 2 rows λ is always 0.*Use a ridge/);
    cca.fit([...X, [2, 0, -1]], [...Y, [1, 1]]);
    expect(cca.shrinkage![0]).toBeGreaterThan(0);
    cca.dispose();
  });
});

describe('mergeable co-moments', () => {
  it('chunked updates give the one-pass co-moments and fourth-order sums (to 1e-10)', async () => {
    const { CoMoments } = await import('../src/linalg/comoments.js');
    const X = Matrix.from(train(digits.left)), Y = Matrix.from(train(digits.right));
    const whole = new CoMoments(32, 32, true), parts = new CoMoments(32, 32, true);
    whole.update(X, Y);
    for (const [a, b] of [[0, 1], [1, 300], [300, 1000], [1000, 1500]]) {
      const xs = Matrix.from(train(digits.left).slice(a, b)), ys = Matrix.from(train(digits.right).slice(a, b));
      parts.update(xs, ys);
      xs.dispose();
      ys.dispose();
    }
    expect(parts.n).toBe(1500);
    const rel = (u: ArrayLike<number>, w: ArrayLike<number>) => {
      let m = 0, s = 0;
      for (let i = 0; i < w.length; i++) (m = Math.max(m, Math.abs(u[i]! - w[i]!))), (s = Math.max(s, Math.abs(w[i]!)));
      return m / s;
    };
    for (const k of ['x', 'y'] as const) {
      expect(rel(parts[k].M.data, whole[k].M.data)).toBeLessThan(1e-10);
      expect(rel(parts[k].mean, whole[k].mean)).toBeLessThan(1e-12);
    }
    // Q and T are kept in units F (powers of two per column, each side its own): compare the sums themselves
    const sums = (c: typeof whole) => {
      const F = c.F!, P = F.length;
      return [c.Q!.data.map((v, k) => v * F[Math.floor(k / P)]! ** 2 * F[k % P]! ** 2), c.T!.data.map((v, k) => v * F[Math.floor(k / P)]! ** 2 * F[k % P]!)];
    };
    const [qp, tp] = sums(parts), [qw, tw] = sums(whole);
    expect(rel(qp!, qw!)).toBeLessThan(1e-10);
    expect(rel(tp!, tw!)).toBeLessThan(1e-10);
    expect(rel(parts.Mxy.data, whole.Mxy.data)).toBeLessThan(1e-10);
    for (const o of [X, Y, whole, parts]) o.dispose();
  });
});

describe("'auto' on a one-column view", () => {
  it('λ of the joined views (the one column counts through its cross-correlations) in any units, the same for fit and chunks', () => {
    for (let trial = 0; trial < 30; trial++) {
      const g = normal(100 + trial);
      const n = 40 + trial * 7, scale = 10 ** ((trial % 7) - 3);
      const X = Array.from({ length: n }, () => [scale * g() + 5]);
      const Y = Array.from({ length: n }, () => [g(), g()]);
      const whole = new CCA({ components: 1, regularization: 'auto' }).fit(X, Y);
      const chunked = new CCA({ components: 1, regularization: 'auto' });
      for (let c = 0; c < n; c += 13) chunked.partialFit(X.slice(c, c + 13), Y.slice(c, c + 13));
      const plain = new CCA({ components: 1, regularization: 'auto' }).fit(X.map((r) => [(r[0]! - 5) / scale]), Y);
      expect(whole.shrinkage![0]).toBe(whole.shrinkage![1]);
      expect(Math.abs(whole.shrinkage![0] - plain.shrinkage![0])).toBeLessThan(1e-12);
      expect(Math.abs(chunked.shrinkage![1] - whole.shrinkage![1])).toBeLessThan(1e-10);
      plain.dispose();
      whole.dispose();
      chunked.dispose();
    }
  });
});

describe('CCA serialisation', () => {
  it('toJSON / fromJSON round-trips exactly, through a JSON string too', () => {
    const cca = new CCA({ components: 4, regularization: [1e-3, 1e-2] }).fit(train(digits.left), train(digits.right));
    const restored = CCA.fromJSON(JSON.stringify(cca));
    expect(Array.from(restored.correlations)).toEqual(Array.from(cca.correlations));
    const [u1] = cca.transform(test(digits.left), null);
    const [u2] = restored.transform(test(digits.left), null);
    expect(Array.from(u2!.data)).toEqual(Array.from(u1!.data));
    expect(restored.regularization).toEqual([1e-3, 1e-2]);
    cca.dispose();
    restored.dispose();
  });

  it('with statistics, a restored model keeps streaming', () => {
    const X = train(digits.left), Y = train(digits.right);
    const whole = new CCA({ components: 3, regularization: 1e-3 }).fit(X, Y);
    const half = new CCA({ components: 3, regularization: 1e-3 }).partialFit(X.slice(0, 700), Y.slice(0, 700));
    const restored = CCA.fromJSON(half.toJSON({ statistics: true }));
    restored.partialFit(X.slice(700), Y.slice(700));
    expectClose(restored.allCorrelations, whole.allCorrelations, 1e-10);
    for (const m of [whole, half, restored]) m.dispose();
  });

  it('rejects truncated or altered files with FormatError', () => {
    const { exercise, physiological } = linnerud();
    const cca = new CCA({ components: 2 }).fit(exercise, physiological);
    const good = cca.toJSON();
    cca.dispose();
    const bad: [string, Record<string, unknown>][] = [
      ['truncated weights', { ...good, xWeights: (good.xWeights as string).slice(0, 8) }],
      ['wrong format', { ...good, format: 'other' }],
      ['future version', { ...good, version: 99 }],
      ['bad components', { ...good, components: 7 }],
      ['NaN weight', { ...good, yWeights: encodeF64([NaN, ...decodeF64(good.yWeights, 6, 'y').slice(1)]) }],
      ['missing means', { ...good, xMeans: undefined }],
    ];
    for (const [, obj] of bad) expect(() => CCA.fromJSON(obj)).toThrow(FormatError);
    expect(() => CCA.fromJSON('{"format": "crossmodal.CCA"')).toThrow(FormatError);
  });
});

describe('CCA bad input', () => {
  const { exercise, physiological } = linnerud();

  it('gives typed errors naming the argument and sizes, and the module stays usable with memory intact', () => {
    const before = memoryStats().liveBytes;
    const cases: [() => unknown, unknown, RegExp][] = [
      [() => new CCA().fit(exercise, physiological.slice(0, 19)), ShapeError, /Y: expected 20 rows \(as X\), got 19 rows/],
      [() => new CCA().fit([exercise[0]!], [physiological[0]!]), ShapeError, /X: expected at least 2 rows, got 1 row/],
      [() => new CCA().fit(exercise.map((r, i) => (i === 4 ? [r[0]!, NaN, r[2]!] : r)), physiological), NonFiniteError, /X: .*\[4\]\[1\] is NaN/],
      [() => new CCA().fit(exercise, physiological.map((r, i) => (i === 2 ? [r[0]!, Infinity, r[2]!] : r))), NonFiniteError, /Y: .*\[2\]\[1\] is Infinity/],
      [() => new CCA().fit(exercise.map((r, i) => (i === 3 ? r.slice(0, 2) : r)), physiological), ShapeError, /X\[3\]: expected 3 columns.*got 2 columns/],
      [() => new CCA({ components: 4 }).fit(exercise, physiological), ValueError, /components: expected at most min\(p, q\) = min\(3, 3\) = 3, got 4/],
      [() => new CCA().fit(digits.left, digits.right), SingularMatrixError, /X: .*not positive definite.*regularization/],
      [() => new CCA({ regularization: -1 }), ValueError, /regularization/],
      [() => new CCA().transform(exercise, null), NotFittedError, /fit/],
      [() => new CCA().fit([], []), ShapeError, /X: expected at least one row/],
    ];
    for (const [fn, type, msg] of cases) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err, String(msg)).toBeInstanceOf(type as never);
      expect((err as Error).message).toMatch(msg);
    }
    // still usable, nothing leaked by the failed calls
    const ok = new CCA({ components: 3 }).fit(exercise, physiological);
    expectClose(ok.correlations, reference.linnerud.correlations, 1e-8);
    ok.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('1,000 fits return live bytes to where they started', () => {
    const before = memoryStats();
    for (let i = 0; i < 1000; i++) {
      const cca = new CCA({ components: 2, regularization: i % 2 ? 'auto' : 0.1 }).fit(exercise, physiological);
      cca.score(exercise, physiological);
      cca.dispose();
    }
    const after = memoryStats();
    expect(after.liveBytes).toBe(before.liveBytes);
    expect(after.liveBlocks).toBe(before.liveBlocks);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, SparseCCA, DisposedError, FormatError, NotFittedError, ShapeError, ValueError } from '../src/index.js';
import { digits, randn } from './helpers.js';

beforeAll(async () => {
  await init();
});

const ref = JSON.parse(readFileSync(new URL('./fixtures/sparse-cca-reference.json', import.meta.url), 'utf8'));

type M = number[][];
type R = { data: ArrayLike<number>; rows: number; cols: number };

/**
 * The planted problem of scripts/reference/sparse_cca.py, built the same way: xorshift32
 * uniforms k/2³², a draw = the sum of 12 minus 6 (exact in float64), a latent z per row added
 * to 10 columns of each view.
 */
function planted(n = 200, p = 500, q = 300, seed = 35, strength = 1) {
  let s = seed >>> 0 || 0x9e3779b9;
  const u = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const g = () => {
    let t = 0;
    for (let i = 0; i < 12; i++) t += u();
    return t - 6;
  };
  const sx = Array.from({ length: 10 }, (_, i) => 7 + 50 * i), sy = Array.from({ length: 10 }, (_, i) => 3 + 30 * i);
  const wx = Array.from({ length: 10 }, (_, i) => (1.0 - 0.05 * i) * (i % 2 ? -1 : 1));
  const wy = Array.from({ length: 10 }, (_, i) => (0.6 + 0.04 * i) * (Math.floor(i / 2) % 2 ? -1 : 1));
  const X = new Float64Array(n * p), Y = new Float64Array(n * q);
  for (let r = 0; r < n; r++) {
    const z = g(), x = Array.from({ length: p }, g), y = Array.from({ length: q }, g);
    for (let i = 0; i < 10; i++) {
      x[sx[i]!] = x[sx[i]!]! + strength * wx[i]! * z;
      y[sy[i]!] = y[sy[i]!]! + strength * wy[i]! * z;
    }
    X.set(x, r * p);
    Y.set(y, r * q);
  }
  return { X: { data: X, rows: n, cols: p }, Y: { data: Y, rows: n, cols: q }, sx, sy };
}

/** max |a − b| over all entries (b nested rows or flat) */
const maxDev = (a: ArrayLike<number>, b: unknown) => {
  const w = (b as unknown[]).flat(2) as number[];
  expect(a.length).toBe(w.length);
  let m = 0;
  for (let i = 0; i < w.length; i++) m = Math.max(m, Math.abs(a[i]! - w[i]!));
  return m;
};
const column = (r: R, c: number) => Array.from({ length: r.rows }, (_, i) => r.data[i * r.cols + c]!);
const pearson = (a: number[], b: number[]) => {
  const ma = a.reduce((s, v) => s + v, 0) / a.length, mb = b.reduce((s, v) => s + v, 0) / b.length;
  let ab = 0, aa = 0, bb = 0;
  a.forEach((v, i) => ((ab += (v - ma) * (b[i]! - mb)), (aa += (v - ma) ** 2), (bb += (b[i]! - mb) ** 2)));
  return ab / Math.sqrt(aa * bb);
};
/** precision and recall of the first component's non-zeros against the planted columns */
function support(m: SparseCCA, sx: number[], sy: number[]) {
  const nx = column(m.xWeights, 0).flatMap((v, i) => (v !== 0 ? [i] : [])), ny = column(m.yWeights, 0).flatMap((v, i) => (v !== 0 ? [i] : []));
  const tp = nx.filter((i) => sx.includes(i)).length + ny.filter((i) => sy.includes(i)).length;
  return { precision: tp / (nx.length + ny.length), recall: tp / (sx.length + sy.length) };
}

/** The standardised rows (centred; with scale divided by the sd, n − 1) and the cross-covariance C. */
function standardised(X: R, Y: R, scale: boolean) {
  const prep = (A: R) => {
    const n = A.rows, p = A.cols, out: M = [];
    const mean = Array.from({ length: p }, (_, j) => column(A, j).reduce((s, v) => s + v, 0) / n);
    const sd = mean.map((m, j) => (scale ? Math.sqrt(column(A, j).reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1)) || 1 : 1));
    for (let i = 0; i < n; i++) out.push(Array.from({ length: p }, (_, j) => (A.data[i * p + j]! - mean[j]!) / sd[j]!));
    return out;
  };
  const Xs = prep(X), Ys = prep(Y), n = X.rows;
  const C = Array.from({ length: X.cols }, (_, i) => Array.from({ length: Y.cols }, (_, j) => Xs.reduce((s, r, a) => s + r[i]! * Ys[a]![j]!, 0) / (n - 1)));
  return { Xs, Ys, C };
}

/** S(a, Δ)/‖·‖₂ with Δ found by bisection to 1e-15 (relative) so that the L1 norm is at most c: an oracle for the exact Δ. */
function bisected(a: number[], c: number): number[] {
  const big = Math.max(...a.map(Math.abs)), b = a.map((x) => x / big);
  const unit = (d: number) => {
    const s = b.map((x) => Math.sign(x) * Math.max(Math.abs(x) - d, 0)), n = Math.hypot(...s);
    return s.map((x) => x / n);
  };
  const l1 = (u: number[]) => u.reduce((s, x) => s + Math.abs(x), 0);
  if (l1(unit(0)) <= c) return unit(0);
  let lo = 0, hi = 1;
  while (hi - lo > 1e-15) {
    const mid = (lo + hi) / 2;
    if (l1(unit(mid)) > c) lo = mid;
    else hi = mid;
  }
  return unit((lo + hi) / 2);
}

const P = planted();

describe('SparseCCA against the numpy reference (PMD from the paper)', () => {
  it('rebuilds the planted inputs the script made', () => {
    const inp = ref.planted.inputs, sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    expect(Array.from(P.X.data.subarray(0, 6))).toEqual(inp.x_row0);
    expect(Array.from(P.Y.data.subarray(P.Y.data.length - 6))).toEqual(inp.y_last_row);
    expect(Math.abs(sum(P.X.data) - inp.x_sum)).toBeLessThan(1e-9);
    expect(Math.abs(sum(P.Y.data) - inp.y_sum)).toBeLessThan(1e-9);
    expect(Math.abs(sum(P.X.data.map((v) => v * v)) / inp.x_sumsq - 1)).toBeLessThan(1e-12);
  });

  for (const name of ['scale_true', 'scale_false'] as const)
    it(`planted n = 200, p = 500, q = 300, ${name.replace('_', ': ')}: weights, correlations and rounds as the reference's (1e-8); the true support recovered`, () => {
      const r = ref.planted[name];
      const m = new SparseCCA({ components: r.components, penalty: r.penalty, scale: name === 'scale_true' }).fit(P.X, P.Y);
      expect(maxDev(m.xWeights.data, r.x_weights)).toBeLessThan(1e-8);
      expect(maxDev(m.yWeights.data, r.y_weights)).toBeLessThan(1e-8);
      expect(maxDev(m.correlations, r.correlations)).toBeLessThan(1e-8);
      expect(m.iterations).toEqual(r.iterations);
      expect(m.converged).toEqual(r.converged);
      // the zeros are +0 (a thresholded negative entry, flipped or not, is no −0)
      expect([...m.xWeights.data, ...m.yWeights.data].some((w) => Object.is(w, -0))).toBe(false);
      const s = support(m, P.sx, P.sy);
      expect(s).toEqual({ precision: r.support.precision, recall: r.support.recall });
      expect(s).toEqual({ precision: 1, recall: 1 });
      m.dispose();
    });

  for (const name of ['scale_true', 'scale_false'] as const)
    it(`digits halves, ${name.replace('_', ': ')}: weights, training and held-out correlations (1e-8)`, () => {
      const r = ref.digits[name];
      const m = new SparseCCA({ components: r.components, penalty: r.penalty, scale: name === 'scale_true' }).fit(digits.left.slice(0, 1500), digits.right.slice(0, 1500));
      expect(maxDev(m.xWeights.data, r.x_weights)).toBeLessThan(1e-8);
      expect(maxDev(m.yWeights.data, r.y_weights)).toBeLessThan(1e-8);
      expect(maxDev(m.correlations, r.correlations)).toBeLessThan(1e-8);
      expect(m.iterations).toEqual(r.iterations);
      expect(maxDev(m.score(digits.left.slice(1500), digits.right.slice(1500)), r.test_correlations)).toBeLessThan(1e-8);
      m.dispose();
    });

  it('crossValidate on the digits: the reference\'s folds, table and best (1e-8)', () => {
    const r = ref.digits.cross_validate;
    const cv = SparseCCA.crossValidate(digits.left.slice(0, 1500), digits.right.slice(0, 1500), { penalties: r.penalties, folds: r.folds, seed: r.seed, components: r.components });
    expect(Array.from(cv.foldOfRow)).toEqual(r.fold_of_row);
    cv.table.forEach((row, g) => {
      expect(row.penalty).toEqual(r.table[g].penalty);
      expect(Math.abs(row.score - r.table[g].score)).toBeLessThan(1e-8);
      expect(maxDev(row.foldScores, r.table[g].fold_scores)).toBeLessThan(1e-8);
    });
    const best = r.table.reduce((b: number, t: { score: number }, g: number) => (t.score > r.table[b].score ? g : b), 0);
    expect(cv.best.penalty).toEqual(r.table[best].penalty);
  });

  it('permute on the digits: the reference\'s correlations, permuted correlations, z and p-values (1e-8)', () => {
    const r = ref.digits.permute;
    const X = digits.left.slice(0, 1500), Y = digits.right.slice(0, 1500);
    const res = SparseCCA.permute(X, Y, { penalties: r.penalties, permutations: r.permutations, seed: r.seed });
    expect(res.permutations).toBe(25);
    res.table.forEach((row, g) => {
      const t = r.table[g];
      expect(row.penalty).toEqual(t.penalty);
      expect(Math.abs(row.correlation - t.correlation)).toBeLessThan(1e-8);
      expect(maxDev(row.permuted, t.permuted)).toBeLessThan(1e-8);
      expect(Math.abs(row.z - t.z) / Math.abs(t.z)).toBeLessThan(1e-8);
      expect(row.pValue).toBe(t.p_value);
      // properties: z from its own permuted correlations; the statistic is a fit's first correlation
      const mean = row.permuted.reduce((s, v) => s + v, 0) / 25, sd = Math.sqrt(row.permuted.reduce((s, v) => s + (v - mean) ** 2, 0) / 24);
      expect(Math.abs(row.z - (row.correlation - mean) / sd)).toBeLessThan(1e-9 * Math.abs(row.z));
      const m = new SparseCCA({ penalty: row.penalty as [number, number] }).fit(X, Y);
      expect(Math.abs(m.correlations[0]! - row.correlation)).toBeLessThan(1e-12);
      expect(row.nonZero).toEqual([column(m.xWeights, 0).filter((v) => v !== 0).length, column(m.yWeights, 0).filter((v) => v !== 0).length]);
      m.dispose();
    });
    const zs = res.table.map((row) => row.z);
    expect(res.best.z).toBe(Math.max(...zs));
    expect(res.best.penalty).toEqual(res.table[zs.indexOf(res.best.z)]!.penalty);
    // the same seed draws the same permutations; another seed others
    expect(SparseCCA.permute(X, Y, { penalties: [r.penalties[0]], permutations: 5, seed: 0 }).table[0]!.permuted).toEqual(res.table[0]!.permuted.slice(0, 5));
    expect(SparseCCA.permute(X, Y, { penalties: [r.penalties[0]], permutations: 5, seed: 1 }).table[0]!.permuted).not.toEqual(res.table[0]!.permuted.slice(0, 5));
  });
});

describe('SparseCCA: the README example against the reference', () => {
  it('fit, permute and crossValidate give the reference\'s numbers that README.md prints (1e-8)', () => {
    const r = ref.readme, m = new SparseCCA({ components: 1, penalty: r.fit.penalty }).fit(r.x, r.y);
    expect(maxDev(m.xWeights.data, r.fit.x_weights)).toBeLessThan(1e-8);
    expect(maxDev(m.yWeights.data, r.fit.y_weights)).toBeLessThan(1e-8);
    expect(maxDev(m.correlations, r.fit.correlations)).toBeLessThan(1e-8);
    const perm = SparseCCA.permute(r.x, r.y, { penalties: r.permute.penalties, permutations: 25, seed: 0 });
    expect(maxDev(perm.table.map((t) => t.z), r.permute.table.map((t: { z: number }) => t.z))).toBeLessThan(1e-8);
    const cv = SparseCCA.crossValidate(r.x, r.y, { penalties: r.cross_validate.penalties, folds: 3 });
    expect(maxDev(cv.table.map((t) => t.score), r.cross_validate.table.map((t: { score: number }) => t.score))).toBeLessThan(1e-8);
    m.dispose();
  });
});

describe('SparseCCA: the decomposition, checked independently', () => {
  const X = randn(60, 8, 11), Y = X.map((r, i) => [r[0]! + r[1]! + randn(60, 6, 12)[i]![0]!, ...randn(60, 6, 12)[i]!.slice(1)]);

  it('each u is S(Cv, Δ)/‖·‖₂ with ‖u‖₁ at the bound (Δ by bisection), each v likewise, unit norms; correlations and transform agree', () => {
    for (const scale of [true, false]) {
      const m = new SparseCCA({ components: 1, penalty: [0.5, 0.6], scale }).fit(X, Y);
      const { Xs, Ys, C } = standardised({ data: X.flat(), rows: 60, cols: 8 }, { data: Y.flat(), rows: 60, cols: 6 }, scale);
      const u = column(m.xWeights, 0), v = column(m.yWeights, 0);
      const Cv = C.map((r) => r.reduce((s, x, j) => s + x * v[j]!, 0)), Ctu = C[0]!.map((_, j) => C.reduce((s, r, i) => s + r[j]! * u[i]!, 0));
      expect(maxDev(u, bisected(Cv, 0.5 * Math.sqrt(8)))).toBeLessThan(1e-9);
      expect(maxDev(v, bisected(Ctu, 0.6 * Math.sqrt(6)))).toBeLessThan(1e-9);
      expect(Math.abs(Math.hypot(...u) - 1)).toBeLessThan(1e-14);
      expect(u.reduce((s, x) => s + Math.abs(x), 0)).toBeLessThanOrEqual(0.5 * Math.sqrt(8) + 1e-12);
      expect(u.some((x) => x === 0)).toBe(true);
      const a = Xs.map((r) => r.reduce((s, x, j) => s + x * u[j]!, 0)), b = Ys.map((r) => r.reduce((s, x, j) => s + x * v[j]!, 0));
      expect(Math.abs(pearson(a, b) - m.correlations[0]!)).toBeLessThan(1e-12);
      const [tu, tv] = m.transform(X, Y);
      expect(maxDev(tu.data, a)).toBeLessThan(1e-12);
      expect(maxDev(tv.data, b)).toBeLessThan(1e-12);
      // the largest |u| is positive
      expect(u[u.map(Math.abs).indexOf(Math.max(...u.map(Math.abs)))]!).toBeGreaterThan(0);
      m.dispose();
    }
  });

  it('penalty 1 on both views is the first singular pair of C (no sparsity); scale makes the weights unit-free', () => {
    const m = new SparseCCA({ components: 1, penalty: 1, scale: true }).fit(X, Y);
    const { C } = standardised({ data: X.flat(), rows: 60, cols: 8 }, { data: Y.flat(), rows: 60, cols: 6 }, true);
    const u = column(m.xWeights, 0), v = column(m.yWeights, 0);
    const Cv = C.map((r) => r.reduce((s, x, j) => s + x * v[j]!, 0)), d = Math.hypot(...Cv);
    expect(maxDev(u, Cv.map((x) => x / d))).toBeLessThan(1e-10);
    expect(u.every((x) => x !== 0)).toBe(true);
    const units = X.map((r) => r.map((x, j) => x * 10 ** (j % 4)));
    const s = new SparseCCA({ components: 2, penalty: [0.6, 0.7] }).fit(units, Y), t = new SparseCCA({ components: 2, penalty: [0.6, 0.7] }).fit(X, Y);
    expect(maxDev(s.xWeights.data, Array.from(t.xWeights.data))).toBeLessThan(1e-10);
    expect(maxDev(s.correlations, Array.from(t.correlations))).toBeLessThan(1e-10);
    for (const x of [m, s, t]) x.dispose();
  });

  it('ties: two identical top columns and the bound 1 (penalty 1/√p) give ±1/√2 on both, not NaN; a zero cross-covariance is a typed error', () => {
    const Xt = X.map((r) => [r[0]!, r[0]!, ...r.slice(2)]);
    const m = new SparseCCA({ components: 1, penalty: [1 / Math.sqrt(8), 1] }).fit(Xt, Y);
    const u = column(m.xWeights, 0);
    expect(u.every(Number.isFinite)).toBe(true);
    expect(Math.abs(u[0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(u[1]).toBe(u[0]);
    expect(u.slice(2).every((x) => x === 0)).toBe(true);
    const flat = Y.map(() => [3, 3]);
    expect(() => new SparseCCA().fit(X, flat)).toThrow(ValueError);
    expect(() => new SparseCCA().fit(X, flat)).toThrow(/X, Y: .*cross-covariance/);
    // a rank-one C is spent by one unpenalised component: the second is refused
    const x1 = X.map((r) => [r[0]!, 2 * r[0]!]), y1 = X.map((r) => [r[0]! - 1, -r[0]!]);
    expect(() => new SparseCCA({ components: 2, penalty: 1 }).fit(x1, y1)).toThrow(/options.components: expected at most 1 here/);
    m.dispose();
  });

  it('entries near 1e±150 without scale: the same weights as the data in unit scale (nothing overflows or underflows)', () => {
    const unit = new SparseCCA({ components: 2, penalty: [0.5, 0.6], scale: false }).fit(X, Y);
    for (const f of [1e150, 1e-150]) {
      const m = new SparseCCA({ components: 2, penalty: [0.5, 0.6], scale: false }).fit(X.map((r) => r.map((x) => x * f)), Y.map((r) => r.map((x) => x * f)));
      expect(maxDev(m.xWeights.data, Array.from(unit.xWeights.data))).toBeLessThan(1e-10);
      expect(maxDev(m.correlations, Array.from(unit.correlations))).toBeLessThan(1e-10);
      m.dispose();
    }
    unit.dispose();
  });

  it('maxIterations caps the rounds and converged says so', () => {
    const m = new SparseCCA({ components: 2, penalty: [0.4, 0.5], maxIterations: 1 }).fit(X, Y);
    expect(m.iterations).toEqual([1, 1]);
    expect(m.converged).toEqual([false, false]);
    const n = new SparseCCA({ components: 2, penalty: [0.4, 0.5], tol: 1e-3 }).fit(X, Y);
    expect(n.converged).toEqual([true, true]);
    m.dispose();
    n.dispose();
  });
});

describe('SparseCCA: statistics, files, errors', () => {
  const X = randn(90, 7, 21), Y = X.map((r, i) => [r[2]! - r[4]!, ...randn(90, 4, 22)[i]!]);
  const opts = { components: 2, penalty: [0.5, 0.6] as [number, number] };

  it('partialFit over chunks, merge of shards, fromMoments and fromSqlRow(s) equal one fit (1e-10)', () => {
    const whole = new SparseCCA(opts).fit(X, Y);
    const chunks = new SparseCCA(opts);
    for (let s = 0; s < 90; s += 25) chunks.partialFit(X.slice(s, s + 25), Y.slice(s, s + 25));
    const a = new SparseCCA(opts).fit(X.slice(0, 40), Y.slice(0, 40)), b = new SparseCCA(opts).fit(X.slice(40), Y.slice(40));
    a.merge(b);
    const cov = (A: M, B: M) => A[0]!.map((_, i) => B[0]!.map((_, j) => {
      const ma = A.reduce((s, r) => s + r[i]!, 0) / 90, mb = B.reduce((s, r) => s + r[j]!, 0) / 90;
      return A.reduce((s, r, k) => s + (r[i]! - ma) * (B[k]![j]! - mb), 0) / 89;
    }));
    const mean = (A: M) => A[0]!.map((_, j) => A.reduce((s, r) => s + r[j]!, 0) / 90);
    const mo = SparseCCA.fromMoments({ n: 90, xMeans: mean(X), yMeans: mean(Y), xx: cov(X, X), yy: cov(Y, Y), xy: cov(X, Y) }, opts);
    // comomentsQuery's aliases: n, mean_x0…, cov_x0_x0… (upper triangles), cov_x0_y0…
    const row: Record<string, number> = { n: 90 }, Cxx = cov(X, X), Cyy = cov(Y, Y), Cxy = cov(X, Y);
    mean(X).forEach((v, i) => (row[`mean_x${i}`] = v));
    mean(Y).forEach((v, i) => (row[`mean_y${i}`] = v));
    for (let i = 0; i < 7; i++) for (let j = i; j < 7; j++) row[`cov_x${i}_x${j}`] = Cxx[i]![j]!;
    for (let i = 0; i < 5; i++) for (let j = i; j < 5; j++) row[`cov_y${i}_y${j}`] = Cyy[i]![j]!;
    for (let i = 0; i < 7; i++) for (let j = 0; j < 5; j++) row[`cov_x${i}_y${j}`] = Cxy[i]![j]!;
    const one = SparseCCA.fromSqlRow(row, opts), rows = SparseCCA.fromSqlRows([row], opts);
    expect(() => SparseCCA.fromSqlRow([row] as never)).toThrow(/row: expected one result row/);
    for (const m of [chunks, a, mo, one, rows]) {
      expect(maxDev(m.xWeights.data, Array.from(whole.xWeights.data))).toBeLessThan(1e-10);
      expect(maxDev(m.yWeights.data, Array.from(whole.yWeights.data))).toBeLessThan(1e-10);
      expect(maxDev(m.correlations, Array.from(whole.correlations))).toBeLessThan(1e-10);
      expect(m.nSamples).toBe(90);
    }
    for (const m of [whole, chunks, a, b, mo, one, rows]) m.dispose();
  });

  it('files: round trip (with and without statistics), streaming on after a restore, damage refused', () => {
    const m = new SparseCCA({ ...opts, scale: false, maxIterations: 500, tol: 1e-11 }).fit(X, Y);
    const f = JSON.parse(JSON.stringify(m.toJSON()));
    expect(f.format).toBe('crossmodal.SparseCCA');
    const r = SparseCCA.fromJSON(f);
    expect(r.xWeights).toEqual(m.xWeights);
    expect(r.correlations).toEqual(m.correlations);
    expect(r.iterations).toEqual(m.iterations);
    expect([r.penalty, r.scale, r.maxIterations, r.tol]).toEqual([[0.5, 0.6], false, 500, 1e-11]);
    expect(r.transform(X, Y)).toEqual(m.transform(X, Y));
    expect(() => r.partialFit(X, Y)).toThrow(NotFittedError);
    const s = SparseCCA.fromJSON(JSON.stringify(m.toJSON({ statistics: true })));
    s.partialFit(X.slice(0, 5), Y.slice(0, 5));
    const both = new SparseCCA({ ...opts, scale: false, maxIterations: 500, tol: 1e-11 }).fit([...X, ...X.slice(0, 5)], [...Y, ...Y.slice(0, 5)]);
    expect(maxDev(s.xWeights.data, Array.from(both.xWeights.data))).toBeLessThan(1e-10);
    expect(SparseCCA.fromJSON(new SparseCCA().fit(X, Y).toJSON()).penalty).toBe(null);
    for (const [k, v] of [['crc32', 1], ['xWeights', f.yWeights], ['penalty', [0.5, 0.7]], ['tol', 1e-3], ['version', 2], ['format', 'crossmodal.PLSSVD'], ['components', 9], ['penalty', 'big']] as const)
      expect(() => SparseCCA.fromJSON({ ...f, [k]: v }), k).toThrow(FormatError);
    for (const x of [m, r, s, both]) x.dispose();
  });

  it('errors are typed and name the argument; a failed call keeps the earlier fit; dispose frees the memory', () => {
    const m = new SparseCCA(opts);
    expect(() => m.xWeights).toThrow(NotFittedError);
    m.fit(X, Y);
    const w = m.xWeights;
    expect(() => new SparseCCA({ penalty: 1.5 })).toThrow(/options.penalty/);
    expect(() => new SparseCCA({ penalty: [0.5] as unknown as number })).toThrow(ValueError);
    expect(() => new SparseCCA({ lambda: 1 } as object)).toThrow(/options.lambda/);
    expect(() => new SparseCCA({ tol: 0 })).toThrow(/options.tol/);
    expect(() => new SparseCCA({ maxIterations: 0.5 })).toThrow(/options.maxIterations/);
    expect(() => new SparseCCA({ penalty: 0.2 }).fit(X, Y)).toThrow(/options.penalty\[0\]: expected at least 1\/√p = 0.377964/);
    expect(() => new SparseCCA({ components: 6 }).fit(X, Y)).toThrow(/options.components: expected at most min\(p, q\) = 5/);
    expect(() => m.fit(X, Y.slice(1))).toThrow(ShapeError);
    expect(() => m.fit(X.map((r) => [NaN, ...r.slice(1)]), Y)).toThrow(/X/);
    expect(() => m.transform(Y, null)).toThrow(/X: expected 7 columns/);
    expect(() => SparseCCA.crossValidate(X, Y, { penalties: [0.1] })).toThrow(/options.penalties\[0\]\[0\]/);
    expect(() => SparseCCA.permute(X, Y, { permutations: 1 })).toThrow(/options.permutations/);
    expect(() => SparseCCA.permute(X, Y, { folds: 3 } as object)).toThrow(/options.folds/);
    // an argument past the ones a call takes is refused, never dropped
    const more = (f: (...a: unknown[]) => unknown, ...a: unknown[]) => () => f(...a);
    expect(more(m.fit.bind(m) as never, X, Y, { covariates: X })).toThrow(/SparseCCA.fit: argument 3/);
    expect(more(m.transform.bind(m) as never, X, Y, {})).toThrow(/SparseCCA.transform: argument 3/);
    expect(more(m.score.bind(m) as never, X, Y, 1)).toThrow(/SparseCCA.score: argument 3/);
    expect(more(SparseCCA.permute as never, X, Y, {}, 1)).toThrow(/SparseCCA.permute: argument 4/);
    expect(m.xWeights).toEqual(w);
    const drop = new SparseCCA({ ...opts, missing: 'drop' }).fit([...X, [NaN, 0, 0, 0, 0, 0, 0]], [...Y, [0, 0, 0, 0, 0]]);
    expect(drop.droppedRows).toBe(1);
    expect(drop.xWeights).toEqual(w);
    const before = memoryStats().liveBytes;
    for (let i = 0; i < 5; i++) new SparseCCA(opts).fit(X, Y).dispose();
    expect(memoryStats().liveBytes).toBe(before);
    m.dispose();
    drop.dispose();
    expect(() => m.correlations).toThrow(DisposedError);
    expect(() => m.fit(X, Y)).toThrow(DisposedError);
  });

  it('the default penalty is 0.3, raised to 1/√p for a view of fewer than 12 columns', () => {
    const m = new SparseCCA().fit(X, Y);
    expect(m.appliedPenalty).toEqual([1 / Math.sqrt(7), 1 / Math.sqrt(5)]);
    expect(m.penalty).toBe(null);
    const wide = randn(40, 20, 5);
    const w = new SparseCCA().fit(wide, wide.map((r) => r.slice(0, 13)));
    expect(w.appliedPenalty).toEqual([0.3, 0.3]);
    m.dispose();
    w.dispose();
  });
});

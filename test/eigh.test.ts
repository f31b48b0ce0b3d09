import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, linalg, Matrix, memoryStats, SingularMatrixError } from '../src/index.js';

// Independent oracle: every residual below is computed with plain JS loops.
const EPS = 2.220446049250313e-16;
const SAFMIN = 2.2250738585072014e-308;
const LIMIT = 60; // LAPACK-style threshold on the scaled residuals

beforeAll(async () => {
  await init();
});

/** Deterministic PRNG (mulberry32) → uniform [-1, 1). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

type Dense = Float64Array; // n×n row-major

function norm1(a: Dense, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]!);
    if (s > best) best = s;
  }
  return best;
}

function randomSymmetric(n: number, seed: number, scale = 1): Dense {
  const r = prng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const v = r() * scale;
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  return a;
}

/** Random orthogonal Q as a product of n Householder reflections with random vectors. */
function randomOrthogonal(n: number, seed: number): Dense {
  const r = prng(seed);
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const v = new Float64Array(n), w = new Float64Array(n);
  for (let k = 0; k < Math.min(n, 12) || k < 2; k++) {
    let vv = 0;
    for (let i = 0; i < n; i++) {
      v[i] = r();
      vv += v[i]! * v[i]!;
    }
    // Q ← Q·(I − 2vvᵀ/vᵀv)
    w.fill(0);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += q[i * n + j]! * v[j]!;
      w[i] = (2 * s) / vv;
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) q[i * n + j]! -= w[i]! * v[j]!;
  }
  return q;
}

/** A = Q·diag(lam)·Qᵀ, symmetrised exactly. */
function fromSpectrum(lam: number[], seed: number): Dense {
  const n = lam.length;
  const q = randomOrthogonal(n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k]! * lam[k]! * q[j * n + k]!;
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  return a;
}

interface Case {
  name: string;
  a: Dense;
  planted?: number[];
}

function cases(n: number): Case[] {
  const out: Case[] = [];
  out.push({ name: 'random', a: randomSymmetric(n, 11 + n) });
  out.push({ name: 'graded', planted: Array.from({ length: n }, (_, k) => Math.pow(1e-12, n > 1 ? k / (n - 1) : 0)), a: new Float64Array(0) });
  {
    // three tight clusters
    const r = prng(97 + n);
    const lam = Array.from({ length: n }, (_, k) => [1, -0.5, 1e-3][k % 3]! * (1 + 1e-11 * r()));
    out.push({ name: 'clustered', planted: lam, a: new Float64Array(0) });
  }
  out.push({ name: 'repeated', planted: Array.from({ length: n }, (_, k) => [2, -1, 0.5, 2][k % 4]!), a: new Float64Array(0) });
  out.push({ name: 'zero', a: new Float64Array(n * n), planted: new Array(n).fill(0) });
  {
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = 1;
    out.push({ name: 'identity', a, planted: new Array(n).fill(1) });
  }
  {
    const r = prng(5 + n);
    const rank = Math.ceil(n / 3);
    out.push({ name: 'rank-deficient', planted: Array.from({ length: n }, (_, k) => (k < rank ? r() : 0)), a: new Float64Array(0) });
  }
  {
    const r = prng(77 + n);
    const a = new Float64Array(n * n);
    const lam: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = r() * 10;
      lam.push(v);
      a[i * n + i] = v;
    }
    out.push({ name: 'diagonal', a, planted: lam });
  }
  out.push({ name: 'random×1e150', a: randomSymmetric(n, 23 + n, 1e150) });
  out.push({ name: 'random×1e-150', a: randomSymmetric(n, 29 + n, 1e-150) });
  {
    // one entry of 1 and the rest at 1e-160: the columns left after scaling have squared
    // norms near 1e-320, whose Householder factor once overflowed to Infinity (T became NaN;
    // the rounding noise of a low-rank covariance reaches such sizes, as in a Fréchet distance)
    const a = randomSymmetric(n, 31 + n, 1e-160);
    a[0] = 1;
    out.push({ name: 'dominant+1e-160', a });
  }
  for (const c of out) if (c.a.length === 0) c.a = fromSpectrum(c.planted!, 1000 + n);
  return out;
}

const worst: Record<string, { res: number; orth: number; val: number }> = {};

function check(c: Case, n: number) {
  const before = memoryStats().liveBytes;
  const { values, vectors } = linalg.eigh({ data: c.a, rows: n, cols: n });
  const v = vectors.toFloat64Array();
  vectors.dispose();
  expect(memoryStats().liveBytes).toBe(before);
  expect(values.length).toBe(n);
  for (let k = 1; k < n; k++) expect(values[k]!).toBeLessThanOrEqual(values[k - 1]!);
  const anorm = Math.max(norm1(c.a, n), SAFMIN);
  // ‖A − VΛVᵀ‖₁
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += v[i * n + k]! * values[k]! * v[j * n + k]!;
      r[i * n + j] = c.a[i * n + j]! - s;
    }
  const res = norm1(r, n) / (n * EPS * anorm);
  // ‖I − VᵀV‖₁
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += v[k * n + i]! * v[k * n + j]!;
      r[i * n + j] = (i === j ? 1 : 0) - s;
    }
  const orth = norm1(r, n) / (n * EPS);
  let val = 0;
  if (c.planted) {
    const p = [...c.planted].sort((x, y) => y - x);
    for (let k = 0; k < n; k++) val = Math.max(val, Math.abs(values[k]! - p[k]!) / (n * EPS * anorm));
  }
  const w = (worst[c.name] ??= { res: 0, orth: 0, val: 0 });
  w.res = Math.max(w.res, res);
  w.orth = Math.max(w.orth, orth);
  w.val = Math.max(w.val, val);
  expect(res, `${c.name} n=${n} residual`).toBeLessThan(LIMIT);
  expect(orth, `${c.name} n=${n} orthogonality`).toBeLessThan(LIMIT);
  expect(val, `${c.name} n=${n} eigenvalues`).toBeLessThan(LIMIT);
  expect(Number.isFinite(res) && Number.isFinite(orth)).toBe(true);
}

describe('linalg.eigh', () => {
  for (const n of [1, 2, 3, 5, 7, 17, 63, 100, 257]) {
    it(`meets LAPACK-style accuracy on every matrix class, n = ${n}`, () => {
      for (const c of cases(n)) check(c, n);
    });
  }

  it('solves the documented 2×2 example', () => {
    const { values, vectors } = linalg.eigh([[2, 1], [1, 2]]);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    const v = vectors.toArray();
    vectors.dispose();
    expect(Math.abs(v[0]![0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(Math.abs(v[1]![0]!)).toBeCloseTo(Math.SQRT1_2, 14);
  });

  afterAll(() => {
    const rows = Object.entries(worst).map(([k, w]) => `${k.padEnd(16)} residual ${w.res.toFixed(2).padStart(6)}  orthogonality ${w.orth.toFixed(2).padStart(6)}  eigenvalues ${w.val.toFixed(2).padStart(6)}`);
    if (rows.length) console.log(`eigh worst ratios (limit ${LIMIT}):\n` + rows.join('\n'));
  });
});

describe('linalg.invSqrt', () => {
  function spd(n: number, cond: number, seed: number, scale = 1): { a: Dense; cond: number } {
    const lam = Array.from({ length: n }, (_, k) => scale * Math.pow(1 / cond, n > 1 ? k / (n - 1) : 0));
    return { a: fromSpectrum(lam, seed), cond };
  }

  function checkInvSqrt(a: Dense, n: number, cond: number) {
    const before = memoryStats().liveBytes;
    const { matrix, values } = linalg.invSqrt({ data: a, rows: n, cols: n });
    const x = matrix.toFloat64Array();
    matrix.dispose();
    expect(memoryStats().liveBytes).toBe(before);
    for (let k = 1; k < n; k++) expect(values[k]!).toBeLessThanOrEqual(values[k - 1]!);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(x[i * n + j]).toBe(x[j * n + i]);
    // X·A·X − I
    const t = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += x[i * n + k]! * a[k * n + j]!;
        t[i * n + j] = s;
      }
    let err = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += t[i * n + k]! * x[k * n + j]!;
        err = Math.max(err, Math.abs(s - (i === j ? 1 : 0)));
      }
    expect(err, `n=${n} cond=${cond}`).toBeLessThan(1e-10 * cond);
  }

  it('X·A·X = I for SPD matrices of several sizes and conditions', () => {
    for (const n of [1, 2, 5, 17, 64]) {
      checkInvSqrt(spd(n, 10, 300 + n).a, n, 10);
      checkInvSqrt(spd(n, 1e6, 400 + n).a, n, 1e6);
    }
    checkInvSqrt(spd(30, 1e3, 7, 1e150).a, 30, 1e3);
    checkInvSqrt(spd(30, 1e3, 8, 1e-150).a, 30, 1e3);
  });

  it('rejects singular and indefinite matrices with SingularMatrixError and keeps working', () => {
    const before = memoryStats().liveBytes;
    const n = 6;
    const a = spd(n, 10, 9).a;
    for (let k = 0; k < n; k++) {
      a[2 * n + k] = 0;
      a[k * n + 2] = 0;
    }
    expect(() => linalg.invSqrt({ data: a, rows: n, cols: n })).toThrow(SingularMatrixError);
    expect(() => linalg.invSqrt([[1, 0], [0, -1]])).toThrow(SingularMatrixError);
    expect(() => linalg.invSqrt([[0, 0], [0, 0]])).toThrow(SingularMatrixError);
    expect(() => linalg.invSqrt([[1, 2], [2, 1]])).toThrow(SingularMatrixError);
    expect(memoryStats().liveBytes).toBe(before);
    checkInvSqrt(spd(9, 100, 10).a, 9, 100);
    const { matrix } = linalg.invSqrt([[4, 0], [0, 9]]);
    const x = matrix.toArray();
    matrix.dispose();
    expect(x[0]![0]).toBeCloseTo(0.5, 14);
    expect(x[1]![1]).toBeCloseTo(1 / 3, 14);
  });
});

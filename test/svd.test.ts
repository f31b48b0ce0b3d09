// Thin SVD (assembly/svd/ through linalg.svd): LAPACK-style accuracy ratios checked with an
// independent oracle written in plain JS loops. Random matrices come from a seeded PRNG.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, linalg, Matrix } from '../src/index.js';

const EPS = 2.220446049250313e-16;
const SAFMIN = 2.2250738585072014e-308;
const LIMIT = 50;

beforeAll(async () => {
  await init();
});

/** Seeded PRNG (mulberry32) with a Box–Muller normal. */
function prng(seed: number) {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u1 = 1 - uniform(), u2 = uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  return { uniform, normal };
}

type Dense = { data: Float64Array; rows: number; cols: number };

function randomDense(rows: number, cols: number, seed: number): Dense {
  const r = prng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = r.normal();
  return { data, rows, cols };
}

/** rows×cols (rows ≥ cols) with orthonormal columns: modified Gram–Schmidt, twice. */
function randomOrthonormal(rows: number, cols: number, seed: number): Dense {
  const g = randomDense(rows, cols, seed);
  const q = g.data;
  for (let j = 0; j < cols; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let d = 0;
        for (let i = 0; i < rows; i++) d += q[i * cols + p]! * q[i * cols + j]!;
        for (let i = 0; i < rows; i++) q[i * cols + j] = q[i * cols + j]! - d * q[i * cols + p]!;
      }
    }
    let nrm = 0;
    for (let i = 0; i < rows; i++) nrm += q[i * cols + j]! ** 2;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < rows; i++) q[i * cols + j] = q[i * cols + j]! / nrm;
  }
  return g;
}

/** A = P·diag(sig)·Qᵀ with random orthonormal P (m×k), Q (n×k). */
function planted(m: number, n: number, sig: number[], seed: number): Dense {
  const k = sig.length;
  const P = randomOrthonormal(m, k, seed), Q = randomOrthonormal(n, k, seed + 7919);
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let t = 0;
      for (let p = 0; p < k; p++) t += P.data[i * k + p]! * sig[p]! * Q.data[j * k + p]!;
      data[i * n + j] = t;
    }
  return { data, rows: m, cols: n };
}

function norm1(a: Float64Array, rows: number, cols: number): number {
  let best = 0;
  for (let j = 0; j < cols; j++) {
    let t = 0;
    for (let i = 0; i < rows; i++) t += Math.abs(a[i * cols + j]!);
    if (t > best || Number.isNaN(t)) best = t;
  }
  return best;
}

interface Report {
  resid: number;
  orthU: number;
  orthV: number;
  s: Float64Array;
}

/** Runs linalg.svd and measures the three LAPACK ratios with plain loops. */
function check(A: Dense): Report {
  const { rows: m, cols: n, data: a } = A;
  const k = Math.min(m, n);
  const { u, s, v } = linalg.svd(A);
  try {
    expect(u.rows).toBe(m);
    expect(u.cols).toBe(k);
    expect(v.rows).toBe(n);
    expect(v.cols).toBe(k);
    expect(s.length).toBe(k);
    const U = u.toFloat64Array(), V = v.toFloat64Array();
    const R = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let t = a[i * n + j]!;
        for (let p = 0; p < k; p++) t -= U[i * k + p]! * s[p]! * V[j * k + p]!;
        R[i * n + j] = t;
      }
    const anorm = Math.max(norm1(a, m, n), SAFMIN);
    const resid = norm1(R, m, n) / anorm / (Math.max(m, n) * EPS);
    const orth = (X: Float64Array, r: number) => {
      const G = new Float64Array(k * k);
      for (let p = 0; p < k; p++)
        for (let q = 0; q < k; q++) {
          let t = p === q ? 1 : 0;
          for (let i = 0; i < r; i++) t -= X[i * k + p]! * X[i * k + q]!;
          G[p * k + q] = t;
        }
      return norm1(G, k, k) / (k * EPS);
    };
    const orthU = orth(U, m), orthV = orth(V, n);
    for (let p = 0; p < k; p++) {
      expect(s[p]).toBeGreaterThanOrEqual(0);
      if (p > 0) expect(s[p]).toBeLessThanOrEqual(s[p - 1]!);
    }
    return { resid, orthU, orthV, s };
  } finally {
    u.dispose();
    v.dispose();
  }
}

function expectGood(A: Dense, label: string): Report {
  const r = check(A);
  const worst = Math.max(r.resid, r.orthU, r.orthV);
  if (!(worst < LIMIT)) throw new Error(`${label}: resid ${r.resid}, orthU ${r.orthU}, orthV ${r.orthV}`);
  return r;
}

const SQUARE = [1, 2, 3, 5, 7, 17, 63, 100, 257];
const RECT: [number, number][] = [[100, 7], [7, 100], [257, 63], [63, 257], [1, 5], [5, 1], [17, 3], [3, 17], [2, 1], [1, 2]];
const SHAPES: [number, number][] = [...SQUARE.map((n) => [n, n] as [number, number]), ...RECT];

function scaled(A: Dense, f: number): Dense {
  return { data: A.data.map((x) => x * f), rows: A.rows, cols: A.cols };
}

/** Matrix classes, each a function of the shape (and a seed). */
const CLASSES: Record<string, (m: number, n: number, seed: number) => Dense> = {
  random: (m, n, seed) => randomDense(m, n, seed),
  graded: (m, n, seed) => {
    const k = Math.min(m, n);
    return planted(m, n, Array.from({ length: k }, (_, i) => (k === 1 ? 1 : 10 ** ((-12 * i) / (k - 1)))), seed);
  },
  clustered: (m, n, seed) => {
    const k = Math.min(m, n);
    return planted(m, n, Array.from({ length: k }, (_, i) => 1 + i * 1e-13), seed);
  },
  repeated: (m, n, seed) => {
    const k = Math.min(m, n);
    return planted(m, n, Array.from({ length: k }, (_, i) => (i < k / 2 ? 3 : 1)), seed);
  },
  zero: (m, n) => ({ data: new Float64Array(m * n), rows: m, cols: n }),
  identity: (m, n) => {
    const data = new Float64Array(m * n);
    for (let i = 0; i < Math.min(m, n); i++) data[i * n + i] = 1;
    return { data, rows: m, cols: n };
  },
  rankDeficient: (m, n, seed) => {
    const k = Math.min(m, n);
    const r = Math.max(1, Math.floor(k / 3));
    return planted(m, n, Array.from({ length: k }, (_, i) => (i < r ? 1 + i : 0)), seed);
  },
  diagonal: (m, n, seed) => {
    const rng = prng(seed);
    const data = new Float64Array(m * n);
    for (let i = 0; i < Math.min(m, n); i++) data[i * n + i] = rng.normal() * 10 ** Math.floor(rng.uniform() * 6 - 3);
    return { data, rows: m, cols: n };
  },
  'random×1e150': (m, n, seed) => scaled(randomDense(m, n, seed), 1e150),
  'random×1e-150': (m, n, seed) => scaled(randomDense(m, n, seed), 1e-150),
  // one entry of 1, the rest at 1e-160 (the class that broke eigh's tridiagonalisation)
  'dominant+1e-160': (m, n, seed) => {
    const a = scaled(randomDense(m, n, seed), 1e-160);
    a.data[0] = 1;
    return a;
  },
};

describe('linalg.svd (f64 thin SVD kernel)', () => {
  type Worst = { resid: number; orthU: number; orthV: number };
  const worst: Record<string, Worst> = {};
  const byShape: Record<string, number> = {};

  /** The worst ratios of a class over all shapes (each run checked by expectGood), measured once. */
  function measure(cls: string): Worst {
    if (worst[cls]) return worst[cls];
    const make = CLASSES[cls]!;
    let w = { resid: 0, orthU: 0, orthV: 0 };
    for (const [m, n] of SHAPES) {
      const r = expectGood(make(m, n, 1000 * m + n), `${cls} ${m}×${n}`);
      byShape[`${m}×${n}`] = Math.max(byShape[`${m}×${n}`] ?? 0, r.resid, r.orthU, r.orthV);
      w = { resid: Math.max(w.resid, r.resid), orthU: Math.max(w.orthU, r.orthU), orthV: Math.max(w.orthV, r.orthV) };
    }
    return (worst[cls] = w);
  }

  for (const cls of Object.keys(CLASSES)) {
    it(`${cls}: residual and orthogonality ratios < ${LIMIT} on all shapes`, () => {
      measure(cls);
    });
  }

  it('recovers planted singular values to ~max(m,n)·ε·‖A‖', () => {
    for (const [m, n] of [[63, 63], [100, 7], [7, 100], [257, 63]] as [number, number][]) {
      const k = Math.min(m, n);
      const sig = Array.from({ length: k }, (_, i) => 10 ** ((-8 * i) / Math.max(1, k - 1)));
      const r = expectGood(planted(m, n, sig, 42 + m + n), `planted ${m}×${n}`);
      for (let p = 0; p < k; p++) expect(Math.abs(r.s[p]! - sig[p]!)).toBeLessThan(10 * Math.max(m, n) * EPS * sig[0]!);
    }
  });

  it('known small cases: [[3,0],[0,4]], a rank-one outer product, a 1×1', () => {
    const { u, s, v } = linalg.svd([[3, 0], [0, 4]]);
    expect(Array.from(s)).toEqual([4, 3]);
    expect(Math.abs(u.get(1, 0))).toBeCloseTo(1, 15);
    expect(Math.abs(v.get(1, 0))).toBeCloseTo(1, 15);
    u.dispose();
    v.dispose();
    const r = check({ data: Float64Array.from([1, 2, 3, 2, 4, 6]), rows: 2, cols: 3 });
    expect(r.s[0]).toBeCloseTo(Math.sqrt(14) * Math.sqrt(5), 13);
    expect(r.s[1]).toBeLessThan(1e-14);
    const one = linalg.svd([[-2.5]]);
    expect(one.s[0]).toBe(2.5);
    expect(one.u.get(0, 0) * one.v.get(0, 0)).toBe(-1);
    one.u.dispose();
    one.v.dispose();
  });

  it('scaled inputs give scaled values (no overflow / underflow)', () => {
    const A = randomDense(17, 11, 5);
    const base = check(A).s;
    for (const f of [1e150, 1e-150, 1e300, 1e-300]) {
      const r = check(scaled(A, f));
      for (let p = 0; p < base.length; p++) expect(Math.abs(r.s[p]! / f - base[p]!)).toBeLessThan(1e-13 * base[0]!);
    }
  });

  it('hard structures: tiny trailing columns, all ones, zero diagonal, Kahan, mixed exponents', () => {
    const gen = (m: number, n: number, f: (i: number, j: number) => number): Dense => {
      const data = new Float64Array(m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) data[i * n + j] = f(i, j);
      return { data, rows: m, cols: n };
    };
    const r = prng(99);
    for (const n of [30, 100]) {
      // columns graded down to 1e-200: Householder norms must not underflow
      expectGood(gen(n, n, (_, j) => r.normal() * 10 ** ((-200 * j) / n)), `col graded ${n}`);
      expectGood(gen(n, n + 3, (i) => r.normal() * 10 ** ((-200 * i) / n)), `row graded ${n}`);
      // rank one: the trailing reflectors act on round-off-sized vectors
      expectGood(gen(n, n, () => 1), `ones ${n}`);
      // upper bidiagonal with exact zeros on the diagonal (zero-shift sweeps)
      expectGood(gen(n, n, (i, j) => (j === i ? (i % 3 === 1 ? 0 : 1 + i) : j === i + 1 ? 1 : 0)), `zero diag ${n}`);
      const c = 0.285, s = Math.sqrt(1 - c * c);
      expectGood(gen(n, n, (i, j) => (j < i ? 0 : s ** i * (i === j ? 1 : -c))), `kahan ${n}`);
      expectGood(gen(n, n, () => r.normal() * 10 ** Math.floor(r.uniform() * 400 - 200)), `mixed exponents ${n}`);
      expectGood(gen(n, n, () => r.normal() * 1e-310), `subnormal ${n}`);
    }
  });

  it('accepts a Matrix and leaves it unchanged', () => {
    const A = randomDense(9, 6, 77);
    const M = Matrix.from(A);
    const { u, v } = linalg.svd(M);
    expect(Array.from(M.toFloat64Array())).toEqual(Array.from(A.data));
    u.dispose();
    v.dispose();
    M.dispose();
  });

  it(`reports the worst ratios per class and per shape, each < ${LIMIT}`, () => {
    // every class is reported (one whose test did not run, under a filter, is measured here)
    for (const cls of Object.keys(CLASSES)) {
      const w = measure(cls);
      console.log(`svd ${cls.padEnd(14)} resid ${w.resid.toFixed(2)}, orthU ${w.orthU.toFixed(2)}, orthV ${w.orthV.toFixed(2)}`);
      for (const [ratio, v] of Object.entries(w)) expect(v, `${cls}: worst ${ratio}`).toBeLessThan(LIMIT);
    }
    console.log(`svd worst ratio by shape: ${Object.entries(byShape).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
    expect(Object.keys(byShape).sort()).toEqual(SHAPES.map(([m, n]) => `${m}×${n}`).sort());
    for (const [shape, v] of Object.entries(byShape)) expect(v, `worst ratio at ${shape}`).toBeLessThan(LIMIT);
  });
});

describe('bdsqr_f64 (the bidiagonal QR of svd_f64 on its own)', () => {
  /** Runs the kernel on d (n), e (n − 1); returns the values, the status, and whether d, e were left alone. */
  async function bdsqr(d: Float64Array, e: Float64Array) {
    const { kernels, allocF64, free, heapF64 } = await import('../src/wasm/module.js');
    const K = kernels(), n = d.length;
    const pd = allocF64(n), pe = allocF64(Math.max(1, n - 1)), ps = allocF64(n), pw = allocF64(K.bdsqr_f64_work(n));
    try {
      heapF64().set(d, pd / 8);
      heapF64().set(e, pe / 8);
      const info = K.bdsqr_f64(ps, pd, pe, n, pw);
      const h = heapF64();
      const untouched = h.slice(pd / 8, pd / 8 + n).every((v, i) => Object.is(v, d[i])) && h.slice(pe / 8, pe / 8 + n - 1).every((v, i) => Object.is(v, e[i]));
      return { info, s: h.slice(ps / 8, ps / 8 + n), untouched };
    } finally {
      for (const p of [pd, pe, ps, pw]) free(p);
    }
  }

  /** Reference: one-sided Jacobi (Hestenes) on the dense bidiagonal, plain JS; values descending. */
  function jacobiValues(d: Float64Array, e: Float64Array): number[] {
    const n = d.length;
    const col = Array.from({ length: n }, (_, j) => Float64Array.from({ length: n }, (_, i) => (i === j ? d[j]! : i === j - 1 ? e[i]! : 0)));
    for (let sweep = 0; sweep < 60; sweep++) {
      let off = 0;
      for (let p = 0; p < n - 1; p++)
        for (let q = p + 1; q < n; q++) {
          const a = col[p]!, b = col[q]!;
          let al = 0, be = 0, ga = 0;
          for (let i = 0; i < n; i++) { al += a[i]! * a[i]!; be += b[i]! * b[i]!; ga += a[i]! * b[i]!; }
          if (ga === 0 || Math.abs(ga) <= 1e-17 * Math.sqrt(al * be)) continue;
          off = Math.max(off, Math.abs(ga) / Math.sqrt(al * be));
          const z = (be - al) / (2 * ga), t = Math.sign(z || 1) / (Math.abs(z) + Math.sqrt(1 + z * z));
          const c = 1 / Math.sqrt(1 + t * t), s = c * t;
          for (let i = 0; i < n; i++) { const x = a[i]!, y = b[i]!; a[i] = c * x - s * y; b[i] = s * x + c * y; }
        }
      if (off <= 1e-17) break;
    }
    return col.map((c) => Math.hypot(...c)).sort((x, y) => y - x);
  }

  it('ones on both diagonals: σₖ = 2·cos(kπ/(2n+1)), each to relative accuracy', async () => {
    for (const n of [1, 2, 3, 5, 17, 64, 257]) {
      const { info, s } = await bdsqr(new Float64Array(n).fill(1), new Float64Array(n - 1).fill(1));
      expect(info).toBe(0);
      for (let k = 1; k <= n; k++) {
        const exact = 2 * Math.cos((k * Math.PI) / (2 * n + 1));
        expect(Math.abs(s[k - 1]! - exact), `n ${n}, k ${k}`).toBeLessThanOrEqual(8 * n * EPS * exact);
      }
    }
  });

  it('random, graded, zero-diagonal and split bidiagonals match a Jacobi reference; d and e are only read', async () => {
    const r = prng(7);
    const kinds: Record<string, (n: number) => [Float64Array, Float64Array]> = {
      random: (n) => [Float64Array.from({ length: n }, r.normal), Float64Array.from({ length: n - 1 }, r.normal)],
      graded: (n) => [Float64Array.from({ length: n }, (_, i) => r.normal() * 10 ** (-i / 2)), Float64Array.from({ length: n - 1 }, (_, i) => r.normal() * 10 ** (-i / 2))],
      'zero diagonal': (n) => [Float64Array.from({ length: n }, (_, i) => (i % 3 === 1 ? 0 : r.normal())), Float64Array.from({ length: n - 1 }, r.normal)],
      split: (n) => [Float64Array.from({ length: n }, r.normal), Float64Array.from({ length: n - 1 }, (_, i) => (i % 4 === 2 ? 0 : i % 4 === 0 ? 1e-300 : r.normal()))],
    };
    for (const [kind, make] of Object.entries(kinds))
      for (const n of [1, 2, 3, 7, 17, 40]) {
        const [d, e] = make(n);
        const { info, s, untouched } = await bdsqr(d, e);
        expect(info, `${kind} ${n}`).toBe(0);
        expect(untouched, `${kind} ${n}: d, e untouched`).toBe(true);
        const ref = jacobiValues(d, e), smax = ref[0]!;
        for (let i = 0; i < n; i++) {
          expect(s[i]!, `${kind} ${n}: s non-negative, descending`).toBeGreaterThanOrEqual(i + 1 < n ? s[i + 1]! : 0);
          expect(Math.abs(s[i]! - ref[i]!), `${kind} ${n}, σ${i}`).toBeLessThanOrEqual(16 * n * EPS * smax);
        }
      }
  });

  it('NaN-free empty and 1×1 cases', async () => {
    expect((await bdsqr(new Float64Array([-3]), new Float64Array(0))).s).toEqual(Float64Array.from([3]));
    expect((await bdsqr(new Float64Array(0), new Float64Array(0))).info).toBe(0);
  });
});

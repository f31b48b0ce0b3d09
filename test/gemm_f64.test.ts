// f64 matrix products (assembly/gemm/api_f64.ts) against a plain JS triple loop (the scalar
// oracle): all three layouts and syrk, sizes that are not multiples of the 4×4 tile or of the
// cache blocks, alpha/beta (beta = 0 over NaN), padded leading dimensions, and the
// linalg.matmul / covariance / crossCovariance wrappers.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, linalg, Matrix, memoryStats } from '../src/index.js';
import { kernels, allocF64, free, heapF64 } from '../src/wasm/module.js';
import { F64, LAYOUTS, blockEdgeShapes, blockSizes, checkZeroAlphaOrK, operands, randomArray, reference, rng, runGemm, sweepShapes, sweepSizes, type Layout } from './gemm_shared.js';

beforeAll(async () => {
  await init();
});

let maxRelErr = 0;
/** entries compared with the oracle by checkGemm */
let checked = 0;

/**
 * Runs one kernel call on random operands with leading dimensions width + pad and checks
 * every entry (relative to its error scale) and that C's padding columns are untouched.
 */
function checkGemm(layout: Layout, m: number, n: number, k: number, pad: number, alpha: number, beta: number, seed: number) {
  const { lda, ldb, ldc, A, B, C0 } = operands(F64, layout, m, n, k, pad, beta, seed);
  const got = runGemm(F64, layout, A, B, C0, m, n, k, lda, ldb, ldc, alpha, beta);
  const { C: want, scale } = reference(layout, A, B, C0, m, n, k, lda, ldb, ldc, alpha, beta);
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const e = Math.abs(got[i * ldc + j]! - want[i * n + j]!) / (scale[i * n + j]! + Number.MIN_VALUE);
      if (!(e <= 1e-13)) throw new Error(`${layout} m=${m} n=${n} k=${k} pad=${pad} α=${alpha} β=${beta}: C[${i}][${j}] = ${got[i * ldc + j]}, expected ${want[i * n + j]}`);
      worst = Math.max(worst, e);
      checked++;
    }
    for (let j = n; j < ldc; j++)
      if (!Object.is(got[i * ldc + j], C0[i * ldc + j])) throw new Error(`${layout} m=${m} n=${n} k=${k}: padding C[${i}][${j}] was written`);
  }
  maxRelErr = Math.max(maxRelErr, worst);
  return worst;
}

const SMALL = [1, 2, 3, 5, 7, 17, 63];
// crosses the 4×4 tile and cache blocks of 64…512 (the code's own block edges: blockEdgeShapes)
const MIXED: [number, number, number][] = [
  [257, 63, 17], [17, 257, 63], [63, 17, 257], [5, 257, 300], [63, 17, 400],
  [130, 7, 520], [3, 520, 9], [131, 517, 5], [260, 9, 513], [9, 10, 800], [4, 8, 12], [64, 64, 64], [1, 600, 1],
];
const SCALARS: [number, number][] = [[1, 0], [2.5, 0], [-1, 1], [0.75, -0.5], [1, 1]];

describe.each(LAYOUTS)('gemm_f64_%s', (layout) => {
  const check = checkGemm.bind(null, layout);

  it('matches the scalar oracle on every m, n, k in {1, 2, 3, 5, 7, 17, 63}', () => {
    sweepSizes(SMALL, SCALARS, check);
  });

  it('matches the oracle across cache-block edges, with alpha/beta and padded strides', () => {
    sweepShapes(MIXED, [[1, 0], [-0.5, 2]], 100, check);
  });

  it("matches the oracle just past and short of the code's own tile and block sizes", () => {
    sweepShapes(blockEdgeShapes(F64), [[1, 0], [-0.5, 2]], 200, check);
  });

  it('beta = 0 never reads C (NaN in, finite out)', () => {
    // checkGemm fills C with NaN when beta == 0; an unguarded read would propagate it
    expect(checkGemm(layout, 9, 11, 13, 1, 1, 0, 7)).toBeLessThan(1e-13);
    expect(checkGemm(layout, 4, 4, 4, 0, 1, 0, 8)).toBeLessThan(1e-13);
  });

  it('alpha = 0 or k = 0 gives beta·C without touching A and B', () => {
    checkZeroAlphaOrK(F64, layout);
  });
});

describe('syrk_f64_tn', () => {
  function checkSyrk(n: number, k: number, pad: number, alpha: number, beta: number, seed: number) {
    const lda = n + pad, ldc = n + 2 * pad;
    const A = randomArray(F64, k * lda, seed);
    let C0: Float64Array;
    if (beta === 0) C0 = new Float64Array(n * ldc).fill(NaN);
    else {
      // symmetric C (only its upper triangle is read), NaN in the padding
      C0 = new Float64Array(n * ldc).fill(NaN);
      const r = rng(seed + 5);
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) C0[i * ldc + j] = C0[j * ldc + i] = r();
    }
    const K = kernels();
    const pa = allocF64(A.length), pc = allocF64(C0.length);
    try {
      heapF64().set(A, pa / 8);
      heapF64().set(C0, pc / 8);
      K.syrk_f64_tn(pc, pa, n, k, lda, ldc, alpha, beta);
      const got = heapF64().slice(pc / 8, pc / 8 + C0.length);
      const { C: want, scale } = reference('tn', A, A, C0, n, n, k, lda, lda, ldc, alpha, beta);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const e = Math.abs(got[i * ldc + j]! - want[i * n + j]!) / (scale[i * n + j]! + Number.MIN_VALUE);
          if (!(e <= 1e-13)) throw new Error(`syrk n=${n} k=${k} pad=${pad}: C[${i}][${j}] = ${got[i * ldc + j]}, expected ${want[i * n + j]}`);
          if (got[i * ldc + j] !== got[j * ldc + i]) throw new Error(`syrk n=${n} k=${k}: not exactly symmetric at (${i}, ${j})`);
          worst = Math.max(worst, e);
        }
        for (let j = n; j < ldc; j++) if (!Number.isNaN(got[i * ldc + j])) throw new Error(`syrk n=${n}: padding C[${i}][${j}] was written`);
      }
      maxRelErr = Math.max(maxRelErr, worst);
      return worst;
    } finally {
      free(pa);
      free(pc);
    }
  }

  it('matches AᵀA from the oracle for n, k in {1, 2, 3, 5, 7, 17, 63}, both triangles, exactly symmetric', () => {
    let t = 0;
    for (const n of SMALL)
      for (const k of SMALL) {
        const [alpha, beta] = SCALARS[t % SCALARS.length]!;
        checkSyrk(n, k, t % 3, alpha, beta, ++t);
      }
  });

  it('crosses the block edges (n beyond MC and NC, k beyond KC), with alpha/beta and padding', () => {
    const { mr, kc, mc, nc } = blockSizes(F64);
    const cases: [number, number][] = [[257, 17], [63, 513], [520, 5], [129, 129], [1, 700], [mc + 1, kc + 1], [nc + mr + 1, 3], [mc - 1, 2 * kc + 1]];
    let t = 300;
    for (const [n, k] of cases) for (const [alpha, beta] of [[1 / 3, 0], [2, -1]] as [number, number][]) checkSyrk(n, k, t % 3, alpha, beta, ++t);
  });

  it('alpha = 0 or k = 0 gives beta·C', () => {
    const K = kernels();
    const n = 6;
    const pc = allocF64(n * n), pa = allocF64(8);
    try {
      heapF64().fill(NaN, pa / 8, pa / 8 + 8);
      for (const [alpha, k] of [[0, 4], [1, 0]] as [number, number][]) {
        heapF64().fill(NaN, pc / 8, pc / 8 + n * n);
        K.syrk_f64_tn(pc, pa, n, k, n, n, alpha, 0);
        expect(Array.from(heapF64().subarray(pc / 8, pc / 8 + n * n))).toEqual(new Array(n * n).fill(0));
      }
    } finally {
      free(pc);
      free(pa);
    }
  });
});

describe('linalg wrappers', () => {
  function toFlat(rows: number, cols: number, seed: number) {
    return { data: randomArray(F64, rows * cols, seed), rows, cols };
  }

  it('matmul with transposeA / transposeB matches the oracle', () => {
    const before = memoryStats().liveBytes;
    let t = 500;
    for (const [m, n, k] of [[1, 1, 1], [3, 5, 7], [17, 63, 2], [65, 33, 129], [130, 70, 260]] as [number, number, number][])
      for (const ta of [false, true])
        for (const tb of [false, true]) {
          const a = toFlat(ta ? k : m, ta ? m : k, ++t), b = toFlat(tb ? n : k, tb ? k : n, ++t);
          const C = linalg.matmul(a, b, { transposeA: ta, transposeB: tb });
          try {
            expect([C.rows, C.cols]).toEqual([m, n]);
            const got = C.data;
            for (let i = 0; i < m; i++)
              for (let j = 0; j < n; j++) {
                let s = 0, sa = 0;
                for (let p = 0; p < k; p++) {
                  const x = ta ? a.data[p * m + i]! : a.data[i * k + p]!;
                  const y = tb ? b.data[j * k + p]! : b.data[p * n + j]!;
                  s += x * y;
                  sa += Math.abs(x * y);
                }
                const e = Math.abs(got[i * n + j]! - s) / sa;
                if (!(e <= 1e-13)) throw new Error(`matmul ${m}×${k}·${k}×${n} ta=${ta} tb=${tb}: C[${i}][${j}] = ${got[i * n + j]}, expected ${s}`);
                maxRelErr = Math.max(maxRelErr, e);
              }
          } finally {
            C.dispose();
          }
        }
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('matmul accepts Matrix and number[][] inputs', () => {
    const A = Matrix.from([[1, 2, 3], [4, 5, 6]]);
    const C = linalg.matmul(A, [[1, 0], [0, 1], [1, 1]]);
    expect(C.toArray()).toEqual([[4, 5], [10, 11]]);
    const G = linalg.matmul(A, A, { transposeA: true });
    expect(G.toArray()).toEqual([[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
    A.dispose();
    C.dispose();
    G.dispose();
  });

  /** Two-pass sample cross-covariance (n − 1), row-major p×q. */
  function covRef(X: { data: Float64Array; rows: number; cols: number }, Y: { data: Float64Array; rows: number; cols: number }) {
    const n = X.rows, p = X.cols, q = Y.cols;
    const mx = new Float64Array(p), my = new Float64Array(q);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) mx[j]! += X.data[i * p + j]!;
      for (let j = 0; j < q; j++) my[j]! += Y.data[i * q + j]!;
    }
    for (let j = 0; j < p; j++) mx[j]! /= n;
    for (let j = 0; j < q; j++) my[j]! /= n;
    const out = new Float64Array(p * q), scale = new Float64Array(p * q);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < p; a++) {
        const xa = X.data[i * p + a]! - mx[a]!;
        for (let b = 0; b < q; b++) {
          const v = xa * (Y.data[i * q + b]! - my[b]!);
          out[a * q + b]! += v;
          scale[a * q + b]! += Math.abs(v);
        }
      }
    for (let i = 0; i < p * q; i++) {
      out[i]! /= n - 1;
      scale[i]! /= n - 1;
    }
    return { out, scale };
  }

  function expectClose(got: Float64Array, ref: { out: Float64Array; scale: Float64Array }, what: string) {
    for (let i = 0; i < got.length; i++) {
      const e = Math.abs(got[i]! - ref.out[i]!) / (ref.scale[i]! + Number.MIN_VALUE);
      if (!(e <= 1e-12)) throw new Error(`${what}: entry ${i} = ${got[i]}, expected ${ref.out[i]}`);
      maxRelErr = Math.max(maxRelErr, e);
    }
  }

  it('covariance matches a two-pass JS covariance (offset data, several shapes)', () => {
    for (const [n, p] of [[2, 1], [10, 3], [101, 17], [1000, 37], [300, 130]] as [number, number][]) {
      const X = toFlat(n, p, n + p);
      for (let i = 0; i < X.data.length; i++) X.data[i]! += 5; // a mean far from 0
      const S = linalg.covariance(X);
      try {
        expect([S.rows, S.cols]).toEqual([p, p]);
        const got = S.data;
        expectClose(got, covRef(X, X), `covariance ${n}×${p}`);
        for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) expect(got[a * p + b]).toBe(got[b * p + a]);
      } finally {
        S.dispose();
      }
    }
  });

  it('crossCovariance matches a two-pass JS cross-covariance', () => {
    for (const [n, p, q] of [[2, 1, 1], [50, 3, 7], [400, 17, 6], [257, 40, 65]] as [number, number, number][]) {
      const X = toFlat(n, p, n + p), Y = toFlat(n, q, n + q + 1);
      for (let i = 0; i < Y.data.length; i++) Y.data[i]! -= 3;
      const S = linalg.crossCovariance(X, Y);
      try {
        expect([S.rows, S.cols]).toEqual([p, q]);
        expectClose(S.data, covRef(X, Y), `crossCovariance ${n}×${p}, ${n}×${q}`);
      } finally {
        S.dispose();
      }
    }
  });

  it('over its own sweep of every layout, every entry is compared and the largest relative error is below 1e-13', () => {
    // self-contained: run alone it still measures something (the globals start from 0 here);
    // without fused multiply-add the kernel often equals the oracle exactly, so count entries
    maxRelErr = 0;
    checked = 0;
    for (const layout of LAYOUTS) {
      sweepSizes([3, 17, 63], SCALARS, checkGemm.bind(null, layout));
      sweepShapes(MIXED.slice(0, 3), [[1, 0], [-0.5, 2]], 3000, checkGemm.bind(null, layout));
    }
    // eslint-disable-next-line no-console
    console.log(`gemm_f64: max relative error vs the scalar oracle ${maxRelErr.toExponential(2)}`);
    const entries = LAYOUTS.length * ([3, 17, 63].reduce((s, m) => s + m * [3, 17, 63].reduce((t, n) => t + 3 * n, 0), 0) + 2 * MIXED.slice(0, 3).reduce((s, [m, n]) => s + m * n, 0));
    expect(checked).toBe(entries);
    expect(maxRelErr).toBeLessThan(1e-13);
  });
});

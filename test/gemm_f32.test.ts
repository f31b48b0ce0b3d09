// f32 matrix products (assembly/gemm/api_f32.ts on assembly/gemm/driver.ts) against a plain JS
// triple loop computed in f64 on the same f32 inputs (the scalar oracle): all three layouts,
// every m, n, k in {1, 2, 3, 5, 7, 17, 63, 257} (not multiples of the 4×8 tile), mixed
// shapes crossing the cache blocks (the sizes read from the module: gemm_block_size),
// alpha/beta (beta = 0 over NaN, beta = 1 accumulation), padded leading dimensions (padding
// of A and B holds NaN, padding of C must stay untouched); syrk_f32_tn against gemm_f32_tn.
//
// Error bound: each entry is a length-k f32 dot product followed by the alpha/beta update,
// so |error| ≤ (k + 4)·u·(|alpha|·Σ|a·b| + |beta·c|) with u = 2^-24 (rounding of the
// products and of every addition, fused or not); the test asserts exactly that bound.
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../src/index.js';
import { kernels, allocF64, free, heapF32, memoryStats } from '../src/wasm/module.js';
import { F32, F64, LAYOUTS, blockEdgeShapes, blockSizes, checkZeroAlphaOrK, gemmKernel, operandShapes, operands, randomArray, reference, runGemm, sweepShapes, sweepSizes, type Layout } from './gemm_shared.js';

beforeAll(async () => {
  await init();
});

const U = 2 ** -24;

/** Sets the padding (columns width…ld-1 of each row) to `v`. */
function fillPadding(x: Float32Array, rows: number, width: number, ld: number, v: number) {
  for (let i = 0; i < rows; i++) for (let j = width; j < ld; j++) x[i * ld + j] = v;
}

/** Largest |error| / ((k + 4)·u·scale) seen (≤ 1 by the bound), and largest |error| / scale. */
let maxUlpRatio = 0;
let maxRelErr = 0;

/**
 * Runs one kernel call on random operands with leading dimensions width + pad and checks
 * every entry against the bound, and that C's padding columns are untouched.
 */
function checkGemm(layout: Layout, m: number, n: number, k: number, pad: number, alpha: number, beta: number, seed: number) {
  const { aRows, aCols, bRows, bCols, lda, ldb, ldc, A, B, C0 } = operands(F32, layout, m, n, k, pad, beta, seed);
  // NaN in the operands' padding: reading it would poison the result
  fillPadding(A, aRows, aCols, lda, NaN);
  fillPadding(B, bRows, bCols, ldb, NaN);
  fillPadding(C0, m, n, ldc, 12345.5);
  // alpha/beta as the kernel sees them (f32 parameters)
  const af = Math.fround(alpha), bf = Math.fround(beta);
  const got = runGemm(F32, layout, A, B, C0, m, n, k, lda, ldb, ldc, af, bf);
  const { C: want, scale } = reference(layout, A, B, C0, m, n, k, lda, ldb, ldc, af, bf);
  const bound = (k + 4) * U;
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const s = scale[i * n + j]!;
      const err = Math.abs(got[i * ldc + j]! - want[i * n + j]!);
      if (!(err <= bound * s + 1e-37))
        throw new Error(`${layout} m=${m} n=${n} k=${k} pad=${pad} α=${alpha} β=${beta}: C[${i}][${j}] = ${got[i * ldc + j]}, expected ${want[i * n + j]} (error ${err}, bound ${bound * s})`);
      if (s > 0) {
        worst = Math.max(worst, err / s);
        maxUlpRatio = Math.max(maxUlpRatio, err / (s * bound));
      }
    }
    for (let j = n; j < ldc; j++)
      if (got[i * ldc + j] !== 12345.5) throw new Error(`${layout} m=${m} n=${n} k=${k}: padding C[${i}][${j}] was written`);
  }
  maxRelErr = Math.max(maxRelErr, worst);
  return worst;
}

const SMALL = [1, 2, 3, 5, 7, 17, 63, 257];
// crosses the 4×8 tile and cache blocks of 64…512 (the code's own block edges: blockEdgeShapes)
const MIXED: [number, number, number][] = [
  [129, 9, 257], [131, 517, 5], [260, 13, 513], [300, 33, 520], [9, 10, 800],
  [4, 8, 256], [8, 16, 512], [128, 512, 256], [1, 700, 1], [700, 1, 3], [257, 257, 257],
];
const SCALARS: [number, number][] = [[1, 0], [2.5, 0], [-1, 1], [0.75, -0.5], [1, 1], [0.1, 0.3]];

describe.each(LAYOUTS)('gemm_f32_%s', (layout) => {
  const check = checkGemm.bind(null, layout);

  it('matches the f64 oracle on every m, n, k in {1, 2, 3, 5, 7, 17, 63, 257}', () => {
    sweepSizes(SMALL, SCALARS, check);
  });

  it('matches the oracle across cache-block edges, with alpha/beta and padded strides', () => {
    sweepShapes(MIXED, [[1, 0], [-0.5, 2], [1, 1]], 1000, check);
  });

  it("matches the oracle just past and short of the code's own tile and block sizes", () => {
    sweepShapes(blockEdgeShapes(F32), [[1, 0], [-0.5, 2]], 2000, check);
  });

  it('beta = 0 never reads C (NaN in, finite out)', () => {
    // checkGemm fills C with NaN when beta == 0; an unguarded read would propagate it
    expect(checkGemm(layout, 9, 11, 13, 1, 1, 0, 7)).toBeLessThan(1e-5);
    expect(checkGemm(layout, 4, 8, 4, 0, 1, 0, 8)).toBeLessThan(1e-5);
    expect(checkGemm(layout, 131, 520, 300, 2, -3, 0, 9)).toBeLessThan(1e-4);
  });

  it('beta = 1 accumulates (dW += Xᵀ·dZ over several calls)', () => {
    // C = A1·B1 + A2·B2 + A3·B3 through three calls, the first with beta = 0
    const m = 37, n = 70, k = 300;
    const gemm = gemmKernel(F32, layout);
    const { aRows, aCols, bRows, bCols } = operandShapes(layout, m, n, k);
    const pc = allocF64(m * n), pa = allocF64(aRows * aCols), pb = allocF64(bRows * bCols);
    try {
      const want = new Float64Array(m * n), scale = new Float64Array(m * n);
      heapF32().fill(NaN, pc / 4, pc / 4 + m * n);
      for (let call = 0; call < 3; call++) {
        const A = randomArray(F32, aRows * aCols, 50 + call), B = randomArray(F32, bRows * bCols, 60 + call);
        heapF32().set(A, pa / 4);
        heapF32().set(B, pb / 4);
        gemm(pc, pa, pb, m, n, k, aCols, bCols, n, 1, call === 0 ? 0 : 1);
        const z = new Float32Array(m * n);
        const r = reference(layout, A, B, z, m, n, k, aCols, bCols, n, 1, 0);
        for (let i = 0; i < m * n; i++) {
          want[i]! += r.C[i]!;
          scale[i]! += r.scale[i]!;
        }
      }
      const got = heapF32().slice(pc / 4, pc / 4 + m * n);
      for (let i = 0; i < m * n; i++) {
        const err = Math.abs(got[i]! - want[i]!);
        if (!(err <= (k + 8) * U * scale[i]!)) throw new Error(`accumulate ${layout}: entry ${i} = ${got[i]}, expected ${want[i]}`);
      }
    } finally {
      free(pc);
      free(pa);
      free(pb);
    }
  });

  it('alpha = 0 or k = 0 gives beta·C without touching A and B', () => {
    checkZeroAlphaOrK(F32, layout);
  });

  it('m = 0 or n = 0 writes nothing; the kernel allocates nothing', () => {
    const gemm = gemmKernel(F32, layout);
    const pc = allocF64(8), pa = allocF64(8), pb = allocF64(8);
    try {
      heapF32().fill(7, pc / 4, pc / 4 + 16);
      gemm(pc, pa, pb, 0, 4, 4, 4, 4, 4, 1, 0);
      gemm(pc, pa, pb, 4, 0, 4, 4, 4, 4, 1, 0);
      expect(Array.from(heapF32().subarray(pc / 4, pc / 4 + 16))).toEqual(new Array(16).fill(7));
      checkGemm(layout, 300, 600, 300, 1, 1, 0, 76); // warm the allocator
      const before = memoryStats();
      checkGemm(layout, 300, 600, 300, 1, 1, 0, 77);
      const after = memoryStats();
      expect(after.liveBytes).toBe(before.liveBytes);
      expect(after.memoryBytes).toBe(before.memoryBytes);
    } finally {
      free(pc);
      free(pa);
      free(pb);
    }
  });
});

describe('gemm_f32 layouts agree', () => {
  it('A·B, Aᵀ·B and A·Bᵀ on the same operands give the same C (same packed data, same order)', () => {
    // the packed panels hold the same values whatever the layout, so the results are bitwise equal
    const m = 67, n = 133, k = 290;
    const A = randomArray(F32, m * k, 5), B = randomArray(F32, k * n, 6);
    const At = new Float32Array(k * m), Bt = new Float32Array(n * k);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) At[p * m + i] = A[i * k + p]!;
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) Bt[j * k + p] = B[p * n + j]!;
    const K = kernels();
    const pa = allocF64(m * k), pb = allocF64(k * n), pat = allocF64(m * k), pbt = allocF64(k * n), pc = allocF64(m * n);
    try {
      const h = heapF32();
      h.set(A, pa / 4);
      h.set(B, pb / 4);
      h.set(At, pat / 4);
      h.set(Bt, pbt / 4);
      K.gemm_f32_nn(pc, pa, pb, m, n, k, k, n, n, 1, 0);
      const nn = heapF32().slice(pc / 4, pc / 4 + m * n);
      K.gemm_f32_tn(pc, pat, pb, m, n, k, m, n, n, 1, 0);
      const tn = heapF32().slice(pc / 4, pc / 4 + m * n);
      K.gemm_f32_nt(pc, pa, pbt, m, n, k, k, k, n, 1, 0);
      const nt = heapF32().slice(pc / 4, pc / 4 + m * n);
      expect(tn).toEqual(nn);
      expect(nt).toEqual(nn);
    } finally {
      for (const p of [pa, pb, pat, pbt, pc]) free(p);
    }
  });

  it('over its own sweep of every layout, the largest error is measured (not 0) and within the bound', () => {
    // self-contained: run alone it still measures something (the globals start from 0 here)
    maxUlpRatio = 0;
    maxRelErr = 0;
    for (const layout of LAYOUTS) {
      sweepSizes([3, 17, 63], SCALARS, checkGemm.bind(null, layout));
      sweepShapes(MIXED.slice(0, 3), [[1, 0], [-0.5, 2]], 3000, checkGemm.bind(null, layout));
    }
    // eslint-disable-next-line no-console
    console.log(`gemm_f32: max |error|/(|α|Σ|a·b| + |β·c|) = ${maxRelErr.toExponential(2)}; max |error|/(scale·(k + 4)·2^-24) = ${maxUlpRatio.toFixed(3)}`);
    expect(maxRelErr).toBeGreaterThan(0);
    expect(maxUlpRatio).toBeGreaterThan(0);
    expect(maxUlpRatio).toBeLessThanOrEqual(1);
  });
});

describe('syrk_f32_tn', () => {
  /** syrk against gemm_f32_tn(A, A): the same packing and blocking, so the upper triangle is bit-identical. */
  function checkSyrk(n: number, k: number, pad: number, alpha: number, beta: number, seed: number) {
    const lda = n + pad, ldc = n + 2 * pad;
    const A = randomArray(F32, k * lda, seed);
    const C0 = new Float32Array(n * ldc).fill(NaN);
    if (beta !== 0) {
      const r = randomArray(F32, n * n, seed + 5);
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) C0[i * ldc + j] = C0[j * ldc + i] = r[i * n + j]!;
    }
    const K = kernels();
    const pa = allocF64(A.length), pc = allocF64(C0.length), pg = allocF64(C0.length);
    try {
      heapF32().set(A, pa / 4);
      heapF32().set(C0, pc / 4);
      heapF32().set(C0, pg / 4);
      K.syrk_f32_tn(pc, pa, n, k, lda, ldc, alpha, beta);
      K.gemm_f32_tn(pg, pa, pa, n, n, k, lda, lda, ldc, alpha, beta);
      const got = heapF32().slice(pc / 4, pc / 4 + C0.length), want = heapF32().slice(pg / 4, pg / 4 + C0.length);
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          if (!Object.is(got[i * ldc + j], want[i * ldc + j])) throw new Error(`syrk n=${n} k=${k}: C[${i}][${j}] = ${got[i * ldc + j]}, gemm_tn ${want[i * ldc + j]}`);
          if (!Object.is(got[j * ldc + i], got[i * ldc + j])) throw new Error(`syrk n=${n} k=${k}: not exactly symmetric at (${i}, ${j})`);
        }
        for (let j = n; j < ldc; j++) if (!Number.isNaN(got[i * ldc + j])) throw new Error(`syrk n=${n}: padding C[${i}][${j}] was written`);
      }
    } finally {
      for (const p of [pa, pc, pg]) free(p);
    }
  }

  it('upper triangle bit-identical to gemm_f32_tn(A, A), lower its mirror, on small sizes and the block edges', () => {
    const { nr, kc, mc, nc } = blockSizes(F32);
    let t = 0;
    for (const n of SMALL) for (const k of [1, 5, 63]) checkSyrk(n, k, t % 3, ...SCALARS[t % SCALARS.length]!, ++t);
    for (const [n, k] of [[mc + 1, kc + 1], [nc + nr + 1, 7], [2 * nr - 1, 2 * kc + 3]] as [number, number][])
      for (const [alpha, beta] of [[1, 0], [-0.5, 2]] as [number, number][]) checkSyrk(n, k, t % 3, alpha, beta, ++t);
  });

  it('alpha = 0 or k = 0 gives beta·C', () => {
    const n = 6, pc = allocF64(n * n), pa = allocF64(8);
    try {
      heapF32().fill(NaN, pa / 4, pa / 4 + 16);
      for (const [alpha, k] of [[0, 4], [1, 0]] as [number, number][]) {
        heapF32().fill(NaN, pc / 4, pc / 4 + n * n);
        kernels().syrk_f32_tn(pc, pa, n, k, n, n, alpha, 0);
        expect(Array.from(heapF32().subarray(pc / 4, pc / 4 + n * n))).toEqual(new Array(n * n).fill(0));
      }
    } finally {
      free(pc);
      free(pa);
    }
  });
});

describe('gemm block sizes (gemm_block_size)', () => {
  it('are panel multiples and the one packing scratch holds either type', () => {
    for (const dt of [F32, F64]) {
      const { mr, nr, kc, mc, nc, scratch } = blockSizes(dt);
      expect(mc % mr).toBe(0);
      expect(nc % nr).toBe(0);
      expect(scratch).toBeGreaterThanOrEqual((mc * kc + nc * kc + mr * nr) * dt.bytes);
    }
    expect(blockSizes(F32).scratch).toBe(blockSizes(F64).scratch);
  });
});

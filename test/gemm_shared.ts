// Shared pieces of the f32 and f64 matrix-product tests (test/gemm_f32.test.ts,
// test/gemm_f64.test.ts): the element type, seeded operands, one kernel call, the f64
// scalar oracle, the size sweeps, and the alpha = 0 / k = 0 check. Each test file keeps its
// own error bound (f32: (k + 4)·u per entry; f64: 1e-13 relative).
import { expect } from 'vitest';
import { kernels, allocF64, free, heapF32, heapF64 } from '../src/wasm/module.js';
import { uniform } from './helpers.js';

export type Layout = 'nn' | 'tn' | 'nt';
export const LAYOUTS: Layout[] = ['nn', 'tn', 'nt'];

type Vec = Float32Array | Float64Array;

/** One element type of the gemm kernels. */
export interface Dtype<T extends Vec = Vec> {
  /** kernel name part: gemm_<name>_<layout> */
  name: 'f32' | 'f64';
  /** element size in bytes */
  bytes: 4 | 8;
  /** the wasm heap viewed as this type (index = byte offset / bytes); re-fetch after allocating */
  heap: () => T;
  /** host array of this type */
  Array: new (len: number) => T;
}

export const F32: Dtype<Float32Array> = { name: 'f32', bytes: 4, heap: heapF32, Array: Float32Array };
export const F64: Dtype<Float64Array> = { name: 'f64', bytes: 8, heap: heapF64, Array: Float64Array };

/** The kernel gemm_<dt>_<layout>(C, A, B, m, n, k, lda, ldb, ldc, alpha, beta). */
export function gemmKernel(dt: Dtype, layout: Layout) {
  return kernels()[`gemm_${dt.name}_${layout}`];
}

/** The tile and cache-block sizes of dt's GEMM, read from the kernel module (assembly/gemm/driver.ts). */
export function blockSizes(dt: Dtype) {
  const get = (which: number) => kernels().gemm_block_size(dt.bytes, which);
  return { mr: get(0), nr: get(1), kc: get(2), mc: get(3), nc: get(4), even: get(5) === 1, scratch: get(6) };
}

/**
 * Shapes (m, n, k) just past or short of the tile and of every cache block (MC along m, NC
 * along n, KC along k), from the sizes in the code, so they follow any retuning.
 */
export function blockEdgeShapes(dt: Dtype): [number, number, number][] {
  const { mr, nr, kc, mc, nc } = blockSizes(dt);
  return [
    [mc + 1, nr + 1, kc + 1], [2 * mc + mr - 1, 3, kc - 1], [mr + 1, nc + 1, 2 * kc + 1],
    [mc - 1, nc + nr - 1, 5], [3, 2 * nc + 1, kc + 3],
  ];
}

/** Deterministic values in [-1, 1) (xorshift32, seed ≠ 0). */
export function rng(seed: number): () => number {
  const u = uniform(seed);
  return () => u() * 2 - 1;
}

/** len values of rng(seed), stored as dt's type (f32: rounded). */
export function randomArray<T extends Vec>(dt: Dtype<T>, len: number, seed: number): T {
  const r = rng(seed);
  const a = new dt.Array(len);
  for (let i = 0; i < len; i++) a[i] = r();
  return a;
}

/** Stored rows × columns of A and B when op(A) is m×k and op(B) is k×n. */
export function operandShapes(layout: Layout, m: number, n: number, k: number) {
  return {
    aRows: layout === 'tn' ? k : m, aCols: layout === 'tn' ? m : k,
    bRows: layout === 'nt' ? n : k, bCols: layout === 'nt' ? k : n,
  };
}

/**
 * Random operands for one call: leading dimensions lda = width + pad, ldb = width + 2·pad,
 * ldc = n + pad; A from seed, B from seed + 1, C0 from seed + 2 (all NaN when beta == 0).
 */
export function operands<T extends Vec>(dt: Dtype<T>, layout: Layout, m: number, n: number, k: number, pad: number, beta: number, seed: number) {
  const s = operandShapes(layout, m, n, k);
  const lda = s.aCols + pad, ldb = s.bCols + 2 * pad, ldc = n + pad;
  const A = randomArray(dt, s.aRows * lda, seed), B = randomArray(dt, s.bRows * ldb, seed + 1);
  const C0 = beta === 0 ? new dt.Array(m * ldc).fill(NaN) as T : randomArray(dt, m * ldc, seed + 2);
  return { ...s, lda, ldb, ldc, A, B, C0 };
}

/** Room for len values of dt. */
function allocVec(dt: Dtype, len: number): number {
  return allocF64(Math.ceil((len * dt.bytes) / 8));
}

/** Copies A, B, C0 into wasm memory, runs gemm_<dt>_<layout> and returns C (C0.length values). */
export function runGemm<T extends Vec>(dt: Dtype<T>, layout: Layout, A: T, B: T, C0: T,
  m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number): T {
  const e = dt.bytes;
  const pa = allocVec(dt, A.length), pb = allocVec(dt, B.length), pc = allocVec(dt, C0.length);
  try {
    const h = dt.heap();
    h.set(A, pa / e);
    h.set(B, pb / e);
    h.set(C0, pc / e);
    gemmKernel(dt, layout)(pc, pa, pb, m, n, k, lda, ldb, ldc, alpha, beta);
    return dt.heap().slice(pc / e, pc / e + C0.length) as T;
  } finally {
    free(pa);
    free(pb);
    free(pc);
  }
}

/**
 * Reference C = alpha·op(A)·op(B) + beta·C0 in f64, m×n with row stride n (C0 not read when
 * beta == 0), plus the error scale |alpha|·Σ|a·b| + |beta·c| of every entry.
 */
export function reference(layout: Layout, A: Vec, B: Vec, C0: Vec,
  m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number) {
  const C = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0, sa = 0;
      for (let p = 0; p < k; p++) {
        const a = layout === 'tn' ? A[p * lda + i]! : A[i * lda + p]!;
        const b = layout === 'nt' ? B[j * ldb + p]! : B[p * ldb + j]!;
        s += a * b;
        sa += Math.abs(a * b);
      }
      const c = C0[i * ldc + j]!;
      C[i * n + j] = beta === 0 ? alpha * s : alpha * s + beta * c;
      scale[i * n + j] = Math.abs(alpha) * sa + (beta === 0 ? 0 : Math.abs(beta * c));
    }
  return { C, scale };
}

/** check(m, n, k, pad, alpha, beta, seed) for one product. */
export type GemmCheck = (m: number, n: number, k: number, pad: number, alpha: number, beta: number, seed: number) => unknown;

/** Every m, n, k in sizes; (alpha, beta) cycles through scalars, pad = t % 3, seeds 1, 2, …. */
export function sweepSizes(sizes: number[], scalars: [number, number][], check: GemmCheck): void {
  let t = 0;
  for (const m of sizes)
    for (const n of sizes)
      for (const k of sizes) {
        const [alpha, beta] = scalars[t % scalars.length]!;
        check(m, n, k, t % 3, alpha, beta, ++t);
      }
}

/** Every shape with every (alpha, beta); pad = t % 4, seeds t0 + 1, t0 + 2, …. */
export function sweepShapes(shapes: [number, number, number][], scalars: [number, number][], t0: number, check: GemmCheck): void {
  let t = t0;
  for (const [m, n, k] of shapes)
    for (const [alpha, beta] of scalars) check(m, n, k, t % 4, alpha, beta, ++t);
}

/**
 * alpha = 0 or k = 0: C = beta·C exactly (0 for beta = 0 over NaN), A and B (all NaN) never
 * read, C's padding column untouched.
 */
export function checkZeroAlphaOrK(dt: Dtype, layout: Layout): void {
  const K = gemmKernel(dt, layout);
  const e = dt.bytes;
  const m = 5, n = 6, ldc = 7;
  const pc = allocF64(m * ldc), pa = allocF64(64), pb = allocF64(64);
  try {
    dt.heap().fill(NaN, pa / e, pa / e + 512 / e); // all 64·8 bytes of A and B
    dt.heap().fill(NaN, pb / e, pb / e + 512 / e);
    for (const [alpha, k] of [[0, 3], [1, 0]] as [number, number][]) {
      dt.heap().fill(NaN, pc / e, pc / e + m * ldc);
      K(pc, pa, pb, m, n, k, 8, 8, ldc, alpha, 0);
      let h = dt.heap();
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(h[pc / e + i * ldc + j]).toBe(0);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) h[pc / e + i * ldc + j] = i - j;
      K(pc, pa, pb, m, n, k, 8, 8, ldc, alpha, -2);
      h = dt.heap();
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(h[pc / e + i * ldc + j]).toBe(-2 * (i - j));
      expect(Number.isNaN(h[pc / e + n])).toBe(true); // padding column untouched
    }
  } finally {
    free(pc);
    free(pa);
    free(pb);
  }
}

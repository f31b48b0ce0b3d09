// f64 pieces of the GEMM (driver.ts): packing into panels of 4 rows of A / 4 columns of B,
// and the 4×4 f64x2 micro-kernel. Packed format: a panel of 4 rows (of A) or 4 columns (of B)
// is stored p-major, 4 consecutive f64 per k index, zero-padded when fewer than 4 are left;
// A and B panels are the same, so syrk reuses packed B panels as A panels.
//
// Builds: baseline SIMD (f64x2 mul + add), relaxed SIMD (f64x2.relaxed_madd), scalar (two
// 2×4 halves of f64 locals).

import { packStrided } from './pack';

/**
 * Packs `rows` (≤ 4) rows × kc of a strided source into one panel at dst (kc × 4, p-major),
 * element (r, p) at src + (r·rs + p·ps)·8. Missing rows are zero-filled.
 */
export function packPanel64(dst: usize, src: usize, rows: i32, kc: i32, rs: usize, ps: usize): void {
  const rsb = rs << 3, psb = ps << 3;
  // full panels with a unit stride: v128 copies / 2×2 transposes (the scalar build uses the
  // general loop below for everything)
  if (ASC_FEATURE_SIMD) if (rows == 4) {
    if (rs == 1) {
      // the 4 entries for one k are contiguous: two vector copies per k
      let s = src;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(s));
        v128.store(dst, v128.load(s, 16), 16);
        s += psb;
        dst += 32;
      }
      return;
    }
    if (ps == 1) {
      // 4 contiguous rows along k: 2×2 transposes of (row pair) × (k pair)
      const r0 = src, r1 = src + rsb, r2 = src + 2 * rsb, r3 = src + 3 * rsb;
      let o: usize = 0;
      const k2 = kc & ~1;
      for (let p = 0; p < k2; p += 2) {
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o);
        const x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
        v128.store(dst, v128.shuffle<f64>(x0, x1, 0, 2));
        v128.store(dst, v128.shuffle<f64>(x2, x3, 0, 2), 16);
        v128.store(dst, v128.shuffle<f64>(x0, x1, 1, 3), 32);
        v128.store(dst, v128.shuffle<f64>(x2, x3, 1, 3), 48);
        o += 16;
        dst += 64;
      }
      if (kc & 1) {
        store<f64>(dst, load<f64>(r0 + o));
        store<f64>(dst, load<f64>(r1 + o), 8);
        store<f64>(dst, load<f64>(r2 + o), 16);
        store<f64>(dst, load<f64>(r3 + o), 24);
      }
      return;
    }
  }
  // general strides or a partial panel: scalar, zero-padded
  packStrided<f64>(dst, src, rows, kc, rsb, psb, 4);
}

// ---- micro-kernel ----

/** c + a·b per lane: one fused relaxed_madd in the relaxed build, mul + add otherwise. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/**
 * 4×4 tile: C = alpha·(Apanel·Bpanel) + beta·C over kc steps (C not read when beta == 0).
 * pa, pb: packed panels (kc × 4 each); c: tile origin; ldcb: row stride of C in bytes.
 */
// @ts-ignore: decorator
@inline export function micro4x4(pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, alpha: f64, beta: f64): void {
  if (ASC_FEATURE_SIMD) micro4x4Simd(pa, pb, kc, c, ldcb, alpha, beta);
  else micro4x4Scalar(pa, pb, kc, c, ldcb, alpha, beta);
}

function micro4x4Simd(pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, alpha: f64, beta: f64): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  let a: v128, b0: v128, b1: v128;
  // One k step per iteration on purpose. Unrolled by hand, Binaryen fuses the steps into long
  // per-accumulator expression trees and TurboFan hoists all the loads of the unrolled body,
  // so V8 runs out of xmm registers and spills (measured 17 GFLOP/s unrolled ×2/×4/×8 against
  // 25 unrolled ×1). The plain loop keeps 8 accumulators + 2 B + 1 A + 1 temp in registers
  // and issues 8 mulpd + 8 addpd per 6 loads, the f64x2 mul/add throughput limit (the
  // relaxed build: 8 f64x2.relaxed_madd, fused where the engine has FMA).
  const end = pa + (<usize>kc << 5);
  while (pa < end) {
    b0 = v128.load(pb, 0); b1 = v128.load(pb, 16);
    a = v128.load64_splat(pa, 0); c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load64_splat(pa, 8); c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load64_splat(pa, 16); c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load64_splat(pa, 24); c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += 32;
    pb += 32;
  }
  const va = f64x2.splat(alpha);
  const c1 = c + ldcb, c2 = c + 2 * ldcb, c3 = c + 3 * ldcb;
  if (beta == 0) {
    v128.store(c, f64x2.mul(va, c00)); v128.store(c, f64x2.mul(va, c01), 16);
    v128.store(c1, f64x2.mul(va, c10)); v128.store(c1, f64x2.mul(va, c11), 16);
    v128.store(c2, f64x2.mul(va, c20)); v128.store(c2, f64x2.mul(va, c21), 16);
    v128.store(c3, f64x2.mul(va, c30)); v128.store(c3, f64x2.mul(va, c31), 16);
  } else {
    const vb = f64x2.splat(beta);
    v128.store(c, f64x2.add(f64x2.mul(va, c00), f64x2.mul(vb, v128.load(c))));
    v128.store(c, f64x2.add(f64x2.mul(va, c01), f64x2.mul(vb, v128.load(c, 16))), 16);
    v128.store(c1, f64x2.add(f64x2.mul(va, c10), f64x2.mul(vb, v128.load(c1))));
    v128.store(c1, f64x2.add(f64x2.mul(va, c11), f64x2.mul(vb, v128.load(c1, 16))), 16);
    v128.store(c2, f64x2.add(f64x2.mul(va, c20), f64x2.mul(vb, v128.load(c2))));
    v128.store(c2, f64x2.add(f64x2.mul(va, c21), f64x2.mul(vb, v128.load(c2, 16))), 16);
    v128.store(c3, f64x2.add(f64x2.mul(va, c30), f64x2.mul(vb, v128.load(c3))));
    v128.store(c3, f64x2.add(f64x2.mul(va, c31), f64x2.mul(vb, v128.load(c3, 16))), 16);
  }
}

/** Scalar build: the 4×4 tile as two 2×4 halves (8 accumulators each, no spills). */
function micro4x4Scalar(pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, alpha: f64, beta: f64): void {
  for (let h = 0; h < 2; h++) {
    let c00 = 0.0, c01 = 0.0, c02 = 0.0, c03 = 0.0, c10 = 0.0, c11 = 0.0, c12 = 0.0, c13 = 0.0;
    let a = pa + (<usize>h << 4), b = pb;
    const end = pb + (<usize>kc << 5);
    while (b < end) {
      const b0 = load<f64>(b), b1 = load<f64>(b, 8), b2 = load<f64>(b, 16), b3 = load<f64>(b, 24);
      const a0 = load<f64>(a), a1 = load<f64>(a, 8);
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
      a += 32;
      b += 32;
    }
    const r0 = c + (<usize>(2 * h) * ldcb), r1 = r0 + ldcb;
    if (beta == 0) {
      store<f64>(r0, alpha * c00); store<f64>(r0, alpha * c01, 8); store<f64>(r0, alpha * c02, 16); store<f64>(r0, alpha * c03, 24);
      store<f64>(r1, alpha * c10); store<f64>(r1, alpha * c11, 8); store<f64>(r1, alpha * c12, 16); store<f64>(r1, alpha * c13, 24);
    } else {
      store<f64>(r0, alpha * c00 + beta * load<f64>(r0)); store<f64>(r0, alpha * c01 + beta * load<f64>(r0, 8), 8);
      store<f64>(r0, alpha * c02 + beta * load<f64>(r0, 16), 16); store<f64>(r0, alpha * c03 + beta * load<f64>(r0, 24), 24);
      store<f64>(r1, alpha * c10 + beta * load<f64>(r1)); store<f64>(r1, alpha * c11 + beta * load<f64>(r1, 8), 8);
      store<f64>(r1, alpha * c12 + beta * load<f64>(r1, 16), 16); store<f64>(r1, alpha * c13 + beta * load<f64>(r1, 24), 24);
    }
  }
}

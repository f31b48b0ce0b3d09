// f32 pieces of the GEMM (driver.ts): packing into panels of 4 rows of A / 8 columns of B,
// and the 4×8 f32x4 micro-kernel. Packed format: a panel of w rows (of A) or columns (of B) is
// stored p-major, w consecutive f32 per k index, zero-padded when fewer than w are left. Each
// layout has a vector fast path (a straight copy when the panel's entries for one k are
// contiguous, 4×4 in-register transposes when they are contiguous along k).
//
// Builds: baseline SIMD (f32x4 mul + add), relaxed SIMD (f32x4.relaxed_madd, fused on x86
// with FMA and on ARM), scalar (no SIMD: the same packing, 4×2 register tiles of f32
// locals). Only the branch of `if (ASC_FEATURE_…)` that is live is compiled.

import { packStrided } from './pack';

/**
 * Packs `rows` (≤ W) rows × kc of a strided source into one panel at dst (kc × W, p-major),
 * element (r, p) at src + (r·rs + p·ps)·4. Missing rows are zero-filled. W is 4 or 8.
 */
// @ts-ignore: decorator
@inline
export function packPanel32(dst: usize, src: usize, rows: i32, kc: i32, rs: usize, ps: usize, w: i32): void {
  const rsb = rs << 2, psb = ps << 2;
  const wb = <usize>w << 2;
  if (ASC_FEATURE_SIMD) {
    if (rows == w) {
      if (rs == 1) {
        // the w entries for one k are contiguous: w/4 vector copies per k
        let s = src;
        if (w == 8) {
          for (let p = 0; p < kc; p++) {
            v128.store(dst, v128.load(s));
            v128.store(dst, v128.load(s, 16), 16);
            s += psb;
            dst += 32;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            v128.store(dst, v128.load(s));
            s += psb;
            dst += 16;
          }
        }
        return;
      }
      if (ps == 1) {
        // rows contiguous along k: 4×4 transposes of (4 rows) × (4 k)
        const k4 = kc & ~3;
        for (let g = 0; g < w; g += 4) {
          const r0 = src + <usize>g * rsb, r1 = r0 + rsb, r2 = r1 + rsb, r3 = r2 + rsb;
          let d = dst + (<usize>g << 2);
          let o: usize = 0;
          for (let p = 0; p < k4; p += 4) {
            const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o);
            const x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
            const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5); // x0₀ x1₀ x0₁ x1₁
            const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5); // x2₀ x3₀ x2₁ x3₁
            const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7); // x0₂ x1₂ x0₃ x1₃
            const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7); // x2₂ x3₂ x2₃ x3₃
            v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
            v128.store(d + wb, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
            v128.store(d + 2 * wb, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
            v128.store(d + 3 * wb, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
            o += 16;
            d += wb << 2;
          }
          for (let p = k4; p < kc; p++) {
            store<f32>(d, load<f32>(r0 + o));
            store<f32>(d, load<f32>(r1 + o), 4);
            store<f32>(d, load<f32>(r2 + o), 8);
            store<f32>(d, load<f32>(r3 + o), 12);
            o += 4;
            d += wb;
          }
        }
        return;
      }
    }
  }
  // general strides, a partial panel or the scalar build: element by element, zero-padded
  packStrided<f32>(dst, src, rows, kc, rsb, psb, w);
}

// ---- micro-kernels ----

/**
 * 4×8 tile: C = alpha·(Apanel·Bpanel) + beta·C over kc steps (C not read when beta == 0).
 * pa: packed A panel (kc × 4); pb: packed B panel (kc × 8); c: tile origin; ldcb: row
 * stride of C in bytes.
 */
export function micro4x8(pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, alpha: f32, beta: f32): void {
  if (ASC_FEATURE_SIMD) {
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
    let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
    let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
    let a: v128, b0: v128, b1: v128;
    const end = pa + (<usize>kc << 4);
    // One k step per iteration, as in f64.ts: unrolled ×2, TurboFan hoists the loads of
    // the body and spills (measured 37 against 48 GFLOP/s at 1024³, Zen 5, Node 20). The plain
    // loop keeps 8 accumulators + 2 B + 1 A in xmm registers: per k, 2 loads + 4 broadcast
    // loads (vbroadcastss) and 8 mulps + 8 addps, or 8 vfmadd with relaxed SIMD. Loading A as
    // one vector and splatting lanes with shuffles measured the same (−1 %).
    if (ASC_FEATURE_RELAXED_SIMD) {
      while (pa < end) {
        b0 = v128.load(pb, 0); b1 = v128.load(pb, 16);
        a = v128.load32_splat(pa, 0); c00 = f32x4.relaxed_madd(a, b0, c00); c01 = f32x4.relaxed_madd(a, b1, c01);
        a = v128.load32_splat(pa, 4); c10 = f32x4.relaxed_madd(a, b0, c10); c11 = f32x4.relaxed_madd(a, b1, c11);
        a = v128.load32_splat(pa, 8); c20 = f32x4.relaxed_madd(a, b0, c20); c21 = f32x4.relaxed_madd(a, b1, c21);
        a = v128.load32_splat(pa, 12); c30 = f32x4.relaxed_madd(a, b0, c30); c31 = f32x4.relaxed_madd(a, b1, c31);
        pa += 16;
        pb += 32;
      }
    } else {
      while (pa < end) {
        b0 = v128.load(pb, 0); b1 = v128.load(pb, 16);
        a = v128.load32_splat(pa, 0); c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
        a = v128.load32_splat(pa, 4); c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
        a = v128.load32_splat(pa, 8); c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
        a = v128.load32_splat(pa, 12); c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
        pa += 16;
        pb += 32;
      }
    }
    const va = f32x4.splat(alpha);
    const c1 = c + ldcb, c2 = c1 + ldcb, c3 = c2 + ldcb;
    if (beta == 0) {
      v128.store(c, f32x4.mul(va, c00)); v128.store(c, f32x4.mul(va, c01), 16);
      v128.store(c1, f32x4.mul(va, c10)); v128.store(c1, f32x4.mul(va, c11), 16);
      v128.store(c2, f32x4.mul(va, c20)); v128.store(c2, f32x4.mul(va, c21), 16);
      v128.store(c3, f32x4.mul(va, c30)); v128.store(c3, f32x4.mul(va, c31), 16);
    } else if (beta == 1) {
      // the accumulate form (backprop dW += Xᵀ·dZ, later k blocks)
      v128.store(c, f32x4.add(v128.load(c), f32x4.mul(va, c00)));
      v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(va, c01)), 16);
      v128.store(c1, f32x4.add(v128.load(c1), f32x4.mul(va, c10)));
      v128.store(c1, f32x4.add(v128.load(c1, 16), f32x4.mul(va, c11)), 16);
      v128.store(c2, f32x4.add(v128.load(c2), f32x4.mul(va, c20)));
      v128.store(c2, f32x4.add(v128.load(c2, 16), f32x4.mul(va, c21)), 16);
      v128.store(c3, f32x4.add(v128.load(c3), f32x4.mul(va, c30)));
      v128.store(c3, f32x4.add(v128.load(c3, 16), f32x4.mul(va, c31)), 16);
    } else {
      const vb = f32x4.splat(beta);
      v128.store(c, f32x4.add(f32x4.mul(va, c00), f32x4.mul(vb, v128.load(c))));
      v128.store(c, f32x4.add(f32x4.mul(va, c01), f32x4.mul(vb, v128.load(c, 16))), 16);
      v128.store(c1, f32x4.add(f32x4.mul(va, c10), f32x4.mul(vb, v128.load(c1))));
      v128.store(c1, f32x4.add(f32x4.mul(va, c11), f32x4.mul(vb, v128.load(c1, 16))), 16);
      v128.store(c2, f32x4.add(f32x4.mul(va, c20), f32x4.mul(vb, v128.load(c2))));
      v128.store(c2, f32x4.add(f32x4.mul(va, c21), f32x4.mul(vb, v128.load(c2, 16))), 16);
      v128.store(c3, f32x4.add(f32x4.mul(va, c30), f32x4.mul(vb, v128.load(c3))));
      v128.store(c3, f32x4.add(f32x4.mul(va, c31), f32x4.mul(vb, v128.load(c3, 16))), 16);
    }
  } else {
    // scalar build: four 4×2 register tiles of f32 locals (columns 0-1, 2-3, 4-5, 6-7)
    micro4x2Scalar(pa, pb, kc, c, ldcb, alpha, beta);
    micro4x2Scalar(pa, pb + 8, kc, c + 8, ldcb, alpha, beta);
    micro4x2Scalar(pa, pb + 16, kc, c + 16, ldcb, alpha, beta);
    micro4x2Scalar(pa, pb + 24, kc, c + 24, ldcb, alpha, beta);
  }
}

/**
 * Scalar build: a 4×2 tile of a 4×8 panel pair (B columns at pb + p·32 + 0/4) in 8 f32
 * locals. 4×2 rather than 4×4: with 16 accumulators + 4 B + 1 A live, TurboFan spills
 * (8.5 GFLOP/s at 1024³ on Zen 5); 8 accumulators stay in registers (14.6 GFLOP/s).
 */
function micro4x2Scalar(pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, alpha: f32, beta: f32): void {
  let c00: f32 = 0, c01: f32 = 0, c10: f32 = 0, c11: f32 = 0;
  let c20: f32 = 0, c21: f32 = 0, c30: f32 = 0, c31: f32 = 0;
  const end = pa + (<usize>kc << 4);
  while (pa < end) {
    const b0 = load<f32>(pb, 0), b1 = load<f32>(pb, 4);
    let a = load<f32>(pa, 0); c00 += a * b0; c01 += a * b1;
    a = load<f32>(pa, 4); c10 += a * b0; c11 += a * b1;
    a = load<f32>(pa, 8); c20 += a * b0; c21 += a * b1;
    a = load<f32>(pa, 12); c30 += a * b0; c31 += a * b1;
    pa += 16;
    pb += 32;
  }
  const c1 = c + ldcb, c2 = c1 + ldcb, c3 = c2 + ldcb;
  if (beta == 0) {
    store<f32>(c, alpha * c00, 0); store<f32>(c, alpha * c01, 4);
    store<f32>(c1, alpha * c10, 0); store<f32>(c1, alpha * c11, 4);
    store<f32>(c2, alpha * c20, 0); store<f32>(c2, alpha * c21, 4);
    store<f32>(c3, alpha * c30, 0); store<f32>(c3, alpha * c31, 4);
  } else {
    store<f32>(c, alpha * c00 + beta * load<f32>(c, 0), 0); store<f32>(c, alpha * c01 + beta * load<f32>(c, 4), 4);
    store<f32>(c1, alpha * c10 + beta * load<f32>(c1, 0), 0); store<f32>(c1, alpha * c11 + beta * load<f32>(c1, 4), 4);
    store<f32>(c2, alpha * c20 + beta * load<f32>(c2, 0), 0); store<f32>(c2, alpha * c21 + beta * load<f32>(c2, 4), 4);
    store<f32>(c3, alpha * c30 + beta * load<f32>(c3, 0), 0); store<f32>(c3, alpha * c31 + beta * load<f32>(c3, 4), 4);
  }
}

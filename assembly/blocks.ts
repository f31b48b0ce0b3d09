// Glue for composing networks, f32 with f32x4 SIMD (scalar loops in the scalar build, same
// values): column blocks copied in and out of a wider matrix (concatenation, split, dX split
// back into its parts), the sum of gradients that reach one output from several consumers,
// 4-byte gathers and f32 ↔ f64 conversions. Every kernel OVERWRITES its output (none
// accumulates); sums are explicit (add_f32).
// Row-major, strides in elements: x is n×w with row stride ldx.
import { copyRow, zipRow, OP_ADD } from './nn_math';

/**
 * out (n×w, stride ldo) = x (n×w, stride ldx), each row i scaled by gate[i·ldg] when
 * gate ≠ 0; a row whose gate is exactly 0 is written as zeros (so NaN or ±Inf in x never
 * leaks through a closed gate). Used both ways: x into a column block of a wider out
 * (concatenation, out pointing at the block's first column) and a column block of a wider x
 * into a narrow out (split). out and x must not overlap.
 */
export function copy_block_f32(out: usize, x: usize, gate: usize, n: i32, w: i32, ldo: i32, ldx: i32, ldg: i32): void {
  for (let i = 0; i < n; i++) {
    const dst = out + (<usize>(i * ldo) << 2);
    const src = x + (<usize>(i * ldx) << 2);
    let j = 0;
    if (gate) {
      const g = load<f32>(gate + (<usize>(i * ldg) << 2));
      if (g == 0) {
        fillRow(dst, 0, w);
        continue;
      }
      if (ASC_FEATURE_SIMD) {
        const vg = f32x4.splat(g);
        for (; j + 4 <= w; j += 4) {
          const o = <usize>j << 2;
          v128.store(dst + o, f32x4.mul(v128.load(src + o), vg));
        }
      }
      for (; j < w; j++) {
        const o = <usize>j << 2;
        store<f32>(dst + o, load<f32>(src + o) * g);
      }
      continue;
    }
    copyRow(dst, src, w);
  }
}

/** out (n×w, stride ldo) = v everywhere: a column block with no gradient (split) or a reset. */
export function fill_block_f32(out: usize, v: f32, n: i32, w: i32, ldo: i32): void {
  for (let i = 0; i < n; i++) fillRow(out + (<usize>(i * ldo) << 2), v, w);
}

/** dst[j] = v for j < w. */
@inline function fillRow(dst: usize, v: f32, w: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const vv = f32x4.splat(v);
    for (; j + 4 <= w; j += 4) v128.store(dst + (<usize>j << 2), vv);
  }
  for (; j < w; j++) store<f32>(dst + (<usize>j << 2), v);
}

/** out = a + b over len values (out may equal a or b). */
export function add_f32(out: usize, a: usize, b: usize, len: i32): void {
  zipRow(out, a, b, len, OP_ADD);
}

/** out[i] = src[idx[i]] for i < n: 4-byte values (u32, i32 or f32 bits), idx u32. */
export function gather_u32(out: usize, src: usize, idx: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const k = load<u32>(idx + (<usize>i << 2));
    store<u32>(out + (<usize>i << 2), load<u32>(src + (<usize>k << 2)));
  }
}

/** idx[i] = i for i < n (u32). */
export function iota_u32(idx: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u32>(idx + (<usize>i << 2), <u32>i);
}

/** out (f64) = x (f32) over len values: exact. */
export function f32_to_f64(out: usize, x: usize, len: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= len; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      const o = out + (<usize>i << 3);
      v128.store(o, f64x2.promote_low_f32x4(v));
      v128.store(o, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), 16);
    }
  }
  for (; i < len; i++) store<f64>(out + (<usize>i << 3), <f64>load<f32>(x + (<usize>i << 2)));
}

/** out (f32) = round(scale·x) (x f64) over len values; scale ±1 is exact before rounding. */
export function f64_to_f32(out: usize, x: usize, len: i32, scale: f64): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vs = f64x2.splat(scale);
    for (; i + 4 <= len; i += 4) {
      const p = x + (<usize>i << 3);
      const lo = f32x4.demote_f64x2_zero(f64x2.mul(v128.load(p), vs));
      const hi = f32x4.demote_f64x2_zero(f64x2.mul(v128.load(p, 16), vs));
      v128.store(out + (<usize>i << 2), v128.shuffle<f32>(lo, hi, 0, 1, 4, 5));
    }
  }
  for (; i < len; i++) store<f32>(out + (<usize>i << 2), <f32>(load<f64>(x + (<usize>i << 3)) * scale));
}

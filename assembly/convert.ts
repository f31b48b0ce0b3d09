// Conversions between f32 (the networks' storage) and f64 (the linear algebra's), f64x2 SIMD
// with a scalar loop in the scalar build (per-element conversions: the same values).

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

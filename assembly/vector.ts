// Whole-vector f32 operations over len contiguous values, f32x4 SIMD (scalar loops in the
// scalar build with the same per-element operations): the sum of squares (in f64 over four
// lane accumulators, combined as (a0 + a2) + (a1 + a3), then the remainder in order; the
// scalar build emulates the same lanes, so all builds return identical sums), a scaling in
// place and an elementwise product.
import { addSq2, hi64, lanes1, lanes4, lo64, OP_MUL, scaleRow, zipRow } from './nn_loops';

/** Σ x², each square and the sum in f64 (four lane sums combined as (a0 + a2) + (a1 + a3)). */
export function sumsq_f32(x: usize, len: i32): f64 {
  let i = 0;
  let total = 0.0;
  if (ASC_FEATURE_SIMD) {
    let acc01 = f64x2.splat(0), acc23 = f64x2.splat(0);
    for (; i + 4 <= len; i += 4) {
      const d = v128.load(x + (<usize>i << 2));
      acc01 = addSq2(acc01, lo64(d));
      acc23 = addSq2(acc23, hi64(d));
    }
    total = lanes4(acc01, acc23);
  } else {
    let a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    for (; i + 4 <= len; i += 4) {
      const o = x + (<usize>i << 2);
      const d0 = <f64>load<f32>(o), d1 = <f64>load<f32>(o, 4), d2 = <f64>load<f32>(o, 8), d3 = <f64>load<f32>(o, 12);
      a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3;
    }
    total = lanes1(a0, a1, a2, a3);
  }
  for (; i < len; i++) {
    const d = <f64>load<f32>(x + (<usize>i << 2));
    total += d * d;
  }
  return total;
}

/** x *= s. */
export function scale_f32(x: usize, len: i32, s: f32): void {
  scaleRow(x, len, s, OP_MUL);
}

/** out = a ⊙ b (out may equal a or b). */
export function mul_f32(out: usize, a: usize, b: usize, len: i32): void {
  zipRow(out, a, b, len, OP_MUL);
}
